/* stats.c - see stats.h. */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <time.h>

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double quantile(double *v, size_t n, double p)
{
	size_t rank;

	qsort(v, n, sizeof v[0], compare_doubles);
	rank = (size_t)ceil(p * (double)n);     /* nearest rank, 1-based */
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return v[rank - 1];
}

size_t median_index(const double *v, size_t n)
{
	/* n is a handful of runs: count, for each, the values below and above it. */
	for (size_t i = 0; i < n; i++) {
		size_t below = 0, equal = 0;

		for (size_t j = 0; j < n; j++) {
			below += v[j] < v[i];
			equal += v[j] == v[i];
		}
		/* Rank (n - 1) / 2 in sorted order falls among v[i] and its equals. */
		if (below <= (n - 1) / 2 && (n - 1) / 2 < below + equal)
			return i;
	}
	return 0;       /* not reached for n > 0, unless v holds a NaN */
}

double now_seconds(void)
{
	struct timespec t;

	/* CLOCK_MONOTONIC cannot fail with a valid pointer on Linux. */
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}
