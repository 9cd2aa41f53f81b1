/* watchdog.c - see watchdog.h. */
#include "watchdog.h"
#include "sysutil.h"
#include "autopsy.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>


/* Each report is the whole of what was found so far: the last one counts. */
static void report(int fd, const struct watchdog_findings *found)
{
	ssize_t n = write(fd, found, sizeof *found);

	(void)n; /* the host is gone or never reads: nothing more to do */
}

/* Records the first claim's verdict; a later forgery still counts. */
static void note_claim(struct watchdog_findings *found, int verdict, const char *why)
{
	if (found->claim == CLAIM_NONE ||
	    (verdict == CLAIM_FORGED && found->claim != CLAIM_FORGED)) {
		found->claim = verdict;
		snprintf(found->claim_note, sizeof found->claim_note, "%s", why);
	}
}

static _Noreturn void watch(const struct watchdog_plan *plan, int report_fd)
{
	struct watchdog_findings found = { 0 }, reported = { 0 };
	struct claim_checker checker = plan->checker;
	const double autopsy_at = monotonic_seconds() + plan->autopsy_after;
	bool autopsy_done = false;

	/*
	 * Only the watchdog knows where a genuine claim returns to: a value
	 * computed in the host would be copied into the test's memory.
	 */
	checker.site = completion_site();

	for (;;) {
		struct pollfd p = { plan->channel_fd, POLLIN, 0 };
		int timeout_ms = -1, ready;

		if (!autopsy_done) {
			double left = autopsy_at - monotonic_seconds();

			timeout_ms = left <= 0 ? 0 : (int)(left * 1000) + 1;
		}
		ready = poll(&p, 1, timeout_ms);

		if (ready < 0 && errno != EINTR)
			_exit(1);
		if (ready == 0 && !autopsy_done) {
			autopsy_done = true;
			if (found.test_pid > 0) {
				autopsy_describe(found.test_pid, "the test", found.autopsy,
						 sizeof found.autopsy);
				report(report_fd, &found);
				reported = found;
			}
			continue;
		}
		if (ready <= 0)
			continue;
		char why[sizeof found.claim_note];
		int verdict = completion_serve(plan->channel_fd, &checker, why, sizeof why);

		if (verdict < 0)
			_exit(0); /* the test process is gone */
		found.test_pid = checker.test_pid;
		found.output_truncated = checker.output_truncated;
		snprintf(found.figures, sizeof found.figures, "%s", checker.figures);
		if (verdict != CLAIM_NONE)
			note_claim(&found, verdict, why);
		/*
		 * Only what changed: findings change a handful of times at most,
		 * so a flood of messages cannot fill the pipe.
		 */
		if (memcmp(&found, &reported, sizeof found) != 0) {
			report(report_fd, &found);
			reported = found;
		}
	}
}

int watchdog_start(struct watchdog *w, const struct watchdog_plan *plan)
{
	int pipe_fds[2];

	if (pipe2(pipe_fds, O_CLOEXEC) < 0)
		return -1;
	fflush(NULL);
	w->pid = fork();
	if (w->pid < 0) {
		close(pipe_fds[0]);
		close(pipe_fds[1]);
		return -1;
	}
	if (w->pid == 0) {
		/* Nothing of the host's but the channel (fd 3) and the report (4). */
		struct watchdog_plan mine = *plan;
		int channel = fcntl(plan->channel_fd, F_DUPFD_CLOEXEC, 10);
		int report_to = fcntl(pipe_fds[1], F_DUPFD_CLOEXEC, 10);

		if (channel < 0 || report_to < 0 || dup2(channel, 3) < 0 ||
		    dup2(report_to, 4) < 0)
			_exit(1);
		close_range(5, ~0U, 0);
		mine.channel_fd = 3;
		watch(&mine, 4);
	}
	close(pipe_fds[1]);
	w->findings_fd = pipe_fds[0];
	return 0;
}

/* Waits up to seconds for the watchdog to end by itself. */
static bool ended_within(pid_t pid, double seconds)
{
	const double give_up = monotonic_seconds() + seconds;

	do {
		pid_t w = waitpid(pid, NULL, WNOHANG);

		if (w == pid || (w < 0 && errno == ECHILD))
			return true;
		nanosleep(&(struct timespec){ 0, 200 * 1000 }, NULL);
	} while (monotonic_seconds() < give_up);
	return false;
}

void watchdog_finish(struct watchdog *w, struct watchdog_findings *found, double grace)
{
	struct watchdog_findings latest;

	memset(found, 0, sizeof *found);
	/*
	 * With the test gone and the host's end closed, the watchdog judges
	 * what is still queued and ends.  Processes the test left may still
	 * hold the socket: after the grace period it is stopped.
	 */
	if (w->pid > 0 && !ended_within(w->pid, grace)) {
		kill(w->pid, SIGKILL);
		while (waitpid(w->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	while (read(w->findings_fd, &latest, sizeof latest) == (ssize_t)sizeof latest)
		*found = latest;
	close(w->findings_fd);
	w->pid = -1;
}
