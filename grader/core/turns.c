/* turns.c - see turns.h. */
#include "turns.h"
#include "child.h"
#include "grader.h"
#include "sysutil.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

/* Both sides asleep for good this long (and no turn taken): a stall. */
#define TURNS_SETTLE 0.3

struct turns *turns_new(const struct turns_ops *ops, void *arg, const char *name,
			long rounds)
{
	struct turns *t = child_shared(sizeof *t);

	*t = (struct turns){ .ops = ops, .arg = arg, .name = name, .rounds = rounds,
			     .final = rounds % 2 ? rounds + 1 : rounds };
	return t;
}

void turns_free(struct turns *t)
{
	munmap(t, sizeof *t);
}

_Noreturn void turns_fail(struct turns *t, int side, int kind, long expected,
			  long seen, int detail)
{
	int none = TURNS_FAIL_NONE;

	if (atomic_compare_exchange_strong(&t->failure, &none, kind)) {
		t->fail_side = side;
		t->fail_expected = expected;
		t->fail_seen = seen;
		t->fail_detail = detail;
	}
	_exit(1);
}

int turns_side_of(const struct turns *t, pid_t pid)
{
	return (int)pid == atomic_load(&t->side[0].pid) ? 0 : 1;
}

/* Publishes this side's pid and waits for the other side's. */
static pid_t meet_other_side(struct turns *t, int side)
{
	atomic_store(&t->side[side].pid, (int)getpid());
	while (atomic_load(&t->side[!side].pid) == 0)
		sleep_seconds(0.0001);
	return (pid_t)atomic_load(&t->side[!side].pid);
}

/* One side's turn: check the count, increment it, tell the other side. */
static void take_turn(struct turns *t, int side, long i, pid_t other)
{
	struct turns_side *me = &t->side[side];
	long seen;

	atomic_store(&me->round, i);
	atomic_store(&me->step, TURNS_CHECK);
	seen = atomic_load(&t->counter);
	if (seen != i)
		turns_fail(t, side, TURNS_FAIL_VALUE, i, seen, 0);
	atomic_store(&t->counter, i + 1);
	atomic_store(&me->step, TURNS_TELL);
	t->ops->tell(t, side, other);
}

static void wait_turn(struct turns *t, int side, long i)
{
	atomic_store(&t->side[side].step, TURNS_WAIT);
	t->ops->wait(t, side);
	if (t->ops->after_wait)
		t->ops->after_wait(t, side, i);
}

static void first_side(void *arg)
{
	struct turns *t = arg;
	pid_t other = meet_other_side(t, 0);

	for (long i = 0; i < t->rounds; i += 2) {
		take_turn(t, 0, i, other);
		wait_turn(t, 0, i);
	}
	atomic_store(&t->side[0].step, TURNS_DONE);
}

static void second_side(void *arg)
{
	struct turns *t = arg;
	pid_t other = meet_other_side(t, 1);

	for (long i = 1; i < t->rounds + 1; i += 2) {
		atomic_store(&t->side[1].round, i);
		wait_turn(t, 1, i);
		take_turn(t, 1, i, other);
	}
	atomic_store(&t->side[1].step, TURNS_DONE);
}

static size_t turns_count(void *t)
{
	return (size_t)atomic_load(&((struct turns *)t)->counter);
}

void turns_run(struct turns *t, double stall, double grace)
{
	char path[512];
	struct child_io io = { .err = grader_tmp_path(path, sizeof path, "turns-said") };
	pid_t pids[2];
	char side_names[2][40];
	const char *names[2] = { side_names[0], side_names[1] };
	struct child_watch watch = {
		.pids = pids, .status = t->status, .count = 2, .names = names,
		.progress = turns_count,
		.arg = t, .failed = &t->failure, .stall = stall, .grace = grace,
		.settle = TURNS_SETTLE,
	};

	for (int s = 0; s < 2; s++)
		snprintf(side_names[s], sizeof side_names[s], "the %s", t->ops->side[s]);
	pids[0] = child_start(first_side, t, &io);
	pids[1] = child_start(second_side, t, &io);
	t->stalled = child_watch(&watch) == WATCH_STALLED;
	t->stalled_for = watch.still_for;
	t->said_anything = child_said(path, NULL, 0, t->said, sizeof t->said) > 0;
}

/* "starting", "in TELL_"... for a hint. */
static const char *step_text(const struct turns *t, int step, char *buf, size_t size)
{
	static const char *const fixed[] = {
		[TURNS_START] = "starting", [TURNS_CHECK] = "checking the count",
		[TURNS_DONE] = "done",
	};
	const char *call = step == TURNS_TELL ? t->ops->tell_any : t->ops->wait_any;

	if (step != TURNS_TELL && step != TURNS_WAIT)
		return fixed[step];
	snprintf(buf, size, "in %.*s", (int)strcspn(call, "*"), call);
	return buf;
}

/* ": why", or nothing. */
static const char *why(const char *text, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s", text ? ": " : "", text ? text : "");
	return buf;
}

static bool judge_value(const struct turns *t, char *hint, size_t size)
{
	const struct turns_ops *o = t->ops;

	if (atomic_load(&t->failure) != TURNS_FAIL_VALUE)
		return false;
	snprintf(hint, size, "%s (%s): expected %ld, got %ld: a %s returned before the "
		 "other side's %s%s%s%s", o->side[t->fail_side], t->name, t->fail_expected,
		 t->fail_seen, o->wait_any, o->tell_any, o->early_why ? " (" : "",
		 o->early_why ? o->early_why : "", o->early_why ? ")" : "");
	return true;
}

/* A side that was killed, or ended early with a failure, as a hint. */
static bool judge_sides(const struct turns *t, char *hint, size_t size)
{
	const struct turns_ops *o = t->ops;
	char how[64], step[32], because[160];

	for (int s = 0; s < 2; s++) {
		int st = t->status[s], at = atomic_load(&t->side[s].step);

		if (WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL) {
			snprintf(hint, size, "the %s side (%s) was %s%s", o->side[s], t->name,
				 grader_describe_status(st, how, sizeof how),
				 why(o->crash_why, because, sizeof because));
			return true;
		}
		if (WIFEXITED(st) && WEXITSTATUS(st) != 0 && at != TURNS_DONE) {
			snprintf(hint, size, "the %s side (%s) ended with %s %s round %ld; "
				 "it said %s", o->side[s], t->name,
				 grader_describe_status(st, how, sizeof how),
				 step_text(t, at, step, sizeof step),
				 atomic_load(&t->side[s].round),
				 t->said_anything ? t->said : "nothing");
			return true;
		}
	}
	return false;
}

/* Where the two sides sat when the count stopped moving, as a hint. */
static bool judge_stall(const struct turns *t, char *hint, size_t size)
{
	const struct turns_ops *o = t->ops;
	int p = atomic_load(&t->side[0].step), c = atomic_load(&t->side[1].step);
	long count = atomic_load(&t->counter);
	char ps[32], cs[32], because[160];

	if (!t->stalled)
		return false;
	if (c == TURNS_WAIT && count <= 1)
		snprintf(hint, size, "the %s was never told: it sat %.1f s in %s after "
			 "%s(%d) (%s)%s", o->side[1], t->stalled_for, o->wait_name[1],
			 o->tell_name[0], atomic_load(&t->side[1].pid), t->name,
			 why(o->never_told_why, because, sizeof because));
	else if (p == TURNS_WAIT && c == TURNS_WAIT)
		snprintf(hint, size, "both sides sat %.1f s in %s at count %ld (%s): the "
			 "last %s never woke its peer%s%s%s", t->stalled_for, o->wait_any,
			 count, t->name, o->tell_any, o->no_wake_why ? " (" : "",
			 o->no_wake_why ? o->no_wake_why : "", o->no_wake_why ? ")" : "");
	else
		snprintf(hint, size, "no progress for %.1f s at count %ld (%s): %s %s, %s %s",
			 t->stalled_for, count, t->name, o->side[0],
			 step_text(t, p, ps, sizeof ps), o->side[1],
			 step_text(t, c, cs, sizeof cs));
	return true;
}

const char *turns_judge(const struct turns *t, char *hint, size_t size)
{
	if (judge_value(t, hint, size) ||
	    (t->ops->explain && t->ops->explain(t, hint, size)) ||
	    judge_sides(t, hint, size) || judge_stall(t, hint, size))
		return hint;
	if (atomic_load(&t->counter) != t->final) {
		snprintf(hint, size, "after %ld rounds (%s) the count is %ld, expected %ld",
			 t->rounds, t->name, atomic_load(&t->counter), t->final);
		return hint;
	}
	return NULL;
}

/* ---- a wait sleeps until told, once per tell ---- */

struct waiter {
	const struct turns_ops *ops;
	struct turns t;           /* what the ops are given */
	atomic_int woke;          /* waits of side 1 that have returned */
	atomic_int told_early;    /* the third tell has been made */
};

static void caught_and_ignored(int signo)
{
	(void)signo;
}

/*
 * In the child: three waits, the third one told before it begins.  A
 * SIGALRM it catches (and ignores) may interrupt the first: no tell.
 */
static void wait_three_times(void *arg)
{
	struct waiter *w = arg;
	struct sigaction other = { .sa_handler = caught_and_ignored };
	sigset_t alarm;

	sigemptyset(&other.sa_mask);
	sigemptyset(&alarm);
	sigaddset(&alarm, SIGALRM);
	if (sigaction(SIGALRM, &other, NULL) < 0 ||
	    sigprocmask(SIG_UNBLOCK, &alarm, NULL) < 0)
		_exit(4);
	for (int i = 0; i < 3; i++) {
		/* The third tell comes first (5 s at most: a failed test stops it). */
		for (double end = monotonic_seconds() + 5.0; i == 2 &&
		     !atomic_load(&w->told_early) && monotonic_seconds() < end;)
			sleep_seconds(0.001);
		w->ops->wait(&w->t, 1);
		atomic_fetch_add(&w->woke, 1);
	}
}

/*
 * How many waits had returned once count had, or seconds passed, or (when
 * pid > 0) the child slept in a call without a time limit: then no wait
 * returns until the test tells or signals it, and waiting longer proves
 * nothing more.
 */
static int woken(struct waiter *w, pid_t pid, int count, double seconds)
{
	for (double end = monotonic_seconds() + seconds * grader_scale();
	     atomic_load(&w->woke) < count && monotonic_seconds() < end;) {
		if (pid > 0 && child_waits_untimed(&pid, 1))
			break;
		sleep_seconds(0.002);
	}
	return atomic_load(&w->woke);
}

static const char *wakeups_hint(struct waiter *w, pid_t *child, char *hint, size_t size)
{
	const struct turns_ops *o = w->ops;
	const char *name = w->t.name, *wait = o->wait_name[1], *tell = o->tell_name[0];
	pid_t pid = *child;
	char why[300];

	if (woken(w, pid, 1, 0.2) != 0)
		return snprintf(hint, size, "%s (%s) returned although nobody had told: it "
				"must sleep until %s", wait, name, tell), hint;
	/* Another signal, caught by the process, wakes the sleep: no tell yet. */
	kill(pid, SIGALRM);
	if (woken(w, pid, 1, 0.1) != 0)
		return snprintf(hint, size, "%s (%s) returned when a signal of another kind "
				"(SIGALRM, which the process catches) interrupted its sleep, "
				"before any %s: after the sleep returns, look again and sleep "
				"again until told (a loop, not an if; read again after EINTR)",
				wait, name, tell), hint;
	o->tell(&w->t, 0, pid);
	if (woken(w, 0, 1, 2.0) == 0) {
		char role[32];

		/* The test told, the sleeper waits: both, for the picture. */
		snprintf(role, sizeof role, "the %s", o->side[1]);
		snapshot_take((const pid_t[]){ getpid(), pid },
			      (const char *const[]){ "the test, which told", role }, 2, 0);
		return snprintf(hint, size, "%s (%s) still asleep 2 s after %s(%d): the %s "
				"was never told", wait, name, tell, (int)pid, o->side[1]), hint;
	}
	if (woken(w, pid, 2, 0.2) != 1)
		return snprintf(hint, size, "a second %s (%s) returned after a single %s: "
				"reset the flag once a wake-up is used", wait, name, tell), hint;
	o->tell(&w->t, 0, pid);
	woken(w, 0, 2, 2.0);
	o->tell(&w->t, 0, pid);	/* before the child's third wait */
	atomic_store(&w->told_early, 1);
	if (!child_finished(child, 2.0, NULL, why, sizeof why) || atomic_load(&w->woke) != 3)
		return snprintf(hint, size, "%s (%s) missed a %s that came before it began: "
				"an early %s must be kept", wait, name, tell, o->tell_any), hint;
	return NULL;
}

const char *turns_check_wakeups(const struct turns_ops *ops, void *arg,
				const char *name, char *hint, size_t size)
{
	struct waiter *w = child_shared(sizeof *w);
	const char *bad;
	pid_t pid;

	w->ops = ops;
	w->t = (struct turns){ .ops = ops, .arg = arg, .name = name };
	pid = child_start(wait_three_times, w, NULL);
	bad = wakeups_hint(w, &pid, hint, size);
	child_stop(&pid);	/* if it still runs */
	munmap(w, sizeof *w);
	return bad;
}
