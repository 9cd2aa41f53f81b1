/* pipeline_run.c - a | b | c | ..., the stretch part.  See pipeline.h. */
#define _GNU_SOURCE /* pipe2(): Linux, and POSIX.1-2024 */
#include "pipeline.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child_fds.h"
#include "errors.h"

/* BEGIN SOLUTION */
/*
 * In the child for one stage: in (or -1 for the caller's stdin) becomes
 * stdin, the write end of next (or the caller's stdout) becomes stdout.
 */
static _Noreturn void run_stage(char *const argv[], int in, const int next[2])
{
	if (in >= 0) {
		if (dup_onto(in, STDIN_FILENO) < 0)
			die_child("dup2");
		if (in != STDIN_FILENO)
			close(in);
	}
	if (next[1] >= 0) {
		if (dup_onto(next[1], STDOUT_FILENO) < 0)
			die_child("dup2");
		close_pipe_except(next, STDOUT_FILENO);
	}
	exec_command(argv);
}

/* Waits for every pid started; returns the last one's wait status. */
static int wait_all(const pid_t *pids, size_t started)
{
	int status = 0;

	for (size_t i = 0; i < started; i++)
		reap_child(pids[i], &status);
	return status;
}
/* END SOLUTION */

int pipeline_run(char *const *const commands[], size_t count)
{
	/* BEGIN SOLUTION */
	pid_t *pids;
	size_t started = 0;
	int in = -1, saved_errno = 0, status;

	if (count == 0) {
		errno = EINVAL;
		return -1;
	}
	pids = malloc(count * sizeof *pids);
	if (pids == NULL)
		return -1;
	for (size_t i = 0; i < count; i++) {
		int next[2] = { -1, -1 };

		if (i + 1 < count && pipe2(next, O_CLOEXEC) < 0) {
			saved_errno = errno;
			break;
		}
		pids[i] = fork();
		if (pids[i] == 0)
			run_stage(commands[i], in, next);
		if (pids[i] < 0)
			saved_errno = errno;
		else
			started++;
		/* The parent keeps only the read end the next stage needs. */
		if (in >= 0)
			close(in);
		if (next[1] >= 0)
			close(next[1]);
		in = next[0];
		if (saved_errno != 0)
			break;
	}
	if (in >= 0)
		close(in); /* after a failure: the stage that would read it never came */
	status = wait_all(pids, started);
	free(pids);
	if (saved_errno != 0) {
		errno = saved_errno;
		return -1;
	}
	return shell_status(status);
	/* ELSE STUB
	(void)commands;
	(void)count;
	errno = ENOSYS; // TODO(lab 07 §6): one pipe between each two stages; close, then wait for all
	return -1;
	END SOLUTION */
}
