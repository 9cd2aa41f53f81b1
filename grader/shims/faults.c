/*
 * faults.c - LD_PRELOAD shim: one call of the program fails, so that its
 * error path runs.  GRADER_FAULT="NAME N ERRNO" makes the Nth call of
 * NAME (a call of ../core/faultcalls.h: mmap, shmget, open, fork, ...)
 * fail with ERRNO; every other call goes through.  Counted per process:
 * a child created by fork counts on from where its parent was.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/faultcalls.h"

static const char *const call_names[] = FAULT_NAMES;

static struct fault_plan plan = { .call = -1 };

/* The C library's write, for the shim's own reports. */
static ssize_t fault_write(int fd, const void *buf, size_t len)
{
	static ssize_t (*real_write)(int, const void *, size_t);

	if (real_write == NULL)
		real_write = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	return real_write(fd, buf, len);
}

static pid_t first_pid;     /* the program's own process */

/* At exit: a fault that never fired names a call the program never made. */
__attribute__((destructor)) static void report_unfired(void)
{
	int armed = atomic_load(&plan.call);
	char line[96];
	int len;

	if (armed < 0 || getpid() != first_pid)
		return;
	len = snprintf(line, sizeof line, "faults: never called %s\n", call_names[armed]);
	if (len > 0)
		fault_write(2, line, (size_t)len);
}

/*
 * Reads GRADER_FAULT before main, and takes it and LD_PRELOAD out of the
 * environment: a program that looked for them before its first call
 * could otherwise skip the work only when no fault is coming.
 */
__attribute__((constructor)) static void read_fault(void)
{
	const char *spec = getenv("GRADER_FAULT");
	char name[32];
	unsigned nth;
	int error;

	first_pid = getpid();
	if (spec != NULL && sscanf(spec, "%31s %u %d", name, &nth, &error) == 3 &&
	    nth > 0)
		for (int c = 0; c < FAULT_CALL_COUNT; c++)
			if (strcmp(name, call_names[c]) == 0) {
				atomic_store(&plan.error, error);
				atomic_store(&plan.to_go, nth);
				atomic_store(&plan.call, c);
			}
	unsetenv("GRADER_FAULT");
	unsetenv("LD_PRELOAD");
}

/* Calls that start new work: none may follow the failed call. */
static bool starts_work(enum fault_call call)
{
	switch (call) {
	case FAULT_fork: case FAULT_mmap: case FAULT_shmget: case FAULT_shmat:
	case FAULT_shm_open: case FAULT_sem_open: case FAULT_pipe: case FAULT_mkfifo:
	case FAULT_open: case FAULT_socket:
		return true;
	default:
		return false;
	}
}

/*
 * True, with errno set, when this call is the one to fail.  A call that
 * starts new work after the failure is reported on stderr, where the
 * grader looks for "faults: ": a program must stop at its first failure.
 */
static bool fault_due(enum fault_call call)
{
	if (atomic_load(&plan.fired) && starts_work(call)) {
		char line[128];
		int len = snprintf(line, sizeof line, "faults: %s called after the failed "
				   "call\n", call_names[call]);

		if (len > 0)
			fault_write(2, line, (size_t)len);
	}
	return fault_plan_due(&plan, (int)call);
}

#define SHIM_HOOK(name, type, failed, params, args) \
	type name params \
	{ \
		static type (*real) params; \
		if (real == NULL) \
			real = (type (*) params)dlsym(RTLD_NEXT, #name); \
		if (fault_due(FAULT_##name)) \
			return failed; \
		return real args; \
	}
FAULT_CALLS(SHIM_HOOK)

int open(const char *path, int flags, ...)
{
	static int (*real)(const char *, int, ...);
	struct fault_created c;
	va_list ap;

	va_start(ap, flags);
	c = fault_created(flags, false, ap);
	va_end(ap);
	if (real == NULL)
		real = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	return fault_due(FAULT_open) ? -1 : real(path, flags, c.mode);
}

/* glibc declares accept's address as a transparent union (__SOCKADDR_ARG). */
int accept(int fd, __SOCKADDR_ARG addr, socklen_t *restrict len)
{
	static int (*real)(int, __SOCKADDR_ARG, socklen_t *restrict);

	if (real == NULL)
		real = (int (*)(int, __SOCKADDR_ARG, socklen_t *restrict))dlsym(RTLD_NEXT,
										 "accept");
	return fault_due(FAULT_accept) ? -1 : real(fd, addr, len);
}

/* pipe2 is a pipe with flags: a fault of pipe fails either. */
int pipe2(int fds[2], int flags)
{
	static int (*real)(int *, int);

	if (real == NULL)
		real = (int (*)(int *, int))dlsym(RTLD_NEXT, "pipe2");
	return fault_due(FAULT_pipe) ? -1 : real(fds, flags);
}

ssize_t read(int fd, void *buf, size_t len)
{
	static ssize_t (*real)(int, void *, size_t);

	if (real == NULL)
		real = (ssize_t (*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");
	return fault_due(FAULT_read) ? -1 : real(fd, buf, len);
}

ssize_t write(int fd, const void *buf, size_t len)
{
	static ssize_t (*real)(int, const void *, size_t);

	if (real == NULL)
		real = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	return fault_due(FAULT_write) ? -1 : real(fd, buf, len);
}

int sem_init(sem_t *sem, int pshared, unsigned value)
{
	static int (*real)(sem_t *, int, unsigned);

	if (real == NULL)
		real = (int (*)(sem_t *, int, unsigned))dlsym(RTLD_NEXT, "sem_init");
	return fault_due(FAULT_sem_init) ? -1 : real(sem, pshared, value);
}

sem_t *sem_open(const char *name, int flags, ...)
{
	static sem_t *(*real)(const char *, int, ...);
	struct fault_created c;
	va_list ap;

	va_start(ap, flags);
	c = fault_created(flags, true, ap);
	va_end(ap);
	if (real == NULL)
		real = (sem_t *(*)(const char *, int, ...))dlsym(RTLD_NEXT, "sem_open");
	return fault_due(FAULT_sem_open) ? SEM_FAILED : real(name, flags, c.mode, c.value);
}
