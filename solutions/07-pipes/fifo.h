/*
 * fifo.h - named pipes (FIFOs): a pipe with a name in the file system, so
 * that two processes that are not parent and child can find it.
 */
#ifndef FIFO_H
#define FIFO_H

#include <stdio.h>

/*
 * Creates a FIFO at path, readable and writable by its owner only, or accepts the FIFO already there.  Returns 1 when
 * it created the FIFO, 0 when one was there, -1 with errno set otherwise
 * (EEXIST: path exists and is not a FIFO).  The mode is 0600 (less only
 * if the umask takes away the owner's bits): never 0666, which would let
 * any user read or inject data.
 */
int fifo_make(const char *path);

/*
 * Opens the FIFO at path for reading (write == 0) or writing.  This
 * blocks until a process opens the other end.  Returns the descriptor
 * (close-on-exec), or -1 with errno set: ENOENT when there is nothing at
 * path, EINVAL when path is not a FIFO.
 */
int fifo_open(const char *path, int write);

/*
 * Copies the lines of in to the descriptor out, each line (with its
 * newline) in a single write(), and only once it is complete, so that
 * lines of several writers sharing a FIFO never mix: a write of at most
 * PIPE_BUF bytes is atomic.  Returns 0 at end of input, -1 with errno set.
 */
int fifo_send_lines(FILE *in, int out);

#endif
