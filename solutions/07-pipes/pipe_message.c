/* pipe_message.c - see pipe_message.h. */
#define _GNU_SOURCE /* pipe2(): Linux, and POSIX.1-2024 */
#include "pipe_message.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child_fds.h"
#include "io_all.h"

/* BEGIN SOLUTION */
/* The child's side: write the whole message, then end without returning. */
static _Noreturn void send_and_exit(int write_end, const void *msg, size_t len)
{
	ssize_t sent = write_all(write_end, msg, len);

	/* _exit, not exit: the parent's stdio buffers are not ours to flush. */
	_exit(sent == (ssize_t)len && close(write_end) == 0 ? 0 : 1);
}
/* END SOLUTION */

ssize_t pipe_message(const void *msg, size_t len, void *buf, size_t size)
{
	/* BEGIN SOLUTION */
	int fds[2], status, saved_errno = 0;
	ssize_t got;
	char extra;
	pid_t child;

	/* Close-on-exec: a program some other thread starts must not inherit them. */
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	child = fork();
	if (child < 0) {
		saved_errno = errno;
		close(fds[0]);
		close(fds[1]);
		errno = saved_errno;
		return -1;
	}
	if (child == 0) {
		close(fds[0]); /* the child only writes */
		send_and_exit(fds[1], msg, len);
	}

	/*
	 * The parent only reads.  While any write end stays open, including
	 * its own copy, read() waits for more data and never reports end of
	 * file.
	 */
	close(fds[1]);
	got = read_all(fds[0], buf, size);
	if (got < 0)
		saved_errno = errno;
	else if ((size_t)got == size && read_all(fds[0], &extra, 1) != 0)
		saved_errno = EMSGSIZE; /* more than fits: the child gets EPIPE */
	close(fds[0]);

	if (reap_child(child, &status) < 0)
		return -1;
	if (saved_errno == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		saved_errno = EIO;
	if (saved_errno != 0) {
		errno = saved_errno;
		return -1;
	}
	return got;
	/* ELSE STUB
	(void)msg;
	(void)len;
	(void)buf;
	(void)size;
	errno = ENOSYS; // TODO(lab 07 §2): pipe, fork, child writes, parent reads to EOF and waits
	return -1;
	END SOLUTION */
}
