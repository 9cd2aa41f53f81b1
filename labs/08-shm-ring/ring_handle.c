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
	(void)r;
	errno = ENOSYS; // TODO(lab 08 §7): unmap this process's view, free the handle
	return -1;
}

int ring_destroy(struct ring *r)
{
	(void)r;
	errno = ENOSYS; // TODO(lab 08 §7): destroy the semaphores, unmap, unlink the name
	return -1;
}
