/* child_fds.c - see child_fds.h. */
#include "child_fds.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int dup_onto(int fd, int target)
{
	(void)fd;
	(void)target;
	errno = ENOSYS; // TODO(lab 07 §3): dup2(fd, target): which argument is the copy?
	return -1;
}

void close_pipe_except(const int fds[2], int keep)
{
	(void)fds;
	(void)keep; // TODO(lab 07 §4): close both pipe ends (but not keep)
}

_Noreturn void child_failed(const char *what)
{
	fprintf(stderr, "%s: %s\n", what, strerror(errno));
	_exit(127);
}
