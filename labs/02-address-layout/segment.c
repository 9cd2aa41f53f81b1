/* segment.c - see segment.h. */
#include "segment.h"

#include <errno.h>
#include <sys/ipc.h>
#include <sys/shm.h>

/* Owner read and write, nobody else: a segment is as private as a file. */
#define SEGMENT_MODE 0600

int segment_create(size_t size)
{
	(void)size;
	errno = ENOSYS; // TODO(lab 02 §3): shmget a private segment, mode SEGMENT_MODE
	return -1;
}

void *segment_attach(int shmid)
{
	(void)shmid;
	errno = ENOSYS; // TODO(lab 02 §3): shmat, where the kernel chooses; NULL on error
	return NULL;
}

int segment_detach(void *addr)
{
	(void)addr;
	errno = ENOSYS; // TODO(lab 02 §3): shmdt
	return -1;
}

int segment_remove(int shmid)
{
	(void)shmid;
	errno = ENOSYS; // TODO(lab 02 §5): shmctl IPC_RMID
	return -1;
}
