/*
 * spawn.c - run one command with its output captured, a results pipe and
 * a deadline.
 *
 * The command gets /dev/null as stdin, one pipe for stdout and stderr (its
 * first OUTPUT_CAP bytes are kept, the rest is read and dropped, so that
 * a flood costs neither memory nor disk), and optionally a second pipe as
 * descriptor 3, whose lines go to a callback as they come.  It runs in a
 * process group of its own, which is killed at the deadline and when it
 * ends: nothing it started outlives it.
 */
#include "driver.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

enum { LINE_MAX_BYTES = 32768 }; /* a result line, with its transcript and snapshot */

volatile sig_atomic_t driver_interrupted;

static void note_interrupt(int sig)
{
	(void)sig;
	driver_interrupted = 1;
}

void driver_catch_interrupts(void)
{
	struct sigaction sa = { .sa_handler = note_interrupt };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}


/*
 * The driver is the reaper of its commands' orphans (a sandbox's inner
 * process leaves its own session): collect them, so that no zombie stays.
 */
void driver_become_subreaper(void)
{
	prctl(PR_SET_CHILD_SUBREAPER, 1);
}

static void reap_orphans(void)
{
	for (int tries = 0; tries < 100; tries++) {
		pid_t r = waitpid(-1, NULL, WNOHANG);

		if (r < 0)
			return; /* ECHILD: none left */
		if (r == 0)
			nanosleep(&(struct timespec){ 0, 2 * 1000 * 1000 }, NULL);
	}
}

struct line_buffer {
	char text[LINE_MAX_BYTES];
	size_t len;
	bool overlong;            /* the current line is being dropped */
};

/* Splits what came on the results pipe into lines for the callback. */
static void take_lines(struct command *c, struct line_buffer *lb, const char *data, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (data[i] == '\n') {
			lb->text[lb->len] = '\0';
			if (!lb->overlong && c->on_line)
				c->on_line(c->ctx, lb->text, c);
			lb->len = 0;
			lb->overlong = false;
		} else if (lb->len < sizeof lb->text - 1) {
			lb->text[lb->len++] = data[i];
		} else {
			lb->overlong = true;
		}
	}
}

static void keep_output(struct command_outcome *o, const char *data, size_t n)
{
	size_t room = sizeof o->output - 1 - o->output_len;

	if (n > room) {
		o->output_truncated = true;
		n = room;
	}
	memcpy(o->output + o->output_len, data, n);
	o->output_len += n;
	o->output[o->output_len] = '\0';
}

static pid_t start(struct command *c, int out_w, int results_w)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	pid_t pid;
	int rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out_w, 1);
	posix_spawn_file_actions_adddup2(&fa, out_w, 2);
	if (results_w >= 0)
		posix_spawn_file_actions_adddup2(&fa, results_w, 3);
	posix_spawn_file_actions_addclosefrom_np(&fa, results_w >= 0 ? 4 : 3);
	spawn_attr_clean(&attr);
	rc = posix_spawnp(&pid, c->argv[0], &fa, &attr, c->argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	return pid;
}

static void close_pair(int fds[2])
{
	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* The command's pipes as the driver reads them; -1 once closed. */
struct reading {
	int out, results;
	struct line_buffer lines;
};

/* Reads what one ready pipe has; closes it at its end. */
static void read_pipe(struct command *c, struct command_outcome *o, struct reading *rd,
		      int fd)
{
	char chunk[16384];
	ssize_t got = read(fd, chunk, sizeof chunk);

	if (got < 0 && errno == EINTR)
		return;
	if (got <= 0) {
		close(fd);
		if (fd == rd->out)
			rd->out = -1;
		else
			rd->results = -1;
	} else if (fd == rd->out) {
		keep_output(o, chunk, (size_t)got);
	} else {
		take_lines(c, &rd->lines, chunk, (size_t)got);
	}
}

/*
 * Reads both pipes until the command has ended (and a moment more, for
 * what is still in them, but not what orphans may add) or the deadline.
 */
static void pump(struct command *c, struct command_outcome *o, struct reading *rd, pid_t pid)
{
	bool reaped = false;
	double drain_until = 0;

	while (rd->out >= 0 || rd->results >= 0 || !reaped) {
		struct pollfd p[2];
		int n = 0;

		if (monotonic_seconds() >= c->deadline || driver_interrupted) {
			o->timed_out = true;
			break;
		}
		if (reaped && drain_until == 0)
			drain_until = monotonic_seconds() + 0.2;
		if (reaped && monotonic_seconds() > drain_until)
			break;
		if (rd->out >= 0)
			p[n++] = (struct pollfd){ rd->out, POLLIN, 0 };
		if (rd->results >= 0)
			p[n++] = (struct pollfd){ rd->results, POLLIN, 0 };
		if (poll(p, (nfds_t)n, 20) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < n; i++)
			if (p[i].revents)
				read_pipe(c, o, rd, p[i].fd);
		if (!reaped && waitpid(pid, &o->status, WNOHANG) == pid)
			reaped = true;
	}
	kill(-pid, SIGKILL); /* nothing of it may outlive it */
	if (!reaped)
		while (waitpid(pid, &o->status, 0) < 0 && errno == EINTR)
			;
	reap_orphans();
}

int command_run(struct command *c, struct command_outcome *o)
{
	int out[2] = { -1, -1 }, results[2] = { -1, -1 };
	struct reading *rd = calloc(1, sizeof *rd);
	pid_t pid = -1;

	o->status = 0;
	o->spawn_errno = 0;
	o->timed_out = false;
	o->output_len = 0;
	o->output[0] = '\0';
	o->output_truncated = false;
	if (rd == NULL || pipe2(out, O_CLOEXEC) < 0 ||
	    (c->results_pipe && pipe2(results, O_CLOEXEC) < 0) ||
	    (pid = start(c, out[1], results[1])) < 0) {
		o->spawn_errno = errno;
		close_pair(out);
		close_pair(results);
		free(rd);
		return -1;
	}
	close(out[1]);
	if (results[1] >= 0)
		close(results[1]);
	rd->out = out[0];
	rd->results = results[0];
	pump(c, o, rd, pid);
	if (rd->out >= 0)
		close(rd->out);
	if (rd->results >= 0)
		close(rd->results);
	free(rd);
	return 0;
}
