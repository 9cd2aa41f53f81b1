/*
 * 09-shortio.c - LD_PRELOAD shim: every transfer on a descriptor >= 3
 * moves fewer bytes than asked, and now and then a blocking call fails
 * with EINTR before doing anything, as a signal would make it.
 *
 * Interposed: read, write, pread, pwrite (at most 1-4096 bytes a call),
 * and EINTR from those and from sem_wait and sigwaitinfo.  Code that
 * loops until everything is moved, and retries EINTR, does not notice.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <unistd.h>

static uint32_t state;

/* A small generator of our own: rand() would disturb the program's. */
static uint32_t next_random(void)
{
	if (state == 0)
		state = (uint32_t)getpid() * 2654435761u | 1;
	state ^= state << 13;
	state ^= state >> 17;
	state ^= state << 5;
	return state;
}

/* One call in eight is interrupted. */
static int interrupted(void)
{
	if (next_random() % 8 == 0) {
		errno = EINTR;
		return 1;
	}
	return 0;
}

static size_t shorten(size_t count)
{
	size_t most = 1 + next_random() % 4096;

	return count < most ? count : most;
}

typedef ssize_t read_fn(int, void *, size_t);
typedef ssize_t write_fn(int, const void *, size_t);
typedef ssize_t pread_fn(int, void *, size_t, off_t);
typedef ssize_t pwrite_fn(int, const void *, size_t, off_t);
typedef int sem_wait_fn(sem_t *);
typedef int sigwaitinfo_fn(const sigset_t *, siginfo_t *);

/* The next definition of name, looked up once. */
#define REAL(name, type) \
	static type *real; \
	if (real == NULL) \
		real = (type *)dlsym(RTLD_NEXT, name)

ssize_t read(int fd, void *buf, size_t count)
{
	REAL("read", read_fn);
	if (fd < 3 || count == 0)
		return real(fd, buf, count);
	if (interrupted())
		return -1;
	return real(fd, buf, shorten(count));
}

ssize_t write(int fd, const void *buf, size_t count)
{
	REAL("write", write_fn);
	if (fd < 3 || count == 0)
		return real(fd, buf, count);
	if (interrupted())
		return -1;
	return real(fd, buf, shorten(count));
}

ssize_t pread(int fd, void *buf, size_t count, off_t offset)
{
	REAL("pread", pread_fn);
	if (fd < 3 || count == 0)
		return real(fd, buf, count, offset);
	if (interrupted())
		return -1;
	return real(fd, buf, shorten(count), offset);
}

ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset)
{
	REAL("pwrite", pwrite_fn);
	if (fd < 3 || count == 0)
		return real(fd, buf, count, offset);
	if (interrupted())
		return -1;
	return real(fd, buf, shorten(count), offset);
}

int sem_wait(sem_t *sem)
{
	REAL("sem_wait", sem_wait_fn);
	if (interrupted())
		return -1;
	return real(sem);
}

int sigwaitinfo(const sigset_t *set, siginfo_t *info)
{
	REAL("sigwaitinfo", sigwaitinfo_fn);
	if (interrupted())
		return -1;
	return real(set, info);
}
