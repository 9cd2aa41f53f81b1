/* ring.c - the byte ring's copies and indexes; see ring.h. */
#include "ring.h"

#include <errno.h>
#include <string.h>

size_t ring_footprint(size_t capacity)
{
	return (sizeof(struct ring) + capacity + 63) & ~(size_t)63;
}

int ring_init(struct ring *r, size_t capacity, enum ring_wake wake)
{
	if (capacity == 0 || (capacity & (capacity - 1)) != 0) {
		errno = EINVAL;
		return -1;
	}
	atomic_init(&r->head, 0);
	atomic_init(&r->tail, 0);
	r->tail_seen = 0;
	r->head_seen = 0;
	atomic_init(&r->closed, 0);
	atomic_init(&r->reader.sleeping, 0);
	atomic_init(&r->writer.sleeping, 0);
	atomic_init(&r->reader.need, 0);
	atomic_init(&r->writer.need, 0);
	r->wake = wake;
	r->capacity = capacity;
	if (wake == RING_SEMAPHORE) {
		/* pshared = 1: the semaphores live in memory shared by two processes. */
		if (sem_init(&r->reader.sem, 1, 0) != 0)
			return -1;
		if (sem_init(&r->writer.sem, 1, 0) != 0) {
			sem_destroy(&r->reader.sem);
			return -1;
		}
	}
	memset(r->data, 0, capacity);   /* touch every page now, not while timed */
	return 0;
}

int ring_destroy(struct ring *r)
{
	if (r->wake == RING_SEMAPHORE &&
	    (sem_destroy(&r->reader.sem) != 0 || sem_destroy(&r->writer.sem) != 0))
		return -1;
	return 0;
}

/* Sleeps on w until ready(r), having said that need bytes will do. */
static int sleep_on(struct ring *r, struct ring_waiter *w, size_t need, ring_condition *ready)
{
	/*
	 * Relaxed: raising the sleeping flag, a sequentially consistent
	 * store, publishes it.  Stored only when it changes, since the line
	 * is the other side's.
	 */
	if (atomic_load_explicit(&w->need, memory_order_relaxed) != need)
		atomic_store_explicit(&w->need, need, memory_order_relaxed);
	return r->wake == RING_SEMAPHORE ? sem_waiter_sleep(r, w, ready)
					 : futex_waiter_sleep(r, w, ready);
}

/* Wakes the side sleeping on w, if it sleeps and ready(r) says it may go on. */
static int wake(struct ring *r, struct ring_waiter *w, ring_condition *ready)
{
	return r->wake == RING_SEMAPHORE ? sem_waiter_wake(r, w, ready)
					 : futex_waiter_wake(r, w, ready);
}

static uint64_t waiting_bytes(struct ring *r)
{
	return atomic_load(&r->head) - atomic_load(&r->tail);
}

/* The reader's condition: as many bytes as it needs, or the ring closed. */
static bool enough_data(struct ring *r)
{
	return waiting_bytes(r) >= atomic_load(&r->reader.need) || atomic_load(&r->closed);
}

/* The writer's condition: as much free space as it needs, or the ring closed. */
static bool enough_space(struct ring *r)
{
	return r->capacity - waiting_bytes(r) >= atomic_load(&r->writer.need) ||
	       atomic_load(&r->closed);
}

/* ring_close() wakes whoever sleeps, whatever it waits for. */
static bool unconditionally(struct ring *r)
{
	(void)r;
	return true;
}

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

int ring_write(struct ring *r, const void *buf, size_t len)
{
	/* BEGIN SOLUTION */
	const unsigned char *p = buf;

	while (len > 0) {
		uint64_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
		size_t want = min_size(len, RING_STEP);

		/*
		 * Look at the reader's tail only when the last look left too
		 * little room: each look may fetch the reader's cache line.
		 */
		if (r->capacity - (size_t)(head - r->tail_seen) < want) {
			r->tail_seen = atomic_load_explicit(&r->tail, memory_order_acquire);
			/* Full: sleep until half the ring is free, or all the rest fits. */
			if (head - r->tail_seen == r->capacity) {
				if (sleep_on(r, &r->writer, min_size(len, r->capacity / 2),
					     enough_space) != 0)
					return -1;
				r->tail_seen = atomic_load_explicit(&r->tail, memory_order_acquire);
			}
		}
		if (atomic_load(&r->closed)) {
			errno = EPIPE;
			return -1;
		}
		size_t at = (size_t)(head & (r->capacity - 1));
		size_t n = min_size(want, r->capacity - (size_t)(head - r->tail_seen));
		size_t first = min_size(n, r->capacity - at);   /* up to the wrap */

		memcpy(r->data + at, p, first);
		memcpy(r->data, p + first, n - first);
		/*
		 * Publish after the copy (the store orders the bytes before it),
		 * then wake the reader only if it sleeps and has enough now.
		 */
		atomic_store(&r->head, head + n);
		if (wake(r, &r->reader, enough_data) != 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
	/* ELSE STUB
	(void)r; (void)buf; (void)len; (void)sleep_on; (void)wake;
	(void)enough_space; (void)min_size;
	errno = ENOSYS; // TODO(lab 09 §6): sleep if full, copy in, publish head, wake the reader
	return -1;
	END SOLUTION */
}

int ring_read(struct ring *r, void *buf, size_t len)
{
	/* BEGIN SOLUTION */
	unsigned char *p = buf;

	while (len > 0) {
		uint64_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
		size_t want = min_size(len, RING_STEP);

		/* Look at the writer's head only when the last look showed too little. */
		if ((size_t)(r->head_seen - tail) < want) {
			r->head_seen = atomic_load_explicit(&r->head, memory_order_acquire);
			/* Empty: sleep until half the ring is there, or all we want. */
			if (r->head_seen == tail) {
				if (sleep_on(r, &r->reader, min_size(len, r->capacity / 2),
					     enough_data) != 0)
					return -1;
				r->head_seen = atomic_load_explicit(&r->head, memory_order_acquire);
				if (r->head_seen == tail) {  /* woken by close(), and nothing left */
					errno = EPIPE;
					return -1;
				}
			}
		}
		size_t at = (size_t)(tail & (r->capacity - 1));
		size_t n = min_size(want, (size_t)(r->head_seen - tail));
		size_t first = min_size(n, r->capacity - at);

		memcpy(p, r->data + at, first);
		memcpy(p + first, r->data, n - first);
		atomic_store(&r->tail, tail + n);   /* the space is free again */
		if (wake(r, &r->writer, enough_space) != 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
	/* ELSE STUB
	(void)r; (void)buf; (void)len; (void)enough_data;
	errno = ENOSYS; // TODO(lab 09 §6): sleep if empty, copy out, publish tail, wake the writer
	return -1;
	END SOLUTION */
}

int ring_close(struct ring *r)
{
	atomic_store(&r->closed, 1);
	if (wake(r, &r->reader, unconditionally) != 0 ||
	    wake(r, &r->writer, unconditionally) != 0)
		return -1;
	return 0;
}
