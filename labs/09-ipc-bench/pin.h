/* pin.h - CPU pinning for the two sides of a measurement. */
#ifndef IPCBENCH_PIN_H
#define IPCBENCH_PIN_H

/*
 * Pins the calling process to the index-th CPU it may run on (0 or 1),
 * or to the only one if it may run on one.  0, or -1 with errno.
 */
int pin_to_cpu(int index);

/* How many CPUs this process may run on (1 if unknown). */
int usable_cpus(void);

#endif
