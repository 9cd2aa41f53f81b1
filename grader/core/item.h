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
#include "results.h"

struct item_plan {
	const struct graded_item *item;
	double timeout;          /* seconds, already scaled */
	int runner_fd;           /* the runner's results descriptor, or -1 */
	bool landlock;           /* confine the test in a Landlock domain */
};

/* Runs one item; always fills r. */
void item_run(const struct item_plan *plan, struct result *r);

#endif
