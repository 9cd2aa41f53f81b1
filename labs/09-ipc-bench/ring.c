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
	(void)r; (void)buf; (void)len; (void)sleep_on; (void)wake;
	(void)enough_space; (void)min_size;
	errno = ENOSYS; // TODO(lab 09 §6): sleep if full, copy in, publish head, wake the reader
	return -1;
}

int ring_read(struct ring *r, void *buf, size_t len)
{
	(void)r; (void)buf; (void)len; (void)enough_data;
	errno = ENOSYS; // TODO(lab 09 §6): sleep if empty, copy out, publish tail, wake the writer
	return -1;
}

int ring_close(struct ring *r)
{
	atomic_store(&r->closed, 1);
	if (wake(r, &r->reader, unconditionally) != 0 ||
	    wake(r, &r->writer, unconditionally) != 0)
		return -1;
	return 0;
}
