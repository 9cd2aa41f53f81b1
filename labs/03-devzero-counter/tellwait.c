/*
 * tellwait.c - APUE's TELL_WAIT family on SIGUSR1 and SIGUSR2 (see
 * tellwait.h): the parent tells the child with SIGUSR1, the child tells the
 * parent with SIGUSR2, and one handler raises a flag for either.
 *
 * The two signals stay blocked from TELL_WAIT on.  They are let in only
 * inside sigsuspend(), which opens the mask and sleeps in one step, so a
 * signal can never land between the test of the flag and the sleep.
 */
#include "tellwait.h"

#include "errors.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

void TELL_WAIT(void)
{
	// TODO(lab 03 §3): catch SIGUSR1 and SIGUSR2, block both, remember the mask to sleep with
}

void TELL_PARENT(pid_t pid)
{
	(void)pid; // TODO(lab 03 §3): send SIGUSR2 to pid, check pid and kill's result (§5)
}

void WAIT_PARENT(void)
{
	// TODO(lab 03 §3): sleep in sigsuspend until the parent's signal has come (§4, §5)
}

void TELL_CHILD(pid_t pid)
{
	(void)pid; // TODO(lab 03 §3): send SIGUSR1 to pid, check pid and kill's result (§5)
}

void WAIT_CHILD(void)
{
	// TODO(lab 03 §3): sleep in sigsuspend until the child's signal has come (§4, §5)
}
