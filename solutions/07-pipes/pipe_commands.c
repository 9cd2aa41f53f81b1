/* pipe_commands.c - left | right, as a shell runs it.  See pipeline.h. */
#define _GNU_SOURCE /* pipe2(): Linux, and POSIX.1-2024 */
#include "pipeline.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child_fds.h"
#include "errors.h"

/* BEGIN SOLUTION */
/* Forks a child that runs argv with one end of the pipe as its fd target. */
static pid_t start_command(char *const argv[], const int fds[2], int end, int target)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid; /* the parent, or -1 */
	if (dup_onto(fds[end], target) < 0)
		die_child("dup2");
	/*
	 * Close both original ends.  A write end left open in the reader
	 * (or in anyone) keeps it from ever seeing end of file.
	 */
	close_pipe_except(fds, target);
	exec_command(argv);
}
/* END SOLUTION */

int pipe_commands(char *const left[], char *const right[])
{
	/* BEGIN SOLUTION */
	int fds[2], left_status, right_status, saved_errno;
	pid_t left_pid, right_pid;

	/* Close-on-exec, so that no other program started meanwhile inherits them. */
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	left_pid = start_command(left, fds, 1, STDOUT_FILENO);
	right_pid = left_pid < 0 ? -1 : start_command(right, fds, 0, STDIN_FILENO);
	saved_errno = errno;

	/*
	 * The parent neither reads nor writes: its copies must go now, or
	 * right never sees end of file and the wait below never ends.
	 */
	close(fds[0]);
	close(fds[1]);

	/* Wait for every child started, so that none is left a zombie. */
	if (left_pid > 0 && reap_child(left_pid, &left_status) < 0)
		return -1;
	if (right_pid < 0) {
		errno = saved_errno;
		return -1;
	}
	if (reap_child(right_pid, &right_status) < 0)
		return -1;
	return shell_status(right_status);
	/* ELSE STUB
	(void)left;
	(void)right;
	errno = ENOSYS; // TODO(lab 07 §4): pipe, fork twice, dup2, exec, close, wait for both
	return -1;
	END SOLUTION */
}
