/*
 * kern_file.c - messages through a regular file.
 *
 * A file stores bytes but cannot say "there is a message now": a reader
 * would have to poll it.  So each direction has a file for the data, a
 * doorbell pipe (one byte per message: "read the file now") and an
 * acknowledgement pipe (one byte back: "done, you may overwrite it").
 * The sender waits for the acknowledgement lazily, just before it
 * overwrites the message, so a round trip costs two wake-ups, not four.
 */
#include "kernels.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "stream_io.h"

/* Makes an unnamed temporary file in dir: created, then unlinked at once. */
static int make_unlinked_file(const char *dir)
{
	char path[CHANNEL_PATH_MAX];
	int n = snprintf(path, sizeof path, "%s/file-XXXXXX", dir);
	int fd;

	if (n < 0 || (size_t)n >= sizeof path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = mkstemp(path);             /* mode 0600 */
	if (fd < 0)
		return -1;
	if (unlink(path) != 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int file_open(struct channel *ch, const char *dir)
{
	(void)ch; (void)dir; (void)make_unlinked_file;
	errno = ENOSYS; // TODO(lab 09 §4): per direction a file (unlinked at once), a doorbell and an ack pipe
	return -1;
}

/* Closes *fd and forgets it. */
static int drop(int *fd)
{
	int result = close(*fd);

	*fd = -1;
	return result;
}

int file_attach(struct channel *ch, enum side side, pid_t peer)
{
	(void)ch; (void)side; (void)peer; (void)drop;
	errno = ENOSYS; // TODO(lab 09 §4): close the pipe ends that belong to the peer
	return -1;
}

int file_send(struct channel *ch, const void *buf, size_t len)
{
	(void)ch; (void)buf; (void)len;
	errno = ENOSYS; // TODO(lab 09 §4): wait for the last ack, pwrite at offset 0, ring the doorbell
	return -1;
}

int file_recv(struct channel *ch, void *buf, size_t len)
{
	(void)ch; (void)buf; (void)len;
	errno = ENOSYS; // TODO(lab 09 §4): wait for the doorbell, pread at offset 0, acknowledge
	return -1;
}

int file_close(struct channel *ch)
{
	(void)ch;
	errno = ENOSYS; // TODO(lab 09 §4): close every descriptor that is still open
	return -1;
}
