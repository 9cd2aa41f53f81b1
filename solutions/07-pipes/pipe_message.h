/*
 * pipe_message.h - the lecture's parent/child pipe example as a function.
 */
#ifndef PIPE_MESSAGE_H
#define PIPE_MESSAGE_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Creates a pipe and forks.  The child writes the len bytes at msg into
 * the pipe and ends; the parent reads until end of file into buf (room for
 * size bytes), waits for the child, and returns the number of bytes it
 * read.  On failure returns -1 with errno set: EMSGSIZE when more than
 * size bytes arrived, EIO when the child could not write its message.
 * Leaves no descriptor open and no child behind.
 */
ssize_t pipe_message(const void *msg, size_t len, void *buf, size_t size);

#endif
