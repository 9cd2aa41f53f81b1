/*
 * kern_shm.c - shared memory: one anonymous MAP_SHARED mapping made
 * before fork(), holding a byte ring per direction.  Nothing has a name,
 * so nothing can be left behind in /dev/shm.
 */
#include "kernels.h"

#include <errno.h>
#include <sys/mman.h>

/* Per direction; big enough to keep both sides busy at 1 MiB messages. */
#define SHM_RING_CAPACITY (512 * 1024)

static int shm_make(struct channel *ch, enum ring_wake wake)
{
	(void)ch; (void)wake;
	errno = ENOSYS; // TODO(lab 09 §6): one MAP_SHARED|MAP_ANONYMOUS mapping, a ring per direction
	return -1;
}

int shmsem_open(struct channel *ch, const char *dir)
{
	(void)dir;
	return shm_make(ch, RING_SEMAPHORE);
}

int shmfutex_open(struct channel *ch, const char *dir)
{
	(void)dir;
	return shm_make(ch, RING_FUTEX);
}

int shm_attach(struct channel *ch, enum side side, pid_t peer)
{
	ch->side = side;
	ch->peer = peer;
	return 0;
}

int shm_send(struct channel *ch, const void *buf, size_t len)
{
	(void)ch; (void)buf; (void)len;
	errno = ENOSYS; // TODO(lab 09 §6): write into this side's outgoing ring
	return -1;
}

int shm_recv(struct channel *ch, void *buf, size_t len)
{
	(void)ch; (void)buf; (void)len;
	errno = ENOSYS; // TODO(lab 09 §6): read from this side's incoming ring
	return -1;
}

int shm_close(struct channel *ch)
{
	(void)ch;
	errno = ENOSYS; // TODO(lab 09 §6): close both rings, side A destroys them, unmap
	return -1;
}
