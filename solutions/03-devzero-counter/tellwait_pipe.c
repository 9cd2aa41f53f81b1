/*
 * tellwait_pipe.c - the TELL_WAIT family of tellwait.h on two pipes (the
 * names come out as pipe_TELL_WAIT, ...; see tellwait_pipe.h).
 *
 * TELL_CHILD writes one byte 'p' into the pipe to the child and WAIT_PARENT
 * reads it; TELL_PARENT writes 'c' into the pipe to the parent and
 * WAIT_CHILD reads it.  Each side closes the two ends it never uses the
 * first time it calls the API after fork(): then, when the other side
 * exits, its pipe has no writer left and a WAIT_* reads end of file
 * instead of sleeping for ever.
 */
#define TELLWAIT_PIPES	/* tellwait.h then declares the pipe_ names */
#include "tellwait.h"
#include "tellwait_pipe.h"

#include "errors.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>
/* BEGIN SOLUTION */

static int to_child[2] = { -1, -1 };	/* parent writes 'p', child reads */
static int to_parent[2] = { -1, -1 };	/* child writes 'c', parent reads */
static bool ready;			/* TELL_WAIT has run in this process */

static void close_end(int *fd)
{
	if (*fd >= 0 && close(*fd) < 0)
		die("close");
	*fd = -1;
}

/* Keeps the two ends one side uses and closes the other two (once). */
static void take_side(const char *who, bool parent)
{
	if (!ready)
		fail("%s: TELL_WAIT was not called", who);
	if (parent) {
		close_end(&to_child[0]);
		close_end(&to_parent[1]);
	} else {
		close_end(&to_child[1]);
		close_end(&to_parent[0]);
	}
}

static void tell(const char *who, pid_t pid, int fd, char byte)
{
	ssize_t n;

	if (pid <= 0)
		fail("%s: %ld is not a process id", who, (long)pid);
	if (fd < 0)
		fail("%s: called on the wrong side of fork()", who);
	do
		n = write(fd, &byte, 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		die("%s: write", who);
}

static void wait_for(const char *who, int fd, char expected, const char *peer)
{
	char byte;
	ssize_t n;

	if (fd < 0)
		fail("%s: called on the wrong side of fork()", who);
	do
		n = read(fd, &byte, 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		die("%s: read", who);
	if (n == 0)
		fail("%s: the %s exited without telling", who, peer);
	if (byte != expected)
		fail("%s: incorrect data '%c'", who, byte);
}

/* A pipe whose ends are close-on-exec: a program either side runs never holds them. */
static void make_pipe(int fds[2])
{
	if (pipe(fds) < 0)
		die("TELL_WAIT: pipe");
	if (fcntl(fds[0], F_SETFD, FD_CLOEXEC) < 0 ||
	    fcntl(fds[1], F_SETFD, FD_CLOEXEC) < 0)
		die("TELL_WAIT: fcntl");
}
/* END SOLUTION */

void TELL_WAIT(void)
{
	/* BEGIN SOLUTION */
	if (ready) {	/* a second TELL_WAIT starts afresh */
		close_end(&to_child[0]);
		close_end(&to_child[1]);
		close_end(&to_parent[0]);
		close_end(&to_parent[1]);
	}
	make_pipe(to_child);
	make_pipe(to_parent);
	ready = true;
	/* ELSE STUB
	// TODO(lab 03 §6): make the two pipes
	END SOLUTION */
}

void TELL_PARENT(pid_t pid)
{
	/* BEGIN SOLUTION */
	take_side("TELL_PARENT", false);
	tell("TELL_PARENT", pid, to_parent[1], 'c');
	/* ELSE STUB
	(void)pid; // TODO(lab 03 §6): write one byte to the parent
	END SOLUTION */
}

void WAIT_PARENT(void)
{
	/* BEGIN SOLUTION */
	take_side("WAIT_PARENT", false);
	wait_for("WAIT_PARENT", to_child[0], 'p', "parent");
	/* ELSE STUB
	// TODO(lab 03 §6): read the parent's byte; end of file means the parent is gone
	END SOLUTION */
}

void TELL_CHILD(pid_t pid)
{
	/* BEGIN SOLUTION */
	take_side("TELL_CHILD", true);
	tell("TELL_CHILD", pid, to_child[1], 'p');
	/* ELSE STUB
	(void)pid; // TODO(lab 03 §6): write one byte to the child
	END SOLUTION */
}

void WAIT_CHILD(void)
{
	/* BEGIN SOLUTION */
	take_side("WAIT_CHILD", true);
	wait_for("WAIT_CHILD", to_parent[0], 'c', "child");
	/* ELSE STUB
	// TODO(lab 03 §6): read the child's byte; end of file means the child is gone
	END SOLUTION */
}
