/* failsweep.c - see failsweep.h. */
#include "failsweep.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "grader.h"
#include "procinfo.h"
#include "run.h"

enum { HOLD_MAX = 256, HOLD_TEXT = 300 };

/*
 * What this process holds that a failed call must give back: its open
 * descriptors, its mappings other than private anonymous memory (which
 * malloc grows and shrinks), a child not waited for, and the System V
 * segments it created.
 */
struct holdings {
	char (*item)[HOLD_TEXT];
	int count;
};

static void hold_add(struct holdings *h, const char *text)
{
	if (h->count < HOLD_MAX)
		snprintf(h->item[h->count++], HOLD_TEXT, "%s", text);
}

/* A child of this process that nobody has waited for, ended or not. */
static void children_take(struct holdings *h)
{
	siginfo_t info;

	memset(&info, 0, sizeof info);
	if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) < 0)
		return;                 /* ECHILD: no child at all */
	hold_add(h, info.si_pid != 0 ? "a child process that ended and was never "
		 "waited for: waitpid every child it forked"
		 : "a child process still running: wait for every child it forked");
}

static void holdings_take(struct holdings *h)
{
	int fds[HOLD_MAX], nfds = fds_list(0, fds, HOLD_MAX);
	char line[HOLD_TEXT + 64], target[200];
	FILE *f;

	h->count = 0;
	for (int i = 0; i < nfds; i++) {
		if (!fd_target(0, fds[i], target, sizeof target))
			continue;        /* the listing's own descriptor, closed since */
		snprintf(line, sizeof line, "descriptor %d (%s) left open", fds[i], target);
		hold_add(h, line);
	}
	f = fopen("/proc/self/maps", "re");
	while (f != NULL && fgets(line, sizeof line, f) != NULL) {
		char perms[5] = "", path[200] = "";
		unsigned long start, end;

		if (sscanf(line, "%lx-%lx %4s %*s %*s %*s %199[^\n]", &start, &end, perms,
			   path) < 3 || (perms[3] == 'p' && (path[0] == '\0' || path[0] == '[')))
			continue;
		snprintf(line, sizeof line, "a mapping of %lu bytes at %#lx (%s%s) left "
			 "mapped", end - start, start, path[0] ? path : "anonymous, shared",
			 strstr(path, "SYSV") ? ": shmdt it" : "");
		hold_add(h, line);
	}
	if (f != NULL)
		fclose(f);
	children_take(h);
	f = fopen("/proc/sysvipc/shm", "re");
	if (f != NULL && fgets(line, sizeof line, f) != NULL) {   /* the header */
		long key;
		int shmid, cpid;

		while (fgets(line, sizeof line, f) != NULL)
			if (sscanf(line, "%ld %d %*o %*u %d", &key, &shmid, &cpid) == 3 &&
			    cpid == getpid()) {
				snprintf(line, sizeof line, "System V segment %d left "
					 "behind: shmctl(IPC_RMID) it", shmid);
				hold_add(h, line);
			}
	}
	if (f != NULL)
		fclose(f);
}

/*
 * The first thing after holds that before did not, or NULL; things whose
 * description starts with kept are not counted.
 */
static const char *holdings_gained(const struct holdings *before,
				   const struct holdings *after, const char *kept)
{
	for (int i = 0; i < after->count; i++) {
		bool held = kept != NULL && strncmp(after->item[i], kept, strlen(kept)) == 0;

		for (int j = 0; j < before->count && !held; j++)
			held = strcmp(after->item[i], before->item[j]) == 0;
		if (!held)
			return after->item[i];
	}
	return NULL;
}

static const char *ordinal(unsigned n, char *buf, size_t size)
{
	const char *suffix = n % 100 / 10 == 1 ? "th" : n % 10 == 1 ? "st"
		: n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";

	snprintf(buf, size, "%u%s", n, suffix);
	return buf;
}

/* Fails the nth call of c.call; returns false when the function made fewer. */
static bool sweep_one(const struct sweep *s, struct sweep_call c, unsigned nth,
		      struct holdings *before, struct holdings *after)
{
	char which[16];
	const char *gained, *kept;
	bool ok, fired;
	int error;

	holdings_take(before);
	fault_arm(c.call, nth, c.error);
	errno = 0;
	ok = s->attempt(s->ctx);
	error = errno;
	fired = fault_disarm();
	grader_leave_if_forked(0);
	if (!fired) {
		if (ok)
			s->undo(s->ctx);
		require(nth > 1 || c.optional, "%s never called %s: it should", s->what,
			      fault_name(c.call));
		return false;
	}
	holdings_take(after);
	ordinal(nth, which, sizeof which);
	/* A release that fails keeps what it was to release (Linux's close
	 * releases the descriptor even then, the grader's failing one not). */
	kept = c.call == FAULT_close ? "descriptor"
		: c.call == FAULT_munmap || c.call == FAULT_shmdt ? "a mapping"
		: c.call == FAULT_shmctl ? "System V" : NULL;
	if (ok) {
		s->undo(s->ctx);
		require(0, "%s reported success although its %s call of %s failed "
			"(%s): check every call's result and return failure at the "
			"first one that fails%s", s->what, which, fault_name(c.call),
			grader_errno_name(c.error), c.call == FAULT_mmap ? " (mmap's "
			"failure is MAP_FAILED, not NULL)" : "");
	}
	require(error == c.error, "%s failed with errno %s when its %s call of %s "
		      "failed with %s: %s", s->what, grader_errno_name(error), which,
		      fault_name(c.call), grader_errno_name(c.error),
		      error == EBADF || error == EINVAL || error == EFAULT
		      ? "it went on with the failed result; return at the first failure"
		      : "save errno before cleaning up (close and munmap may change "
		      "it) and restore it before returning");
	gained = holdings_gained(before, after, kept);
	require(gained == NULL, "when its %s call of %s failed (%s), %s returned "
		      "failure with %s: on a failure, give back what was made before it",
		      which, fault_name(c.call), grader_errno_name(c.error), s->what,
		      gained ? gained : "");
	require(s->object == NULL || c.call == FAULT_shm_unlink ||
		      !shm_object_exists(s->object), "when its "
		      "%s call of %s failed (%s), %s returned failure and left %s in "
		      "/dev/shm: shm_unlink what it created before returning", which,
		      fault_name(c.call), grader_errno_name(c.error), s->what, s->object);
	return true;
}

/* Two snapshots' room; the test ends (and its process with it) if none. */
static void holdings_alloc(struct holdings *before, struct holdings *after)
{
	before->item = malloc(HOLD_MAX * sizeof *before->item);
	after->item = malloc(HOLD_MAX * sizeof *after->item);
	before->count = after->count = 0;
	require(before->item && after->item, "grader: out of memory");
}

/* The attempt with nothing failing: success, and nothing held once undone. */
static void sweep_clean(const struct sweep *s, struct holdings *before,
			struct holdings *after)
{
	const char *gained;
	bool ok;
	int error;

	holdings_take(before);
	errno = 0;
	ok = s->attempt(s->ctx);
	error = errno;
	grader_leave_if_forked(0);
	require(ok, "%s failed (%s) with nothing made to fail: expected it to "
		      "work", s->what, grader_errno_name(error));
	s->undo(s->ctx);
	holdings_take(after);
	gained = holdings_gained(before, after, NULL);
	require(gained == NULL, "after %s%s%s, %s: %s", s->what,
		s->undo_what ? " and " : "", s->undo_what ? s->undo_what : "",
		gained ? gained : "", s->undo_what ? "together they must leave nothing "
		"behind" : "it must leave nothing behind");
}

void sweep_faults(const struct sweep *s, const struct sweep_call *calls, size_t count)
{
	struct holdings before, after;

	holdings_alloc(&before, &after);
	sweep_clean(s, &before, &after);
	for (size_t i = 0; i < count; i++)
		for (unsigned nth = 1; nth <= 16; nth++)
			if (!sweep_one(s, calls[i], nth, &before, &after))
				break;
	free(before.item);
	free(after.item);
}

void sweep_refused(const struct sweep *s, int error, const char *case_)
{
	struct holdings before, after;
	const char *gained;
	bool ok;
	int got;

	holdings_alloc(&before, &after);
	holdings_take(&before);
	errno = 0;
	ok = s->attempt(s->ctx);
	got = errno;
	grader_leave_if_forked(0);
	if (ok)
		s->undo(s->ctx);
	require(!ok, "%s accepted %s: expected failure with %s", s->what, case_,
		      grader_errno_name(error));
	require(got == error, "%s refused %s with errno %s: expected %s", s->what,
		      case_, grader_errno_name(got), grader_errno_name(error));
	holdings_take(&after);
	gained = holdings_gained(&before, &after, NULL);
	require(gained == NULL, "%s refused %s but kept what it had made: %s: "
		      "give it back before returning", s->what, case_, gained ? gained : "");
	free(before.item);
	free(after.item);
}

void sweep_with_stdin_closed(const struct sweep *s)
{
	int saved = fcntl(0, F_DUPFD_CLOEXEC, 3);
	struct holdings before, after;
	const char *gained;
	bool ok;
	int error;

	require(saved >= 0, "grader: fcntl: %s", strerror(errno));
	holdings_alloc(&before, &after);
	close(0);
	holdings_take(&before);
	errno = 0;
	ok = s->attempt(s->ctx);
	error = errno;
	grader_leave_if_forked(0);
	if (ok)
		s->undo(s->ctx);
	holdings_take(&after);
	gained = holdings_gained(&before, &after, NULL);
	dup2(saved, 0);
	close(saved);
	require(gained == NULL || !ok, "after %s%s%s with standard input closed, %s: "
		"descriptor 0 is a descriptor like any other, closed when it is >= 0 "
		"(not > 0)", s->what, s->undo_what ? " and " : "",
		s->undo_what ? s->undo_what : "", gained ? gained : "");
	free(before.item);
	free(after.item);
	require(ok, "%s failed (%s) when standard input was closed: %s", s->what,
		grader_errno_name(error), s->zero_advice ? s->zero_advice : "the "
		"descriptor it opened was 0, a valid one; only -1 is a failure: test "
		"fd < 0, not fd <= 0");
}

void sweep_program(const char *prog, const char *const args[], const char *what,
		   enum fault_call call, unsigned nth, int error, const char *advice,
		   struct run_result *res)
{
	sweep_program_opts(prog, args, NULL, what, call, nth, error, advice, res);
}

void sweep_program_opts(const char *prog, const char *const args[],
			const struct run_opts *base, const char *what, enum fault_call call,
			unsigned nth, int error, const char *advice, struct run_result *res)
{
	char fault[64], which[16], how[64], shown[128];
	const char *env[8] = { fault_env(fault, sizeof fault, call, nth, error), NULL };
	struct run_opts opts = { .timeout = 3.0 };
	const char *went_on, *newline;

	if (base != NULL)
		opts = *base;
	for (size_t i = 0; base != NULL && base->env != NULL && base->env[i] != NULL &&
	     i < 6; i++)
		env[i + 1] = base->env[i];
	opts.env = env;
	opts.preload = "faults";
	opts.timeout = opts.timeout > 0 ? opts.timeout : 3.0;

	ordinal(nth, which, sizeof which);
	run_program(prog, args, &opts, res);
	require(!res->spawn_error, "could not start %s: %s", prog,
		strerror(res->spawn_error));
	require(!res->timed_out, "%s, with its %s %s failing (%s), %s: expected it "
		"to stop at once. Just before: %s", what, which, fault_name(call),
		grader_errno_name(error), run_describe(res, how, sizeof how),
		res->autopsy ? res->autopsy : "?");
	if (strstr(res->err, "faults: never called ") != NULL)
		require(0, "%s never made a %s call of %s: it should", what, which,
			fault_name(call));
	require(res->exited, "%s was %s when its %s %s failed (%s): it used the "
		"failed result; %s", what, run_describe(res, how, sizeof how), which,
		fault_name(call), grader_errno_name(error), advice);
	require(res->exit_code != 0, "%s exited 0 (stdout %s) although its %s %s "
		"failed (%s): %s, and exit 1", what,
		grader_excerpt(shown, sizeof shown, res->out, res->out_len), which,
		fault_name(call), grader_errno_name(error), advice);
	went_on = strstr(res->err, "faults: ");
	require(went_on == NULL, "%s went on after its %s %s failed (%s): %.*s: "
		"stop at the first failure: %s", what, which, fault_name(call),
		grader_errno_name(error), went_on ? (int)strcspn(went_on + 8, "\n") : 0,
		went_on ? went_on + 8 : "", advice);
	newline = strchr(res->err, '\n');
	require(strstr(res->err, strerror(error)) != NULL && newline != NULL &&
		newline[1] == '\0', "%s, with its %s %s failing, wrote %s on stderr: "
		"expected one line that ends with \"%s\", the failed call's error",
		what, which, fault_name(call),
		grader_excerpt(shown, sizeof shown, res->err, res->err_len),
		strerror(error));
	require(!res->left_processes, "%s left a process running after its %s %s "
		"failed: wait for every child before exiting", what, which,
		fault_name(call));
}
