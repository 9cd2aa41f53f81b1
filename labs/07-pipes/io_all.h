/*
 * io_all.h - reading and writing whole buffers on pipes.
 *
 * A pipe moves bytes, not messages: write() may accept fewer bytes than
 * asked (when a signal interrupts it) and read() returns whatever the pipe
 * holds at the moment, at most its capacity (64 KiB on Linux).  These loop
 * until the job is done.
 */
#ifndef IO_ALL_H
#define IO_ALL_H

#include <stddef.h>
#include <sys/types.h>

/* Writes all len bytes; returns len, or -1 (errno set). */
ssize_t write_all(int fd, const void *buf, size_t len);

/*
 * Reads until end of file or until size bytes are in buf; returns the
 * number of bytes read, or -1 (errno set).
 */
ssize_t read_all(int fd, void *buf, size_t size);

/* Copies from one descriptor to another until end of file; 0 or -1. */
int copy_all(int from, int to);

#endif
