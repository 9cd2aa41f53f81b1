/*
 * ring_layout.h - how a ring lies in shared memory, and this process's
 * handle on it.  Private to the ring's own files; users include ring.h.
 *
 *   +--------------------+ offset 0
 *   | struct ring_shared |  geometry, head/tail, the four semaphores
 *   +--------------------+ RING_SLOTS_OFFSET
 *   | slot 0             |  struct ring_slot: length, then the bytes
 *   | slot 1             |
 *   | ...                |  each slot_stride bytes apart
 *   | slot slot_count-1  |
 *   +--------------------+ ring_region_size()
 */
#ifndef IPCLAB_RING_LAYOUT_H
#define IPCLAB_RING_LAYOUT_H

#include <limits.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ring.h"

/* Written last by the creator: a ring_open that sees it sees the rest. */
#define RING_MAGIC UINT64_C(0x676e69722d636970) /* "pic-ring" */

/* The length a slot holds to mark the end of the stream. */
#define RING_END_MARK UINT64_MAX

/*
 * magic publishes the header: the creator stores it last (release) and
 * ring_open loads it first (acquire), with no semaphore to order the two.
 * So it is atomic, and an atomic shared between processes must be
 * lock-free: the lock of one that is not would be private to each process.
 */
_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2 && ATOMIC_LONG_LOCK_FREE == 2,
	       "64-bit atomics must be lock-free to work in shared memory");

/* Slots start on their own cache line, away from the busy header. */
#define RING_ALIGN 64

struct ring_shared {
	_Atomic uint64_t magic; /* RING_MAGIC once initialised */
	uint64_t slot_count;    /* slots in the ring */
	uint64_t slot_size;     /* longest message, in bytes */
	uint64_t slot_stride;   /* bytes from one slot to the next */
	sem_t free_slots;       /* slots a producer may fill: starts at slot_count */
	sem_t used_slots;       /* slots a consumer may empty: starts at 0 */
	sem_t put_lock;         /* 1 = free: guards head and ended */
	sem_t get_lock;         /* 1 = free: guards tail */
	uint64_t head;          /* next slot to fill (producers) */
	uint64_t tail;          /* next slot to empty (consumers) */
	bool ended;             /* ring_end was called */
};

struct ring_slot {
	uint64_t len;           /* bytes in data, or RING_END_MARK */
	unsigned char data[];
};

/* Where the first slot starts. */
#define RING_SLOTS_OFFSET \
	((sizeof(struct ring_shared) + RING_ALIGN - 1) / RING_ALIGN * RING_ALIGN)

/*
 * This process's view of a ring.  The geometry is copied from the shared
 * header once, when the ring is created or opened and checked: the hot
 * paths then never trust a size read back from shared memory.
 */
struct ring {
	struct ring_shared *shared;
	size_t region_size;      /* bytes mapped */
	size_t slot_count;
	size_t slot_size;
	size_t slot_stride;
	char name[NAME_MAX + 1]; /* "/name", or "" for an anonymous ring */
};

/* Bytes from one slot to the next for a slot size (no overflow: sizes are
 * checked against the limits first). */
static inline size_t ring_stride_for(size_t slot_size)
{
	size_t bytes = sizeof(struct ring_slot) + slot_size;

	return (bytes + RING_ALIGN - 1) / RING_ALIGN * RING_ALIGN;
}

/* Size of the whole region, or 0 when the geometry is out of limits. */
static inline size_t ring_region_size(size_t slot_count, size_t slot_size)
{
	if (slot_count == 0 || slot_count > RING_MAX_SLOTS ||
	    slot_size == 0 || slot_size > RING_MAX_SLOT_SIZE)
		return 0;
	/* Both factors are bounded, so the product fits in 64 bits. */
	size_t bytes = RING_SLOTS_OFFSET + slot_count * ring_stride_for(slot_size);

	return bytes <= RING_MAX_BYTES ? bytes : 0;
}

static inline struct ring_slot *ring_slot_at(const struct ring *r, uint64_t index)
{
	unsigned char *base = (unsigned char *)r->shared + RING_SLOTS_OFFSET;

	return (struct ring_slot *)(base + index * r->slot_stride);
}

/* ring_handle.c: the parts every ring function shares. */

/*
 * A new handle on the region shared (region_size bytes) of a ring whose
 * header is already filled in; name is "" for an anonymous ring.  NULL
 * with ENOMEM.
 */
struct ring *ring_handle_new(struct ring_shared *shared, size_t region_size,
			     const char *name);

#endif
