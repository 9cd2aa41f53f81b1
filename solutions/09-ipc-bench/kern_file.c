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
	/* BEGIN SOLUTION */
	for (int d = 0; d < 2; d++) {
		ch->file[d] = make_unlinked_file(dir);
		if (ch->file[d] < 0 || pipe(ch->bell[d]) != 0 || pipe(ch->ack[d]) != 0)
			return -1;      /* file_close() releases what was made */
	}
	return 0;
	/* ELSE STUB
	(void)ch; (void)dir; (void)make_unlinked_file;
	errno = ENOSYS; // TODO(lab 09 §4): per direction a file (unlinked at once), a doorbell and an ack pipe
	return -1;
	END SOLUTION */
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
	/* BEGIN SOLUTION */
	int out = side == SIDE_A ? A_TO_B : B_TO_A;
	int in = 1 - out;

	ch->side = side;
	ch->peer = peer;
	ch->ack_pending = false;
	/* We ring our doorbell and hear our acks; the peer does the opposite. */
	if (drop(&ch->bell[out][0]) != 0 || drop(&ch->ack[out][1]) != 0 ||
	    drop(&ch->bell[in][1]) != 0 || drop(&ch->ack[in][0]) != 0)
		return -1;
	return 0;
	/* ELSE STUB
	(void)ch; (void)side; (void)peer; (void)drop;
	errno = ENOSYS; // TODO(lab 09 §4): close the pipe ends that belong to the peer
	return -1;
	END SOLUTION */
}

int file_send(struct channel *ch, const void *buf, size_t len)
{
	/* BEGIN SOLUTION */
	int out = ch->side == SIDE_A ? A_TO_B : B_TO_A;
	char byte = 1;

	/* The previous message must have been read before we overwrite it. */
	if (ch->ack_pending) {
		if (read_all(ch->ack[out][0], &byte, 1) != 0)
			return -1;
		ch->ack_pending = false;
	}
	/*
	 * pwrite at offset 0, not write: the descriptor came through fork(),
	 * so both processes share one file offset that write() would move.
	 */
	if (pwrite_all(ch->file[out], buf, len, 0) != 0 ||
	    write_all(ch->bell[out][1], &byte, 1) != 0)
		return -1;
	ch->ack_pending = true;
	return 0;
	/* ELSE STUB
	(void)ch; (void)buf; (void)len;
	errno = ENOSYS; // TODO(lab 09 §4): wait for the last ack, pwrite at offset 0, ring the doorbell
	return -1;
	END SOLUTION */
}

int file_recv(struct channel *ch, void *buf, size_t len)
{
	/* BEGIN SOLUTION */
	int in = ch->side == SIDE_A ? B_TO_A : A_TO_B;
	char byte;

	if (read_all(ch->bell[in][0], &byte, 1) != 0 ||
	    pread_all(ch->file[in], buf, len, 0) != 0)
		return -1;
	/* EPIPE: the sender has left after its last message and needs no ack. */
	if (write_all(ch->ack[in][1], &byte, 1) != 0 && errno != EPIPE)
		return -1;
	return 0;
	/* ELSE STUB
	(void)ch; (void)buf; (void)len;
	errno = ENOSYS; // TODO(lab 09 §4): wait for the doorbell, pread at offset 0, acknowledge
	return -1;
	END SOLUTION */
}

int file_close(struct channel *ch)
{
	/* BEGIN SOLUTION */
	int result = 0;
	int *fds[] = { &ch->file[0], &ch->file[1],
		       &ch->bell[0][0], &ch->bell[0][1], &ch->bell[1][0], &ch->bell[1][1],
		       &ch->ack[0][0], &ch->ack[0][1], &ch->ack[1][0], &ch->ack[1][1] };

	for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
		if (*fds[i] >= 0 && drop(fds[i]) != 0)
			result = -1;
	return result;
	/* ELSE STUB
	(void)ch;
	errno = ENOSYS; // TODO(lab 09 §4): close every descriptor that is still open
	return -1;
	END SOLUTION */
}
