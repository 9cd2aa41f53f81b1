/*
 * item.h - one graded item, run in a process of its own.
 *
 * For every item the runner forks a host: a fresh process that runs the
 * item's test under Check in fork mode, with a watchdog beside it, audits
 * what the test left behind and sends one result back.  Nothing of one
 * item reaches the next: a test that corrupts Check's channel, or breaks
 * its host in any other way, costs only its own item, and the runner
 * reports that as an integrity finding.
 */
#ifndef GRADER_ITEM_H
#define GRADER_ITEM_H

#include "grader.h"
#include "namespace.h"
#include "results.h"

struct item_plan {
	const struct graded_item *item;
	double timeout;          /* seconds, already scaled */
	int runner_fd;           /* the runner's results descriptor, or -1 */
	bool landlock;           /* confine the test in a Landlock domain */
	const struct item_mounts *isolate; /* namespaces of its own, or NULL */
};

/* A host started and not yet finished. */
struct item_host {
	const struct item_plan *plan;
	pid_t pid;               /* -1: it could not start */
	int report_fd;           /* its result comes on it; -1 once none can */
	double deadline;         /* monotonic seconds: past it, the host stalled */
	struct result r;
	size_t got;              /* bytes of r read so far */
	double cpu_seconds;      /* after item_finish: the CPU time the item used */
};

/* Starts an item's host (item_finish reports one that could not start). */
void item_start(const struct item_plan *plan, struct item_host *h);

/*
 * Reads what the host has sent, without waiting when report_fd is
 * non-blocking; true once the result is whole or can no longer come.
 */
bool item_read(struct item_host *h);

/* Ends the host (killing it when it stalled) and fills r. */
void item_finish(struct item_host *h, struct result *r);


#endif
