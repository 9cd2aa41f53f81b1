/*
 * ring_handle.c - a process's handle on a ring: making one, reading its
 * geometry, closing it, and destroying the ring it refers to.
 */
#include "ring_layout.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

bool ring_name_valid(const char *name)
{
	size_t len;

	if (name == NULL || name[0] != '/')
		return false;
	len = strlen(name);
	/* The object appears as /dev/shm/<name without its slash>. */
	return len >= 2 && len <= NAME_MAX && strchr(name + 1, '/') == NULL;
}

struct ring *ring_handle_new(struct ring_shared *shared, size_t region_size,
			     const char *name)
{
	struct ring *r = calloc(1, sizeof *r);

	if (r == NULL)
		return NULL;
	r->shared = shared;
	r->region_size = region_size;
	r->slot_count = (size_t)shared->slot_count;
	r->slot_size = (size_t)shared->slot_size;
	r->slot_stride = (size_t)shared->slot_stride;
	/* Both callers checked the name's length. */
	strcpy(r->name, name);
	return r;
}

size_t ring_slot_count(const struct ring *r)
{
	return r->slot_count;
}

size_t ring_slot_size(const struct ring *r)
{
	return r->slot_size;
}

int ring_close(struct ring *r)
{
	/* BEGIN SOLUTION */
	int rc = munmap(r->shared, r->region_size);
	int saved = errno;

	free(r);
	errno = saved;
	return rc;
	/* ELSE STUB
	(void)r;
	errno = ENOSYS; // TODO(lab 08 §7): unmap this process's view, free the handle
	return -1;
	END SOLUTION */
}

int ring_destroy(struct ring *r)
{
	/* BEGIN SOLUTION */
	struct ring_shared *s = r->shared;
	sem_t *sems[] = { &s->free_slots, &s->used_slots, &s->put_lock, &s->get_lock };
	int first_error = 0;

	/* Unlink first: from now on no process can open the ring by name. */
	if (r->name[0] != '\0' && shm_unlink(r->name) < 0)
		first_error = errno;
	atomic_store_explicit(&s->magic, 0, memory_order_release);
	for (size_t i = 0; i < sizeof sems / sizeof sems[0]; i++)
		if (sem_destroy(sems[i]) < 0 && first_error == 0)
			first_error = errno;
	if (munmap(s, r->region_size) < 0 && first_error == 0)
		first_error = errno;
	free(r);
	if (first_error != 0) {
		errno = first_error;
		return -1;
	}
	return 0;
	/* ELSE STUB
	(void)r;
	errno = ENOSYS; // TODO(lab 08 §7): destroy the semaphores, unmap, unlink the name
	return -1;
	END SOLUTION */
}
