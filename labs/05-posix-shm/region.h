/*
 * region.h - a named POSIX shared memory object, mapped.
 *
 * The name (one slash, at the start: "/orders") lets unrelated processes
 * find the same memory.  Every function reports failure as the system
 * does: -1 with errno set.
 */
#ifndef REGION_H
#define REGION_H

#include <stddef.h>

/* Only the owner may read and write the object (see the handout, §5). */
#define REGION_MODE 0600

/* A mapping of a shared memory object. */
struct region {
	void *addr;     /* where it is mapped, or NULL */
	size_t size;    /* its size in bytes */
};

/*
 * Creates the object name, which must not exist yet (EEXIST), mode
 * REGION_MODE, of size bytes, and maps it shared, read-write, into *r.
 * On failure nothing is left behind: no object, no descriptor, no
 * mapping, and *r is as it was.
 */
int region_create(const char *name, size_t size, struct region *r);

/*
 * Maps the existing object name (ENOENT if there is none) into *r, shared
 * and read-write, with the size the object has (fstat).  EINVAL: an object
 * of 0 bytes.  On failure *r is as it was.
 */
int region_attach(const char *name, struct region *r);

/*
 * Unmaps *r and sets r->addr to NULL.  A region already detached (addr
 * NULL) has nothing to unmap: 0, and it stays as it is.
 */
int region_detach(struct region *r);

/*
 * Removes the name; the memory itself goes when the last process unmaps
 * it.  ENOENT if there is no such object.
 */
int region_destroy(const char *name);

#endif
