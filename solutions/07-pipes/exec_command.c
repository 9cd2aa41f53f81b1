/* exec_command.c - see pipeline.h. */
#include "pipeline.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

_Noreturn void exec_command(char *const argv[])
{
	/* BEGIN SOLUTION */
	execvp(argv[0], argv);
	/*
	 * Still here: the command could not be run.  Say which one, and end
	 * this child with _exit: it is a copy of the caller, and returning
	 * would run the caller's code twice (and exit() would flush the
	 * caller's stdio buffers a second time).
	 */
	fprintf(stderr, "%s: cannot execute: %s\n", argv[0], strerror(errno));
	_exit(127);
	/* ELSE STUB
	(void)argv;
	fprintf(stderr, "TODO(lab 07 §4): execvp, or report the command and _exit(127)\n");
	_exit(1);
	END SOLUTION */
}

int shell_status(int wait_status)
{
	/* BEGIN SOLUTION */
	if (WIFEXITED(wait_status))
		return WEXITSTATUS(wait_status);
	if (WIFSIGNALED(wait_status))
		return 128 + WTERMSIG(wait_status);
	return -1;
	/* ELSE STUB
	(void)wait_status;
	return -1; // TODO(lab 07 §4): WEXITSTATUS, or 128 + WTERMSIG
	END SOLUTION */
}
