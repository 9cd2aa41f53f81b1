/* pin.h - CPU pinning for the two sides of a measurement. */
#ifndef IPCBENCH_PIN_H
#define IPCBENCH_PIN_H

/*
 * Chooses the CPUs of side A and side B: the first two this process may
 * run on, or the only one twice.  Call it before anything is pinned: a
 * pinned process, and every child it forks, may run on its CPU only.
 * 0, or -1 with errno.
 */
int choose_cpus(int cpu[2]);

/* Pins the calling process to this CPU.  0, or -1 with errno. */
int pin_to_cpu(int cpu);

#endif
