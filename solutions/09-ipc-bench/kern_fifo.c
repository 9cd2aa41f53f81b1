/* kern_fifo.c - two named pipes, made before fork() and opened by name. */
#include "kernels.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

/* Opens path, retrying EINTR: a FIFO's open blocks until the other end opens. */
static int open_retry(const char *path, int flags)
{
	int fd;

	do
		fd = open(path, flags);
	while (fd < 0 && errno == EINTR);
	return fd;
}

int fifo_open(struct channel *ch, const char *dir)
{
	/* BEGIN SOLUTION */
	static const char *const names[2] = { "a2b", "b2a" };

	for (int d = 0; d < 2; d++) {
		int n = snprintf(ch->path[d], sizeof ch->path[d], "%s/fifo-%ld-%s",
				 dir, (long)getpid(), names[d]);

		if (n < 0 || (size_t)n >= sizeof ch->path[d]) {
			ch->path[d][0] = '\0';
			errno = ENAMETOOLONG;
			return -1;      /* close() removes the FIFO already made */
		}
		if (mkfifo(ch->path[d], 0600) != 0) {
			ch->path[d][0] = '\0';
			return -1;
		}
	}
	return 0;
	/* ELSE STUB
	(void)ch; (void)dir;
	errno = ENOSYS; // TODO(lab 09 §3): mkfifo two names in dir (mode 0600), kept in ch->path
	return -1;
	END SOLUTION */
}

int fifo_attach(struct channel *ch, enum side side, pid_t peer)
{
	/* BEGIN SOLUTION */
	ch->side = side;
	ch->peer = peer;
	/*
	 * Both sides open A_TO_B first, then B_TO_A: each open waits for its
	 * partner, so opening in opposite orders would deadlock.
	 */
	if (side == SIDE_A) {
		ch->out = open_retry(ch->path[A_TO_B], O_WRONLY);
		if (ch->out < 0)
			return -1;
		ch->in = open_retry(ch->path[B_TO_A], O_RDONLY);
		if (ch->in < 0)
			return -1;
		/* Both ends are open on both sides: the names can go now. */
		for (int d = 0; d < 2; d++) {
			if (unlink(ch->path[d]) != 0)
				return -1;
			ch->path[d][0] = '\0';
		}
	} else {
		ch->in = open_retry(ch->path[A_TO_B], O_RDONLY);
		if (ch->in < 0)
			return -1;
		ch->out = open_retry(ch->path[B_TO_A], O_WRONLY);
		if (ch->out < 0)
			return -1;
	}
	return 0;
	/* ELSE STUB
	(void)ch; (void)side; (void)peer; (void)open_retry;
	errno = ENOSYS; // TODO(lab 09 §3): open both FIFOs in the same order on both sides
	return -1;
	END SOLUTION */
}
