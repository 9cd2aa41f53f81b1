/*
 * pin.c - see pin.h.  CPU affinity is Linux's, not POSIX's: this file
 * alone asks for the GNU interfaces.
 */
#define _GNU_SOURCE
#include "pin.h"

#include <errno.h>
#include <sched.h>

int choose_cpus(int cpu[2])
{
	cpu_set_t allowed;
	int found = 0;

	if (sched_getaffinity(0, sizeof allowed, &allowed) != 0)
		return -1;
	for (int c = 0; c < CPU_SETSIZE && found < 2; c++)
		if (CPU_ISSET(c, &allowed))
			cpu[found++] = c;
	if (found == 0) {
		errno = EINVAL;
		return -1;
	}
	if (found == 1)
		cpu[1] = cpu[0];
	return 0;
}

int pin_to_cpu(int cpu)
{
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	return sched_setaffinity(0, sizeof one, &one);
}
