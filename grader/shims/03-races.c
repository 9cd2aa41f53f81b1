/*
 * 03-races.c - LD_PRELOAD shim for lab 03: makes its two races happen on
 * every run instead of now and then.
 *
 * 1. The lost wake-up.  When sigsuspend() or pause() is entered with
 *    SIGUSR1 or SIGUSR2 unblocked, the caller has tested its flag while
 *    the signal could arrive, so a signal landing before the sleep is lost.
 *    The shim makes it land there: it holds both signals back until one
 *    of them is pending (at most GRADER_WINDOW_MS, default 2000 ms), lets
 *    it in, and only then sleeps.  It says so on stderr, once per process,
 *    in a line starting "03-races:".  A process
 *    that keeps the signals blocked until sigsuspend() opens them is not
 *    touched.
 *    So that the window is met on every run, a process's first
 *    HELD_TELLS kill()s of SIGUSR1 or SIGUSR2 to another process wait
 *    (HOLD_MS at most) until that process sleeps: two processes that
 *    preempt each other at every kill() would otherwise find their flags
 *    raised before they test them.
 * 2. The parent that does not wait.  Every process forked by the program
 *    holds back 150 ms as it exits (exit(), return from main, _exit()),
 *    unless its parent already sleeps in wait4 or waitid, so a parent
 *    that exits without waitpid() always leaves its child behind.
 */
#define _GNU_SOURCE
#include "parentwait.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static pid_t first_pid;
static pid_t forker;	/* in a child: the process that forked it */

/* Runs in the parent just before each fork; the child inherits the value. */
static void remember_forker(void)
{
	forker = getpid();
}

__attribute__((constructor)) static void remember_first(void)
{
	first_pid = getpid();
	pthread_atfork(remember_forker, NULL, NULL);
}

static void sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&t, &t) != 0 && errno == EINTR)
		;
}

/* ---- 1. the window between the flag test and the sleep ---- */

/* Says once per process that it went to sleep with a signal open. */
static void note_open_sleep(const sigset_t *now)
{
	static bool noted;
	char note[160];
	int n;

	if (noted)
		return;
	noted = true;
	n = snprintf(note, sizeof note,
		     "03-races: pid %ld: went to sleep with SIG%s unblocked after "
		     "its flag test\n", (long)getpid(),
		     sigismember(now, SIGUSR1) ? "USR2" : "USR1");
	if (write(STDERR_FILENO, note, (size_t)n) < 0)
		return;
}

static void let_signal_in_window(void)
{
	const char *text = getenv("GRADER_WINDOW_MS");
	long limit = text ? strtol(text, NULL, 10) : 2000;
	sigset_t now, both, pending;
	int saved = errno;

	if (sigprocmask(SIG_BLOCK, NULL, &now) < 0)
		return;
	if (sigismember(&now, SIGUSR1) && sigismember(&now, SIGUSR2))
		return;		/* the flag was tested with both held back */
	note_open_sleep(&now);
	sigemptyset(&both);
	sigaddset(&both, SIGUSR1);
	sigaddset(&both, SIGUSR2);
	sigprocmask(SIG_BLOCK, &both, NULL);
	for (long waited = 0; waited < limit * 10; waited++) {
		sigpending(&pending);
		if ((sigismember(&pending, SIGUSR1) && !sigismember(&now, SIGUSR1)) ||
		    (sigismember(&pending, SIGUSR2) && !sigismember(&now, SIGUSR2))) {
			char note[160];
			int n = snprintf(note, sizeof note,
				"03-races: pid %ld: SIG%s arrived after the flag test, "
				"before the sleep\n", (long)getpid(),
				sigismember(&pending, SIGUSR1) ? "USR1" : "USR2");

			if (write(STDERR_FILENO, note, (size_t)n) < 0)
				break;
			break;
		}
		struct timespec t = { 0, 100000 };	/* 0.1 ms */
		nanosleep(&t, NULL);
	}
	sigprocmask(SIG_SETMASK, &now, NULL);	/* the handler runs here */
	errno = saved;
}

enum { HELD_TELLS = 16, HOLD_MS = 50 };

/* Whether pid sleeps in sigsuspend, pause or a nanosleep (the window's). */
static bool sleeps_in_wait(pid_t pid)
{
	char line[64];
	long nr = 0;

	parentwait_read(pid, "syscall", line, sizeof line);
	if (line[0] < '0' || line[0] > '9')
		return false;
	for (const char *p = line; *p >= '0' && *p <= '9'; p++)
		nr = nr * 10 + (*p - '0');
#ifdef SYS_pause
	if (nr == SYS_pause)
		return true;
#endif
	return nr == SYS_rt_sigsuspend || nr == SYS_nanosleep || nr == SYS_clock_nanosleep;
}

int kill(pid_t pid, int signo)
{
	static int held;

	if ((signo == SIGUSR1 || signo == SIGUSR2) && pid > 0 && pid != getpid() &&
	    held < HELD_TELLS) {
		held++;
		for (int waited = 0; waited < HOLD_MS * 10 && !sleeps_in_wait(pid); waited++) {
			struct timespec t = { 0, 100000 };	/* 0.1 ms */

			nanosleep(&t, NULL);
		}
	}
	return (int)syscall(SYS_kill, pid, signo);
}

int sigsuspend(const sigset_t *mask)
{
	let_signal_in_window();
	return (int)syscall(SYS_rt_sigsuspend, mask, _NSIG / 8);
}

int pause(void)
{
	sigset_t now;

	let_signal_in_window();
	sigprocmask(SIG_BLOCK, NULL, &now);
	return (int)syscall(SYS_rt_sigsuspend, &now, _NSIG / 8);
}

/* ---- 2. children exit slowly ---- */

/*
 * A child on its way out holds back 150 ms, unless its parent sleeps in
 * wait4 or waitid already: a parent that exits without waiting always
 * leaves the child behind; one that waits loses a moment, not 150 ms.
 */
static void exit_slowly(void)
{
	const pid_t parent = forker > 0 ? forker : getppid();

	if (getpid() == first_pid)
		return;
	for (int waited = 0; waited < 150; waited++) {
		if (parentwait_state(parent) == PARENT_WAITS)
			return;
		sleep_ms(1);
	}
}

__attribute__((destructor)) static void exit_slowly_at_exit(void)
{
	exit_slowly();
}

void _exit(int status)
{
	static void (*real_exit)(int);

	exit_slowly();
	if (real_exit == NULL)
		real_exit = (void (*)(int))dlsym(RTLD_NEXT, "_exit");
	real_exit(status);
	abort();	/* not reached */
}
