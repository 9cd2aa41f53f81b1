/* child_fds.c - see child_fds.h. */
#include "child_fds.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

int dup_onto(int fd, int target)
{
	/* BEGIN SOLUTION */
	/*
	 * dup2(old, new): new becomes a copy of old (after closing new), and
	 * the copy does not inherit old's close-on-exec flag.  When the pipe
	 * end already is the target (the caller had closed it), there is
	 * nothing to copy, but the flag must go.
	 */
	if (fd == target)
		return fcntl(fd, F_SETFD, 0) < 0 ? -1 : 0;
	return dup2(fd, target) < 0 ? -1 : 0;
	/* ELSE STUB
	(void)fd;
	(void)target;
	errno = ENOSYS; // TODO(lab 07 §3): dup2(fd, target): which argument is the copy?
	return -1;
	END SOLUTION */
}

void close_pipe_except(const int fds[2], int keep)
{
	/* BEGIN SOLUTION */
	for (int i = 0; i < 2; i++)
		if (fds[i] != keep)
			close(fds[i]);
	/* ELSE STUB
	(void)fds;
	(void)keep; // TODO(lab 07 §4): close both pipe ends (but not keep)
	END SOLUTION */
}

int reap_child(pid_t pid, int *status)
{
	/* BEGIN SOLUTION */
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
	/* ELSE STUB
	(void)pid;
	(void)status;
	errno = ENOSYS; // TODO(lab 07 §2): waitpid, again after EINTR
	return -1;
	END SOLUTION */
}
