/* segment.c - see segment.h. */
#include "segment.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>

const char *segment_keyfile(void)
{
	errno = ENOSYS; // TODO(lab 04 §2): $SHMDEMO_KEYFILE if set, else "shmdemo.c"
	return NULL;
}

key_t segment_key(const char *keyfile)
{
	(void)keyfile;
	errno = ENOSYS; // TODO(lab 04 §2): make the key with ftok
	return -1;
}

char *segment_attach(key_t key, size_t size)
{
	(void)key;
	(void)size;
	errno = ENOSYS; // TODO(lab 04 §3): shmget (IPC_CREAT, mode SHM_MODE), check the size, shmat
	return NULL;
}

ssize_t segment_size(key_t key)
{
	(void)key;
	errno = ENOSYS; // TODO(lab 04 §3): shmget without IPC_CREAT, then shmctl(IPC_STAT)
	return -1;
}

int segment_detach(char *data)
{
	(void)data;
	errno = ENOSYS; // TODO(lab 04 §3): shmdt
	return -1;
}

int segment_remove(key_t key)
{
	(void)key;
	errno = ENOSYS; // TODO(lab 04 §5): find the segment with shmget, then shmctl(IPC_RMID)
	return -1;
}

size_t segment_store(char *data, size_t size, const char *text)
{
	(void)data;
	(void)size;
	(void)text;
	return 0; // TODO(lab 04 §4): copy at most size - 1 characters, then a NUL
}
