/*
 * segment.h - a private System V shared memory segment, in four calls.
 *
 * Each function is one system call with its error made uniform: -1 or
 * NULL, with errno set by the kernel.
 */
#ifndef SEGMENT_H
#define SEGMENT_H

#include <stddef.h>

/*
 * Creates a new segment of size bytes, readable and writable by its owner
 * only (mode 0600), with key IPC_PRIVATE.  Returns its identifier, or -1.
 */
int segment_create(size_t size);

/* Attaches segment shmid where the kernel chooses.  Returns NULL on error. */
void *segment_attach(int shmid);

/* Detaches the segment attached at addr.  Returns 0, or -1. */
int segment_detach(void *addr);

/*
 * Marks segment shmid for removal (IPC_RMID): it disappears at once if
 * nothing is attached, otherwise when the last process detaches.
 * Returns 0, or -1.
 */
int segment_remove(int shmid);

#endif
