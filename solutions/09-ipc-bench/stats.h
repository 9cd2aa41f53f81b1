/* stats.h - order statistics of a set of timings. */
#ifndef IPCBENCH_STATS_H
#define IPCBENCH_STATS_H

#include <stddef.h>

/* Sorts v (n > 0) and returns its p-quantile by nearest rank, 0 < p <= 1. */
double quantile(double *v, size_t n, double p);

/* Seconds on the monotonic clock. */
double now_seconds(void);

#endif
