/*
 * item.c - see item.h.
 *
 * In the host, around the item's test:
 *   before: a fresh working folder, a leak snapshot, the completion socket
 *     and the watchdog; the low descriptors are filled, so that Check's
 *     channel and the socket sit above the numbers student code uses;
 *   in the test process, before the body (a checked fixture):
 *     confinement (see confine.h), then the hello to the watchdog;
 *   after the body (the trampoline): the completion claim;
 *   after the test: the watchdog's findings, the leak sweep (it runs after
 *     a crash or a timeout too), the result.
 */
#include "item.h"
#include "sysutil.h"
#include "audit.h"
#include "checkrun.h"
#include "completion.h"
#include "confine.h"
#include "context.h"
#include "snapshot.h"
#include "transcript.h"
#include "watchdog.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum {
	MAX_HOST_FDS = 256,
	HOST_MARGIN_SECONDS = 5,
};

/* The host's state, which the test process inherits and reads. */
static struct {
	const struct item_plan *plan;
	char workdir[640];
	int test_channel;            /* the test's end of the completion socket */
	int fds[MAX_HOST_FDS];       /* the host's descriptors: the test closes them */
	size_t fd_count;
	struct watchdog watchdog;
} host;

/* ---- in the test process ---- */

static void checked_setup(void)
{
	const struct confinement c = {
		.close_fds = host.fds,
		.close_count = host.fd_count,
		.workdir = host.workdir,
		.watchdog = host.watchdog.pid,
		.landlock = host.plan->landlock,
	};
	char why[300];

	grader_ctx.test_pid = getpid();
	grader_ctx.channel_fd = host.test_channel;
	snapshot_begin();
	ck_assert_msg(confine_test_process(&c, why, sizeof why), "%s", why);
	ck_assert_msg(completion_hello(host.test_channel) == 0,
		      "grader: cannot reach the watchdog: %s", strerror(errno));
	grader_reseed_for(host.plan->item->name);
}

/* The test body, then the claim that it returned. */
static void trampoline(int iteration)
{
	(*host.plan->item->test)->fn(iteration);
	if (grader_in_test_process())
		completion_claim(host.test_channel);
}

/* ---- the result ---- */

/* The hint for a test that neither passed nor failed an assertion. */
static void explain_error(double timeout, const struct check_outcome *out,
			  const char *autopsy, struct result *r)
{
	const int sig = out->signo;

	switch (out->end) {
	case CHECK_TIMEOUT:
		r->status = RESULT_TIMEOUT;
		snprintf(r->hint, sizeof r->hint,
			 "no result within %.1f s: the code under test blocked or "
			 "looped (a lost wake-up, a read that never sees EOF, a wait "
			 "for a child that never ends?)%s%s", timeout,
			 autopsy[0] ? ". Just before: " : "", autopsy);
		break;
	case CHECK_SIGNALLED:
		r->status = RESULT_CRASH;
		snprintf(r->hint, sizeof r->hint,
			 "the test process was killed by SIG%s in the code under test%s",
			 sigabbrev_np(sig) ? sigabbrev_np(sig) : "?",
			 sig == SIGSEGV ? " (a bad pointer, or memory not mapped)" :
			 sig == SIGBUS ? " (a mapping beyond the end of its file?)" :
			 sig == SIGUSR1 || sig == SIGUSR2 ?
			 " (a signal sent before its handler was installed?)" : "");
		break;
	case CHECK_EXITED:
		r->status = RESULT_FAIL;
		snprintf(r->hint, sizeof r->hint,
			 "the code under test ended the test process with exit status %d: "
			 "return an error to the caller instead of calling exit()", out->code);
		break;
	default:
		r->status = RESULT_FAIL;
		snprintf(r->hint, sizeof r->hint, "%s", out->message);
		break;
	}
}

static void append(char *text, size_t size, const char *what)
{
	size_t used = strlen(text);

	if (used + 1 < size)
		snprintf(text + used, size - used, "%s", what);
}

/* What to do about what a test left behind, for the kinds it left. */
static void leak_advice(const char *leaks, char *advice, size_t size)
{
	bool semaphore = false, object = false;

	/* /dev/shm/sem.NAME is a named semaphore, anything else an object. */
	for (const char *p = leaks; (p = strstr(p, "/dev/shm/")) != NULL; p++) {
		if (strncmp(p + 9, "sem.", 4) == 0)
			semaphore = true;
		else
			object = true;
	}
	advice[0] = '\0';
	if (strstr(leaks, "System V"))
		append(advice, size, ", remove what you create (IPC_RMID)");
	if (object)
		append(advice, size, ", shm_unlink what you create");
	if (semaphore)
		append(advice, size, ", sem_unlink what you create");
	if (strstr(leaks, "process"))
		append(advice, size, ", wait for every child");
}

/* The verdict of Check, corrected by the watchdog and the leak sweep. */
static void compose(const struct check_outcome *out, const struct watchdog_findings *found,
		    const char *leaks, struct result *r)
{
	const struct graded_item *it = host.plan->item;

	memset(r, 0, sizeof *r);
	snprintf(r->name, sizeof r->name, "%s", it->name);
	r->max = it->points;
	r->seconds = out->seconds;
	if (out->end == CHECK_NO_RESULT) {
		r->status = RESULT_ERROR;
		snprintf(r->hint, sizeof r->hint, "the test produced no result");
	} else if (out->end == CHECK_PASSED) {
		r->status = RESULT_PASS;
	} else if (out->end == CHECK_FAILED) {
		r->status = RESULT_FAIL;
		snprintf(r->hint, sizeof r->hint, "%s", out->message);
	} else {
		explain_error(host.plan->timeout, out, found->autopsy, r);
	}
	if (found->claim == CLAIM_FORGED) {
		r->status = RESULT_FAIL;
		snprintf(r->integrity, sizeof r->integrity, "%s", found->claim_note);
		snprintf(r->hint, sizeof r->hint, "integrity: %s", found->claim_note);
	} else if (r->status == RESULT_PASS && found->claim == CLAIM_REFUSED) {
		r->status = RESULT_FAIL;
		snprintf(r->hint, sizeof r->hint, "%s", found->claim_note);
	} else if (r->status == RESULT_PASS && found->claim != CLAIM_ACCEPTED) {
		r->status = RESULT_FAIL;
		snprintf(r->hint, sizeof r->hint,
			 "the test process ended early with status 0: the code under "
			 "test called exit() or _exit(); return to the caller instead");
	}
	if (leaks[0]) {
		char leak_hint[sizeof r->hint], advice[160];

		leak_advice(leaks, advice, sizeof advice);
		snprintf(leak_hint, sizeof leak_hint, "left behind after the test: %s: %s",
			 leaks, advice[0] ? advice + 2 : "remove what you create");
		if (r->status == RESULT_PASS) {
			r->status = RESULT_FAIL;
			snprintf(r->hint, sizeof r->hint, "%s", leak_hint);
		} else {
			append(r->hint, sizeof r->hint, "; also ");
			append(r->hint, sizeof r->hint, leak_hint);
		}
	}
	if (r->status != RESULT_PASS && found->output_truncated)
		append(r->hint, sizeof r->hint, " (a program's output was truncated "
		       "at the grader's capture limit)");
	if (r->status != RESULT_PASS && !r->integrity[0] && it->section && it->section[0]) {
		char cite[160];

		snprintf(cite, sizeof cite, " [handout %.2s %s]", grader_ctx.lab, it->section);
		append(r->hint, sizeof r->hint, cite);
	}
	r->score = r->status == RESULT_PASS ? it->points : 0;
	/* Only a test that returned, and was believed, posts figures. */
	if (r->status == RESULT_PASS && found->claim == CLAIM_ACCEPTED)
		snprintf(r->figures, sizeof r->figures, "%s", found->figures);
}

/* ---- the host ---- */

/* Fills the descriptors below FIRST_GRADER_FD: the test closes them again. */
static void fill_low_descriptors(void)
{
	int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	for (int fd = 3; null_fd >= 0 && fd < FIRST_GRADER_FD; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF)
			dup3(null_fd, fd, O_CLOEXEC);
}

/* The completion socket: the watchdog's end, and the test's (in host.test_channel). */
static int open_completion_channel(void)
{
	int pair[2], on = 1;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0 ||
	    setsockopt(pair[0], SOL_SOCKET, SO_PASSCRED, &on, sizeof on) < 0)
		return -1;
	host.test_channel = pair[1];
	return pair[0];
}

/* Removes fd from the list of n descriptors; returns the new count. */
static size_t keep_out(int fd, int *fds, size_t n)
{
	size_t kept = 0;

	for (size_t i = 0; i < n; i++)
		if (fds[i] != fd)
			fds[kept++] = fds[i];
	return kept;
}

/* The item's test under Check, with the fixture and the trampoline around it. */
static void run_test(struct check_outcome *out)
{
	const struct graded_item *it = host.plan->item;
	const struct check_test test = {
		.suite = grader_ctx.lab, .name = it->name,
		.file = (*it->test)->file, .line = (*it->test)->line,
		.body = trampoline, .setup = checked_setup,
		.timeout = host.plan->timeout,
	};

	check_run_one(&test, out);
}

static _Noreturn void host_main(const struct item_plan *plan, int report_fd)
{
	static const int check_needs[] = { SIGALRM, 0 }; /* Check's timer */
	struct audit_snapshot snapshot;
	struct watchdog_findings found;
	struct result r;
	char leaks[400];
	struct check_outcome outcome;
	char why[200];
	int watchdog_end;

	host.plan = plan;
	if (plan->runner_fd >= 0)
		close(plan->runner_fd);
	if ((plan->isolate && !namespace_isolate_item(plan->isolate, why, sizeof why)) ||
	    !grader_enter_item_folder(plan->item->name, why, sizeof why)) {
		fprintf(stderr, "grader: %s: %s\n", plan->item->name, why);
		_exit(3);
	}
	confine_block_signals(check_needs);
	audit_become_subreaper();
	fill_low_descriptors();
	snprintf(host.workdir, sizeof host.workdir, "%s/work", grader_ctx.tmpdir);
	watchdog_end = open_completion_channel();
	if (watchdog_end < 0 || (mkdir(host.workdir, 0755) < 0 && errno != EEXIST)) {
		fprintf(stderr, "grader: cannot prepare %s: %s\n", plan->item->name,
			strerror(errno));
		_exit(3);
	}
	audit_take(&snapshot);
	const struct watchdog_plan watch = {
		.channel_fd = watchdog_end,
		.checker = {
			.test_fd = host.test_channel,
			.patience = 10.0 * grader_ctx.scale,
		},
		.autopsy_after = 0.85 * plan->timeout,
	};
	if (watchdog_start(&host.watchdog, &watch) < 0) {
		fprintf(stderr, "grader: cannot start the watchdog: %s\n", strerror(errno));
		_exit(3);
	}
	close(watchdog_end);
	host.fd_count = keep_out(host.test_channel, host.fds,
				 confine_open_fds(host.fds, MAX_HOST_FDS));

	run_test(&outcome);

	close(host.test_channel);
	/*
	 * Processes the test left behind may hold the completion socket: they
	 * go first, so that the watchdog sees the socket close.  The watchdog
	 * is the host's child too: it is set aside meanwhile.
	 */
	audit_sweep_processes(host.watchdog.pid, leaks, sizeof leaks);
	watchdog_finish(&host.watchdog, &found, 1.0 + 10.0 * grader_ctx.scale);
	audit_sweep_objects(&snapshot, leaks, sizeof leaks);
	audit_release(&snapshot);
	compose(&outcome, &found, leaks, &r);
	if (r.status != RESULT_PASS) {
		transcript_read(r.transcript, sizeof r.transcript);
		snapshot_read(r.snapshot, sizeof r.snapshot);
	}
	remove_tree(grader_ctx.tmpdir); /* the item's folder, and workdir inside it */
	if (write(report_fd, &r, sizeof r) != (ssize_t)sizeof r)
		_exit(4);
	_exit(0);
}

/* ---- in the runner ---- */

/* The host ended without a result: only the code under test can do that. */
static void host_lost(const struct item_plan *plan, int status, bool stalled,
		      struct result *r)
{
	char how[120];

	memset(r, 0, sizeof *r);
	snprintf(r->name, sizeof r->name, "%s", plan->item->name);
	r->status = RESULT_ERROR;
	r->max = plan->item->points;
	if (stalled)
		snprintf(how, sizeof how, "stopped answering (was it stopped with SIGSTOP?)");
	else if (WIFSIGNALED(status))
		snprintf(how, sizeof how, "was killed by SIG%s",
			 sigabbrev_np(WTERMSIG(status)) ? sigabbrev_np(WTERMSIG(status)) : "?");
	else
		snprintf(how, sizeof how, "failed with status %d (garbage written into "
			 "the grader's own descriptors?)", WEXITSTATUS(status));
	snprintf(r->integrity, sizeof r->integrity,
		 "the grader's process for this test %s", how);
	snprintf(r->hint, sizeof r->hint, "integrity: %s", r->integrity);
}

/* waitpid that tells whether pid was reaped (by this call or before). */
static bool reaped(pid_t pid, int *status, struct rusage *usage)
{
	pid_t w = wait4(pid, status, 0, usage);

	return w == pid || (w < 0 && errno == ECHILD);
}

void item_start(const struct item_plan *plan, struct item_host *h)
{
	int report[2];

	*h = (struct item_host){ .plan = plan, .pid = -1, .report_fd = -1 };
	if (pipe2(report, O_CLOEXEC) < 0)
		return;
	fflush(NULL);
	h->pid = fork();
	if (h->pid == 0) {
		close(report[0]);
		host_main(plan, report[1]);
	}
	close(report[1]);
	if (h->pid < 0) {
		close(report[0]);
		return;
	}
	h->report_fd = report[0];
	h->deadline = monotonic_seconds() + plan->timeout + HOST_MARGIN_SECONDS;
}

bool item_read(struct item_host *h)
{
	while (h->report_fd >= 0 && h->got < sizeof h->r) {
		ssize_t n = read(h->report_fd, (char *)&h->r + h->got, sizeof h->r - h->got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return false;
		if (n <= 0)
			break;
		h->got += (size_t)n;
	}
	return true;
}

void item_finish(struct item_host *h, struct result *r)
{
	struct rusage usage = { 0 };
	bool stalled = false;
	int status = 3 << 8; /* no host at all: as if it failed to start */

	if (h->report_fd >= 0)
		close(h->report_fd);
	if (h->pid > 0) {
		/* Still there without a result: it stalled, and is stopped now. */
		stalled = h->got < sizeof h->r && waitpid(h->pid, &status, WNOHANG) == 0;
		if (stalled)
			kill(h->pid, SIGKILL);
		while (!reaped(h->pid, &status, &usage) && errno == EINTR)
			;
		/* The host reaps every process of its item: their time is in its own. */
		h->cpu_seconds = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
				 usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
	}
	if (h->got < sizeof h->r)
		host_lost(h->plan, status, stalled, &h->r);
	*r = h->r;
	r->name[sizeof r->name - 1] = '\0';
	r->hint[sizeof r->hint - 1] = '\0';
	r->integrity[sizeof r->integrity - 1] = '\0';
}
