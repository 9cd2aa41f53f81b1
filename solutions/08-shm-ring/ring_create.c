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

/* BEGIN SOLUTION */
/*
 * Fills in the header of a fresh, zeroed region.  pshared = 1: the
 * semaphores live in memory shared between processes, and their wake-ups
 * must reach waiters in other processes.
 */
static int init_shared(struct ring_shared *s, size_t slot_count, size_t slot_size)
{
	s->slot_count = slot_count;
	s->slot_size = slot_size;
	s->slot_stride = ring_stride_for(slot_size);
	s->head = 0;
	s->tail = 0;
	s->ended = false;
	if (sem_init(&s->free_slots, 1, (unsigned)slot_count) < 0)
		return -1;
	if (sem_init(&s->used_slots, 1, 0) < 0 ||
	    sem_init(&s->put_lock, 1, 1) < 0 ||
	    sem_init(&s->get_lock, 1, 1) < 0)
		return -1; /* sem_destroy is a no-op on Linux: nothing to undo */
	/* Last, with release order: whoever sees the magic sees the rest. */
	atomic_store_explicit(&s->magic, RING_MAGIC, memory_order_release);
	return 0;
}

/* munmap that keeps the errno of the failure being reported. */
static void unmap_quietly(void *addr, size_t size)
{
	int saved = errno;

	munmap(addr, size);
	errno = saved;
}
/* END SOLUTION */

struct ring *ring_create_anon(size_t slot_count, size_t slot_size)
{
	/* BEGIN SOLUTION */
	size_t size = ring_region_size(slot_count, slot_size);
	struct ring_shared *s;
	struct ring *r;

	if (size == 0) {
		errno = EINVAL;
		return NULL;
	}
	/* Anonymous memory starts zeroed. */
	s = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s == MAP_FAILED)
		return NULL;
	if (init_shared(s, slot_count, slot_size) < 0 ||
	    (r = ring_handle_new(s, size, "")) == NULL) {
		unmap_quietly(s, size);
		return NULL;
	}
	return r;
	/* ELSE STUB
	(void)slot_count;
	(void)slot_size;
	errno = ENOSYS; // TODO(lab 08 §3): map a shared region, init its semaphores (pshared 1)
	return NULL;
	END SOLUTION */
}

struct ring *ring_create(const char *name, size_t slot_count, size_t slot_size)
{
	/* BEGIN SOLUTION */
	size_t size = ring_region_size(slot_count, slot_size);
	struct ring_shared *s;
	struct ring *r;
	int fd, err;

	if (size == 0 || !ring_name_valid(name)) {
		errno = EINVAL;
		return NULL;
	}
	/* O_EXCL: never take over someone else's object; 0600: nor share it. */
	fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return NULL;
	/*
	 * posix_fallocate sizes the object and reserves its pages: a full
	 * /dev/shm fails here with ENOSPC, where ftruncate alone would leave
	 * the first touch of a missing page to die of SIGBUS.
	 */
	err = posix_fallocate(fd, 0, (off_t)size);
	if (err != 0) {
		errno = err;
		goto fail_unlink;
	}
	s = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (s == MAP_FAILED)
		goto fail_unlink;
	if (init_shared(s, slot_count, slot_size) < 0 ||
	    (r = ring_handle_new(s, size, name)) == NULL) {
		unmap_quietly(s, size);
		goto fail_unlink;
	}
	/* The mapping keeps the object; the descriptor is no longer needed. */
	if (close(fd) < 0) {
		err = errno;
		ring_destroy(r);
		errno = err;
		return NULL;
	}
	return r;

fail_unlink:
	err = errno;
	shm_unlink(name);
	close(fd);
	errno = err;
	return NULL;
	/* ELSE STUB
	(void)name;
	(void)slot_count;
	(void)slot_size;
	errno = ENOSYS; // TODO(lab 08 §3): shm_open exclusive 0600, size, map, init
	return NULL;
	END SOLUTION */
}
