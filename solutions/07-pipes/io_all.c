/* io_all.c - see io_all.h. */
#include "io_all.h"

#include <errno.h>
#include <unistd.h>

ssize_t write_all(int fd, const void *buf, size_t len)
{
	/* BEGIN SOLUTION */
	const char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, p + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		done += (size_t)n;
	}
	return (ssize_t)done;
	/* ELSE STUB
	(void)fd;
	(void)buf;
	(void)len;
	errno = ENOSYS; // TODO(lab 07 §2): write() until all len bytes are out
	return -1;
	END SOLUTION */
}

ssize_t read_all(int fd, void *buf, size_t size)
{
	/* BEGIN SOLUTION */
	char *p = buf;
	size_t done = 0;

	while (done < size) {
		ssize_t n = read(fd, p + done, size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break; /* end of file: every write end is closed */
		done += (size_t)n;
	}
	return (ssize_t)done;
	/* ELSE STUB
	(void)fd;
	(void)buf;
	(void)size;
	errno = ENOSYS; // TODO(lab 07 §2): read() until end of file or a full buffer
	return -1;
	END SOLUTION */
}

int copy_all(int from, int to)
{
	/* BEGIN SOLUTION */
	char chunk[16384];

	for (;;) {
		ssize_t n = read(from, chunk, sizeof chunk);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		if (write_all(to, chunk, (size_t)n) < 0)
			return -1;
	}
	/* ELSE STUB
	(void)from;
	(void)to;
	errno = ENOSYS; // TODO(lab 07 §5): read() chunks and write_all() them until end of file
	return -1;
	END SOLUTION */
}
