/* autopsy.h - what a hung test's processes are waiting for. */
#ifndef GRADER_AUTOPSY_H
#define GRADER_AUTOPSY_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Writes one line about root and every descendant: the system call each
 * sleeps in and, for a pipe or FIFO, who holds its other end.  root is
 * called root_label when that is not NULL, else by its command name.
 */
void autopsy_describe(pid_t root, const char *root_label, char *out, size_t size);

#endif
