/*
 * ring_io.c - putting messages into a ring and getting them out.
 *
 * Two counting semaphores make each side wait for the other: free_slots
 * counts the slots a producer may fill, used_slots those a consumer may
 * empty.  Two binary semaphores make the producers take turns at head and
 * the consumers at tail: without them, two producers could fill the same
 * slot (see the handout, §5).
 */
#include "ring_layout.h"

#include <errno.h>
#include <string.h>

/* BEGIN SOLUTION */
/* sem_wait, resumed when a signal handler interrupts it. */
static int wait_semaphore(sem_t *sem)
{
	while (sem_wait(sem) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

/* sem_post for an error path: keeps the errno being reported. */
static void post_quietly(sem_t *sem)
{
	int saved = errno;

	sem_post(sem);
	errno = saved;
}

/*
 * Waits for a free slot and fills it: with msg's len bytes, or with the
 * end mark when msg is NULL.  EPIPE once the stream has ended.
 */
static int fill_slot(struct ring *r, const void *msg, size_t len)
{
	struct ring_shared *s = r->shared;
	struct ring_slot *slot;

	if (wait_semaphore(&s->free_slots) < 0)
		return -1;
	if (wait_semaphore(&s->put_lock) < 0) {
		post_quietly(&s->free_slots);
		return -1;
	}
	if (s->ended) {
		errno = EPIPE;
		post_quietly(&s->put_lock);
		post_quietly(&s->free_slots);
		return -1;
	}
	/* The slot is ours: no consumer reads it before the used_slots post. */
	slot = ring_slot_at(r, s->head);
	if (msg != NULL) {
		memcpy(slot->data, msg, len);
		slot->len = len;
	} else {
		slot->len = RING_END_MARK;
		s->ended = true;
	}
	s->head = (s->head + 1) % r->slot_count;
	if (sem_post(&s->put_lock) < 0)
		return -1;
	return sem_post(&s->used_slots);
}
/* END SOLUTION */

int ring_put(struct ring *r, const void *msg, size_t len)
{
	/* BEGIN SOLUTION */
	if (msg == NULL || len == 0) {
		errno = EINVAL;
		return -1;
	}
	if (len > r->slot_size) {
		errno = EMSGSIZE;
		return -1;
	}
	return fill_slot(r, msg, len);
	/* ELSE STUB
	(void)r;
	(void)msg;
	(void)len;
	errno = ENOSYS; // TODO(lab 08 §4): wait for a free slot, fill it under the put lock
	return -1;
	END SOLUTION */
}

int ring_end(struct ring *r)
{
	/* BEGIN SOLUTION */
	return fill_slot(r, NULL, 0);
	/* ELSE STUB
	(void)r;
	errno = ENOSYS; // TODO(lab 08 §6): put the end mark in a slot of its own
	return -1;
	END SOLUTION */
}

ssize_t ring_get(struct ring *r, void *buf, size_t size)
{
	/* BEGIN SOLUTION */
	struct ring_shared *s = r->shared;
	struct ring_slot *slot;
	uint64_t len;

	if (buf == NULL || size < r->slot_size) {
		errno = EMSGSIZE;
		return -1;
	}
	if (wait_semaphore(&s->used_slots) < 0)
		return -1;
	if (wait_semaphore(&s->get_lock) < 0) {
		post_quietly(&s->used_slots);
		return -1;
	}
	slot = ring_slot_at(r, s->tail);
	len = slot->len;
	if (len == RING_END_MARK) {
		/* Leave the mark, and its post, for the next consumer. */
		if (sem_post(&s->get_lock) < 0)
			return -1;
		return sem_post(&s->used_slots) < 0 ? -1 : 0;
	}
	if (len == 0 || len > r->slot_size) {
		/* Only a process writing outside the ring's rules gets here. */
		errno = EIO;
		post_quietly(&s->get_lock);
		return -1;
	}
	memcpy(buf, slot->data, len);
	s->tail = (s->tail + 1) % r->slot_count;
	if (sem_post(&s->get_lock) < 0 || sem_post(&s->free_slots) < 0)
		return -1;
	return (ssize_t)len;
	/* ELSE STUB
	(void)r;
	(void)buf;
	(void)size;
	errno = ENOSYS; // TODO(lab 08 §4): wait for a used slot, empty it under the get lock
	return -1;
	END SOLUTION */
}
