/*
 * run.c - run a lab's program: posix_spawn into its own process group,
 * three pipes, one poll() loop that feeds stdin and drains stdout and
 * stderr, a pidfd to see the exit, and a monotonic deadline.
 */
#include "run.h"
#include "sysutil.h"
#include "autopsy.h"
#include "completion.h"
#include "context.h"
#include "grader.h"
#include "snapshot.h"
#include "transcript.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

enum {
	DRAIN_MS = 200,
	MAX_ENV = 256,
	MAX_ARGS = 64,
	CAPTURE_LIMIT = 1 << 20,   /* bytes kept of each output stream */
};

/* The grader's launcher: it puts a program into a Landlock layer of its own. */
static const char launcher_name[] = "ipclaunch";

struct buffer {
	char *data;
	size_t len, cap;
	bool truncated;          /* more came than CAPTURE_LIMIT */
};

struct running {
	pid_t pid;
	int in_fd, out_fd, err_fd, pid_fd;
	const char *input;
	size_t input_len, input_done;
	bool keep_stdin_open, explain_hang;
	size_t stop_at_output;
	double start, deadline;
	struct buffer out, err;
	char command[256];       /* for the transcript */
};


static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/*
 * Appends what fd has: 1 data read, 0 end of file, -1 nothing yet.  Past
 * CAPTURE_LIMIT the data is read and dropped: a program that floods its
 * output costs the test neither memory nor a hang.
 */
static int buffer_read(struct buffer *b, int fd)
{
	char chunk[16384];
	ssize_t n = read(fd, chunk, sizeof chunk);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return -1;
	if (n <= 0)
		return 0;
	if (b->len + (size_t)n > CAPTURE_LIMIT) {
		if (!b->truncated)
			completion_note_truncated(grader_ctx.channel_fd);
		b->truncated = true;
		n = (ssize_t)(CAPTURE_LIMIT - b->len);
		if (n == 0)
			return 1;
	}
	if (b->len + (size_t)n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *grown;

		while (cap < b->len + (size_t)n + 1)
			cap *= 2;
		grown = realloc(b->data, cap);
		if (grown == NULL)
			return 0;
		b->data = grown;
		b->cap = cap;
	}
	memcpy(b->data + b->len, chunk, (size_t)n);
	b->len += (size_t)n;
	b->data[b->len] = '\0';
	return 1;
}

/* The program's path: a lab program by name, or any path with a slash. */
static void program_path(char *buf, size_t size, const char *prog)
{
	if (strchr(prog, '/'))
		snprintf(buf, size, "%s", prog);
	else
		snprintf(buf, size, "%s/%s", grader_ctx.bindir, prog);
}

/*
 * write() to a program's stdin that fails with EPIPE when the program has
 * stopped reading, without a SIGPIPE killing the test: the signal is
 * blocked for the call and a SIGPIPE it raised is taken back.  The test's
 * own disposition (and so its children's) stays as it was.
 */
static ssize_t write_quietly(int fd, const void *buf, size_t len)
{
	sigset_t pipe_only, old, pending;
	ssize_t n;
	int saved;
	bool was_pending;

	sigemptyset(&pipe_only);
	sigaddset(&pipe_only, SIGPIPE);
	sigpending(&pending);
	was_pending = sigismember(&pending, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
	n = write(fd, buf, len);
	saved = errno;
	if (n < 0 && errno == EPIPE && !was_pending) {
		const struct timespec now = { 0, 0 };
		sigtimedwait(&pipe_only, NULL, &now);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	return n;
}

/* Does extras set the variable of entry ("NAME=value")? */
static bool overridden(const char *entry, const char *const *extras)
{
	const size_t len = strcspn(entry, "=") + 1;

	for (const char *const *e = extras; e && *e; e++)
		if (strncmp(*e, entry, len) == 0)
			return true;
	return false;
}

/* "LD_PRELOAD=DIR/a.so DIR/b.so" for names "a b": the shims, in order. */
static void preload_list(const char *names, char *buf, size_t size)
{
	const size_t start = (size_t)snprintf(buf, size, "LD_PRELOAD=");
	size_t used = start;

	for (const char *p = names; *p != '\0' && used < size;) {
		size_t len = strcspn(p, " ");

		if (len > 0)
			used += (size_t)snprintf(buf + used, size - used, "%s%s/%.*s.so",
						 used > start ? " " : "", grader_ctx.shimdir,
						 (int)len, p);
		p += len + strspn(p + len, " ");
	}
}

/* environ, minus LD_PRELOAD and what the extras set, plus the extras and
 * the preload shim. */
static char **build_env(const struct run_opts *o, char *preload_buf, size_t size)
{
	char **env = calloc(MAX_ENV + 3, sizeof *env);
	size_t n = 0;

	if (env == NULL)
		return NULL;
	for (char **e = environ; *e && n < MAX_ENV; e++)
		if (strncmp(*e, "LD_PRELOAD=", 11) != 0 && !overridden(*e, o->env))
			env[n++] = *e;
	for (const char *const *e = o->env; e && *e && n < MAX_ENV; e++)
		env[n++] = (char *)*e;
	if (o->preload) {
		preload_list(o->preload, preload_buf, size);
		env[n++] = preload_buf;
		/* ASan insists on coming first; the shim does not interfere. */
		env[n++] = "ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0";
	}
	env[n] = NULL;
	return env;
}

/*
 * argv for the program, through the launcher when the grader has one:
 * "ipclaunch PATH ARGV0 ARGS..." enters a Landlock layer and runs PATH,
 * so that the program cannot reach the test process that started it.
 * Returns the path to execute.
 */
static const char *program_argv(const char *path, const char *prog,
				const char *const args[], const char **argv,
				char *launcher, size_t size)
{
	size_t argc = 0;
	const char *exec_path = path;

	snprintf(launcher, size, "%s/%s", grader_ctx.shimdir, launcher_name);
	if (access(launcher, X_OK) == 0) {
		argv[argc++] = launcher;
		argv[argc++] = path;
		exec_path = launcher;
	}
	argv[argc++] = prog;
	for (size_t i = 0; args && args[i] && argc < MAX_ARGS - 1; i++)
		argv[argc++] = args[i];
	argv[argc] = NULL;
	return exec_path;
}

/*
 * posix_spawn with the program's pipes on 0-2, nothing else open, default
 * signal dispositions, an empty mask, a process group of its own.
 */
static int spawn_program(pid_t *pid, const char *exec_path, const char *const *argv,
			 char **env, const int in[2], const int out[2], const int err[2],
			 const struct run_opts *o)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	int rc;

	posix_spawn_file_actions_init(&fa);
	if (o->stdin_closed)
		posix_spawn_file_actions_addclose(&fa, 0);
	else
		posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, err[1], 2);
	posix_spawn_file_actions_addclosefrom_np(&fa, 3); /* hide Check's fds */
	if (o->cwd)
		posix_spawn_file_actions_addchdir_np(&fa, o->cwd);
	spawn_attr_clean(&attr);
	rc = posix_spawn(pid, exec_path, &fa, &attr, (char *const *)argv, env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return rc;
}

/*
 * The running program's ends of the pipes, its pidfd, its input and
 * deadline; started: the time just before it was spawned.
 */
static void hold_ends(struct running *r, const struct run_opts *o, int in[2], int out[2],
		      int err[2], double started)
{
	close_fd(&in[0]);
	close_fd(&out[1]);
	close_fd(&err[1]);
	r->in_fd = in[1];
	r->out_fd = out[0];
	r->err_fd = err[0];
	fcntl(r->in_fd, F_SETFL, O_NONBLOCK);
	fcntl(r->out_fd, F_SETFL, O_NONBLOCK);
	fcntl(r->err_fd, F_SETFL, O_NONBLOCK);
	r->pid_fd = (int)syscall(SYS_pidfd_open, r->pid, 0);
	r->input = o->input;
	r->input_len = o->input && !o->input_len ? strlen(o->input) : o->input_len;
	r->keep_stdin_open = o->keep_stdin_open;
	r->explain_hang = o->explain_hang;
	r->stop_at_output = o->stop_at_output;
	if (!r->input_len && !r->keep_stdin_open)
		close_fd(&r->in_fd);
	r->start = started;
	r->deadline = r->start + (o->timeout > 0 ? o->timeout : 2.0) * grader_ctx.scale;
}

struct running *run_start(const char *prog, const char *const args[],
			  const struct run_opts *opts)
{
	static const struct run_opts defaults;
	const struct run_opts *o = opts ? opts : &defaults;
	struct running *r = calloc(1, sizeof *r);
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 };
	char path[1024], preload[1100], launcher[1100];
	const char *argv[MAX_ARGS + 2], *exec_path;
	char **env = NULL;
	int rc = 0;
	double started = 0;

	if (r == NULL)
		return NULL;
	program_path(path, sizeof path, prog);
	if (access(path, X_OK) < 0) {
		free(r);
		return NULL; /* errno says why: ENOENT, EACCES */
	}
	exec_path = program_argv(path, prog, args, argv, launcher, sizeof launcher);
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 ||
	    pipe2(err, O_CLOEXEC) < 0 || (env = build_env(o, preload, sizeof preload)) == NULL)
		rc = errno ? errno : ENOMEM;
	else {
		/*
		 * Timed from before the spawn: the program may run on another
		 * CPU while this one is still busy, and a time it must take at
		 * least is never measured short.
		 */
		started = monotonic_seconds();
		rc = spawn_program(&r->pid, exec_path, argv, env, in, out, err, o);
	}
	free(env);
	if (rc == 0) {
		hold_ends(r, o, in, out, err, started);
		transcript_command(r->command, sizeof r->command, prog, args);
		return r;
	}
	for (int i = 0; i < 2; i++) {
		close_fd(&in[i]);
		close_fd(&out[i]);
		close_fd(&err[i]);
	}
	free(r);
	errno = rc;
	return NULL;
}

pid_t run_pid(const struct running *r)
{
	return r->pid;
}

int run_feed(struct running *r, const char *data, size_t len)
{
	size_t done = 0;

	while (r->in_fd >= 0 && done < len) {
		ssize_t n = write_quietly(r->in_fd, data + done, len - done);

		if (n > 0) {
			done += (size_t)n;
		} else if (n < 0 && errno == EAGAIN) {
			struct pollfd p = { .fd = r->in_fd, .events = POLLOUT };
			poll(&p, 1, 50);
			if (monotonic_seconds() > r->deadline)
				return -1;
		} else if (n < 0 && errno != EINTR) {
			return -1;
		}
	}
	return done == len ? 0 : -1;
}

void run_close_stdin(struct running *r)
{
	close_fd(&r->in_fd);
}

/* Reaps the program; returns true once it has exited. */
static bool try_reap(struct running *r, int *status)
{
	pid_t w = waitpid(r->pid, status, WNOHANG);

	return w == r->pid;
}

/* Feeds stdin as far as the pipe takes; closes it when all is in, or at EPIPE. */
static void feed_some(struct running *r)
{
	ssize_t w = write_quietly(r->in_fd, r->input + r->input_done,
				  r->input_len - r->input_done);

	if (w > 0)
		r->input_done += (size_t)w;
	if (w < 0 && errno != EAGAIN && errno != EINTR)
		close_fd(&r->in_fd); /* EPIPE: it stopped reading */
	if (r->input_done >= r->input_len && !r->keep_stdin_open)
		close_fd(&r->in_fd);
}

/* Serves the pipes until the program ends (and its pipes drain) or the deadline. */
static bool pump_program(struct running *r, struct run_result *res, int *status)
{
	double drain_until = 0;
	bool reaped = false;

	for (;;) {
		struct pollfd p[4];
		int n = 0, timeout_ms;
		double now = monotonic_seconds();

		if (!reaped && now >= r->deadline) {
			res->timed_out = true;
			res->autopsy = calloc(1, 600);
			if (res->autopsy && r->explain_hang)
				autopsy_hint(r->pid, r->pid, res->autopsy, 600);
			else if (res->autopsy)
				autopsy_describe(r->pid, NULL, res->autopsy, 600);
			return false;
		}
		if (reaped && (now >= drain_until || (r->out_fd < 0 && r->err_fd < 0)))
			return true;
		if (r->out_fd >= 0)
			p[n++] = (struct pollfd){ .fd = r->out_fd, .events = POLLIN };
		if (r->err_fd >= 0)
			p[n++] = (struct pollfd){ .fd = r->err_fd, .events = POLLIN };
		if (r->in_fd >= 0 && r->input_done < r->input_len)
			p[n++] = (struct pollfd){ .fd = r->in_fd, .events = POLLOUT };
		if (!reaped && r->pid_fd >= 0)
			p[n++] = (struct pollfd){ .fd = r->pid_fd, .events = POLLIN };
		timeout_ms = (int)(((reaped ? drain_until : r->deadline) - now) * 1000) + 1;
		if (!reaped && r->pid_fd < 0 && timeout_ms > 10)
			timeout_ms = 10; /* no pidfd: poll for the exit */
		/* Probes among its commands wait to be looked at (probe.h). */
		if (!reaped && probe_service() && timeout_ms > 2)
			timeout_ms = 2;
		else if (!reaped && probe_armed() && timeout_ms > 5)
			timeout_ms = 5;
		if (poll(p, (nfds_t)n, timeout_ms) < 0 && errno != EINTR)
			return reaped;
		for (int i = 0; i < n; i++) {
			if (!p[i].revents)
				continue;
			if (p[i].fd == r->out_fd && buffer_read(&r->out, r->out_fd) == 0)
				close_fd(&r->out_fd);
			else if (p[i].fd == r->err_fd && buffer_read(&r->err, r->err_fd) == 0)
				close_fd(&r->err_fd);
			else if (p[i].fd == r->in_fd)
				feed_some(r);
		}
		if (!reaped && try_reap(r, status)) {
			reaped = true;
			res->seconds = monotonic_seconds() - r->start;
			drain_until = monotonic_seconds() + DRAIN_MS / 1000.0;
			close_fd(&r->in_fd);
		}
		/* Enough output while it still runs: what the test waited for. */
		if (!reaped && r->stop_at_output && r->out.len >= r->stop_at_output) {
			res->stopped_running = true;
			return false;
		}
	}
}

int run_finish(struct running *r, struct run_result *res)
{
	int status = 0;
	bool reaped;

	memset(res, 0, sizeof *res);
	if (!r->keep_stdin_open && r->input_len == 0)
		close_fd(&r->in_fd);
	reaped = pump_program(r, res, &status);
	if (reaped) {
		/* Anything still in its group is a process it left behind. */
		res->left_processes = kill(-r->pid, 0) == 0;
		if (res->left_processes)
			snapshot_group_left(r->pid);
	} else {
		res->seconds = monotonic_seconds() - r->start;
	}
	kill(-r->pid, SIGKILL);
	if (!reaped)
		while (waitpid(r->pid, &status, 0) < 0 && errno == EINTR)
			;
	res->exited = reaped && WIFEXITED(status);
	res->exit_code = res->exited ? WEXITSTATUS(status) : -1;
	res->term_signal = reaped && WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	/* Collect what was written before the kill. */
	while (r->out_fd >= 0 && buffer_read(&r->out, r->out_fd) == 1)
		;
	while (r->err_fd >= 0 && buffer_read(&r->err, r->err_fd) == 1)
		;
	res->out = r->out.data ? r->out.data : strdup("");
	res->out_len = r->out.len;
	res->out_truncated = r->out.truncated;
	res->err = r->err.data ? r->err.data : strdup("");
	res->err_len = r->err.len;
	res->err_truncated = r->err.truncated;
	close_fd(&r->in_fd);
	close_fd(&r->out_fd);
	close_fd(&r->err_fd);
	close_fd(&r->pid_fd);
	transcript_record(r->command, res);
	free(r);
	return 0;
}

int run_program(const char *prog, const char *const args[],
		const struct run_opts *opts, struct run_result *res)
{
	struct running *r = run_start(prog, args, opts);

	if (r == NULL) {
		char command[256];

		memset(res, 0, sizeof *res);
		res->spawn_error = errno;
		res->exit_code = -1;
		res->out = strdup("");
		res->err = strdup("");
		transcript_command(command, sizeof command, prog, args);
		transcript_record(command, res);
		return -1;
	}
	return run_finish(r, res);
}

void run_result_free(struct run_result *res)
{
	free(res->out);
	free(res->err);
	free(res->autopsy);
	res->out = res->err = res->autopsy = NULL;
}

const char *run_describe(const struct run_result *res, char *buf, size_t size)
{
	if (res->spawn_error)
		snprintf(buf, size, "could not start: %s", strerror(res->spawn_error));
	else if (res->timed_out)
		snprintf(buf, size, "was still running after %.1f s", res->seconds);
	else if (res->stopped_running)
		snprintf(buf, size, "was still running after %.2f s (stopped once its "
			 "output was in)", res->seconds);
	else if (res->term_signal)
		snprintf(buf, size, "killed by SIG%s", sigabbrev_np(res->term_signal)
			 ? sigabbrev_np(res->term_signal) : "?");
	else
		snprintf(buf, size, "exit %d", res->exit_code);
	return buf;
}

bool run_getopt_spoke_first(const char *err)
{
	const char *newline = strchr(err, '\n');
	size_t first = newline ? (size_t)(newline - err) : strlen(err);

	return memmem(err, first, "invalid option", 14) != NULL ||
	       memmem(err, first, "unrecognized option", 19) != NULL ||
	       memmem(err, first, "option requires an argument", 27) != NULL;
}

bool run_refused(const char *prog, const char *const args[], const struct refusal *r,
		 char *hint, size_t size)
{
	const double timeout = r->timeout > 0 ? r->timeout : 1.5;
	struct run_opts opts = { .timeout = timeout, .input = r->input };
	struct run_result res;
	char how[64], shown[128], want[48], advice[200] = "";
	size_t lines = 0;
	bool ok = false;

	if (r->advice)
		snprintf(advice, sizeof advice, " (%s)", r->advice);
	if (r->code)
		snprintf(want, sizeof want, "exit %d%s", r->code,
			 r->code == 2 ? ", a usage error," : "");
	else
		snprintf(want, sizeof want, "a non-zero exit");
	run_program(prog, args, &opts, &res);
	for (size_t i = 0; i < res.err_len; i++)
		lines += res.err[i] == '\n';
	grader_excerpt(shown, sizeof shown, res.err, res.err_len);
	if (res.timed_out)
		snprintf(hint, size, "%s %s was still running after %.1f s: expected it to "
			 "refuse at once%s", prog, r->what, timeout, advice);
	else if (!res.exited || (r->code ? res.exit_code != r->code : res.exit_code == 0))
		snprintf(hint, size, "%s %s ended with %s: expected %s and one line on "
			 "stderr%s; stderr %s", prog, r->what,
			 run_describe(&res, how, sizeof how), want, advice, shown);
	else if (lines > 1 && run_getopt_spoke_first(res.err))
		snprintf(hint, size, "%s %s printed %s on stderr: getopt printed a message "
			 "of its own before yours: set opterr = 0 and print one line%s", prog,
			 r->what, shown, advice);
	else if (lines != 1 || res.err[res.err_len - 1] != '\n')
		snprintf(hint, size, "%s %s printed %s on stderr: expected one line saying "
			 "what is wrong%s", prog, r->what, shown, advice);
	else if (r->names && strstr(res.err, r->names) == NULL)
		snprintf(hint, size, "%s %s printed %s on stderr: the message should name "
			 "what it refuses%s", prog, r->what, shown, advice);
	else
		ok = true;
	run_result_free(&res);
	return ok;
}
