/*
 * pin.c - see pin.h.  CPU affinity is Linux's, not POSIX's: this file
 * alone asks for the GNU interfaces.
 */
#define _GNU_SOURCE
#include "pin.h"

#include <errno.h>
#include <sched.h>

int usable_cpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof set, &set) != 0)
		return 1;
	return CPU_COUNT(&set) > 0 ? CPU_COUNT(&set) : 1;
}

int pin_to_cpu(int index)
{
	cpu_set_t allowed, one;
	int seen = 0, last = -1;

	if (sched_getaffinity(0, sizeof allowed, &allowed) != 0)
		return -1;
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &allowed))
			continue;
		last = cpu;
		if (seen++ == index)
			break;
	}
	if (last < 0) {
		errno = EINVAL;
		return -1;
	}
	CPU_ZERO(&one);
	CPU_SET(last, &one);
	return sched_setaffinity(0, sizeof one, &one);
}
