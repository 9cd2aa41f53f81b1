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

static atomic_int armed_call = -1;
static atomic_uint calls_to_go;
static int armed_error;

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

	if (spec != NULL && sscanf(spec, "%31s %u %d", name, &nth, &error) == 3 &&
	    nth > 0)
		for (int c = 0; c < FAULT_CALL_COUNT; c++)
			if (strcmp(name, call_names[c]) == 0) {
				armed_error = error;
				atomic_store(&calls_to_go, nth);
				atomic_store(&armed_call, c);
			}
	unsetenv("GRADER_FAULT");
	unsetenv("LD_PRELOAD");
}

/* True, with errno set, when this call of call is the one to fail. */
static bool fault_due(enum fault_call call)
{
	int expected = (int)call;

	if (atomic_load(&armed_call) != expected || atomic_fetch_sub(&calls_to_go, 1) != 1)
		return false;
	if (!atomic_compare_exchange_strong(&armed_call, &expected, -1))
		return false;
	errno = armed_error;
	return true;
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
	mode_t mode = 0;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_list ap;

		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if (real == NULL)
		real = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	if (fault_due(FAULT_open))
		return -1;
	return real(path, flags, mode);
}

sem_t *sem_open(const char *name, int flags, ...)
{
	static sem_t *(*real)(const char *, int, ...);
	mode_t mode = 0;
	unsigned value = 0;

	if (flags & O_CREAT) {
		va_list ap;

		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		value = va_arg(ap, unsigned);
		va_end(ap);
	}
	if (real == NULL)
		real = (sem_t *(*)(const char *, int, ...))dlsym(RTLD_NEXT, "sem_open");
	if (fault_due(FAULT_sem_open))
		return SEM_FAILED;
	return real(name, flags, mode, value);
}
