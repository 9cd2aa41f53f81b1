/*
 * confine.h - what the test process gives up before any student code runs.
 *
 * The test process is forked from the item's host and would inherit its
 * descriptors, signal state and reach.  Before the test body starts:
 *   - every descriptor of the host is closed, but stdin/stdout/stderr,
 *     Check's channel and the test's completion socket (close-on-exec);
 *   - signal dispositions are the defaults, the signal mask is empty;
 *   - limits: processes, file size, no core files, address space;
 *   - the test enters a Landlock domain: it cannot signal or trace the
 *     grader's processes (which are not dumpable either), and the programs
 *     it runs, one layer deeper, cannot reach it; the watchdog can.
 */
#ifndef GRADER_CONFINE_H
#define GRADER_CONFINE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct confinement {
	const int *close_fds;       /* the host's descriptors */
	size_t close_count;
	const char *workdir;        /* the item's fresh working folder */
	pid_t watchdog;             /* may inspect the test (Yama's exception) */
	bool landlock;              /* enter a Landlock domain (it must work) */
};

/* In the test process; false with a reason when confinement failed. */
bool confine_test_process(const struct confinement *c, char *why, size_t size);

/* Blocks every signal that can be blocked, but those in keep (0-ended). */
void confine_block_signals(const int *keep);

/* The descriptors this process has open, ascending; returns the count. */
size_t confine_open_fds(int *fds, size_t max);

#endif
