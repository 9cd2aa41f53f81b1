/*
 * ring_sem.c - sleeping on a process-shared semaphore, posted only when
 * the other side really sleeps and has what it waits for.
 *
 * The sleeper raises its flag, then looks again; the waker publishes its
 * index, then looks at the flag.  Both are sequentially consistent, so at
 * least one of them sees the other's store: either the sleeper sees the
 * new data and does not sleep, or the waker sees the flag.  A waker that
 * sees the flag but finds too little there leaves it up: what the sleeper
 * waits for only grows while it sleeps, so the waker that completes it
 * sees the flag too, and posts.
 */
#include "ring.h"

#include <errno.h>

/* sem_wait, retried when a signal interrupts it. */
static int sem_wait_retry(sem_t *sem)
{
	while (sem_wait(sem) != 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

int sem_waiter_sleep(struct ring *r, struct ring_waiter *w, ring_condition *ready)
{
	(void)r; (void)w; (void)ready; (void)sem_wait_retry;
	errno = ENOSYS; // TODO(lab 09 §6): raise the flag, look again, sem_wait
	return -1;
}

int sem_waiter_wake(struct ring *r, struct ring_waiter *w, ring_condition *ready)
{
	(void)r; (void)w; (void)ready;
	errno = ENOSYS; // TODO(lab 09 §6): if the flag is up and ready(r), take the flag down and sem_post
	return -1;
}
