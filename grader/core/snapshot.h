/*
 * snapshot.h - the processes of a failing test, as they were: for a picture.
 *
 * When a test's processes hang, the grader names one culprit in a hint;
 * a snapshot keeps the whole state for a picture of it (the driver's
 * picture.c draws it): every process of the test's trees or of its group,
 * its parent, state and the call it sleeps in, its descriptors and what
 * they lead to (pipes, sockets, FIFOs, files), and its shared mappings.
 * It is taken in the test process, at the moment of the hang, into the
 * item's folder; the host reads it into a failing item's result.  Only
 * the first snapshot of an item is kept.  Lines, tab-separated:
 *
 *   proc  PID  PPID  STATE  COMMAND  CALL  FD     CALL: "" when not asleep
 *                                                 in a call the grader knows;
 *                                                 FD: the descriptor it
 *                                                 reads or writes, or -1
 *   fd    PID  FD  MODE  KIND  TARGET             MODE: r, w, b (both) or ?;
 *                                                 KIND: p a pipe or FIFO,
 *                                                 s a socket, f a file,
 *                                                 c a device, o other
 *   map   PID  OBJECT                             a shared mapping
 *   role  PID  NAME                               what the test calls it:
 *                                                 "the parent", "the test"
 *   left  PID  FD                                 a descriptor left open (FD),
 *                                                 or a child left unreaped
 *                                                 (FD -1), when the code
 *                                                 under test returned
 *
 * The grader's own descriptors (FIRST_GRADER_FD and up) and shared
 * mappings (those of the test process before its body ran) are left out.
 *
 * The code under test can write into the item's folder too: a snapshot is
 * drawn, never read for a verdict.
 */
#ifndef GRADER_SNAPSHOT_H
#define GRADER_SNAPSHOT_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

enum { SNAPSHOT_MAX_BYTES = 4000 };

/* In the test process, before its body: the grader's shared mappings, to leave out. */
void snapshot_begin(void);
/* A shared mapping the grader made during the body, at addr: left out too. */
void snapshot_grader_mapping(const void *addr);

/*
 * The processes of the trees rooted at roots (0 entries skipped), or of
 * group pgrp when it is > 0; roots[i] is called names[i] ("the parent")
 * when names and names[i] are not NULL.
 */
void snapshot_take(const pid_t *roots, const char *const *names, size_t count, pid_t pgrp);

/*
 * Marks, for the next snapshot_take, a descriptor of pid left open (fd >= 0)
 * or the process pid left unreaped (fd -1).
 */
void snapshot_mark_left(pid_t pid, int fd);

/* The same snapshot of the trees rooted at roots, printed on out (procsnap). */
void snapshot_print(FILE *out, const pid_t *roots, const char *const *names, size_t count);

/* In the host: the item's snapshot, at most size - 1 bytes, or "". */
void snapshot_read(char *buf, size_t size);

#endif
