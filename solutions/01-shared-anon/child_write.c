/* child_write.c - see child_write.h. */
#include "child_write.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int child_sets_to_one(int *anInt)
{
	/* BEGIN SOLUTION */
	pid_t pid;
	int status;

	fflush(stdout); /* or the child would print the parent's buffer again */
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		printf("Child setting anInt to 1\n");
		*anInt = 1;
		/*
		 * Never return: the caller's code is the parent's.  And _exit,
		 * not exit, which would flush stdio buffers copied from the
		 * parent: flush the child's own line, then _exit.
		 */
		_exit(fflush(stdout) == EOF ? 1 : 0);
	}
	/* The original never waits: the parent may read before the write. */
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
	/* ELSE STUB
	(void)anInt;
	errno = ENOSYS; // TODO(lab 01 §3): fork; the child prints and sets 1; the parent waits
	return -1;
	END SOLUTION */
}
