/* stream_io.c - see stream_io.h. */
#include "stream_io.h"

#include <errno.h>
#include <unistd.h>

int write_all(int fd, const void *buf, size_t len)
{
	(void)fd; (void)buf; (void)len;
	errno = ENOSYS; // TODO(lab 09 §3): write(2) until all len bytes are out; retry EINTR
	return -1;
}

int read_all(int fd, void *buf, size_t len)
{
	(void)fd; (void)buf; (void)len;
	errno = ENOSYS; // TODO(lab 09 §3): read(2) until len bytes are in; EOF first is EPIPE
	return -1;
}

int pwrite_all(int fd, const void *buf, size_t len, off_t offset)
{
	(void)fd; (void)buf; (void)len; (void)offset;
	errno = ENOSYS; // TODO(lab 09 §4): pwrite(2) until all len bytes are out
	return -1;
}

int pread_all(int fd, void *buf, size_t len, off_t offset)
{
	(void)fd; (void)buf; (void)len; (void)offset;
	errno = ENOSYS; // TODO(lab 09 §4): pread(2) until len bytes are in
	return -1;
}
