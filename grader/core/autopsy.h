/* autopsy.h - what a hung test's processes are waiting for. */
#ifndef GRADER_AUTOPSY_H
#define GRADER_AUTOPSY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct proc_status;

/*
 * Writes one line about root and every descendant: the system call each
 * sleeps in and, for a pipe or FIFO, who holds its other end.  root is
 * called root_label when that is not NULL, else by its command name.
 */
void autopsy_describe(pid_t root, const char *root_label, char *out, size_t size);

/*
 * For a suite: why the processes of group pgrp are still busy, as one
 * hint with its likeliest cause and advice.  parent is the process that
 * called the code under test (or ran as the program); it is named "the
 * parent", and the advice is worded for it.
 */
void autopsy_hint(pid_t pgrp, pid_t parent, char *hint, size_t size);

/*
 * Whether every process of the trees rooted at roots (0 entries skipped)
 * is asleep in a call that can wait for ever (a read, a sem_wait, a
 * sigsuspend, a wait: no time limit), stopped or ended, and at least one
 * is asleep; *cpu_ticks gets the CPU time they have used together.  A
 * deadlock looks like this, for as long as one cares to look.
 */
/*
 * The blocking call pid sleeps in, as a hint names it ("read", "futex (a
 * semaphore or lock)"), or NULL; *fd gets the descriptor of a read or a
 * write, else -1.
 */
const char *autopsy_call(pid_t pid, long *fd);

/* Whether p, as just read, sleeps in a call without a time limit. */
bool autopsy_sleeps_untimed(const struct proc_status *p);

bool autopsy_trees_asleep(const pid_t *roots, size_t count, unsigned long long *cpu_ticks);

#endif
