/* stream_io.c - see stream_io.h. */
#include "stream_io.h"

#include <errno.h>
#include <unistd.h>

int write_all(int fd, const void *buf, size_t len)
{
	/* BEGIN SOLUTION */
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
	/* ELSE STUB
	(void)fd; (void)buf; (void)len;
	errno = ENOSYS; // TODO(lab 09 §3): write(2) until all len bytes are out; retry EINTR
	return -1;
	END SOLUTION */
}

int read_all(int fd, void *buf, size_t len)
{
	/* BEGIN SOLUTION */
	char *p = buf;

	while (len > 0) {
		ssize_t n = read(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {           /* the writer closed before len bytes */
			errno = EPIPE;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
	/* ELSE STUB
	(void)fd; (void)buf; (void)len;
	errno = ENOSYS; // TODO(lab 09 §3): read(2) until len bytes are in; EOF first is EPIPE
	return -1;
	END SOLUTION */
}

int pwrite_all(int fd, const void *buf, size_t len, off_t offset)
{
	/* BEGIN SOLUTION */
	const char *p = buf;

	while (len > 0) {
		ssize_t n = pwrite(fd, p, len, offset);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
		offset += n;
	}
	return 0;
	/* ELSE STUB
	(void)fd; (void)buf; (void)len; (void)offset;
	errno = ENOSYS; // TODO(lab 09 §4): pwrite(2) until all len bytes are out
	return -1;
	END SOLUTION */
}

int pread_all(int fd, void *buf, size_t len, off_t offset)
{
	/* BEGIN SOLUTION */
	char *p = buf;

	while (len > 0) {
		ssize_t n = pread(fd, p, len, offset);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {           /* the file ends before the message does */
			errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
		offset += n;
	}
	return 0;
	/* ELSE STUB
	(void)fd; (void)buf; (void)len; (void)offset;
	errno = ENOSYS; // TODO(lab 09 §4): pread(2) until len bytes are in
	return -1;
	END SOLUTION */
}
