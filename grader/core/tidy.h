/*
 * tidy.h - what a test made, removed before its verdict.
 *
 * A test registers each object and file it makes (or expects the code
 * under test to make).  require() is ck_assert_msg that removes them all
 * first: a failing test then leaks nothing, and its hint is all the
 * student sees (the leak audit after the test would add a finding of its
 * own).  A test that passes calls tidy_now() at its end, or removes what
 * it made itself.
 */
#ifndef GRADER_TIDY_H
#define GRADER_TIDY_H

#include <sys/types.h>

void tidy_shm_name(const char *name);  /* a POSIX shm_open name: shm_unlink */
void tidy_sysv_key(key_t key);         /* the System V segment of key, if any */
void tidy_shmid(int shmid);            /* a System V segment (negative: ignored) */
void tidy_path(const char *path);      /* a file, or an empty folder */

/* Removes everything registered, the last first; errno is kept for a hint. */
void tidy_now(void);

#define require(cond, ...)                              \
	do {                                            \
		if (!(cond)) {                          \
			tidy_now();                     \
			ck_abort_msg(__VA_ARGS__);      \
		}                                       \
	} while (0)

#endif
