/* spawn.c - run one command, output to a file, with a deadline. */
#include "driver.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

volatile sig_atomic_t driver_interrupted;

static void note_interrupt(int sig)
{
	(void)sig;
	driver_interrupted = 1;
}

void driver_catch_interrupts(void)
{
	struct sigaction sa = { .sa_handler = note_interrupt };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * The driver is the reaper of its commands' orphans (a sandbox's inner
 * process leaves its own session): collect them, so that no zombie stays.
 */
void driver_become_subreaper(void)
{
	prctl(PR_SET_CHILD_SUBREAPER, 1);
}

static void reap_orphans(void)
{
	for (int tries = 0; tries < 100; tries++) {
		pid_t r = waitpid(-1, NULL, WNOHANG);

		if (r < 0)
			return; /* ECHILD: none left */
		if (r == 0)
			nanosleep(&(struct timespec){ 0, 2 * 1000 * 1000 }, NULL);
	}
}

int spawn_wait(char *const argv[], const char *log_path, double timeout,
	       bool *timed_out)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;
	pid_t pid;
	int status = 0, rc;
	const double deadline = now_seconds() + timeout;

	*timed_out = false;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, log_path,
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
				 POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
	rc = posix_spawnp(&pid, argv[0], &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return -1;
		if (now_seconds() > deadline || driver_interrupted) {
			*timed_out = true;
			kill(-pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			break;
		}
		nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
	}
	kill(-pid, SIGKILL); /* nothing of it may outlive it */
	reap_orphans();
	return status;
}
