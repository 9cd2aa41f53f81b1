/*
 * report.h - everything one benchmark run measured, and the three ways
 * of writing it out: a Markdown table, a CSV file and an SVG chart.
 */
#ifndef IPCBENCH_REPORT_H
#define IPCBENCH_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "bench.h"

#define REPORT_MAX_SIZES 8
#define REPORT_MAX_MECHS 16
#define REPORT_MAX_RUNS 9

enum cell { CELL_NONE, CELL_OK, CELL_FAILED };   /* not measured / measured / failed */

/*
 * Every figure is measured once per round, and the rounds take turns
 * with the mechanisms, so that a quiet or a busy spell of the machine
 * falls on all of them alike.  A figure reported is the median run's.
 */
struct mech_row {
	const struct mechanism *m;
	enum cell latency_cell;
	struct latency_result latency;               /* the median run */
	struct latency_result latency_run[REPORT_MAX_RUNS];
	enum cell throughput_cell[REPORT_MAX_SIZES];
	struct throughput_result throughput[REPORT_MAX_SIZES];  /* the median run */
	struct throughput_result throughput_run[REPORT_MAX_SIZES][REPORT_MAX_RUNS];
};

struct report {
	char machine[256];                   /* "2 CPUs (AMD EPYC), Linux 6.1, ..." */
	unsigned runs;                       /* rounds: runs behind every figure */
	double seconds;                      /* the time budget of one run */
	size_t nsizes;
	size_t sizes[REPORT_MAX_SIZES];
	double memcpy_bps[REPORT_MAX_SIZES]; /* the median over every round; 0: not measured */
	double memcpy_run_bps[REPORT_MAX_RUNS][REPORT_MAX_SIZES];  /* [round][size] */
	double line_ns;                      /* pinned: a cache line's round trip, median */
	double line_run_ns[REPORT_MAX_RUNS]; /* per round; 0: not measured */
	bool line_failed;                    /* a round trip failed: measure no more */
	size_t npins;
	bool pinned[2];                      /* the pinning of rows[0] and rows[1] */
	int cpu[2];                          /* pinned: side A's CPU and side B's */
	size_t nmechs;
	struct mech_row rows[2][REPORT_MAX_MECHS];
};

/* "64 B", "4 KiB", "1 MiB": into buf, which it returns. */
const char *size_name(size_t bytes, char *buf, size_t size);

/* The row of the mechanism called name in rows[pin], or NULL when it was not measured. */
const struct mech_row *row_named(const struct report *r, size_t pin, const char *name);
/* The pipe's row, to which the other figures are compared. */
const struct mech_row *pipe_row(const struct report *r, size_t pin);

/*
 * Once every round is in: picks each row's median runs, and memcpy's
 * median bandwidth.
 */
void report_choose_medians(struct report *r);

void report_markdown(FILE *f, const struct report *r);
void report_csv(FILE *f, const struct report *r);
void report_svg(FILE *f, const struct report *r);

#endif
