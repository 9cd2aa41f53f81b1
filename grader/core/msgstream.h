/*
 * msgstream.h - a stream of messages from producers to consumers, each
 * message checked on arrival.
 *
 * The producers and consumers are children of the test (child.h) that
 * call the code under test through ops: a ring, a queue, a pipe.  Each
 * message carries its producer's number, a sequence number, its length
 * and a checksum over all of it and a random payload, so a consumer tells
 * a lost, duplicated, reordered or torn message from a good one.  The last
 * producer to finish ends the stream; a consumer reads until the end.
 *
 *     struct msgstream *st = msgstream_new(&ring_ops, ring, 2, 2, 256, 100000);
 *     pid_t pids[4];
 *
 *     msgstream_start(st, pids);
 *     msgstream_release(st);                     (the consumers may start)
 *     end = msgstream_watch(st, pids, 2.0, 20.0, why, sizeof why);
 */
#ifndef GRADER_MSGSTREAM_H
#define GRADER_MSGSTREAM_H

#include "child.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum { MSGSTREAM_MAX = 4,          /* producers, and consumers, at most */
       MSGSTREAM_HEAD = 16 };      /* bytes of a message before its payload */

/* The code under test, as the children call it; names are for the hints. */
struct msgstream_ops {
	int (*put)(void *channel, const void *msg, size_t len);    /* 0, or -1 */
	ssize_t (*get)(void *channel, void *buf, size_t size);     /* 0: the end */
	int (*end)(void *channel);                                 /* 0, or -1 */
	int (*close)(void *channel);   /* a child's last call, or NULL */
	const char *put_name, *get_name, *end_name;
};

struct msgstream {
	const struct msgstream_ops *ops;
	void *channel;                  /* valid in the children (forked) */
	size_t max_len;                 /* the longest message, its head included */
	uint32_t producers, consumers;
	uint32_t per_producer;          /* messages each producer sends */
	uint64_t seeds[MSGSTREAM_MAX];
	atomic_uint ended;              /* producers done */
	atomic_uint go;                 /* consumers may start */
	struct child_log sent;          /* progress of the producers */
	struct child_log got;           /* progress of the consumers; every problem */
	atomic_uint finished[MSGSTREAM_MAX]; /* consumer i saw the end */
	atomic_uchar seen[];            /* per message: times received */
};

/* A stream in shared memory; max_len > MSGSTREAM_HEAD. */
struct msgstream *msgstream_new(const struct msgstream_ops *ops, void *channel,
				uint32_t producers, uint32_t consumers, size_t max_len,
				uint32_t messages);

/* Starts the children, producers first, into pids (producers + consumers). */
void msgstream_start(struct msgstream *st, pid_t *pids);
/* Until now the consumers wait (up to 5 s), so the producers can fill up. */
void msgstream_release(struct msgstream *st);

size_t msgstream_sent(struct msgstream *st);
size_t msgstream_received(struct msgstream *st);
size_t msgstream_total(const struct msgstream *st);

/*
 * Watches until every child ends, one reports a problem (st->got.problem)
 * or crashes (why says which), or no message moves for stall seconds, or
 * the deadline passes; every child is reaped.
 */
enum watch_end msgstream_watch(struct msgstream *st, pid_t *pids, double stall,
			       double deadline, char *why, size_t size);

/* How many consumers never saw the end of the stream. */
uint32_t msgstream_unfinished(struct msgstream *st);

/* True when every message arrived once; else why names the first that did not. */
bool msgstream_complete(struct msgstream *st, char *why, size_t size);

#endif
