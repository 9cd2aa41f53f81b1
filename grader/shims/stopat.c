/*
 * stopat.c - LD_PRELOAD shim for the diagrams drawn from real runs
 * (mk/run-diagrams.sh): a child of the program stops itself (SIGSTOP) at
 * its first call of the function STOPAT names, before the call is made,
 * so that its descriptors can be read from /proc as they are at that
 * moment.  STOPAT=dup2: just after fork, before any dup2; STOPAT=execvp:
 * after the dup2 calls and the closes, just before the command runs;
 * STOPAT=close or read: at the first close or read of the child.  SIGCONT
 * lets it go on.  The program's own process never stops.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pid_t original_pid;
static bool stopped;

__attribute__((constructor)) static void remember_pid(void)
{
	original_pid = getpid();
}

/* Stops here once, in a child, when STOPAT names fn. */
static void maybe_stop(const char *fn)
{
	const char *at = getenv("STOPAT");

	if (!stopped && at != NULL && strcmp(at, fn) == 0 && getpid() != original_pid) {
		stopped = true;
		raise(SIGSTOP);
	}
}

int dup2(int oldfd, int newfd)
{
	int (*real)(int, int) = (int (*)(int, int))dlsym(RTLD_NEXT, "dup2");

	maybe_stop("dup2");
	return real(oldfd, newfd);
}

int execvp(const char *file, char *const argv[])
{
	int (*real)(const char *, char *const[]) =
		(int (*)(const char *, char *const[]))dlsym(RTLD_NEXT, "execvp");

	maybe_stop("execvp");
	return real(file, argv);
}

int close(int fd)
{
	int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, "close");

	maybe_stop("close");
	return real(fd);
}

ssize_t read(int fd, void *buf, size_t count)
{
	ssize_t (*real)(int, void *, size_t) =
		(ssize_t (*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");

	maybe_stop("read");
	return real(fd, buf, count);
}
