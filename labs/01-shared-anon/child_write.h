/* child_write.h - the fork of lab 01's two programs. */
#ifndef CHILD_WRITE_H
#define CHILD_WRITE_H

/*
 * Forks.  The child prints "Child setting anInt to 1", stores 1 in
 * *anInt and exits; the parent waits for it.  Returns 0 once the child
 * has exited successfully, or -1 (errno set when a call failed).
 */
int child_sets_to_one(int *anInt);

#endif
