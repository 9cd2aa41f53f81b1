/* transcript.c - see transcript.h. */
#include "transcript.h"
#include "context.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { TRANSCRIPT_MAX_BYTES = 64 * 1024 }; /* past it, records are dropped */

static void transcript_path(char *path, size_t size)
{
	snprintf(path, size, "%s/transcript", grader_ctx.tmpdir);
}

/*
 * The transcript as a stream, if it is a regular file: the code under test
 * may have put a link or a FIFO in its place, and the host must not follow
 * the one or wait on the other.
 */
static FILE *open_regular(const char *path, int flags, const char *mode)
{
	int fd = open(path, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
	struct stat st;
	FILE *f;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (f = fdopen(fd, mode)) == NULL) {
		close(fd);
		return NULL;
	}
	return f;
}

void transcript_command(char *line, size_t size, const char *prog, const char *const args[])
{
	size_t used = (size_t)snprintf(line, size, "%s", prog);

	for (size_t i = 0; args && args[i] && used < size; i++)
		used += (size_t)snprintf(line + used, size - used, " %s", args[i]);
}

/* One stream of a record: its name, then up to TRANSCRIPT_STREAM_BYTES of it. */
static void put_stream(FILE *f, const char *name, const char *data, size_t len,
		       bool truncated)
{
	const size_t shown = len < TRANSCRIPT_STREAM_BYTES ? len : TRANSCRIPT_STREAM_BYTES;

	if (len == 0) {
		fprintf(f, "%s: (nothing)\n", name);
		return;
	}
	fprintf(f, "%s:\n", name);
	fwrite(data, 1, shown, f);
	if (shown > 0 && data[shown - 1] != '\n')
		fputc('\n', f);
	if (shown < len || truncated)
		fprintf(f, "[... %zu bytes in all%s]\n", len, truncated ? ", and more" : "");
}

void transcript_record(const char *command, const struct run_result *res)
{
	char path[sizeof grader_ctx.tmpdir + 16];
	struct stat st;
	FILE *f;

	transcript_path(path, sizeof path);
	f = open_regular(path, O_WRONLY | O_APPEND | O_CREAT, "a");
	if (f == NULL)
		return;
	if (fstat(fileno(f), &st) < 0 || st.st_size > TRANSCRIPT_MAX_BYTES) {
		fclose(f);
		return;
	}
	fprintf(f, "$ %s\n", command);
	if (res->spawn_error)
		fprintf(f, "could not start: %s\n", strerror(res->spawn_error));
	else if (res->timed_out)
		fprintf(f, "still running after %.1f s: stopped\n", res->seconds);
	else if (res->stopped_running)
		fprintf(f, "still running after %.2f s, its output in: stopped\n",
			res->seconds);
	else if (res->term_signal)
		fprintf(f, "killed by SIG%s after %.2f s\n",
			sigabbrev_np(res->term_signal) ? sigabbrev_np(res->term_signal) : "?",
			res->seconds);
	else
		fprintf(f, "exit %d after %.2f s\n", res->exit_code, res->seconds);
	put_stream(f, "stdout", res->out, res->out_len, res->out_truncated);
	put_stream(f, "stderr", res->err, res->err_len, res->err_truncated);
	fclose(f);
}

void transcript_read(char *buf, size_t size)
{
	char path[sizeof grader_ctx.tmpdir + 16];
	size_t len = 0;
	char *all = NULL, *start;
	FILE *f;

	buf[0] = '\0';
	transcript_path(path, sizeof path);
	f = open_regular(path, O_RDONLY, "r");
	if (f == NULL)
		return;
	all = malloc(TRANSCRIPT_MAX_BYTES + 2 * TRANSCRIPT_STREAM_BYTES + 4096);
	if (all != NULL)
		len = fread(all, 1, TRANSCRIPT_MAX_BYTES + 2 * TRANSCRIPT_STREAM_BYTES + 4095, f);
	fclose(f);
	if (all == NULL)
		return;
	all[len] = '\0';
	/* The last records, which led to the failure: from a record's start. */
	start = all;
	if (len >= size) {
		start = all + len - (size - 1);
		char *record = strstr(start, "\n$ ");
		if (record != NULL)
			start = record + 1;
	}
	snprintf(buf, size, "%s", start);
	free(all);
}
