/*
 * ring.h - a byte ring in shared memory, one writer and one reader.
 *
 * head counts the bytes ever written and tail the bytes ever read; only
 * the writer stores head and only the reader stores tail, so no lock is
 * needed: head - tail bytes wait in the ring.  A side that finds nothing
 * to do sleeps until there is enough to make the wake-up worth its cost:
 * half the ring, or all it still wants if that is less.  The other side
 * wakes it only if it sleeps (a flag says so) and only once that much is
 * there, so a busy ring makes no system calls at all.  How a side sleeps
 * is the ring's choice: a process-shared semaphore, or a futex after a
 * short spin.
 */
#ifndef IPCBENCH_RING_H
#define IPCBENCH_RING_H

#include <semaphore.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ring_wake { RING_SEMAPHORE, RING_FUTEX };

/* One side's sleeping place. */
struct ring_waiter {
	_Atomic uint32_t sleeping;  /* 1: asleep or about to be (the futex word) */
	_Atomic size_t need;        /* it sleeps until this many bytes, or free bytes, are there */
	sem_t sem;                  /* RING_SEMAPHORE: posted to wake it */
};

/*
 * Each cache line of the header is stored into by one side only, but to
 * go to sleep: the writer's line holds what the writer stores for every
 * message and what it looks at for every message, the reader's sleeping
 * place.  So a busy ring moves only the lines it must between the CPUs.
 */
struct ring {
	alignas(64) _Atomic uint64_t head;  /* bytes ever written (writer stores) */
	uint64_t tail_seen;                 /* the writer's last look at tail */
	struct ring_waiter reader;          /* the reader sleeps here when empty */
	alignas(64) _Atomic uint64_t tail;  /* bytes ever read (reader stores) */
	uint64_t head_seen;                 /* the reader's last look at head */
	struct ring_waiter writer;          /* the writer sleeps here when full */
	alignas(64) _Atomic uint32_t closed; /* a side has left: wake, and stop */
	enum ring_wake wake;
	size_t capacity;                    /* a power of two */
	alignas(64) unsigned char data[];   /* a line of its own: copies leave the above alone */
};

/* At most this many bytes are copied before the reader may see them. */
#define RING_STEP (32 * 1024)

/* Bytes a ring of this capacity needs, rounded up to a cache line. */
size_t ring_footprint(size_t capacity);

/* Sets up a ring at r (ring_footprint(capacity) bytes of shared memory). */
int ring_init(struct ring *r, size_t capacity, enum ring_wake wake);
/* Releases what ring_init made; once, after both sides are done. */
int ring_destroy(struct ring *r);

/* Copies len bytes in, sleeping while the ring is full; EPIPE once closed. */
int ring_write(struct ring *r, const void *buf, size_t len);
/* Copies len bytes out, sleeping while it is empty; EPIPE once closed and empty. */
int ring_read(struct ring *r, void *buf, size_t len);
/* Marks the ring closed and wakes both sides. */
int ring_close(struct ring *r);

/* ---- how a side sleeps and is woken (ring_sem.c, ring_futex.c) ---- */

/* What a sleeper waits for: enough data, enough space, or the ring closed. */
typedef bool ring_condition(struct ring *r);

/* Returns once ready(r) is true, sleeping on w meanwhile. */
int sem_waiter_sleep(struct ring *r, struct ring_waiter *w, ring_condition *ready);
/* Wakes the side sleeping on w, if it sleeps and ready(r) is true. */
int sem_waiter_wake(struct ring *r, struct ring_waiter *w, ring_condition *ready);
int futex_waiter_sleep(struct ring *r, struct ring_waiter *w, ring_condition *ready);
int futex_waiter_wake(struct ring *r, struct ring_waiter *w, ring_condition *ready);

#endif
