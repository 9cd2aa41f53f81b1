/*
 * debug.h - one graded item in the foreground (the runner's --debug), for
 * make debug: under gdb or strace, the test and the lab's code it calls
 * run in the runner's own process.
 */
#ifndef GRADER_DEBUG_H
#define GRADER_DEBUG_H

#include "grader.h"
#include "namespace.h"

/*
 * Runs it in this very process: no host, no watchdog, no Check fork, no
 * timeout, no confinement; in namespaces of its own (mounts) where the
 * system allows them, so that what the lab leaves behind vanishes with
 * the process.  Prints PASS or FAIL with the hint; returns 0 when it
 * passed, 1 when it failed, 2 when it could not run.
 */
int debug_item(const struct graded_item *it, const struct item_mounts *mounts);

#endif
