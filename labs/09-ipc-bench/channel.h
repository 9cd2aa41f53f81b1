/*
 * channel.h - one two-way channel between two processes, for every
 * mechanism the benchmark measures.
 *
 * Side A (the measuring process) calls open() before fork(); then each
 * process calls attach() with its side and the other's pid; then both
 * send() and recv() whole messages; then each calls close().  Side A
 * closes last, after side B has exited, and removes whatever the channel
 * named or created (FIFOs, socket path, semaphores).
 *
 * Every function returns 0, or -1 with errno set.  send() blocks until
 * the channel has taken all len bytes; recv() blocks until exactly len
 * bytes have arrived (short reads and writes are retried, EINTR too).
 * A recv() whose peer has closed its end returns -1 with errno EPIPE.
 */
#ifndef IPCBENCH_CHANNEL_H
#define IPCBENCH_CHANNEL_H

#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ring.h"

enum side { SIDE_NONE = -1, SIDE_A = 0, SIDE_B = 1 };

/* Directions, used as array indexes below. */
enum { A_TO_B = 0, B_TO_A = 1 };

#define CHANNEL_PATH_MAX 108   /* sizeof sun_path: the shortest limit of all */

struct channel {
	enum side side;            /* SIDE_NONE until attach() */
	pid_t peer;                /* the other process, after attach() */

	/* Byte streams (pipe, FIFO, socketpair, UNIX socket), after attach(). */
	int in;                    /* this side reads here, or -1 */
	int out;                   /* this side writes here, or -1 */
	int fd[2][2];              /* per direction: [0] read end, [1] write end */
	int listener;              /* UNIX socket: side A's listening socket */
	char path[2][CHANNEL_PATH_MAX]; /* names to remove (FIFOs, socket), or "" */

	/* File: one file per direction, a doorbell and an acknowledgement pipe. */
	int file[2];
	int bell[2][2];            /* per direction: pipe ends, "a message is there" */
	int ack[2][2];             /* per direction: pipe ends, "I have read it" */
	bool ack_pending;          /* this side's last message is not acknowledged yet */

	/* Signals. */
	sigset_t saved_mask;       /* the mask before open(), restored by close() */

	/* Shared memory: one ring per direction, in one shared mapping. */
	void *shm;
	size_t shm_size;
	struct ring *ring[2];
};

/* One mechanism: its name and its five operations. */
struct mechanism {
	const char *name;          /* "pipe": command line, table, CSV */
	const char *what;          /* one line for the table's legend */
	size_t max_message;        /* the largest message send() accepts */
	int (*open)(struct channel *ch, const char *dir);
	int (*attach)(struct channel *ch, enum side side, pid_t peer);
	int (*send)(struct channel *ch, const void *buf, size_t len);
	int (*recv)(struct channel *ch, void *buf, size_t len);
	int (*close)(struct channel *ch);
};

/* Every mechanism, in the order of the table. */
extern const struct mechanism mechanisms[];
extern const size_t mechanism_count;

/* The mechanism called name, or NULL. */
const struct mechanism *mechanism_find(const char *name);

/* Sets every descriptor of ch to -1 and everything else to empty. */
void channel_init(struct channel *ch);

#endif
