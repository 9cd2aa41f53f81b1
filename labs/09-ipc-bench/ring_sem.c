/*
 * ring_sem.c - sleeping on a process-shared semaphore, posted only when
 * the other side really sleeps.
 *
 * The sleeper raises its flag, then looks again; the waker publishes its
 * index, then looks at the flag.  Both are sequentially consistent, so at
 * least one of them sees the other's store: either the sleeper sees the
 * new data and does not sleep, or the waker sees the flag and posts.
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

int sem_waiter_wake(struct ring_waiter *w)
{
	(void)w;
	errno = ENOSYS; // TODO(lab 09 §6): if the flag is up, take it down and sem_post
	return -1;
}
