/*
 * snapshot.h - the processes of a failing test, as they were: for a picture.
 *
 * When a test's processes hang, the grader names one culprit in a hint;
 * a snapshot keeps the whole state for a picture of it (the driver's
 * picture.c draws it): every process of the test's trees or of its group,
 * its parent, state and the call it sleeps in, its descriptors and what
 * they lead to (pipes, sockets, FIFOs, files), its shared mappings, and
 * what was left behind.  It is taken in the test process (or the host's
 * leak sweep), at the moment of the hang or the finding, into the item's
 * folder; the host reads it into a failing item's result.  Only the
 * first snapshot of an item is kept (snapshot_forget drops it).  Lines,
 * tab-separated:
 *
 *   proc  PID  PPID  STATE  COMMAND  CALL  FD     STATE: as in /proc, or E:
 *                                                 a command as it started
 *                                                 (probe.c); CALL: "" when
 *                                                 not asleep
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
 *   obj   KIND  NAME  NOTE                        an object left behind: KIND
 *                                                 shm, sem, fifo, socket,
 *                                                 file or sysv-shm, sysv-sem,
 *                                                 sysv-msg; NOTE its size and
 *                                                 mode, and why it is a leak
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

/* Marks each descriptor of pid in after but not in before; returns how many. */
int snapshot_mark_new_fds(pid_t pid, const int *before, int nbefore, const int *after,
			  int nafter);

/*
 * Notes, for the next snapshot_take, an object left behind: a name in
 * /dev/shm, a FIFO or socket path, a System V identifier ("32770").  A
 * path's size and mode are read now, before the grader removes it; why
 * says what was expected ("still there after ring_destroy").  kind NULL:
 * found from the path (a name in /dev/shm, a FIFO, a socket, a file).
 */
void snapshot_note_object(const char *kind, const char *name, const char *why);

/* The snapshot of this process's tree, this process called "the test". */
void snapshot_take_self(void);

/* Notes the object and takes the snapshot of this process's tree. */
void snapshot_object_left(const char *kind, const char *name, const char *why);

/* The processes of group pgrp, each marked left behind (a program's leftovers). */
void snapshot_group_left(pid_t pgrp);

/* Drops the item's snapshot: the next one taken replaces it. */
void snapshot_forget(void);

/*
 * Lines the caller made (probe.c, from what its probes recorded) as the
 * item's snapshot, with the pending marks and objects.
 */
void snapshot_take_lines(const char *lines);

/* The same snapshot of the trees rooted at roots, printed on out (procsnap). */
void snapshot_print(FILE *out, const pid_t *roots, const char *const *names, size_t count);

/* In the host: the item's snapshot, at most size - 1 bytes, or "". */
void snapshot_read(char *buf, size_t size);

#endif
