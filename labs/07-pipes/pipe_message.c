/* pipe_message.c - see pipe_message.h. */
#define _GNU_SOURCE /* pipe2(): Linux, and POSIX.1-2024 */
#include "pipe_message.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child_fds.h"
#include "io_all.h"

ssize_t pipe_message(const void *msg, size_t len, void *buf, size_t size)
{
	(void)msg;
	(void)len;
	(void)buf;
	(void)size;
	errno = ENOSYS; // TODO(lab 07 §2): pipe, fork, child writes, parent reads to EOF and waits
	return -1;
}
