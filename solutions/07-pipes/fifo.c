/* fifo.c - see fifo.h. */
#include "fifo.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "io_all.h"

int fifo_make(const char *path)
{
	/* BEGIN SOLUTION */
	struct stat st;

	if (mkfifo(path, 0600) == 0)
		return 1;
	if (errno != EEXIST)
		return -1;
	/* Something is there: fine if it is a FIFO (the other side made it). */
	if (lstat(path, &st) < 0)
		return -1;
	if (!S_ISFIFO(st.st_mode)) {
		errno = EEXIST;
		return -1;
	}
	return 0;
	/* ELSE STUB
	(void)path;
	errno = ENOSYS; // TODO(lab 07 §5): mkfifo with mode 0600; accept an existing FIFO
	return -1;
	END SOLUTION */
}

int fifo_open(const char *path, int write)
{
	/* BEGIN SOLUTION */
	struct stat st;
	int fd = open(path, (write ? O_WRONLY : O_RDONLY) | O_CLOEXEC);

	if (fd < 0)
		return -1;
	/*
	 * Check what was opened, not the path beforehand: the name could be
	 * replaced between the two.  A regular file would take the data and
	 * keep it, and no reader would ever see it.
	 */
	if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode))
		return fd;
	{
		int saved = errno;

		if (fstat(fd, &st) == 0)
			saved = EINVAL; /* there, but not a FIFO */
		close(fd);
		errno = saved;
		return -1;
	}
	/* ELSE STUB
	(void)path;
	(void)write;
	errno = ENOSYS; // TODO(lab 07 §5): open the FIFO, then check with fstat that it is one
	return -1;
	END SOLUTION */
}

int fifo_send_lines(FILE *in, int out)
{
	/* BEGIN SOLUTION */
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int result = 0;

	/* getline returns a line only once its newline (or end of input) came. */
	while ((len = getline(&line, &cap, in)) > 0) {
		if (write_all(out, line, (size_t)len) < 0) {
			result = -1;
			break;
		}
	}
	if (result == 0 && ferror(in))
		result = -1;
	free(line);
	return result;
	/* ELSE STUB
	(void)in;
	(void)out;
	errno = ENOSYS; // TODO(lab 07 §5): getline, then one write per complete line
	return -1;
	END SOLUTION */
}
