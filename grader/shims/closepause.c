/*
 * closepause.c - LD_PRELOAD shim: a child created by fork() that closes
 * the write end of a pipe pauses before going on, until its parent sleeps
 * in wait4 or waitid, GRADER_CLOSE_PAUSE_MS at most (default 200 ms).
 *
 * The reader sees end of file at that close.  Whatever the child still
 * prints after it then comes out after what the reader prints in
 * response, on every run: a child must print its last line before it
 * closes its write end.
 */
#define _GNU_SOURCE
#include "parentwait.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static pid_t first_pid;     /* the program's own process */

__attribute__((constructor)) static void remember_pid(void)
{
	first_pid = getpid();
}

/* A pipe (or FIFO) opened for writing only: a write end. */
static int is_write_end(int fd)
{
	struct stat st;
	int flags = fcntl(fd, F_GETFL);

	return flags >= 0 && (flags & O_ACCMODE) == O_WRONLY && fstat(fd, &st) == 0 &&
	       S_ISFIFO(st.st_mode);
}

int close(int fd)
{
	static int (*real_close)(int);
	const char *ms_text = getenv("GRADER_CLOSE_PAUSE_MS");
	long ms = ms_text ? strtol(ms_text, NULL, 10) : 200;
	int pause_after = getpid() != first_pid && ms > 0 && is_write_end(fd);
	int rc;

	if (real_close == NULL)
		real_close = (int (*)(int))dlsym(RTLD_NEXT, "close");
	rc = real_close(fd);
	if (rc == 0 && pause_after) {
		const pid_t parent = getppid();

		/* Once the parent waits for its children, it has answered. */
		for (long waited = 0; waited < ms &&
		     parentwait_state(parent) != PARENT_WAITS; waited++) {
			struct timespec delay = { 0, 1000000L };

			while (nanosleep(&delay, &delay) != 0)
				;
		}
	}
	return rc;
}
