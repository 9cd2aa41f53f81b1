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

enum { LINE_MAX_BYTES = 8192 };

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
	sigset_t none, all;
	pid_t pid;
	int rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out_w, 1);
	posix_spawn_file_actions_adddup2(&fa, out_w, 2);
	if (results_w >= 0)
		posix_spawn_file_actions_adddup2(&fa, results_w, 3);
	posix_spawn_file_actions_addclosefrom_np(&fa, results_w >= 0 ? 4 : 3);
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
				 POSIX_SPAWN_SETPGROUP);
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

int command_run(struct command *c, struct command_outcome *o)
{
	int out[2] = { -1, -1 }, results[2] = { -1, -1 };
	struct line_buffer *lb = calloc(1, sizeof *lb);
	bool reaped = false;
	double drain_until = 0;
	pid_t pid;

	o->status = 0;
	o->spawn_errno = 0;
	o->timed_out = false;
	o->output_len = 0;
	o->output[0] = '\0';
	o->output_truncated = false;
	if (lb == NULL || pipe2(out, O_CLOEXEC) < 0 ||
	    (c->results_pipe && pipe2(results, O_CLOEXEC) < 0)) {
		o->spawn_errno = errno;
		goto fail;
	}
	pid = start(c, out[1], results[1]);
	if (pid < 0) {
		o->spawn_errno = errno;
		goto fail;
	}
	close(out[1]);
	out[1] = -1;
	if (results[1] >= 0) {
		close(results[1]);
		results[1] = -1;
	}
	while (out[0] >= 0 || results[0] >= 0 || !reaped) {
		struct pollfd p[2];
		int n = 0;
		double left = c->deadline - monotonic_seconds();

		if (left <= 0 || driver_interrupted) {
			o->timed_out = true;
			break;
		}
		/* After the exit, what is in the pipes; not what orphans may add. */
		if (reaped && drain_until == 0)
			drain_until = monotonic_seconds() + 0.2;
		if (reaped && monotonic_seconds() > drain_until)
			break;
		if (out[0] >= 0)
			p[n++] = (struct pollfd){ out[0], POLLIN, 0 };
		if (results[0] >= 0)
			p[n++] = (struct pollfd){ results[0], POLLIN, 0 };
		if (poll(p, (nfds_t)n, 20) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < n; i++) {
			char chunk[16384];
			ssize_t got;

			if (!p[i].revents)
				continue;
			got = read(p[i].fd, chunk, sizeof chunk);
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0) {
				close(p[i].fd);
				if (p[i].fd == out[0])
					out[0] = -1;
				else
					results[0] = -1;
			} else if (p[i].fd == out[0]) {
				keep_output(o, chunk, (size_t)got);
			} else {
				take_lines(c, lb, chunk, (size_t)got);
			}
		}
		if (!reaped && waitpid(pid, &o->status, WNOHANG) == pid)
			reaped = true;
	}
	kill(-pid, SIGKILL); /* nothing of it may outlive it */
	if (!reaped)
		while (waitpid(pid, &o->status, 0) < 0 && errno == EINTR)
			;
	reap_orphans();
	close_pair(out);
	close_pair(results);
	free(lb);
	return 0;

fail:
	close_pair(out);
	close_pair(results);
	free(lb);
	return -1;
}
