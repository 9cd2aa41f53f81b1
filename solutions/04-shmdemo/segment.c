/* segment.c - see segment.h. */
#include "segment.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>

const char *segment_keyfile(void)
{
	/* BEGIN SOLUTION */
	const char *path = getenv(SHMDEMO_KEYFILE_ENV);

	return path != NULL && path[0] != '\0' ? path : SHMDEMO_KEYFILE_DEFAULT;
	/* ELSE STUB
	errno = ENOSYS; // TODO(lab 04 §2): $SHMDEMO_KEYFILE if set, else "shmdemo.c"
	return NULL;
	END SOLUTION */
}

key_t segment_key(const char *keyfile)
{
	/* BEGIN SOLUTION */
	return ftok(keyfile, SHM_PROJ);
	/* ELSE STUB
	(void)keyfile;
	errno = ENOSYS; // TODO(lab 04 §2): make the key with ftok
	return -1;
	END SOLUTION */
}

char *segment_attach(key_t key, size_t size)
{
	/* BEGIN SOLUTION */
	struct shmid_ds info;
	void *data;
	int shmid = shmget(key, size, SHM_MODE | IPC_CREAT);

	/* An existing segment smaller than size already fails here (EINVAL). */
	if (shmid < 0)
		return NULL;
	/* A larger one does not: shmget only checks that it is big enough. */
	if (shmctl(shmid, IPC_STAT, &info) < 0)
		return NULL;
	if (info.shm_segsz != size) {
		errno = EINVAL;
		return NULL;
	}
	data = shmat(shmid, NULL, 0);
	return data == (void *)-1 ? NULL : data;
	/* ELSE STUB
	(void)key;
	(void)size;
	errno = ENOSYS; // TODO(lab 04 §3): shmget (IPC_CREAT, mode SHM_MODE), check the size, shmat
	return NULL;
	END SOLUTION */
}

ssize_t segment_size(key_t key)
{
	/* BEGIN SOLUTION */
	struct shmid_ds info;
	int shmid = shmget(key, 0, 0);

	if (shmid < 0 || shmctl(shmid, IPC_STAT, &info) < 0)
		return -1;
	return (ssize_t)info.shm_segsz;
	/* ELSE STUB
	(void)key;
	errno = ENOSYS; // TODO(lab 04 §3): shmget without IPC_CREAT, then shmctl(IPC_STAT)
	return -1;
	END SOLUTION */
}

int segment_detach(char *data)
{
	/* BEGIN SOLUTION */
	return shmdt(data);
	/* ELSE STUB
	(void)data;
	errno = ENOSYS; // TODO(lab 04 §3): shmdt
	return -1;
	END SOLUTION */
}

int segment_remove(key_t key)
{
	/* BEGIN SOLUTION */
	int shmid = shmget(key, 0, 0);

	if (shmid < 0)
		return -1;
	return shmctl(shmid, IPC_RMID, NULL);
	/* ELSE STUB
	(void)key;
	errno = ENOSYS; // TODO(lab 04 §5): find the segment with shmget, then shmctl(IPC_RMID)
	return -1;
	END SOLUTION */
}

size_t segment_store(char *data, size_t size, const char *text)
{
	/* BEGIN SOLUTION */
	/* strncpy(data, text, size) would leave no NUL when text fills the segment. */
	size_t length = strnlen(text, size - 1);

	memcpy(data, text, length);
	data[length] = '\0';
	return length;
	/* ELSE STUB
	(void)data;
	(void)size;
	(void)text;
	return 0; // TODO(lab 04 §4): copy at most size - 1 characters, then a NUL
	END SOLUTION */
}
