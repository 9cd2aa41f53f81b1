/* fault.c - see fault.h. */
#include "fault.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>

static const char *const call_names[] = FAULT_NAMES;

static struct fault_plan plan = { .call = -1 };
static atomic_bool short_io;
static atomic_uint private_semaphores;  /* sem_init calls with pshared 0 */
static atomic_uint short_io_state = 1;

void fault_arm(enum fault_call call, unsigned nth, int error)
{
	atomic_store(&plan.call, -1);
	atomic_store(&plan.fired, false);
	atomic_store(&plan.error, error);
	atomic_store(&plan.to_go, nth > 0 ? nth : 1);
	atomic_store(&plan.call, (int)call);
}

bool fault_disarm(void)
{
	atomic_store(&plan.call, -1);
	return atomic_load(&plan.fired);
}

void fault_short_io(bool on)
{
	atomic_store(&short_io, on);
}

/* A small generator of the hooks' own, from a fixed start: the same cuts every run. */
static unsigned next_short_io(void)
{
	unsigned x = atomic_load(&short_io_state);

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	atomic_store(&short_io_state, x);
	return x;
}

/*
 * Under fault_short_io, how much of len one transfer on fd moves, or 0
 * after setting errno to EINTR.  Else len.
 */
static size_t transfer_length(int fd, size_t len)
{
	unsigned r;

	if (!atomic_load(&short_io) || fd <= 2 || len == 0)
		return len;
	r = next_short_io();
	if (r % 8 == 0) {
		errno = EINTR;
		return 0;
	}
	return len < 1 + r % 64 ? len : 1 + r % 64;
}

unsigned fault_private_semaphores(void)
{
	return atomic_load(&private_semaphores);
}

const char *fault_name(enum fault_call call)
{
	return (unsigned)call < FAULT_CALL_COUNT ? call_names[call] : "?";
}

const char *fault_env(char *buf, size_t size, enum fault_call call, unsigned nth,
		      int error)
{
	snprintf(buf, size, "GRADER_FAULT=%s %u %d", fault_name(call), nth, error);
	return buf;
}

static bool fault_due(enum fault_call call)
{
	return fault_plan_due(&plan, (int)call);
}

/* The lab's calls arrive here under these names (mk/vet-lab.sh). */
#define FAULT_HOOK(name, type, failed, params, args) \
	type grader_fault_##name params; \
	type grader_fault_##name params \
	{ \
		if (fault_due(FAULT_##name)) \
			return failed; \
		return name args; \
	}
FAULT_CALLS(FAULT_HOOK)

int grader_fault_open(const char *path, int flags, ...);
int grader_fault_open(const char *path, int flags, ...)
{
	struct fault_created c;
	va_list ap;

	va_start(ap, flags);
	c = fault_created(flags, false, ap);
	va_end(ap);
	if (fault_due(FAULT_open))
		return -1;
	return open(path, flags, c.mode);
}

int grader_fault_accept(int fd, struct sockaddr *addr, socklen_t *len);
int grader_fault_accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	if (fault_due(FAULT_accept))
		return -1;
	return accept(fd, addr, len);
}

/* pipe2 is a pipe with flags: a fault of pipe fails either. */
int grader_fault_pipe2(int fds[2], int flags);
int grader_fault_pipe2(int fds[2], int flags)
{
	if (fault_due(FAULT_pipe))
		return -1;
	return pipe2(fds, flags);
}

ssize_t grader_fault_read(int fd, void *buf, size_t len);
ssize_t grader_fault_read(int fd, void *buf, size_t len)
{
	size_t moved;

	if (fault_due(FAULT_read))
		return -1;
	moved = transfer_length(fd, len);
	return moved == 0 && len > 0 ? -1 : read(fd, buf, moved);
}

ssize_t grader_fault_write(int fd, const void *buf, size_t len);
ssize_t grader_fault_write(int fd, const void *buf, size_t len)
{
	size_t moved;

	if (fault_due(FAULT_write))
		return -1;
	moved = transfer_length(fd, len);
	return moved == 0 && len > 0 ? -1 : write(fd, buf, moved);
}

int grader_fault_sem_init(sem_t *sem, int pshared, unsigned value);
int grader_fault_sem_init(sem_t *sem, int pshared, unsigned value)
{
	if (fault_due(FAULT_sem_init))
		return -1;
	if (pshared == 0)
		atomic_fetch_add(&private_semaphores, 1);
	return sem_init(sem, pshared, value);
}

sem_t *grader_fault_sem_open(const char *name, int flags, ...);
sem_t *grader_fault_sem_open(const char *name, int flags, ...)
{
	struct fault_created c;
	va_list ap;

	va_start(ap, flags);
	c = fault_created(flags, true, ap);
	va_end(ap);
	if (fault_due(FAULT_sem_open))
		return SEM_FAILED;
	return sem_open(name, flags, c.mode, c.value);
}
