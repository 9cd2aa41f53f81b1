/* fault.c - see fault.h. */
#include "fault.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>

static const char *const call_names[] = FAULT_NAMES;

static atomic_int armed_call = -1;      /* enum fault_call, or -1 */
static atomic_uint calls_to_go;         /* 1: the next call fails */
static atomic_int armed_error;
static atomic_bool fired;

void fault_arm(enum fault_call call, unsigned nth, int error)
{
	atomic_store(&armed_call, -1);
	atomic_store(&fired, false);
	atomic_store(&armed_error, error);
	atomic_store(&calls_to_go, nth > 0 ? nth : 1);
	atomic_store(&armed_call, (int)call);
}

bool fault_disarm(void)
{
	atomic_store(&armed_call, -1);
	return atomic_load(&fired);
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

/* True, with errno set, when this call of call is the one to fail. */
static bool fault_due(enum fault_call call)
{
	int expected = (int)call;

	if (atomic_load(&armed_call) != expected || atomic_fetch_sub(&calls_to_go, 1) != 1)
		return false;
	/* Only one call fails, even if two threads get here at once. */
	if (!atomic_compare_exchange_strong(&armed_call, &expected, -1))
		return false;
	atomic_store(&fired, true);
	errno = atomic_load(&armed_error);
	return true;
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
	mode_t mode = 0;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_list ap;

		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if (fault_due(FAULT_open))
		return -1;
	return open(path, flags, mode);
}

sem_t *grader_fault_sem_open(const char *name, int flags, ...);
sem_t *grader_fault_sem_open(const char *name, int flags, ...)
{
	mode_t mode = 0;
	unsigned value = 0;

	if (flags & O_CREAT) {
		va_list ap;

		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		value = va_arg(ap, unsigned);
		va_end(ap);
	}
	if (fault_due(FAULT_sem_open))
		return SEM_FAILED;
	return sem_open(name, flags, mode, value);
}
