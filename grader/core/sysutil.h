/*
 * sysutil.h - what the grader's core and its driver share: one rule for
 * the seed and the timeout scale, a clock for deadlines, removing a
 * folder, and how a child is spawned.
 */
#ifndef GRADER_SYSUTIL_H
#define GRADER_SYSUTIL_H

#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>

/* A decimal whole number (a seed, a descriptor): "42", not "-1", "0x2a" or "4 2". */
bool parse_whole(const char *text, uint64_t *value);
/* GRADER_TIMEOUT_SCALE's rule: a number in (0, 100]. */
bool parse_scale(const char *text, double *value);

/* Seconds on the monotonic clock: for deadlines and durations. */
double monotonic_seconds(void);
/* Sleeps that long (not scaled), whatever signals come. */
void sleep_seconds(double seconds);

/*
 * rm -rf that never follows a symbolic link and never leaves the file
 * system it starts on: safe among files that student code wrote.
 * Returns 0 when path is gone (or never was), -1 otherwise.
 */
int remove_tree(const char *path);

/*
 * Initialises attr for a child that starts clean whatever its parent
 * blocked or caught: no signal blocked, every disposition the default,
 * and a process group of its own (so that it and its children can be
 * ended together).  Returns posix_spawnattr_init's result.
 */
int spawn_attr_clean(posix_spawnattr_t *attr);

#endif
