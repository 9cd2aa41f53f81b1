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
	/* BEGIN SOLUTION */
	while (!ready(r)) {
		atomic_store(&w->sleeping, 1);
		if (ready(r)) {
			/*
			 * Changed our mind.  If the waker took the flag first, its
			 * post is on its way: absorb it, or the next sleep would
			 * return at once on a stale post.
			 */
			if (atomic_exchange(&w->sleeping, 0) == 0 && sem_wait_retry(&w->sem) != 0)
				return -1;
			break;
		}
		if (sem_wait_retry(&w->sem) != 0)
			return -1;
	}
	return 0;
	/* ELSE STUB
	(void)r; (void)w; (void)ready; (void)sem_wait_retry;
	errno = ENOSYS; // TODO(lab 09 §6): raise the flag, look again, sem_wait
	return -1;
	END SOLUTION */
}

int sem_waiter_wake(struct ring *r, struct ring_waiter *w, ring_condition *ready)
{
	/* BEGIN SOLUTION */
	/* The exchange makes sure only one waker posts for one sleep. */
	if (atomic_load(&w->sleeping) && ready(r) && atomic_exchange(&w->sleeping, 0))
		return sem_post(&w->sem);
	return 0;
	/* ELSE STUB
	(void)r; (void)w; (void)ready;
	errno = ENOSYS; // TODO(lab 09 §6): if the flag is up and ready(r), take the flag down and sem_post
	return -1;
	END SOLUTION */
}
