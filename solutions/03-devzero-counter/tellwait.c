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
/* BEGIN SOLUTION */

static volatile sig_atomic_t told;	/* the other process's signal arrived */
static bool ready;			/* TELL_WAIT has run in this process */
static sigset_t waiting_mask;		/* the mask inside sigsuspend() */

static void on_tell(int signo)
{
	(void)signo;
	told = 1;
}

static void catch_tell(int signo)
{
	struct sigaction sa;

	sa.sa_handler = on_tell;
	sa.sa_flags = 0;
	if (sigemptyset(&sa.sa_mask) < 0 || sigaction(signo, &sa, NULL) < 0)
		die("TELL_WAIT: sigaction");
}

static void tell(const char *who, pid_t pid, int signo)
{
	if (pid <= 0)	/* kill() would signal a whole group, or everyone */
		fail("%s: %ld is not a process id", who, (long)pid);
	if (kill(pid, signo) < 0)
		die("%s: kill %ld", who, (long)pid);
}

static void wait_for_tell(const char *who)
{
	if (!ready)
		fail("%s: TELL_WAIT was not called", who);
	while (!told)
		if (sigsuspend(&waiting_mask) < 0 && errno != EINTR)
			die("sigsuspend");
	told = 0;
	/*
	 * No sigprocmask(SIG_SETMASK, &old) here, unlike the book: with the
	 * signals open, the next one could arrive after the next call has
	 * tested the flag and before it sleeps, and be lost.
	 */
}
/* END SOLUTION */

void TELL_WAIT(void)
{
	/* BEGIN SOLUTION */
	sigset_t both, old;

	catch_tell(SIGUSR1);
	catch_tell(SIGUSR2);
	if (sigemptyset(&both) < 0 || sigaddset(&both, SIGUSR1) < 0 ||
	    sigaddset(&both, SIGUSR2) < 0)
		die("TELL_WAIT: sigaddset");
	if (sigprocmask(SIG_BLOCK, &both, &old) < 0)
		die("TELL_WAIT: sigprocmask");
	/* Sleep with the caller's mask, the two signals let in. */
	waiting_mask = old;
	if (sigdelset(&waiting_mask, SIGUSR1) < 0 ||
	    sigdelset(&waiting_mask, SIGUSR2) < 0)
		die("TELL_WAIT: sigdelset");
	told = 0;
	ready = true;
	/* ELSE STUB
	// TODO(lab 03 §3): catch SIGUSR1 and SIGUSR2, block both, remember the mask to sleep with
	END SOLUTION */
}

void TELL_PARENT(pid_t pid)
{
	/* BEGIN SOLUTION */
	tell("TELL_PARENT", pid, SIGUSR2);
	/* ELSE STUB
	(void)pid; // TODO(lab 03 §3): send SIGUSR2 to pid, check pid and kill's result (§5)
	END SOLUTION */
}

void WAIT_PARENT(void)
{
	/* BEGIN SOLUTION */
	wait_for_tell("WAIT_PARENT");
	/* ELSE STUB
	// TODO(lab 03 §3): sleep in sigsuspend until the parent's signal has come (§4, §5)
	END SOLUTION */
}

void TELL_CHILD(pid_t pid)
{
	/* BEGIN SOLUTION */
	tell("TELL_CHILD", pid, SIGUSR1);
	/* ELSE STUB
	(void)pid; // TODO(lab 03 §3): send SIGUSR1 to pid, check pid and kill's result (§5)
	END SOLUTION */
}

void WAIT_CHILD(void)
{
	/* BEGIN SOLUTION */
	wait_for_tell("WAIT_CHILD");
	/* ELSE STUB
	// TODO(lab 03 §3): sleep in sigsuspend until the child's signal has come (§4, §5)
	END SOLUTION */
}
