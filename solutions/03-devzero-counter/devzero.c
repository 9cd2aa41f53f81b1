/*
 * devzero.c - APUE fig. 15.33: parent and child take turns incrementing a
 * long in memory they share, each checking the value it finds.
 *
 *     devzero [-a] [-p] [-v] [-n NLOOPS]
 *
 *   -n NLOOPS  rounds (default 1000, as in the book; 1 to 1000000000)
 *   -a         map the counter with MAP_ANON instead of /dev/zero
 *   -p         synchronise over pipes instead of SIGUSR1/SIGUSR2
 *   -v         print "counter is N" at the end
 *
 * Quiet, like the book, unless something goes wrong: then the book's
 * "parent: expected %d, got %d" or "child: ..." and exit status 1.  Unlike
 * the book, the parent waits for its child before it exits.
 */
#include "counter.h"
#include "errors.h"
#include "tellwait.h"
#include "tellwait_pipe.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
/* BEGIN SOLUTION */

#define NLOOPS 1000
#define MAX_LOOPS 1000000000L
#define USAGE "[-a] [-p] [-v] [-n NLOOPS]  (NLOOPS from 1 to 1000000000)"

/* One implementation of the TELL_WAIT family. */
struct sync_api {
	void (*tell_wait)(void);
	void (*tell_parent)(pid_t);
	void (*wait_parent)(void);
	void (*tell_child)(pid_t);
	void (*wait_child)(void);
};

static const struct sync_api by_signals = {
	TELL_WAIT, TELL_PARENT, WAIT_PARENT, TELL_CHILD, WAIT_CHILD
};
static const struct sync_api by_pipes = {
	pipe_TELL_WAIT, pipe_TELL_PARENT, pipe_WAIT_PARENT, pipe_TELL_CHILD,
	pipe_WAIT_CHILD
};

struct options {
	long nloops;
	bool anon;
	bool pipes;
	bool verbose;
};

static long parse_nloops(const char *text)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || n < 1 || n > MAX_LOOPS)
		usage(USAGE);
	return n;
}

static struct options parse_options(int argc, char **argv)
{
	struct options o = { NLOOPS, false, false, false };
	int c;

	opterr = 0;	/* one line from usage() instead of getopt's own */
	while ((c = getopt(argc, argv, "an:pv")) != -1) {
		switch (c) {
		case 'a': o.anon = true; break;
		case 'n': o.nloops = parse_nloops(optarg); break;
		case 'p': o.pipes = true; break;
		case 'v': o.verbose = true; break;
		default: usage(USAGE);
		}
	}
	if (optind != argc)
		usage(USAGE);
	return o;
}

/* The child: odd values, each after the parent's turn. */
static _Noreturn void run_child(const struct sync_api *sync, long *area,
				long nloops)
{
	long counter;

	for (long i = 1; i < nloops + 1; i += 2) {
		sync->wait_parent();
		if ((counter = update(area)) != i) {
			/*
			 * Wake the parent, or it waits for this turn for ever;
			 * it then finds no valid count and stops too.
			 */
			*area = -1;
			sync->tell_parent(getppid());
			fail_child("child: expected %ld, got %ld", i, counter);
		}
		sync->tell_parent(getppid());
	}
	/* _exit, not exit: exit would flush stdio buffers inherited from the parent. */
	_exit(0);
}

/* The parent: even values, then waits for the child's turn. */
static void run_parent(const struct sync_api *sync, long *area, long nloops,
		       pid_t child)
{
	long counter;

	for (long i = 0; i < nloops; i += 2) {
		if ((counter = update(area)) != i) {
			/* Do not leave the child waiting for a turn that never comes. */
			kill(child, SIGKILL);
			waitpid(child, NULL, 0);
			fail("parent: expected %ld, got %ld", i, counter);
		}
		sync->tell_child(child);
		sync->wait_child();
	}
}

/* END SOLUTION */

int main(int argc, char **argv)
{
	/* BEGIN SOLUTION */
	struct options o = parse_options(argc, argv);
	const struct sync_api *sync = o.pipes ? &by_pipes : &by_signals;
	long *area = o.anon ? counter_map_anon() : counter_map_devzero();
	pid_t pid;
	int status;

	if (area == NULL)
		die("mmap %s", o.anon ? "MAP_ANON" : "/dev/zero");
	sync->tell_wait();
	if ((pid = fork()) < 0)
		die("fork");
	if (pid == 0)
		run_child(sync, area, o.nloops);
	run_parent(sync, area, o.nloops, pid);

	/* The book exits here and leaves its child to finish alone. */
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail("the child failed");
	if (o.verbose)
		printf("counter is %ld\n", *area);
	if (counter_unmap(area) < 0)
		die("munmap");
	return 0;
	/* ELSE STUB
	(void)argc;
	(void)argv;
	fail("TODO(lab 03 §7): map the counter, TELL_WAIT, fork, take turns, wait for the child");
	END SOLUTION */
}
