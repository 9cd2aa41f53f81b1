/*
 * shared_int.h - one int in memory that survives fork(), shared or not.
 *
 * Lab 01: the memory comes from an anonymous mapping (no file behind it).
 * With MAP_SHARED, parent and child see each other's writes; with
 * MAP_PRIVATE, each gets its own copy the moment it writes (copy-on-write).
 */
#ifndef SHARED_INT_H
#define SHARED_INT_H

/*
 * Maps a new anonymous region, shared across fork(), holding one int set
 * to initial.  Returns the int, or NULL with errno set.
 */
int *shared_int_create(int initial);

/*
 * The same with a private mapping: after fork() a write in one process is
 * never seen by the other.  Returns NULL with errno set on failure.
 */
int *private_int_create(int initial);

/*
 * Unmaps an int made by either function.  Returns 0, or -1 with errno set
 * (EINVAL for NULL).
 */
int int_release(int *value);

#endif
