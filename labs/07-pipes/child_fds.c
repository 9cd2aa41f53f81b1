/* child_fds.c - see child_fds.h. */
#include "child_fds.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/wait.h>
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

int reap_child(pid_t pid, int *status)
{
	(void)pid;
	(void)status;
	errno = ENOSYS; // TODO(lab 07 §2): waitpid, again after EINTR
	return -1;
}
