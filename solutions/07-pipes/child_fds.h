/*
 * child_fds.h - around fork: arranging a child's descriptors between fork
 * and exec, and waiting for a child to end.
 */
#ifndef CHILD_FDS_H
#define CHILD_FDS_H

#include <sys/types.h>

/*
 * Makes target (0 or 1) refer to what fd refers to, in a form that stays
 * open across exec.  Returns 0, or -1 with errno set.
 */
int dup_onto(int fd, int target);

/* Closes both ends of a pipe, except one that is now keep (0 or 1). */
void close_pipe_except(const int fds[2], int keep);

/*
 * Waits for the child pid to end (waitpid), again when a signal interrupts
 * the wait, and stores its wait status in *status.  Returns 0, or -1 with
 * errno set.
 */
int reap_child(pid_t pid, int *status);

#endif
