/*
 * slowchild.c - LD_PRELOAD shim: every child created by fork() sleeps
 * before fork() returns in it (GRADER_SLOW_CHILD_MS, default 150 ms).
 *
 * A parent that reads shared memory without waiting for the child then
 * reads it before the child's write on every run, not now and then.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

pid_t fork(void)
{
	static pid_t (*real_fork)(void);
	const char *ms_text = getenv("GRADER_SLOW_CHILD_MS");
	long ms = ms_text ? strtol(ms_text, NULL, 10) : 150;
	pid_t pid;

	if (real_fork == NULL)
		real_fork = (pid_t(*)(void))dlsym(RTLD_NEXT, "fork");
	pid = real_fork();
	if (pid == 0 && ms > 0) {
		struct timespec delay = { ms / 1000, (ms % 1000) * 1000000L };

		while (nanosleep(&delay, &delay) != 0)
			;
	}
	return pid;
}
