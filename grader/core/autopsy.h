/* autopsy.h - what a hung test's processes are waiting for. */
#ifndef GRADER_AUTOPSY_H
#define GRADER_AUTOPSY_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Writes one line about root and every descendant: the system call each
 * sleeps in and, for a pipe or FIFO, who holds its other end.
 */
void autopsy_describe(pid_t root, char *out, size_t size);

#endif
