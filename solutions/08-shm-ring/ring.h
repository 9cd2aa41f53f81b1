/*
 * ring.h - a bounded ring of fixed-size slots in shared memory, for
 * processes: one or more producers put messages, one or more consumers get
 * them, in the order they were put.
 *
 * A ring holds up to slot_count messages of 1 to slot_size bytes each.
 * ring_put blocks (sleeps, without using the CPU) while the ring is full,
 * ring_get while it is empty.  Process-shared semaphores inside the shared
 * memory do the blocking and guard the ring's indexes, so the ring works
 * between any processes that map it:
 *
 *   related processes   ring_create_anon() before fork(): parent and
 *                       child share the mapping;
 *   unrelated processes ring_create(name) in one, ring_open(name) in the
 *                       others (a POSIX shared memory object, mode 0600).
 *
 * End of stream: when every producer is done, one process calls ring_end().
 * Each consumer then gets the messages still in the ring, then 0 from
 * ring_get, as read() returns 0 at the end of a pipe.
 *
 * Every function returns -1 (or NULL) and sets errno on failure.
 */
#ifndef IPCLAB_RING_H
#define IPCLAB_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* This process's handle on a ring; the ring itself is in shared memory. */
struct ring;

/* Limits on the geometry, checked by ring_create and ring_open (EINVAL). */
#define RING_MAX_SLOTS     (1u << 20)        /* slots in one ring */
#define RING_MAX_SLOT_SIZE (16u << 20)       /* bytes in one message */
#define RING_MAX_BYTES     ((size_t)1 << 30) /* the whole shared region */

/* True for a name ring_create accepts: "/word", one leading slash, no
 * other, at most NAME_MAX bytes. */
bool ring_name_valid(const char *name);

/*
 * Creates a ring of slot_count slots of slot_size bytes in anonymous shared
 * memory (MAP_SHARED | MAP_ANONYMOUS).  Processes forked afterwards share
 * it.  EINVAL: a size of 0 or over the limits above.
 */
struct ring *ring_create_anon(size_t slot_count, size_t slot_size);

/*
 * Creates a new ring as the POSIX shared memory object name ("/word": one
 * leading slash, no other), mode 0600.  EEXIST: the name is taken;
 * EINVAL: a bad name or size.  Other processes may ring_open(name) once
 * this returned.
 */
struct ring *ring_create(const char *name, size_t slot_count, size_t slot_size);

/*
 * Opens the ring another process created as name.  ENOENT: no such name;
 * EINVAL: the object is not a ring (or a bad name).  Nothing in the object
 * is trusted before it is checked: the magic number, a slot count and
 * size within the limits above, a geometry that accounts for exactly the
 * object's size, and head and tail inside the ring.
 */
struct ring *ring_open(const char *name);

/* The ring's geometry, as given to ring_create. */
size_t ring_slot_count(const struct ring *r);
size_t ring_slot_size(const struct ring *r);

/*
 * Puts one message of len bytes (1 <= len <= slot size), waiting while the
 * ring is full.  EINVAL: len 0; EMSGSIZE: len over the slot size; EPIPE:
 * the stream was ended (on a full ring, once a consumer has freed a slot:
 * the slot stays free).  A signal does not interrupt the wait.
 */
int ring_put(struct ring *r, const void *msg, size_t len);

/*
 * Gets the oldest message into buf, waiting while the ring is empty, and
 * returns its length; returns 0 once the stream has ended and no message
 * is left.  EMSGSIZE: size is smaller than the slot size (as mq_receive,
 * the buffer must hold the longest possible message), checked before
 * waiting.  EIO: the slot's length is 0 or over the slot size, which only
 * a process breaking the ring's rules writes; nothing is copied.
 */
ssize_t ring_get(struct ring *r, void *buf, size_t size);

/*
 * Ends the stream: call once, after every producer's last put.  Waits for
 * a free slot like ring_put (the end mark takes one).  Afterwards every
 * ring_get that finds the ring empty returns 0, and ring_put fails with
 * EPIPE.  EPIPE: already ended.
 */
int ring_end(struct ring *r);

/*
 * Closes this process's handle: unmaps the ring, which lives on for the
 * others (a child closes the ring it inherited, a consumer its opened one).
 */
int ring_close(struct ring *r);

/*
 * Destroys the ring: its semaphores, this mapping and, for a named ring,
 * the name.  Call once, when no other process uses the ring any more (they
 * closed it, exited or were killed).  Frees the handle even on failure.
 */
int ring_destroy(struct ring *r);

#endif
