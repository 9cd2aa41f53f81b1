/*
 * ring_create.c - a new ring: in anonymous shared memory for processes
 * forked afterwards, or as a named POSIX shared memory object for any
 * process of the same user.
 */
#include "ring_layout.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct ring *ring_create_anon(size_t slot_count, size_t slot_size)
{
	(void)slot_count;
	(void)slot_size;
	errno = ENOSYS; // TODO(lab 08 §3): map a shared region, init its semaphores (pshared 1)
	return NULL;
}

struct ring *ring_create(const char *name, size_t slot_count, size_t slot_size)
{
	(void)name;
	(void)slot_count;
	(void)slot_size;
	errno = ENOSYS; // TODO(lab 08 §3): shm_open exclusive 0600, size, map, init
	return NULL;
}
