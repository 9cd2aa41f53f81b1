/*
 * probe.c - the suite's binary as a probe command: records what it
 * inherited in a log, then runs the real command (see probe.h).
 */
#include "probe.h"
#include "procinfo.h"
#include "sysutil.h"
#include "grader.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PROBE_LOG_VAR "IPCLAB_PROBE_LOG"   /* where probes append a line */
#define PROBE_PATH_VAR "IPCLAB_PROBE_PATH" /* the real PATH (shadow mode) */

static char log_path[600], shadow_dir[600], saved_path[4096];
static bool path_saved;

/* Appends "LABEL PID fd=target/mode ..." for this process to the log. */
static void probe_record(const char *label, const char *log)
{
	char line[4096], target[256];
	int fds[64], n = fds_list(0, fds, 64), log_fd;
	size_t o;

	o = (size_t)snprintf(line, sizeof line, "%s %d", label, (int)getpid());
	for (int i = 0; i < n && o < sizeof line - 300; i++) {
		if (!fd_target(0, fds[i], target, sizeof target))
			snprintf(target, sizeof target, "?");
		o += (size_t)snprintf(line + o, sizeof line - o, " %d=%s/%c", fds[i],
				      target, fd_mode(0, fds[i]));
	}
	line[o++] = '\n';
	log_fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (log_fd >= 0) {
		/* One write with O_APPEND: lines of several probes never mix. */
		if (write(log_fd, line, o) < 0)
			_exit(126);
		close(log_fd);
	}
}

/*
 * Runs before main in every start of a binary that links this file.
 * Without PROBE_LOG_VAR it does nothing: this is the suite.  With it,
 * this is a probe:
 *   - shadow mode (PROBE_PATH_VAR set): started as "ls" or "wc" through a
 *     symbolic link; records, restores PATH and runs the real command;
 *   - command mode: argv is SUITE LABEL [COMMAND ARGS...]; records under
 *     LABEL, then runs COMMAND (or exits 0).
 * glibc passes argc and argv to constructors.
 */
__attribute__((constructor)) static void probe_main(int argc, char **argv)
{
	const char *log = getenv(PROBE_LOG_VAR);
	const char *real_path = getenv(PROBE_PATH_VAR);
	char *log_copy;

	if (log == NULL || argc < 1)
		return;
	log_copy = strdup(log);
	if (log_copy == NULL)
		_exit(126);
	if (real_path != NULL) {
		char *name = basename(argv[0]);

		probe_record(name, log_copy);
		setenv("PATH", real_path, 1);
		unsetenv(PROBE_PATH_VAR);
		unsetenv(PROBE_LOG_VAR);
		execvp(name, argv);
		_exit(127);
	}
	if (argc < 2)
		_exit(126);
	probe_record(argv[1], log_copy);
	unsetenv(PROBE_LOG_VAR);
	if (argc < 3)
		_exit(0);
	execvp(argv[2], argv + 2);
	_exit(127);
}

const char *probe_path(void)
{
	static char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);

	ck_assert_msg(n > 0, "grader: readlink /proc/self/exe: %s", strerror(errno));
	path[n] = '\0';
	return path;
}

void probe_start(void)
{
	grader_tmp_path(log_path, sizeof log_path, "probe.log");
	unlink(log_path);
	ck_assert_msg(setenv(PROBE_LOG_VAR, log_path, 1) == 0, "grader: setenv");
}

void probe_shadow(const char *const names[])
{
	const char *path = getenv("PATH");
	char link[800], new_path[4096];

	path = path ? path : "/usr/local/bin:/usr/bin:/bin";
	snprintf(saved_path, sizeof saved_path, "%s", path);
	path_saved = true;
	grader_tmp_path(shadow_dir, sizeof shadow_dir, "probe-bin");
	ck_assert_msg(mkdir(shadow_dir, 0700) == 0, "grader: mkdir: %s", strerror(errno));
	for (size_t i = 0; names[i]; i++) {
		snprintf(link, sizeof link, "%s/%s", shadow_dir, names[i]);
		ck_assert_msg(symlink(probe_path(), link) == 0, "grader: symlink: %s",
			      strerror(errno));
	}
	snprintf(new_path, sizeof new_path, "%s:%s", shadow_dir, path);
	ck_assert_msg(setenv(PROBE_PATH_VAR, path, 1) == 0 &&
		      setenv("PATH", new_path, 1) == 0, "grader: setenv");
}

void probe_end(void)
{
	if (path_saved)
		setenv("PATH", saved_path, 1);
	path_saved = false;
	unsetenv(PROBE_PATH_VAR);
	unsetenv(PROBE_LOG_VAR);
	if (log_path[0])
		unlink(log_path);
	if (shadow_dir[0])
		remove_tree(shadow_dir);
	log_path[0] = shadow_dir[0] = '\0';
}

struct probe_view probe_read(const char *label)
{
	struct probe_view v = { 0 };
	char line[4096];
	FILE *f = fopen(log_path, "re");
	size_t len = strlen(label);

	if (f == NULL)
		return v;
	while (fgets(line, sizeof line, f)) {
		char *save = NULL, *tok;

		if (strncmp(line, label, len) != 0 || line[len] != ' ')
			continue;
		v.found = true;
		strtok_r(line, " \n", &save);          /* label */
		strtok_r(NULL, " \n", &save);          /* pid */
		while ((tok = strtok_r(NULL, " \n", &save)) && v.count < 32) {
			char *eq = strchr(tok, '='), *slash = strrchr(tok, '/');

			if (eq == NULL || slash == NULL || slash < eq)
				continue;
			*slash = '\0';
			v.fd[v.count] = atoi(tok);
			v.mode[v.count] = slash[1];
			snprintf(v.target[v.count], sizeof v.target[0], "%s", eq + 1);
			v.count++;
		}
		break;
	}
	fclose(f);
	return v;
}

/* What a recorded target is, for the picture: p a pipe, s a socket, c a device, f a file. */
static char target_kind(const char *target)
{
	return strncmp(target, "pipe:", 5) == 0 ? 'p' : strncmp(target, "socket:", 7) == 0 ? 's'
	       : strncmp(target, "/dev/", 5) == 0 ? 'c' : target[0] == '/' ? 'f' : 'o';
}

/* One probe's line of the log as snapshot lines; its descriptors above 2 marked. */
static void picture_line(FILE *out, char *line)
{
	char *save = NULL, *label = strtok_r(line, " \n", &save);
	char *pid = strtok_r(NULL, " \n", &save), *tok;

	if (label == NULL || pid == NULL || atoi(pid) <= 0 || strchr(label, '\t'))
		return;
	/* State E: as the command started, before it ran. */
	fprintf(out, "proc\t%d\t0\tE\t%.15s\t\t-1\n", atoi(pid), label);
	while ((tok = strtok_r(NULL, " \n", &save)) != NULL) {
		char *eq = strchr(tok, '='), *slash = strrchr(tok, '/');
		int fd = atoi(tok);

		if (eq == NULL || slash == NULL || slash < eq || strchr(tok, '\t'))
			continue;
		*slash = '\0';
		if (strcmp(eq + 1, "/dev/null") == 0)
			continue;
		fprintf(out, "fd\t%d\t%d\t%c\t%c\t%s\n", atoi(pid), fd, slash[1],
			target_kind(eq + 1), eq + 1);
		if (fd > 2)
			snapshot_mark_left(atoi(pid), fd);
	}
}

void probe_picture(void)
{
	char line[4096], *text = NULL;
	size_t len = 0;
	FILE *f = fopen(log_path, "re"), *mem;

	if (f == NULL)
		return;
	/* The check that calls this fails the item now: its picture, not an earlier one. */
	snapshot_forget();
	mem = open_memstream(&text, &len);
	if (mem != NULL) {
		while (fgets(line, sizeof line, f))
			picture_line(mem, line);
		if (fclose(mem) == 0)
			snapshot_take_lines(text);
		free(text);
	}
	fclose(f);
}

int probe_index(const struct probe_view *v, int fd)
{
	for (int i = 0; i < v->count; i++)
		if (v->fd[i] == fd)
			return i;
	return -1;
}

int probe_extra(const struct probe_view *v, int *at)
{
	for (int i = 0; i < v->count; i++)
		if (v->fd[i] > 2) {
			*at = i;
			return v->fd[i];
		}
	return -1;
}
