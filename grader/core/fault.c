/* fault.c - see fault.h. */
#include "fault.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>

static const char *const call_names[] = FAULT_NAMES;

static struct fault_plan plan = { .call = -1 };

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
