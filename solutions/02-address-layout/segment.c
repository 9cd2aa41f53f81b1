/* segment.c - see segment.h. */
#include "segment.h"

#include <errno.h>
#include <sys/ipc.h>
#include <sys/shm.h>

/* Owner read and write, nobody else: a segment is as private as a file. */
#define SEGMENT_MODE 0600

int segment_create(size_t size)
{
	/* BEGIN SOLUTION */
	/* IPC_PRIVATE always makes a new segment, whose key is 0. */
	return shmget(IPC_PRIVATE, size, SEGMENT_MODE);
	/* ELSE STUB
	(void)size;
	errno = ENOSYS; // TODO(lab 02 §3): shmget a private segment, mode SEGMENT_MODE
	return -1;
	END SOLUTION */
}

void *segment_attach(int shmid)
{
	/* BEGIN SOLUTION */
	void *addr = shmat(shmid, NULL, 0);

	/* shmat reports failure as (void *)-1, not NULL: translate it. */
	if (addr == (void *)-1)
		return NULL;
	return addr;
	/* ELSE STUB
	(void)shmid;
	errno = ENOSYS; // TODO(lab 02 §3): shmat, where the kernel chooses; NULL on error
	return NULL;
	END SOLUTION */
}

int segment_detach(void *addr)
{
	/* BEGIN SOLUTION */
	return shmdt(addr);
	/* ELSE STUB
	(void)addr;
	errno = ENOSYS; // TODO(lab 02 §3): shmdt
	return -1;
	END SOLUTION */
}

int segment_remove(int shmid)
{
	/* BEGIN SOLUTION */
	return shmctl(shmid, IPC_RMID, NULL);
	/* ELSE STUB
	(void)shmid;
	errno = ENOSYS; // TODO(lab 02 §5): shmctl IPC_RMID
	return -1;
	END SOLUTION */
}
