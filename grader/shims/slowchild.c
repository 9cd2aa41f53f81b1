/*
 * slowchild.c - LD_PRELOAD shim: every child created by fork() holds back
 * before fork() returns in it, until its parent sleeps in wait4 or waitid
 * or has ended, or GRADER_SLOW_CHILD_MS have passed (default 150 ms).
 *
 * A parent that reads shared memory without waiting for the child then
 * reads it before the child's write on every run, not now and then; one
 * that waits costs the child a moment, not the whole delay.
 */
#define _GNU_SOURCE
#include "parentwait.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

pid_t fork(void)
{
	static pid_t (*real_fork)(void);
	const char *ms_text = getenv("GRADER_SLOW_CHILD_MS");
	long ms = ms_text ? strtol(ms_text, NULL, 10) : 150;
	pid_t parent = getpid(), pid;

	if (real_fork == NULL)
		real_fork = (pid_t(*)(void))dlsym(RTLD_NEXT, "fork");
	pid = real_fork();
	for (long waited = 0; pid == 0 && waited < ms &&
	     parentwait_state(parent) == PARENT_BUSY; waited++) {
		struct timespec delay = { 0, 1000000L };

		while (nanosleep(&delay, &delay) != 0)
			;
	}
	return pid;
}
