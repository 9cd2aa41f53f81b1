/* stats.h - order statistics of a set of timings. */
#ifndef IPCBENCH_STATS_H
#define IPCBENCH_STATS_H

#include <stddef.h>

/* Sorts v (n > 0) and returns its p-quantile by nearest rank, 0 < p <= 1. */
double quantile(double *v, size_t n, double p);

/*
 * The index of v's median (the lower one when n is even), v left as it
 * is: the run whose figure is the median, to report that run whole.
 */
size_t median_index(const double *v, size_t n);

/* Seconds on the monotonic clock. */
double now_seconds(void);

#endif
