/*
 * sysutil.h - two small helpers that the grader's core and its driver
 * share: a clock for deadlines, and removing a folder.
 */
#ifndef GRADER_SYSUTIL_H
#define GRADER_SYSUTIL_H

/* Seconds on the monotonic clock: for deadlines and durations. */
double monotonic_seconds(void);

/*
 * rm -rf that never follows a symbolic link and never leaves the file
 * system it starts on: safe among files that student code wrote.
 * Returns 0 when path is gone (or never was), -1 otherwise.
 */
int remove_tree(const char *path);

#endif
