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

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fail("TODO(lab 03 §7): map the counter, TELL_WAIT, fork, take turns, wait for the child");
}
