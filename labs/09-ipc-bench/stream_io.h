/*
 * stream_io.h - whole-buffer I/O on descriptors.
 *
 * read(2) and write(2) may move fewer bytes than asked (a pipe holding
 * less than asked, a socket buffer, a signal arriving mid-call) and may
 * fail with EINTR having moved nothing.  These helpers retry until all
 * len bytes are moved.
 */
#ifndef IPCBENCH_STREAM_IO_H
#define IPCBENCH_STREAM_IO_H

#include <stddef.h>
#include <sys/types.h>

/* Writes all len bytes; 0, or -1 with errno (EPIPE: the reader is gone). */
int write_all(int fd, const void *buf, size_t len);

/* Reads exactly len bytes; 0, or -1 with errno (EPIPE: end of file first). */
int read_all(int fd, void *buf, size_t len);

/* The same at a file offset, which they do not change (pwrite, pread). */
int pwrite_all(int fd, const void *buf, size_t len, off_t offset);
int pread_all(int fd, void *buf, size_t len, off_t offset);

#endif
