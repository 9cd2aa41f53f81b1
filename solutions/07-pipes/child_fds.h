/*
 * child_fds.h - arranging a child's descriptors between fork and exec.
 */
#ifndef CHILD_FDS_H
#define CHILD_FDS_H

/*
 * Makes target (0 or 1) refer to what fd refers to, in a form that stays
 * open across exec.  Returns 0, or -1 with errno set.
 */
int dup_onto(int fd, int target);

/* Closes both ends of a pipe, except one that is now keep (0 or 1). */
void close_pipe_except(const int fds[2], int keep);

/* In a child that cannot set itself up: one line on stderr, _exit(127). */
_Noreturn void child_failed(const char *what);

#endif
