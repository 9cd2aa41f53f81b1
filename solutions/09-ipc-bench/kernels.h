/*
 * kernels.h - the per-mechanism operations behind the table in
 * mechanisms.c.  See channel.h for what each operation promises.
 */
#ifndef IPCBENCH_KERNELS_H
#define IPCBENCH_KERNELS_H

#include "channel.h"

/* Byte streams: one send/recv/close for pipe, FIFO and both sockets. */
int stream_send(struct channel *ch, const void *buf, size_t len);
int stream_recv(struct channel *ch, void *buf, size_t len);
int stream_close(struct channel *ch);

/* pipe(2), one per direction. */
int pipe_open(struct channel *ch, const char *dir);
int pipe_attach(struct channel *ch, enum side side, pid_t peer);

/* socketpair(AF_UNIX, SOCK_STREAM): one two-way socket per side. */
int socketpair_open(struct channel *ch, const char *dir);
int socketpair_attach(struct channel *ch, enum side side, pid_t peer);

/* Two FIFOs (named pipes) in dir, opened by name after fork(). */
int fifo_open(struct channel *ch, const char *dir);
int fifo_attach(struct channel *ch, enum side side, pid_t peer);

/* A UNIX-domain stream socket bound to a path in dir: accept / connect. */
int unix_open(struct channel *ch, const char *dir);
int unix_attach(struct channel *ch, enum side side, pid_t peer);

/* A regular file per direction, with a doorbell and an acknowledgement. */
int file_open(struct channel *ch, const char *dir);
int file_attach(struct channel *ch, enum side side, pid_t peer);
int file_send(struct channel *ch, const void *buf, size_t len);
int file_recv(struct channel *ch, void *buf, size_t len);
int file_close(struct channel *ch);

/* A queued real-time signal carrying one int (sigqueue / sigwaitinfo). */
#define SIGNAL_MAX_MESSAGE sizeof(int)
int signal_open(struct channel *ch, const char *dir);
int signal_attach(struct channel *ch, enum side side, pid_t peer);
int signal_send(struct channel *ch, const void *buf, size_t len);
int signal_recv(struct channel *ch, void *buf, size_t len);
int signal_close(struct channel *ch);

/* Shared memory: a byte ring per direction, woken by semaphores ... */
int shmsem_open(struct channel *ch, const char *dir);
/* ... or by futexes after a short spin. */
int shmfutex_open(struct channel *ch, const char *dir);
/* The rest is common to both rings. */
int shm_attach(struct channel *ch, enum side side, pid_t peer);
int shm_send(struct channel *ch, const void *buf, size_t len);
int shm_recv(struct channel *ch, void *buf, size_t len);
int shm_close(struct channel *ch);

#endif
