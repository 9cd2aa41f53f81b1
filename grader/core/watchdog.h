/*
 * watchdog.h - the grader's process beside each test process.
 *
 * Forked by the item's host before the test process exists, it holds the
 * other end of the test's completion channel and judges the claim (see
 * completion.h), and just before the item's timeout it writes down what
 * the test's processes are blocked in (see autopsy.h).  The test cannot
 * signal it or trace it.  It reports to the host through a pipe the test
 * does not hold.
 */
#ifndef GRADER_WATCHDOG_H
#define GRADER_WATCHDOG_H

#include <stdbool.h>
#include <sys/types.h>

#include "completion.h"

struct watchdog_findings {
	pid_t test_pid;            /* from the test's hello; 0 if it never came */
	int claim;                 /* enum claim_verdict of the first claim */
	char claim_note[320];      /* why a claim was refused or forged */
	char autopsy[600];         /* what the test's processes waited in */
	bool output_truncated;     /* a program's captured output was cut */
	char figures[COMPLETION_FIGURES_MAX]; /* an accepted claim's (grader_figure) */
};

struct watchdog {
	pid_t pid;
	int findings_fd;           /* the host's end of the report pipe */
};

struct watchdog_plan {
	int channel_fd;            /* the watchdog's end of the completion socket */
	struct claim_checker checker;
	double autopsy_after;      /* seconds from the start */
};

/* Forks the watchdog; the host keeps w.  Returns 0 or -1 with errno. */
int watchdog_start(struct watchdog *w, const struct watchdog_plan *plan);
/*
 * After the test process has ended and the host has closed its end of the
 * socket: lets the watchdog judge what is queued (for up to grace
 * seconds), stops it and collects what it found.
 */
void watchdog_finish(struct watchdog *w, struct watchdog_findings *found, double grace);

#endif
