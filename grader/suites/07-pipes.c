/*
 * Lab 07 pipes: the lecture's pipe example, ls | wc -l with dup2, a
 * two-command runner, an N-stage pipeline and named pipes.
 *
 * Code under test that forks runs in a "caller" process of its own group,
 * so that a hang costs a deadline, not the item's timeout: when the caller
 * is still busy at the deadline, the test reads /proc (fds, fdinfo, wchan)
 * of every process in the group and says who still holds the write end of
 * the pipe a reader waits on.  What reaches the commands is seen from
 * inside them: the suite's own binary doubles as a probe command (probe.h)
 * that records its descriptors and then runs the real command.
 */
#include "grader.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "child_fds.h"
#include "fifo.h"
#include "io_all.h"
#include "pipe_message.h"
#include "pipeline.h"

#define HINT_MAX 400

/* ===================================================================== */
/* Calling code under test in a process of its own.                      */
/* ===================================================================== */

/* Common checks after a call that forks: no stray child, nothing left. */
static void check_call_clean(const struct call_report *rep, const char *fn)
{
	int fd = call_new_fd(rep);

	ck_assert_msg(rep->stray == 0, "a child forked by %s returned from it and ran "
		      "the caller's code: a child must end with exec or _exit()", fn);
	ck_assert_msg(fd < 0, "after %s returned, the caller still has descriptor %d "
		      "open, which it did not have before: close every pipe end", fn, fd);
	ck_assert_msg(rep->leftover == 0, "after %s returned, its child (pid %d) was "
		      "%s: wait for every child you fork", fn, (int)rep->leftover,
		      rep->leftover_zombie ? "a zombie nobody waited for"
					   : "still running");
}

/* Reads a whole small file into buf (NUL-terminated); returns its length. */
static size_t slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;

	/* Not read_all: the suite never relies on the lab's own functions. */
	while (fd >= 0 && got < size - 1) {
		ssize_t n = read(fd, buf + got, size - 1 - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (fd >= 0)
		close(fd);
	buf[got] = '\0';
	return got;
}

/* ===================================================================== */
/* pipe_message                                                          */
/* ===================================================================== */

struct message_call {
	const char *msg;
	size_t len, size;
};

static long call_pipe_message(void *arg, struct call_report *rep)
{
	const struct message_call *m = arg;

	return (long)pipe_message(m->msg, m->len, rep->data, m->size);
}

/* Sends len random bytes through pipe_message; returns the report. */
static struct call_report *send_message(size_t len, size_t size, char **sent,
					double seconds)
{
	struct call_report *rep = call_report_new(size + 1);
	struct message_call m = { .len = len, .size = size };
	char hint[HINT_MAX], *msg = malloc(len + 1);

	ck_assert_msg(msg != NULL, "grader: out of memory");
	grader_random_text(msg, len);
	m.msg = msg;
	ck_assert_msg(call_in_child(call_pipe_message, &m, rep, NULL, seconds, hint,
				    sizeof hint),
		      "pipe_message(%zu bytes) did not return within %.1f s: %s", len,
		      seconds, hint);
	*sent = msg;
	return rep;
}

static void check_message(const struct call_report *rep, const char *msg, size_t len)
{
	ck_assert_msg(rep->stray == 0, "the child of pipe_message returned from it and "
		      "ran the caller's code: end the child with _exit() after writing");
	ck_assert_msg(rep->returned, "grader: the caller did not report");
	ck_assert_msg(rep->ret >= 0, "pipe_message(%zu bytes) returned -1 (%s): "
		      "expected %zu%s", len, strerror(rep->err), len, rep->err == EIO
		      ? ": the child could not write it all: did the parent stop before "
			"end of file? read until read() returns 0" : "");
	ck_assert_msg((size_t)rep->ret == len, "pipe_message sent %zu bytes, returned "
		      "%ld: %s", len, rep->ret, (size_t)rep->ret < len
		      ? "one read() returns only what the pipe holds: read until end of file"
		      : "return the number of bytes read");
	if (memcmp(rep->data, msg, len) != 0) {
		size_t i = 0;

		while (rep->data[i] == msg[i])
			i++;
		ck_assert_msg(0, "the bytes received differ from those sent from offset "
			      "%zu of %zu: read each chunk after the previous one", i, len);
	}
}

/* A pipe of the test's, both ends close-on-exec; fails the test if none. */
static void make_pipe(int fds[2])
{
	ck_assert_msg(pipe2(fds, O_CLOEXEC) == 0, "grader: pipe2: %s", strerror(errno));
}

/*
 * write_all, read_all and copy_all with every read and write of theirs
 * moving at most 64 bytes, and one in eight interrupted: what a signal
 * does to a transfer on a pipe.  Below the pipe's capacity, so that
 * nothing blocks.
 */
/*
 * Calls one io_all function with the nth call of call failing with error:
 * it must return -1 with that errno.  which: 'w' write_all, 'r' read_all,
 * 'c' copy_all, on pipes holding len bytes where there is something to
 * read, each call moving a few bytes.
 */
static void io_failure_reported(char which, enum fault_call call, unsigned nth,
				int error, char *sent, char *got, size_t len)
{
	const char *name = which == 'w' ? "write_all" : which == 'r' ? "read_all"
		: "copy_all";
	int a[2], b[2], saved;
	ssize_t n;
	bool fired;

	make_pipe(a);
	make_pipe(b);
	if (which != 'w') {
		ck_assert_msg(write(a[1], sent, len) == (ssize_t)len, "grader: write: %s",
			      strerror(errno));
		close(a[1]);
		a[1] = -1;
	}
	fault_short_io(true);   /* many calls, so that there is a second one */
	fault_arm(call, nth, error);
	n = which == 'w' ? write_all(a[1], sent, len)
		: which == 'r' ? read_all(a[0], got, len) : copy_all(a[0], b[1]);
	saved = errno;
	fired = fault_disarm();
	fault_short_io(false);
	for (int i = 0; i < 2; i++) {
		if (a[i] >= 0)
			close(a[i]);
		close(b[i]);
	}
	ck_assert_msg(fired, "%s never called %s", name, fault_name(call));
	ck_assert_msg(n == -1 && saved == error, "%s returned %zd (errno %s) when its "
		      "%s failed with %s: return -1 with that errno at once (a failed "
		      "call moved nothing: adding its -1 to the count goes backwards)",
		      name, n, grader_errno_name(saved), fault_name(call),
		      grader_errno_name(error));
}

/* Every loop stops at a real failure, the first call's or a later one's. */
static void io_failures_reported(char *sent, char *got, size_t len)
{
	for (unsigned nth = 1; nth <= 2; nth++) {
		io_failure_reported('w', FAULT_write, nth, EPIPE, sent, got, len);
		io_failure_reported('r', FAULT_read, nth, EIO, sent, got, len);
		io_failure_reported('c', FAULT_read, nth, EIO, sent, got, len);
		io_failure_reported('c', FAULT_write, nth, EPIPE, sent, got, len);
	}
}

START_TEST(io_loops_short_io)
{
	enum { MOST = 30000 };
	static char sent[MOST], got[MOST + 100];
	const size_t len = grader_random_between(MOST / 2, MOST);
	int a[2], b[2], saved;
	ssize_t n;

	grader_random_bytes(sent, len);
	make_pipe(a);
	fault_short_io(true);
	n = write_all(a[1], sent, len);
	saved = errno;
	fault_short_io(false);
	ck_assert_msg(n == (ssize_t)len, "write_all returned %zd (errno %s) for %zu "
		      "bytes, with each write moving a few bytes and some interrupted: "
		      "%s", n, grader_errno_name(saved), len,
		      n >= 0 ? "write may move fewer bytes than asked: loop until all "
		      "are out" : saved == EINTR ? "a write interrupted before it moved "
		      "anything fails with EINTR: try it again" : "it should succeed");
	ck_assert_msg(read_all(a[0], got, len) == (ssize_t)len &&
		      memcmp(got, sent, len) == 0, "what write_all sent is not what "
		      "it was given: write from where the last write stopped");

	ck_assert_msg(write(a[1], sent, len) == (ssize_t)len, "grader: write: %s",
		      strerror(errno));
	close(a[1]);
	fault_short_io(true);
	n = read_all(a[0], got, sizeof got);
	saved = errno;
	fault_short_io(false);
	ck_assert_msg(n == (ssize_t)len && memcmp(got, sent, len) == 0, "read_all "
		      "returned %zd (errno %s) for a pipe holding %zu bytes, with each "
		      "read moving a few bytes and some interrupted: read until end of "
		      "file or a full buffer, again after EINTR", n,
		      grader_errno_name(saved), len);
	close(a[0]);

	make_pipe(a);
	make_pipe(b);
	ck_assert_msg(write(a[1], sent, len) == (ssize_t)len, "grader: write: %s",
		      strerror(errno));
	close(a[1]);
	fault_short_io(true);
	n = copy_all(a[0], b[1]);
	saved = errno;
	fault_short_io(false);
	close(b[1]);
	ck_assert_msg(n == 0, "copy_all returned %zd (errno %s), with each read and "
		      "write moving a few bytes and some interrupted: read again after "
		      "EINTR, and write_all each chunk", n, grader_errno_name(saved));
	ck_assert_msg(read_all(b[0], got, sizeof got) == (ssize_t)len &&
		      memcmp(got, sent, len) == 0, "copy_all copied other bytes than "
		      "it read: write_all each chunk, of the length read returned");
	close(a[0]);
	close(b[0]);
	io_failures_reported(sent, got, len);
}
END_TEST

/* Whether descriptors a and b lead to the same open file (a pipe end). */
static bool same_file(int a, int b)
{
	struct stat sa, sb;

	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_ino == sb.st_ino &&
	       sa.st_dev == sb.st_dev;
}

/*
 * dup_onto and close_pipe_except as a child uses them between fork and
 * exec, in the test process, with its 0 and 1 put back afterwards: onto
 * 1 from a close-on-exec pipe end; onto 0 from a pipe end that already is
 * 0 (the caller had 0 closed before pipe); then the ends closed but 0.
 */
/* reap_child whose first waitpid a signal interrupts (EINTR): it waits again. */
static void reap_survives_signal(void)
{
	const int code = (int)grader_random_between(1, 100);
	int status = -1, rc, saved;
	pid_t pid = fork();

	ck_assert_msg(pid >= 0, "grader: fork: %s", strerror(errno));
	if (pid == 0)
		_exit(code);
	fault_arm(FAULT_waitpid, 1, EINTR);
	rc = reap_child(pid, &status);
	saved = errno;
	fault_disarm();
	if (rc != 0)
		waitpid(pid, NULL, 0);
	ck_assert_msg(rc == 0 && WIFEXITED(status) && WEXITSTATUS(status) == code,
		      "reap_child returned %d (errno %s), status %#x, when its waitpid was "
		      "interrupted by a signal (EINTR): wait again after EINTR; the child "
		      "exited %d", rc, grader_errno_name(saved), (unsigned)status, code);
}

/*
 * How many of fds are still open; when some are, the test's descriptors
 * with those marked, for the item's picture.
 */
static int picture_left_open(const int *fds, int count)
{
	int open = 0;

	for (int i = 0; i < count; i++)
		if (fcntl(fds[i], F_GETFD) >= 0) {
			snapshot_mark_left(getpid(), fds[i]);
			open++;
		}
	if (open > 0)
		snapshot_take_self();
	return open;
}

START_TEST(child_fds_arrange)
{
	int saved_in = dup(0), saved_out = dup(1), fds[2], rc, flags, other, saved_errno,
	    ends_open;
	bool moved, still_open, other_open;

	ck_assert_msg(saved_in >= 3 && saved_out >= 3, "grader: dup: %s", strerror(errno));
	make_pipe(fds);
	rc = dup_onto(fds[1], STDOUT_FILENO);
	saved_errno = errno;
	flags = fcntl(STDOUT_FILENO, F_GETFD);
	moved = same_file(STDOUT_FILENO, fds[1]);
	/* Both ends go now: the write end lives on as 1. */
	close_pipe_except(fds, STDOUT_FILENO);
	ends_open = picture_left_open(fds, 2);
	dup2(saved_out, STDOUT_FILENO);
	close(fds[0]);
	close(fds[1]);
	ck_assert_msg(rc == 0, "dup_onto(pipe's write end, 1) returned %d (errno %s): "
		      "expected 0", rc, grader_errno_name(saved_errno));
	ck_assert_msg(moved, "after dup_onto(pipe's write end, 1), descriptor 1 is not "
		      "the pipe: dup2(fd, target), the first argument is the one you have");
	ck_assert_msg(ends_open == 0, "close_pipe_except(fds, 1), with the write end "
		      "copied onto 1, left %d of the pipe's two ends open: keep is the "
		      "descriptor to leave open (0 or 1), not an index into fds", ends_open);
	ck_assert_msg(flags >= 0 && !(flags & FD_CLOEXEC), "after dup_onto(fd, 1), "
		      "descriptor 1 is close-on-exec: exec would close it: the copy "
		      "dup2 makes is not close-on-exec; keep it so");

	close(STDIN_FILENO);
	make_pipe(fds);
	ck_assert_msg(fds[0] == STDIN_FILENO, "grader: the pipe's read end is %d, not 0",
		      fds[0]);
	other = fds[1];
	rc = dup_onto(STDIN_FILENO, STDIN_FILENO);
	flags = fcntl(STDIN_FILENO, F_GETFD);
	close_pipe_except(fds, STDIN_FILENO);
	still_open = fcntl(STDIN_FILENO, F_GETFD) >= 0;
	other_open = picture_left_open(&other, 1) > 0;
	dup2(saved_in, STDIN_FILENO);
	if (other_open)
		close(other);
	ck_assert_msg(rc == 0 && flags >= 0, "dup_onto(0, 0), with the pipe's read end "
		      "already descriptor 0, %s", flags < 0 ? "closed it: close "
		      "nothing when fd already is target" : "returned -1");
	ck_assert_msg(!(flags & FD_CLOEXEC), "dup_onto(0, 0), with the pipe's read end "
		      "already descriptor 0, left it close-on-exec: dup2(fd, fd) does "
		      "nothing, so exec would close it: clear the flag with "
		      "fcntl(fd, F_SETFD, 0)");
	ck_assert_msg(still_open, "close_pipe_except(fds, 0) closed descriptor 0 too: "
		      "keep is the descriptor to leave open (0 or 1), not an index");
	ck_assert_msg(!other_open, "close_pipe_except(fds, 0) left the pipe's write end "
		      "(%d) open: close both ends but the one that is now keep", other);
	close(saved_in);
	close(saved_out);
	reap_survives_signal();
}
END_TEST

START_TEST(pipe_message_delivers)
{
	int rounds = (int)grader_random_between(4, 6);

	for (int r = 0; r < rounds; r++) {
		size_t len = r == 0 ? grader_random_between(4, 30)
				    : grader_random_between(0, 400);
		char *msg;
		struct call_report *rep = send_message(len, len + 16, &msg, 1.0);

		check_message(rep, msg, len);
		free(msg);
		call_report_free(rep);
	}
}
END_TEST

START_TEST(pipe_message_large)
{
	/* More than the pipe holds (64 KiB): the reader must loop. */
	size_t sizes[2] = { grader_random_between(65537, 200000),
			    grader_random_between(400000, 1500000) };

	for (int r = 0; r < 2; r++) {
		char *msg;
		struct call_report *rep = send_message(sizes[r], sizes[r] + 4096, &msg, 2.0);

		check_message(rep, msg, sizes[r]);
		free(msg);
		call_report_free(rep);
	}
	/*
	 * More than the buffer, and what is left after the buffer is more than
	 * the pipe holds: the parent must stop reading and still let the
	 * blocked child end (close its read end), or the two wait for ever.
	 */
	size_t len = grader_random_between(300000, 600000);
	char *msg;
	struct call_report *rep = send_message(len, len / 2, &msg, 1.5);

	ck_assert_msg(rep->returned && rep->ret == -1 && rep->err == EMSGSIZE,
		      "pipe_message(%zu bytes) with room for %zu returned %ld (%s): "
		      "expected -1 with errno EMSGSIZE", len, len / 2, rep->ret,
		      rep->ret < 0 ? strerror(rep->err) : "no error");
	free(msg);
	call_report_free(rep);
}
END_TEST

struct message_attempt {
	char msg[64], buf[64];
};

static bool message_attempt(void *ctx)
{
	struct message_attempt *a = ctx;

	return pipe_message(a->msg, strlen(a->msg), a->buf, sizeof a->buf) ==
	       (ssize_t)strlen(a->msg);
}

static void message_undo(void *ctx)
{
	(void)ctx;
}

/*
 * pipe_message with pipe, fork, the parent's read and its waitpid failing
 * in turn: -1 with that call's errno, no descriptor left, no child left
 * running or unwaited.
 */
static void sweep_pipe_message(void)
{
	static const struct sweep_call calls[] = {
		{ .call = FAULT_pipe, .error = EMFILE }, { .call = FAULT_fork, .error = EAGAIN }, { .call = FAULT_read, .error = EIO },
	};
	struct message_attempt a;
	const struct sweep sweep = {
		.what = "pipe_message", .attempt = message_attempt,
		.undo = message_undo, .ctx = &a,
	};

	grader_random_text(a.msg, grader_random_between(1, sizeof a.msg - 1));
	sweep_faults(&sweep, calls, 3);
}

START_TEST(pipe_message_cleans_up)
{
	size_t len = grader_random_between(100, 3000);
	char *msg;
	struct call_report *rep = send_message(len, len, &msg, 1.0);

	/* Exactly the buffer's size: the parent must still see end of file. */
	check_message(rep, msg, len);
	check_call_clean(rep, "pipe_message");
	free(msg);
	call_report_free(rep);

	/*
	 * A message that does not fit: an error, and still nothing left.  At
	 * most PIPE_BUF bytes, written at once, so that only the error path
	 * is under test here (pipe_message_large sends a long one).
	 */
	len = grader_random_between(200, 4000);
	rep = send_message(len, len / 2, &msg, 1.5);
	ck_assert_msg(rep->returned && rep->ret == -1 && rep->err == EMSGSIZE,
		      "pipe_message(%zu bytes) with room for %zu returned %ld (%s): "
		      "expected -1 with errno EMSGSIZE", len, len / 2, rep->ret,
		      rep->ret < 0 ? strerror(rep->err) : "no error");
	check_call_clean(rep, "pipe_message");
	free(msg);
	call_report_free(rep);
	sweep_pipe_message();
}
END_TEST

/* ===================================================================== */
/* pipedemo                                                              */
/* ===================================================================== */

/* Position of line (with its newline) in out, or -1. */
static long line_at(const char *out, const char *line)
{
	size_t len = strlen(line);

	for (const char *p = out; *p; ) {
		const char *end = strchr(p, '\n');

		if (end == NULL)
			break;
		if ((size_t)(end - p + 1) == len && strncmp(p, line, len) == 0)
			return p - out;
		p = end + 1;
	}
	return -1;
}

/*
 * Runs pipedemo [MESSAGE] and checks its four lines.  With late_close,
 * the child pauses after it closes its write end: a child that closes
 * before its last line then prints that line after the parent's.
 */
static void check_pipedemo(const char *message, bool late_close)
{
	const char *args[] = { message, NULL };
	struct run_opts opts = { .timeout = 2.0, .preload = late_close ? "closepause" : NULL };
	struct run_result res;
	char read_line[200200], shown[128], how[64];
	long writing, exiting, reading, got;
	size_t lines = 0;

	snprintf(read_line, sizeof read_line, "PARENT: read \"%s\"\n",
		 message ? message : "test");
	run_program("pipedemo", message ? args : NULL, &opts, &res);
	ck_assert_msg(!res.spawn_error, "pipedemo: %s", strerror(res.spawn_error));
	ck_assert_msg(res.exited && res.exit_code == 0, "pipedemo%s ended with %s: "
		      "expected exit 0 (stderr: %s)", message ? " MESSAGE" : "",
		      run_describe(&res, how, sizeof how),
		      grader_excerpt(shown, sizeof shown, res.err, res.err_len));
	writing = line_at(res.out, " CHILD: writing to pipe\n");
	exiting = line_at(res.out, " CHILD: exiting\n");
	reading = line_at(res.out, "PARENT: reading from pipe\n");
	got = line_at(res.out, read_line);
	ck_assert_msg(strstr(res.out, "CHILD") != NULL || reading < 0, "pipedemo printed "
		      "%s, none of the child's lines: a child that ends with _exit must "
		      "fflush its stdout first (into a pipe, stdio keeps lines in a "
		      "buffer that _exit throws away)",
		      grader_excerpt(shown, sizeof shown, res.out, res.out_len));
	ck_assert_msg(writing >= 0 && exiting >= 0 && reading >= 0,
		      "pipedemo printed %s: expected the lecture's lines \" CHILD: "
		      "writing to pipe\", \" CHILD: exiting\", \"PARENT: reading from "
		      "pipe\" (mind the leading blank)",
		      grader_excerpt(shown, sizeof shown, res.out, res.out_len));
	ck_assert_msg(got >= 0, "pipedemo%s printed %s: expected the line "
		      "PARENT: read \"%.40s%s\": %s", message ? " MESSAGE" : "",
		      grader_excerpt(shown, sizeof shown, res.out, res.out_len),
		      message ? message : "test", message && strlen(message) > 40 ? "..." : "",
		      message ? "send the whole message given on the command line, and "
		      "read until end of file" : "send \"test\" when no message is given");
	for (const char *p = res.out; *p; p++)
		lines += *p == '\n';
	ck_assert_msg(lines == 4, "pipedemo printed %zu lines: expected the lecture's "
		      "4 (flush stdout before fork, or lines are printed twice)", lines);
	ck_assert_msg(writing < exiting && reading < got && writing < got,
		      "pipedemo printed its lines out of order (%s): each process's "
		      "lines must come in the order they happen: flush after each line",
		      grader_excerpt(shown, sizeof shown, res.out, res.out_len));
	ck_assert_msg(exiting < got, "pipedemo's child printed \" CHILD: exiting\" "
		      "after the parent's PARENT: read line: the child closed its write "
		      "end first, so the parent saw end of file while the child still had "
		      "a line to print (with a long message, that line can land inside "
		      "the parent's): print, then close");
	ck_assert_msg(!res.left_processes, "pipedemo left its child behind: the "
		      "parent must wait for it");
	run_result_free(&res);
}

/*
 * pipedemo whose first read is interrupted by a signal (EINTR): read_all
 * reads again, and nothing is wrong: errno left at EINTR by a call that
 * was retried is no error.
 */
static void pipedemo_read_interrupted(void)
{
	char fault[64], shown[128], how[64];
	const char *env[] = { fault_env(fault, sizeof fault, FAULT_read, 1, EINTR), NULL };
	struct run_opts opts = { .timeout = 2.0, .preload = "faults", .env = env };
	struct run_result res;

	run_program("pipedemo", NULL, &opts, &res);
	ck_assert_msg(res.exited && res.exit_code == 0 &&
		      strstr(res.out, "PARENT: read \"test\"\n") != NULL, "pipedemo, whose "
		      "first read was interrupted by a signal (EINTR), ended with %s, "
		      "stderr %s: read again after EINTR, and judge the read by its "
		      "result, not by errno (a call that worked leaves errno as it was)",
		      run_describe(&res, how, sizeof how),
		      grader_excerpt(shown, sizeof shown, res.err, res.err_len));
	run_result_free(&res);
}

/* pipedemo with its fork, or the parent's read, failing: one line, exit 1. */
static void pipedemo_failures(void)
{
	struct run_result res;

	sweep_program("pipedemo", NULL, "pipedemo", FAULT_fork, 1, EAGAIN,
		      "fork's -1 is no child: check it and die", &res);
	run_result_free(&res);
	sweep_program("pipedemo", NULL, "pipedemo", FAULT_read, 1, EIO,
		      "check what read_all returns", &res);
	run_result_free(&res);
	pipedemo_read_interrupted();
}

START_TEST(pipedemo_lecture_output)
{
	static char big[100001];
	char message[64];

	check_pipedemo(NULL, false);
	grader_random_text(message, grader_random_between(8, 60));
	check_pipedemo(message, false);
	/* Larger than the pipe: the parent must loop until end of file. */
	grader_random_text(big, grader_random_between(70000, 100000));
	check_pipedemo(big, true);
	/* An empty message: nothing to send, nothing read, no error. */
	check_pipedemo("", false);
	pipedemo_failures();
}
END_TEST

/* ===================================================================== */
/* pipe_commands and pipeline_run                                         */
/* ===================================================================== */

struct commands_call {
	char **left, **right;         /* pipe_commands */
	char **const *stages;         /* pipeline_run */
	size_t count;
};

static long call_pipe_commands(void *arg, struct call_report *rep)
{
	const struct commands_call *c = arg;

	(void)rep;
	return pipe_commands(c->left, c->right);
}

static long call_pipeline_run(void *arg, struct call_report *rep)
{
	const struct commands_call *c = arg;

	(void)rep;
	return pipeline_run((char *const *const *)c->stages, c->count);
}

/* A run's files and what came back. */
struct command_run {
	char out_path[600], err_path[600];
	char out[4096], err[1024];
	size_t out_len;
	struct call_report *rep;
};

/* " seq 1 5 | wc -l " for hints. */
static const char *describe_commands(char **const *stages, size_t count, char *buf,
				     size_t size)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t s = 0; s < count && o < size; s++) {
		for (char *const *a = stages[s]; *a && o < size; a++) {
			const char *word = *a;

			if (a == stages[s] && strchr(word, '/'))
				word = "probe"; /* the suite's binary */
			o += (size_t)snprintf(buf + o, size - o, "%s%s",
					      a == stages[s] ? "" : " ", word);
		}
		if (s + 1 < count && o < size)
			o += (size_t)snprintf(buf + o, size - o, " | ");
	}
	return buf;
}

/* Runs the stages (two: pipe_commands, else pipeline_run); asserts it returned. */
static void run_commands(struct command_run *run, char **const *stages, size_t count,
			 bool use_pipeline, double seconds)
{
	struct commands_call c = { .left = stages[0], .right = stages[1],
				   .stages = stages, .count = count };
	struct call_io io = { .in = "/dev/null" };
	char hint[HINT_MAX], what[200];

	grader_tmp_path(run->out_path, sizeof run->out_path, "commands.out");
	grader_tmp_path(run->err_path, sizeof run->err_path, "commands.err");
	io.out = run->out_path;
	io.err = run->err_path;
	run->rep = call_report_new(0);
	ck_assert_msg(call_in_child(use_pipeline ? call_pipeline_run : call_pipe_commands,
				    &c, run->rep, &io, seconds, hint, sizeof hint),
		      "%s(%s) did not return within %.1f s: %s",
		      use_pipeline ? "pipeline_run" : "pipe_commands",
		      describe_commands(stages, count, what, sizeof what), seconds, hint);
	run->out_len = slurp(run->out_path, run->out, sizeof run->out);
	slurp(run->err_path, run->err, sizeof run->err);
	unlink(run->out_path);
	unlink(run->err_path);
	ck_assert_msg(run->rep->stray == 0, "a child forked by %s returned from it "
		      "and ran the caller's code: after a failed exec, end the child with "
		      "_exit(127)", use_pipeline ? "pipeline_run" : "pipe_commands");
	ck_assert_msg(run->rep->returned, "grader: the caller did not report");
}

static void run_free(struct command_run *run)
{
	call_report_free(run->rep);
}

/* Asserts that the run returned status and printed want. */
static void expect_output(const struct command_run *run, char **const *stages,
			  size_t count, const char *fn, const char *want,
			  const char *left_output)
{
	char what[200], shown[128], wanted[128], err[128];

	describe_commands(stages, count, what, sizeof what);
	ck_assert_msg(run->rep->ret != -1, "%s(%s) returned -1 (%s): expected 0", fn,
		      what, strerror(run->rep->err));
	if (left_output && strstr(run->out, left_output) && strcmp(run->out, want) != 0)
		ck_assert_msg(0, "%s(%s): the left command's output reached the "
			      "caller's stdout instead of the pipe: dup2(oldfd, newfd) "
			      "makes newfd a copy of oldfd: dup2(pipe end, 0 or 1)", fn, what);
	ck_assert_msg(strcmp(run->out, want) == 0, "%s(%s) printed %s: expected %s%s%s",
		      fn, what, grader_excerpt(shown, sizeof shown, run->out, run->out_len),
		      grader_excerpt(wanted, sizeof wanted, want, strlen(want)),
		      run->err[0] ? "; stderr: " : "",
		      run->err[0] ? grader_excerpt(err, sizeof err, run->err,
						    strlen(run->err)) : "");
	ck_assert_msg(run->rep->ret == 0, "%s(%s) returned %ld: expected the right-hand "
		      "command's status 0", fn, what, run->rep->ret);
}

static char *number(char *buf, size_t size, unsigned long n)
{
	snprintf(buf, size, "%lu", n);
	return buf;
}

START_TEST(pipe_commands_connects)
{
	char n_text[32], text[80], upper[96], want[128], left_out[64];
	unsigned long n = grader_random_between(2, 5000);
	struct command_run run;

	/* seq 1 N | wc -l */
	{
		char *left[] = { "seq", "1", number(n_text, sizeof n_text, n), NULL };
		char *right[] = { "wc", "-l", NULL };
		char **stages[] = { left, right };

		run_commands(&run, stages, 2, false, 1.5);
		snprintf(want, sizeof want, "%lu\n", n);
		expect_output(&run, stages, 2, "pipe_commands", want, "1\n2\n");
		run_free(&run);
	}
	/* printf %s TEXT | tr a-z A-Z */
	{
		char fmt[] = "%s";
		char *left[] = { "printf", fmt, text, NULL };
		char *right[] = { "tr", "a-z", "A-Z", NULL };
		char **stages[] = { left, right };

		grader_random_text(text, grader_random_between(10, 60));
		for (size_t i = 0; i <= strlen(text); i++)
			upper[i] = (char)toupper((unsigned char)text[i]);
		snprintf(left_out, sizeof left_out, "%.8s", text);
		run_commands(&run, stages, 2, false, 1.5);
		expect_output(&run, stages, 2, "pipe_commands", upper, left_out);
		run_free(&run);
	}
	/* seq 1 N | tail -n 1 */
	{
		char *left[] = { "seq", "1", n_text, NULL };
		char *right[] = { "tail", "-n", "1", NULL };
		char **stages[] = { left, right };

		run_commands(&run, stages, 2, false, 1.5);
		expect_output(&run, stages, 2, "pipe_commands", want, "1\n2\n");
		run_free(&run);
	}
}
END_TEST

START_TEST(pipe_commands_large)
{
	/* Far more than a pipe holds: both commands must run at once. */
	unsigned long n = grader_random_between(30000, 150000), bytes = 0;
	char n_text[32], want[64];
	char *left[] = { "seq", "1", number(n_text, sizeof n_text, n), NULL };
	char *right[] = { "wc", "-c", NULL };
	char **stages[] = { left, right };
	struct command_run run;

	for (unsigned long i = 1, width = 1, next = 10; i <= n; i++) {
		if (i == next) {
			width++;
			next *= 10;
		}
		bytes += width + 1;
	}
	snprintf(want, sizeof want, "%lu\n", bytes);
	run_commands(&run, stages, 2, false, 2.5);
	expect_output(&run, stages, 2, "pipe_commands", want, "1\n2\n");
	run_free(&run);
}
END_TEST

START_TEST(pipe_commands_status)
{
	unsigned long left_code = grader_random_between(1, 60);
	unsigned long right_code = grader_random_between(61, 120);
	char left_script[64], right_script[96], what[200];
	char *left[] = { "sh", "-c", left_script, NULL };
	char *right[] = { "sh", "-c", right_script, NULL };
	char **stages[] = { left, right };
	struct command_run run;
	long ret;

	snprintf(left_script, sizeof left_script, "echo left; exit %lu", left_code);
	snprintf(right_script, sizeof right_script, "cat >/dev/null; exit %lu", right_code);
	describe_commands(stages, 2, what, sizeof what);
	run_commands(&run, stages, 2, false, 1.5);
	ret = run.rep->ret;
	ck_assert_msg(ret != -1, "pipe_commands(%s) returned -1 (%s): expected %lu",
		      what, strerror(run.rep->err), right_code);
	ck_assert_msg(ret != (long)left_code, "pipe_commands(%s) returned %ld, the "
		      "left command's status: return the right-hand command's", what, ret);
	ck_assert_msg(ret == (long)right_code, "pipe_commands(%s) returned %ld: "
		      "expected %lu%s", what, ret, right_code, ret == (long)right_code << 8
		      ? ": that is a raw wait status: use WEXITSTATUS" : "");
	run_free(&run);

	/* Killed by a signal: the shell's 128 + number. */
	snprintf(right_script, sizeof right_script, "cat >/dev/null; kill -TERM $$");
	run_commands(&run, stages, 2, false, 1.5);
	ret = run.rep->ret;
	ck_assert_msg(ret == 128 + SIGTERM, "pipe_commands(%s) returned %ld for a "
		      "command killed by SIGTERM: expected %d (128 + the signal's number, "
		      "WTERMSIG)", describe_commands(stages, 2, what, sizeof what), ret,
		      128 + SIGTERM);
	run_free(&run);
}
END_TEST

START_TEST(pipe_commands_exec_failure)
{
	char missing[64], what[200], shown[128];
	char *echo[] = { "echo", "hello", NULL };
	char *wc[] = { "wc", "-l", NULL };
	char *nothing[] = { missing, NULL };
	struct command_run run;

	snprintf(missing, sizeof missing, "ipclab-no-such-%08x", grader_random());

	/* The right-hand command cannot run: its status is 127. */
	{
		char **stages[] = { echo, nothing };

		describe_commands(stages, 2, what, sizeof what);
		run_commands(&run, stages, 2, false, 1.5);
		ck_assert_msg(run.rep->ret == 127, "pipe_commands(%s) returned %ld%s%s: "
			      "expected 127, the status of a command that cannot be run "
			      "(the child ends with _exit(127) after execvp fails)", what,
			      run.rep->ret, run.rep->ret == -1 ? " " : "",
			      run.rep->ret == -1 ? strerror(run.rep->err) : "");
		ck_assert_msg(strstr(run.err, missing) != NULL, "pipe_commands(%s) "
			      "printed %s on stderr: expected a message naming %s", what,
			      grader_excerpt(shown, sizeof shown, run.err, strlen(run.err)),
			      missing);
		run_free(&run);
	}
	/* The left one cannot run: wc still counts (nothing), status 0. */
	{
		char **stages[] = { nothing, wc };

		describe_commands(stages, 2, what, sizeof what);
		run_commands(&run, stages, 2, false, 1.5);
		ck_assert_msg(strstr(run.err, missing) != NULL, "pipe_commands(%s) "
			      "printed %s on stderr: expected a message naming %s", what,
			      grader_excerpt(shown, sizeof shown, run.err, strlen(run.err)),
			      missing);
		expect_output(&run, stages, 2, "pipe_commands", "0\n", NULL);
		run_free(&run);
	}
}
END_TEST

/* Asserts that the probe labelled label got only 0-2, and pipe end fd. */
static struct probe_view expect_probe(const char *label, const char *who, int pipe_fd,
				      char mode)
{
	struct probe_view v = probe_read(label);
	int at = 0, extra;

	ck_assert_msg(v.found, "%s never ran: the command was not executed", who);
	extra = probe_extra(&v, &at);
	if (extra >= 0)
		probe_picture();
	ck_assert_msg(extra < 0, "%s received descriptor %d (%s, %s): only 0, 1 and 2 "
		      "may reach a command: close both pipe ends after dup2 (or create "
		      "the pipe with O_CLOEXEC)", who, extra, v.target[at],
		      v.mode[at] == 'w' ? "a write end" : v.mode[at] == 'r' ? "a read end"
		      : "open");
	if (pipe_fd >= 0) {
		int i = probe_index(&v, pipe_fd);

		ck_assert_msg(i >= 0 && strncmp(v.target[i], "pipe:", 5) == 0 &&
			      v.mode[i] == mode, "%s: its fd %d is %s, not the pipe's %s end: "
			      "dup2(pipe end, %d)", who, pipe_fd, i >= 0 ? v.target[i] : "closed",
			      mode == 'w' ? "write" : "read", pipe_fd);
	}
	return v;
}

/*
 * pipe_commands (count 2) or pipeline_run (count 3): printf x | cat [| cat],
 * which succeeds when its status is 0 and x came out (else EIO).
 */
struct pipeline_attempt {
	size_t count;
};

/* fd moved to the lowest free descriptor above 2 (close-on-exec). */
static int above_stdio(int fd)
{
	int moved;

	if (fd > 2)
		return fd;
	moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (moved < 0)
		ck_abort_msg("grader: fcntl: %s", strerror(errno));
	close(fd);
	return moved;
}

static bool pipeline_attempt(void *ctx)
{
	static char *const printf_x[] = { "printf", "x", NULL };
	static char *const cat[] = { "cat", NULL };
	static char *const *const three[] = { printf_x, cat, cat };
	const struct pipeline_attempt *a = ctx;
	char out_path[600], got[8] = "";
	int saved_stdout = dup(1), out_fd, rc, error;
	ssize_t n;

	/* What the last command prints goes to a file the test reads back. */
	grader_tmp_path(out_path, sizeof out_path, "pipeline.out");
	out_fd = open(out_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (saved_stdout < 0 || out_fd < 0)
		ck_abort_msg("grader: %s", strerror(errno));
	/* Neither may take descriptor 0, when it is free: that one is the pipe's. */
	saved_stdout = above_stdio(saved_stdout);
	out_fd = above_stdio(out_fd);
	fflush(stdout);
	dup2(out_fd, 1);
	rc = a->count == 2 ? pipe_commands(printf_x, cat) : pipeline_run(three, a->count);
	error = errno;
	grader_leave_if_forked(0);
	dup2(saved_stdout, 1);
	close(saved_stdout);
	n = pread(out_fd, got, sizeof got - 1, 0);
	got[n > 0 ? n : 0] = '\0';
	close(out_fd);
	unlink(out_path);
	errno = error;
	if (rc == 0 && strcmp(got, "x") != 0) {
		errno = EIO;    /* it ran, but the data never came through */
		return false;
	}
	return rc == 0;
}

static void pipeline_undo(void *ctx)
{
	(void)ctx;
}

/*
 * pipe_commands and a three-stage pipeline_run with each pipe and fork
 * failing in turn: -1 with that call's errno, no descriptor left, every
 * child already started waited for.  Then with standard input closed, so
 * that the first pipe is descriptors 0 and 3: the data still flows, and
 * descriptor 0 is closed like any other.
 */
static void sweep_pipelines(size_t count)
{
	static const struct sweep_call calls[] = {
		{ .call = FAULT_pipe, .error = EMFILE }, { .call = FAULT_fork, .error = EAGAIN },
	};
	struct pipeline_attempt a = { count };
	const struct sweep sweep = {
		.what = count == 2 ? "pipe_commands" : "pipeline_run (3 commands)",
		.attempt = pipeline_attempt, .undo = pipeline_undo, .ctx = &a,
		.zero_advice = "the first pipe was descriptors 0 and 3, and x never "
			       "came through: a pipe end that already is 0 needs no dup2 "
			       "but must lose its close-on-exec flag (dup_onto), and 0 is "
			       "a valid descriptor (fd < 0, not fd <= 0)",
	};
	int saved_stdin;

	sweep_faults(&sweep, calls, 2);
	sweep_with_stdin_closed(&sweep);
	/* The failures again with the first pipe on descriptor 0: closed all the same. */
	saved_stdin = fcntl(0, F_DUPFD_CLOEXEC, 3);
	ck_assert_msg(saved_stdin >= 0, "grader: fcntl: %s", strerror(errno));
	close(0);
	sweep_faults(&sweep, calls, 2);
	dup2(saved_stdin, 0);
	close(saved_stdin);
}

START_TEST(pipe_commands_no_leaks)
{
	char n_text[32], want[64];
	unsigned long n = grader_random_between(2, 3000);
	char *left[] = { (char *)probe_path(), "left", "seq", "1",
			 number(n_text, sizeof n_text, n), NULL };
	char *right[] = { (char *)probe_path(), "right", "wc", "-l", NULL };
	char **stages[] = { left, right };
	struct command_run run;
	struct probe_view l, r;

	probe_start();
	run_commands(&run, stages, 2, false, 2.0);
	snprintf(want, sizeof want, "%lu\n", n);
	expect_output(&run, stages, 2, "pipe_commands", want, "1\n2\n");
	l = expect_probe("left", "the left command", 1, 'w');
	r = expect_probe("right", "the right-hand command", 0, 'r');
	ck_assert_msg(strcmp(l.target[probe_index(&l, 1)], r.target[probe_index(&r, 0)]) == 0,
		      "the left command writes into %s but the right one reads %s: use "
		      "one pipe for both", l.target[probe_index(&l, 1)],
		      r.target[probe_index(&r, 0)]);
	ck_assert_msg(call_new_fd(run.rep) < 0, "after pipe_commands returned, the caller "
		      "still has descriptor %d open: the parent must close both pipe ends",
		      call_new_fd(run.rep));
	probe_end();
	run_free(&run);
	sweep_pipelines(2);
}
END_TEST

START_TEST(pipe_commands_reaps)
{
	char n_text[32], want[64];
	unsigned long n = grader_random_between(2, 3000);
	char *left[] = { "seq", "1", number(n_text, sizeof n_text, n), NULL };
	char *right[] = { "wc", "-l", NULL };
	char **stages[] = { left, right };
	struct command_run run;

	run_commands(&run, stages, 2, false, 1.5);
	snprintf(want, sizeof want, "%lu\n", n);
	expect_output(&run, stages, 2, "pipe_commands", want, "1\n2\n");
	ck_assert_msg(run.rep->leftover == 0, "after pipe_commands returned, its child "
		      "(pid %d) was %s: waitpid for both children, the left one too",
		      (int)run.rep->leftover, run.rep->leftover_zombie
		      ? "a zombie: nobody waited for it" : "still running");
	run_free(&run);
}
END_TEST

START_TEST(pipeline_stages)
{
	char n_text[32], tail_text[32], want[64];
	unsigned long n = grader_random_between(100, 20000), sevens = 0, keep;
	char *seq[] = { "seq", "1", number(n_text, sizeof n_text, n), NULL };
	char *grep[] = { (char *)probe_path(), "middle", "grep", "7", NULL };
	char *tail[] = { "tail", "-n", tail_text, NULL };
	char *cat[] = { "cat", NULL };
	char *wc[] = { "wc", "-l", NULL };
	char **stages[5] = { seq, grep, tail, cat, wc };
	size_t count = grader_random_between(3, 5);
	struct command_run run;

	for (unsigned long i = 1; i <= n; i++) {
		char digits[24];

		snprintf(digits, sizeof digits, "%lu", i);
		sevens += strchr(digits, '7') != NULL;
	}
	keep = grader_random_between(1, (uint32_t)sevens + 5);
	number(tail_text, sizeof tail_text, keep);
	stages[count - 1] = wc; /* 3: seq | grep | wc; 4: ... | tail | wc */
	snprintf(want, sizeof want, "%lu\n", count == 3 ? sevens
		 : keep < sevens ? keep : sevens);

	probe_start();
	run_commands(&run, stages, count, true, 3.0);
	expect_output(&run, stages, count, "pipeline_run", want, "1\n2\n");
	expect_probe("middle", "the second command", 0, 'r');
	expect_probe("middle", "the second command", 1, 'w');
	check_call_clean(run.rep, "pipeline_run");
	probe_end();
	run_free(&run);
	sweep_pipelines(3);
}
END_TEST

/* ===================================================================== */
/* lswc                                                                  */
/* ===================================================================== */

/* Makes a folder with a random number of entries; returns how many. */
static int make_folder(char *dir, size_t size, const char *name, int files)
{
	grader_tmp_path(dir, size, name);
	ck_assert_msg(mkdir(dir, 0700) == 0, "grader: mkdir %s: %s", dir, strerror(errno));
	for (int i = 0; i < files; i++) {
		char path[800], base[40];
		int fd;

		grader_random_text(base, grader_random_between(3, 20));
		/* Some hidden (ls does not list them), some with blanks. */
		snprintf(path, sizeof path, "%s/%s%s-%d", dir,
			 grader_random_between(0, 4) == 0 ? "." : "", base, i);
		if (grader_random_between(0, 5) == 0)
			ck_assert_msg(mkdir(path, 0700) == 0, "grader: mkdir: %s", strerror(errno));
		else {
			fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
			ck_assert_msg(fd >= 0, "grader: %s: %s", path, strerror(errno));
			close(fd);
		}
	}
	return files;
}

/* What sh -c 'ls | wc -l' prints in dir. */
static void shell_count(const char *dir, char *buf, size_t size)
{
	const char *args[] = { "-c", "ls | wc -l", NULL };
	struct run_opts opts = { .cwd = dir, .timeout = 2.0 };
	struct run_result res;

	run_program("/bin/sh", args, &opts, &res);
	ck_assert_msg(res.exited && res.exit_code == 0, "grader: sh -c 'ls | wc -l' "
		      "failed in %s", dir);
	snprintf(buf, size, "%s", res.out);
	run_result_free(&res);
}

/*
 * Makes a new folder of files entries, named after name, in dir (600
 * bytes), and puts in want (64 bytes) what sh -c 'ls | wc -l' prints there.
 */
static void lswc_folder(const char *name, int files, char dir[600], char want[64])
{
	make_folder(dir, 600, name, files);
	shell_count(dir, want, 64);
}

/* Runs lswc in dir and compares with want, what the shell prints there. */
static void check_lswc_output(const char *dir, int files, const char *want,
			      struct run_result *res)
{
	struct run_opts opts = { .cwd = dir, .timeout = 2.0, .explain_hang = true };
	char why[HINT_MAX], shown[128], how[64];
	const char *newline;

	run_program("lswc", NULL, &opts, res);
	ck_assert_msg(!res->spawn_error, "lswc: %s", strerror(res->spawn_error));
	ck_assert_msg(!res->timed_out, "lswc did not end within 2 s in a folder of %d "
		      "entries: %s", files, res->autopsy ? res->autopsy : "");
	newline = strchr(res->out, '\n');
	if (newline && newline[1] != '\0')
		ck_assert_msg(0, "lswc printed %s, a listing, not a count: ls wrote to "
			      "stdout instead of the pipe: dup2(pipe's write end, 1)",
			      grader_excerpt(shown, sizeof shown, res->out, res->out_len));
	ck_assert_msg(strcmp(res->out, want) == 0, "in a folder of %d entries lswc "
		      "printed %s, sh -c 'ls | wc -l' prints %s (stderr: %s)", files,
		      grader_excerpt(shown, sizeof shown, res->out, res->out_len),
		      grader_excerpt(why, sizeof why, want, strlen(want)),
		      grader_excerpt(how, sizeof how, res->err, res->err_len));
	ck_assert_msg(res->exited && res->exit_code == 0, "lswc ended with %s: "
		      "expected wc's status, 0", run_describe(res, how, sizeof how));
}

START_TEST(lswc_matches_shell)
{
	int counts[3] = { 0, (int)grader_random_between(1, 9),
			  (int)grader_random_between(10, 60) };

	for (int i = 0; i < 3; i++) {
		char dir[600], name[32], want[64];
		struct run_result res;

		snprintf(name, sizeof name, "lswc-%d", i);
		lswc_folder(name, counts[i], dir, want);
		check_lswc_output(dir, counts[i], want, &res);
		run_result_free(&res);
		remove_tree(dir);
	}
}
END_TEST

START_TEST(lswc_no_leaks)
{
	char dir[600], want[64];
	int files = (int)grader_random_between(3, 30);
	struct run_result res;
	struct probe_view ls, wc;

	lswc_folder("lswc-leaks", files, dir, want); /* before the probes take ls and wc */
	probe_start();
	probe_shadow((const char *const[]){ "ls", "wc", NULL });
	check_lswc_output(dir, files, want, &res);
	ls = expect_probe("ls", "ls", 1, 'w');
	wc = expect_probe("wc", "wc", 0, 'r');
	ck_assert_msg(strcmp(ls.target[probe_index(&ls, 1)], wc.target[probe_index(&wc, 0)]) == 0,
		      "ls writes into %s but wc reads %s: use one pipe for both",
		      ls.target[probe_index(&ls, 1)], wc.target[probe_index(&wc, 0)]);
	probe_end();
	run_result_free(&res);
	remove_tree(dir);
	/* No pipe: an error, not a count. */
	sweep_program("lswc", NULL, "lswc", FAULT_pipe, 1, EMFILE,
		      "check pipe_commands's -1", &res);
	run_result_free(&res);
}
END_TEST

START_TEST(lswc_reaps)
{
	char dir[600], want[64];
	int files = (int)grader_random_between(1, 30);
	struct run_result res;

	lswc_folder("lswc-reaps", files, dir, want);
	check_lswc_output(dir, files, want, &res);
	ck_assert_msg(!res.left_processes, "when lswc ended, a process it started was "
		      "still there (a zombie or running): the parent must waitpid for "
		      "both ls and wc, not become one of them with exec");
	run_result_free(&res);
	remove_tree(dir);
}
END_TEST

/* ===================================================================== */
/* Named pipes                                                           */
/* ===================================================================== */

/* One fifo_open of path for reading; the grader holds both ends open. */
struct fifo_attempt {
	const char *path;
	int fd;
};

static bool fifo_attempt(void *ctx)
{
	struct fifo_attempt *a = ctx;

	a->fd = fifo_open(a->path, 0);
	return a->fd >= 0;
}

static void fifo_undo(void *ctx)
{
	close(((struct fifo_attempt *)ctx)->fd);
}

/*
 * fifo_open: its descriptor close-on-exec, open failing (EACCES) reported,
 * descriptor 0 taken like any other, and a regular file refused (EINVAL)
 * without keeping it open.  The grader holds the FIFO open for reading and
 * writing itself, so fifo_open never waits for a partner.
 */
static void sweep_fifo_open(const char *path, const char *file)
{
	static const struct sweep_call calls[] = { { .call = FAULT_open, .error = EACCES } };
	struct fifo_attempt a = { path, -1 };
	const struct sweep sweep = {
		.what = "fifo_open", .attempt = fifo_attempt, .undo = fifo_undo,
		.undo_what = "close", .ctx = &a,
	};
	int partner, fd, flags;

	ck_assert_msg(mkfifo(path, 0600) == 0, "grader: mkfifo: %s", strerror(errno));
	partner = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	ck_assert_msg(partner >= 0, "grader: open: %s", strerror(errno));
	fd = fifo_open(path, 0);
	flags = fd >= 0 ? fcntl(fd, F_GETFD) : 0;
	if (fd >= 0)
		close(fd);
	ck_assert_msg(fd >= 0, "fifo_open(FIFO, 0) failed: %s", strerror(errno));
	ck_assert_msg(flags & FD_CLOEXEC, "fifo_open's descriptor is not close-on-exec: "
		      "a program the caller runs would inherit the FIFO (open with "
		      "O_CLOEXEC, as fifo.h says)");
	sweep_faults(&sweep, calls, 1);
	sweep_with_stdin_closed(&sweep);
	fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ck_assert_msg(fd >= 0, "grader: %s", strerror(errno));
	close(fd);
	a.path = file;
	sweep_refused(&sweep, EINVAL, "a regular file");
	unlink(file);
	close(partner);
	unlink(path);
}

START_TEST(fifo_make_private)
{
	char path[600], file[700], missing[700], name[40];
	struct stat st;
	int rc, fd;

	grader_random_text(name, 12);
	for (char *p = name; *p; p++)
		if (*p == ' ' || *p == ',')
			*p = '_';
	grader_tmp_path(path, sizeof path, name);
	umask(0); /* what the umask would hide, the test sees */
	rc = fifo_make(path);
	ck_assert_msg(rc == 1, "fifo_make(new path) returned %d (%s): expected 1 (it "
		      "created the FIFO)", rc, rc < 0 ? strerror(errno) : "no error");
	ck_assert_msg(lstat(path, &st) == 0 && S_ISFIFO(st.st_mode), "after fifo_make "
		      "there is no FIFO at the path: use mkfifo");
	ck_assert_msg((st.st_mode & 07777) == 0600, "the FIFO has mode %04o: expected "
		      "0600, so that no other user can read or inject data (mkfifo(path, "
		      "0600), not 0666)", (unsigned)(st.st_mode & 07777));
	rc = fifo_make(path);
	ck_assert_msg(rc == 0, "fifo_make on an existing FIFO returned %d (%s): "
		      "expected 0 (the other side made it)", rc,
		      rc < 0 ? strerror(errno) : "no error");
	unlink(path);

	snprintf(file, sizeof file, "%s.file", path);
	fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ck_assert_msg(fd >= 0 && write(fd, "data\n", 5) == 5, "grader: %s", strerror(errno));
	close(fd);
	errno = 0;
	rc = fifo_make(file);
	ck_assert_msg(rc == -1 && errno == EEXIST, "fifo_make on a regular file "
		      "returned %d (%s): expected -1 with EEXIST (it is not a FIFO)", rc,
		      strerror(errno));
	unlink(file);

	snprintf(missing, sizeof missing, "%s.none/fifo", path);
	errno = 0;
	rc = fifo_make(missing);
	ck_assert_msg(rc == -1 && errno == ENOENT, "fifo_make in a missing folder "
		      "returned %d (%s): expected -1 with ENOENT", rc, strerror(errno));
	sweep_fifo_open(path, file);
}
END_TEST

/* Waits until path is a FIFO or r ended; true if the FIFO is there. */
static bool wait_for_fifo(const char *path, struct running *r, double seconds)
{
	double until = monotonic_seconds() + seconds * grader_scale();
	struct stat st;

	for (;;) {
		if (lstat(path, &st) == 0 && S_ISFIFO(st.st_mode))
			return true;
		if (!process_running(run_pid(r)) || monotonic_seconds() > until)
			return false;
		sleep_seconds(0.002);
	}
}

/* Opens path for writing without blocking and closes it: a waiting reader sees EOF. */
static void release_reader(const char *path)
{
	int fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		close(fd);
}

START_TEST(fifo_transfer)
{
	char path[600], shown[128], how[64], name[32];
	size_t len;
	char *data = grader_random_lines(grader_random_between(30, 550), 5, 120, "line", &len);
	const char *args[] = { path, NULL };
	struct run_opts reader_opts = { .timeout = 3.0 };
	struct run_opts writer_opts = { .timeout = 2.0, .input = data, .input_len = len };
	struct running *reader;
	struct run_result wres, rres;
	struct stat st;

	snprintf(name, sizeof name, "fifo-%08x", grader_random());
	grader_tmp_path(path, sizeof path, name);
	reader = run_start("fifo_reader", args, &reader_opts);
	ck_assert_msg(reader != NULL, "fifo_reader: %s", strerror(errno));
	if (!wait_for_fifo(path, reader, 1.0)) {
		run_finish(reader, &rres);
		ck_assert_msg(0, "fifo_reader FIFO did not create the FIFO within 1 s "
			      "(it ended with %s, stderr: %s): mkfifo(path, 0600) before "
			      "opening it", run_describe(&rres, how, sizeof how),
			      grader_excerpt(shown, sizeof shown, rres.err, rres.err_len));
	}
	run_program("fifo_writer", args, &writer_opts, &wres);
	if (!(wres.exited && wres.exit_code == 0))
		release_reader(path); /* the reader must not wait for ever */
	run_finish(reader, &rres);
	ck_assert_msg(wres.exited && wres.exit_code == 0, "fifo_writer FIFO ended with "
		      "%s (stderr: %s): expected exit 0 after sending its input",
		      run_describe(&wres, how, sizeof how),
		      grader_excerpt(shown, sizeof shown, wres.err, wres.err_len));
	ck_assert_msg(!rres.timed_out, "fifo_reader was still running after the writer "
		      "ended: read until end of file (read() returns 0 once every writer "
		      "has closed its end)");
	ck_assert_msg(rres.exited && rres.exit_code == 0, "fifo_reader ended with %s "
		      "(stderr: %s): expected exit 0", run_describe(&rres, how, sizeof how),
		      grader_excerpt(shown, sizeof shown, rres.err, rres.err_len));
	ck_assert_msg(rres.out_len == len && memcmp(rres.out, data, len) == 0,
		      "fifo_reader printed %zu bytes, %s: expected the %zu bytes the "
		      "writer sent", rres.out_len,
		      grader_excerpt(shown, sizeof shown, rres.out, rres.out_len), len);
	if (lstat(path, &st) == 0)
		snapshot_object_left(NULL, path, "still there after fifo_reader ended");
	ck_assert_msg(lstat(path, &st) < 0 && errno == ENOENT, "fifo_reader left the "
		      "FIFO it created behind: unlink it once the transfer is over");
	run_result_free(&wres);
	run_result_free(&rres);
	free(data);
}
END_TEST

/* Reads from fd until want bytes came, the writer ended, or the deadline. */
static size_t read_fifo(int fd, char *buf, size_t size, size_t want,
			struct running *writer, double seconds)
{
	double until = monotonic_seconds() + seconds * grader_scale();
	size_t got = 0;

	while (got < size - 1) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (got >= want || monotonic_seconds() > until)
			break;
		if (poll(&p, 1, 10) > 0) {
			n = read(fd, buf + got, size - 1 - got);
			if (n > 0)
				got += (size_t)n;
		} else if (!process_running(run_pid(writer))) {
			break;
		}
	}
	buf[got] = '\0';
	return got;
}

START_TEST(fifo_writer_whole_lines)
{
	/* The cut line: PIPE_BUF bytes, cut PENDING_TAIL before its end. */
	enum { LONG_LINE = PIPE_BUF, PENDING_TAIL = 5 };
	char path[600], name[32], head[3400 + LONG_LINE], rest[PENDING_TAIL + 1];
	char full[LONG_LINE + 1], got[2 * LONG_LINE + 8192], shown[128], how[64], *first;
	const char *args[] = { path, NULL };
	struct run_opts opts = { .timeout = 3.0, .keep_stdin_open = true };
	struct running *a, *b;
	struct run_result ares, bres;
	size_t complete, cut, n;
	int rfd;

	snprintf(name, sizeof name, "fifo-%08x", grader_random());
	grader_tmp_path(path, sizeof path, name);
	ck_assert_msg(mkfifo(path, 0600) == 0, "grader: mkfifo: %s", strerror(errno));
	/* The test reads: opening without blocking, the writers' opens succeed. */
	rfd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ck_assert_msg(rfd >= 0, "grader: open: %s", strerror(errno));

	/*
	 * A's input: complete lines, then a line of PIPE_BUF bytes (the
	 * longest one write still delivers in one piece) cut just before its
	 * end.  A writer that sends what it has of a line, whatever the size
	 * of its buffer below PIPE_BUF, sends part of it now, on every run.
	 */
	first = grader_random_lines(grader_random_between(8, 24), 5, 120, "A", &complete);
	snprintf(full, sizeof full, "A-cut ");
	grader_random_text(full + 6, LONG_LINE - 7);
	strcat(full, "\n");
	cut = LONG_LINE - PENDING_TAIL;
	snprintf(head, sizeof head, "%s%.*s", first, (int)cut, full);
	snprintf(rest, sizeof rest, "%s", full + cut);

	a = run_start("fifo_writer", args, &opts);
	b = run_start("fifo_writer", args, &opts);
	ck_assert_msg(a && b, "fifo_writer: %s", strerror(errno));
	run_feed(a, head, strlen(head));
	n = read_fifo(rfd, got, sizeof got, complete, a, 1.0);
	/* Anything past the complete lines arrives with them, or soon after. */
	if (n == complete)
		n += read_fifo(rfd, got + n, sizeof got - n, 1, a, 0.15);
	if (n < complete) {
		run_close_stdin(a);
		run_finish(a, &ares);
		ck_assert_msg(0, "fifo_writer got %zu bytes of complete lines and sent only "
			      "%zu (it ended with %s, stderr: %s): send each line as soon "
			      "as it is complete (stdio buffering holds them back)",
			      complete, n, run_describe(&ares, how, sizeof how),
			      grader_excerpt(shown, sizeof shown, ares.err, ares.err_len));
	}
	ck_assert_msg(n == complete, "fifo_writer sent %zu bytes where its input had "
		      "%zu bytes of complete lines: it wrote part of a line (%s...), "
		      "where another writer's line can land in the middle: one write per "
		      "complete line", n, complete,
		      grader_excerpt(shown, sizeof shown, got + complete - 10, 20));

	/* B sends a whole line while A's line is pending; then A finishes it. */
	run_feed(b, "B says hello\n", 13);
	n = read_fifo(rfd, got, sizeof got, 13, b, 1.0);
	ck_assert_msg(n == 13 && memcmp(got, "B says hello\n", 13) == 0, "a second "
		      "fifo_writer sent %s: expected \"B says hello\\n\"",
		      grader_excerpt(shown, sizeof shown, got, n));
	run_feed(a, rest, strlen(rest));
	n = read_fifo(rfd, got, sizeof got, strlen(full), a, 1.0);
	ck_assert_msg(n == strlen(full) && memcmp(got, full, n) == 0, "after the rest "
		      "of the line, fifo_writer sent %s: expected the whole line %s",
		      grader_excerpt(shown, sizeof shown, got, n),
		      grader_excerpt(how, sizeof how, full, strlen(full)));
	run_close_stdin(a);
	run_close_stdin(b);
	run_finish(a, &ares);
	run_finish(b, &bres);
	ck_assert_msg(ares.exited && ares.exit_code == 0 && bres.exited &&
		      bres.exit_code == 0, "fifo_writer ended with %s at the end of its "
		      "input: expected exit 0", run_describe(ares.exit_code ? &ares : &bres,
							   how, sizeof how));
	close(rfd);
	unlink(path);
	run_result_free(&ares);
	run_result_free(&bres);
	free(first);
}
END_TEST

/* Asserts that prog refuses args fast, with one line naming args[0] (if any). */
static void expect_refusal(const char *prog, const char *const args[], int code,
			   const char *why)
{
	struct refusal r = { .what = args[0] ? "PATH" : "without arguments", .code = code,
			     .names = args[0], .advice = why, .timeout = 1.0 };
	char hint[HINT_MAX];

	ck_assert_msg(run_refused(prog, args, &r, hint, sizeof hint), "%s", hint);
}

/* The happy path first: fifo_writer sends a line to a FIFO the test reads. */
static void expect_writer_works(void)
{
	char path[600], name[32], got[64], shown[128], how[64], err[128];
	const char *args[] = { path, NULL };
	struct run_opts opts = { .timeout = 1.0, .input = "hello, FIFO\n" };
	struct run_result res;
	ssize_t n;
	int rfd;

	snprintf(name, sizeof name, "fifo-%08x", grader_random());
	grader_tmp_path(path, sizeof path, name);
	ck_assert_msg(mkfifo(path, 0600) == 0, "grader: mkfifo: %s", strerror(errno));
	rfd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ck_assert_msg(rfd >= 0, "grader: open: %s", strerror(errno));
	run_program("fifo_writer", args, &opts, &res);
	n = read(rfd, got, sizeof got - 1);
	got[n > 0 ? n : 0] = '\0';
	close(rfd);
	unlink(path);
	ck_assert_msg(res.exited && res.exit_code == 0 && strcmp(got, "hello, FIFO\n") == 0,
		      "fifo_writer FIFO with a reader waiting ended with %s and sent %s "
		      "(stderr: %s): expected exit 0 and \"hello, FIFO\\n\"",
		      run_describe(&res, how, sizeof how),
		      grader_excerpt(shown, sizeof shown, got, strlen(got)),
		      grader_excerpt(err, sizeof err, res.err, res.err_len));
	run_result_free(&res);
}

/*
 * fifo_reader on a FIFO someone else made: it reads it, and leaves it
 * there (only what it made is its to remove).
 */
static void expect_reader_takes_existing_fifo(const char *path, bool stdin_closed)
{
	const char *args[] = { path, NULL };
	/* No standard input: the FIFO it opens is descriptor 0, valid like any other. */
	struct run_opts opts = { .timeout = 2.0, .stdin_closed = stdin_closed };
	struct running *r;
	struct run_result res;
	char shown[128], err[128], how[64];
	int wfd = -1;
	struct stat st;

	ck_assert_msg(mkfifo(path, 0600) == 0, "grader: mkfifo: %s", strerror(errno));
	r = run_start("fifo_reader", args, &opts);
	ck_assert_msg(r != NULL, "fifo_reader could not be started");
	/* A non-blocking open for writing succeeds once a reader has it open. */
	for (double end = monotonic_seconds() + 1.5 * grader_scale();
	     wfd < 0 && monotonic_seconds() < end && process_running(run_pid(r));)
		if ((wfd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
			sleep_seconds(0.002);
	if (wfd >= 0) {
		ck_assert_msg(write(wfd, "already there\n", 14) == 14, "grader: write: %s",
			      strerror(errno));
		close(wfd);
	}
	run_finish(r, &res);
	ck_assert_msg(res.exited && res.exit_code == 0 &&
		      strcmp(res.out, "already there\n") == 0, "fifo_reader on a FIFO "
		      "that already existed%s ended with %s and printed %s (stderr %s): "
		      "expected exit 0 and the line written: %s", stdin_closed ? ", with "
		      "standard input closed," : "", run_describe(&res, how, sizeof how),
		      grader_excerpt(shown, sizeof shown, res.out, res.out_len),
		      grader_excerpt(err, sizeof err, res.err, res.err_len),
		      stdin_closed ? "the FIFO it opened was descriptor 0, a valid one: "
		      "only -1 is a failure (fd < 0, not fd <= 0)"
		      : "fifo_make returns 0 for a FIFO that is there, which is no error "
		      "(errno is left from mkfifo's EEXIST: test the result, not errno)");
	run_result_free(&res);
	ck_assert_msg(lstat(path, &st) == 0, "fifo_reader removed a FIFO it did not make: "
		      "remove it only when fifo_make returned 1");
	unlink(path);
}

/*
 * The FIFO programs with a call failing: mkfifo and open for the reader
 * (which then removes the FIFO it made), close for the writer.
 */
static void fifo_programs_failures(const char *path)
{
	const char *args[] = { path, NULL };
	struct run_result res;
	struct stat st;
	int rfd;

	sweep_program("fifo_reader", args, "fifo_reader FIFO", FAULT_mkfifo, 1, EACCES,
		      "check fifo_make's -1", &res);
	run_result_free(&res);
	sweep_program("fifo_reader", args, "fifo_reader FIFO", FAULT_open, 1, EACCES,
		      "check fifo_open's -1", &res);
	run_result_free(&res);
	ck_assert_msg(lstat(path, &st) < 0, "fifo_reader, whose open failed, left the "
		      "FIFO it had made: remove it before exiting on an error");
	/* The grader is the reader, so that the writer's open returns at once. */
	ck_assert_msg(mkfifo(path, 0600) == 0, "grader: mkfifo: %s", strerror(errno));
	rfd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ck_assert_msg(rfd >= 0, "grader: open: %s", strerror(errno));
	sweep_program("fifo_writer", args, "fifo_writer FIFO", FAULT_close, 1, EIO,
		      "check close's -1: on a FIFO it can report a lost write", &res);
	run_result_free(&res);
	sweep_program("fifo_writer", args, "fifo_writer FIFO", FAULT_open, 1, EACCES,
		      "check fifo_open's -1, whatever its errno", &res);
	run_result_free(&res);
	close(rfd);
	unlink(path);
}

START_TEST(fifo_bad_input)
{
	char missing[600], file[600], name[32], content[64];
	const char *missing_args[] = { missing, NULL };
	const char *file_args[] = { file, NULL };
	const char *no_args[] = { NULL };
	struct stat st;
	int fd;

	expect_writer_works();
	snprintf(name, sizeof name, "none-%08x", grader_random());
	grader_tmp_path(missing, sizeof missing, name);
	expect_refusal("fifo_writer", missing_args, 0, "there is no FIFO to open: say so");
	ck_assert_msg(lstat(missing, &st) < 0, "fifo_writer created something at a "
		      "missing path: it should only open an existing FIFO");

	snprintf(name, sizeof name, "file-%08x", grader_random());
	grader_tmp_path(file, sizeof file, name);
	fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ck_assert_msg(fd >= 0 && write(fd, "keep\n", 5) == 5, "grader: %s", strerror(errno));
	close(fd);
	expect_refusal("fifo_writer", file_args, 0, "a regular file is not a FIFO: check "
		       "with fstat after open");
	expect_refusal("fifo_reader", file_args, 0, "a regular file is not a FIFO");
	ck_assert_msg(slurp(file, content, sizeof content) == 5 &&
		      strcmp(content, "keep\n") == 0, "a regular file passed as the FIFO "
		      "was changed or removed: refuse anything that is not a FIFO");
	unlink(file);
	expect_refusal("fifo_writer", no_args, 2, "no FIFO given");
	expect_refusal("fifo_reader", no_args, 2, "no FIFO given");
	expect_reader_takes_existing_fifo(missing, false);
	expect_reader_takes_existing_fifo(missing, true);
	fifo_programs_failures(missing);
}
END_TEST

#include GRADER_HIDDEN_TESTS	/* this lab's hidden items, if any (grader.h) */

static const struct graded_item graded_items[] = {
#include "07-pipes.def"
#include GRADER_HIDDEN_ITEMS
};
GRADER_MAIN("07-pipes")
