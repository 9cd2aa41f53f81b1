/*
 * 03-devzero-counter.c - the grader for lab 03.
 *
 * The mapping functions are checked at their source (/proc/self/maps, the
 * descriptor table, a write made by a child).  The two TELL_WAIT families
 * are checked by a "duel": the test makes two processes, a parent side and
 * a child side, that take turns incrementing a shared long as APUE's
 * figure 15.33 does, and watches them; when the count stops moving it
 * kills both and says where each one was waiting.
 *
 * The lost wake-up of the book's TELL_WAIT is made to happen on every run,
 * not now and then: this executable defines sigsuspend() and pause(), so
 * the lab's code calls these versions (the definitions of the executable
 * come before libc's).  While a duel is armed, a process that enters them
 * with SIGUSR1 or SIGUSR2 unblocked has tested its flag while the signal
 * could land; the wrapper waits until the other side's signal is pending
 * and lets it in right there, between the flag test and the sleep.  A
 * correct WAIT_* keeps both signals blocked until sigsuspend() opens them,
 * and the wrapper then changes nothing.  The program devzero gets the same
 * treatment from the 03-races shim.
 */
#include "grader.h"
#include "counter.h"
#include "tellwait.h"
#include "tellwait_pipe.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- the two implementations of the API, side by side ---- */

struct sync_api {
	const char *name;
	void (*tell_wait)(void);
	void (*tell_parent)(pid_t);
	void (*wait_parent)(void);
	void (*tell_child)(pid_t);
	void (*wait_child)(void);
};

static const struct sync_api signals_api = {
	"signals", TELL_WAIT, TELL_PARENT, WAIT_PARENT, TELL_CHILD, WAIT_CHILD
};
static const struct sync_api pipes_api = {
	"pipes", pipe_TELL_WAIT, pipe_TELL_PARENT, pipe_WAIT_PARENT,
	pipe_TELL_CHILD, pipe_WAIT_CHILD
};

/* How long a side may sit without the count moving before it is "stuck". */
#define STALL_SECONDS 3.0
/* How long the other side may take to end once one side has ended. */
#define GRACE_SECONDS 0.3
/* How long a misused call may take to end its process with a message. */
#define MISUSE_DEADLINE 2.0

static bool both_blocked(void)
{
	sigset_t now;

	sigprocmask(SIG_BLOCK, NULL, &now);
	return sigismember(&now, SIGUSR1) && sigismember(&now, SIGUSR2);
}

/* ---- the window between the flag test and the sleep ---- */

struct window_log {
	atomic_int open_entries;  /* sleeps entered with SIGUSR1/2 open */
	atomic_int open_signo;    /* the last such entry: a signal left open */
	atomic_int open_pid;      /* ... and its process */
	atomic_int hits;          /* signals let in between test and sleep */
	atomic_int hit_signo;     /* the last one */
	atomic_int hit_pid;       /* ... and the process it reached */
};

static struct window_log *window;	/* armed while non-NULL */
static struct turns *mask_watch;	/* a sleep with SIGUSR1/2 open fails it */
/* The caller's own blocked signal: WAIT_* must keep it blocked in its sleep. */
#define CALLER_BLOCKED SIGWINCH

/* The first sleep of a duel without the caller's blocked signal. */
struct caller_mask_log {
	atomic_int side;                /* 0: none; else the side + 1 */
	atomic_long round;
};

/* What the ops are given: the API, and what the wrapper saw in one duel. */
struct duel {
	const struct sync_api *api;
	struct window_log window;
	struct caller_mask_log caller_mask;
	atomic_int slept_in_pause;      /* a side's WAIT_* called pause() */
	long held_rounds;               /* tells of rounds below: held, see hold_tell */
	atomic_int in_sleep_call[2];    /* the side is in sigsuspend()/pause() */
	atomic_long told[2], woke[2];   /* tells to the side; its waits returned */
	atomic_int hold_gave_up;        /* a side never came to either */
};

/* The duel running now, for the wrappers of sigsuspend() and pause(). */
static struct duel *duel_now;
static struct turns *duel_turns;

/* The fix for a sleep with a signal open, as the way the side slept says. */
static const char *open_sleep_fix(const struct turns *t)
{
	return atomic_load(&((const struct duel *)t->arg)->slept_in_pause)
		? "it opens the mask, then calls pause(): sleep in sigsuspend(), which "
		  "opens the mask and sleeps in one step"
		: "keep both blocked";
}

/* How a side of a duel failed on its own (turns_fail), besides the core's. */
enum { FAIL_MASK = TURNS_FAIL_OWN, FAIL_OPEN_SLEEP };
static void sleep_with_open_mask(const sigset_t *now);

static void let_signal_in_window(void)
{
	sigset_t now, both, pending;
	int saved = errno;

	sigemptyset(&both);
	sigaddset(&both, SIGUSR1);
	sigaddset(&both, SIGUSR2);
	sigprocmask(SIG_BLOCK, &both, &now);
	if (sigismember(&now, SIGUSR1) && sigismember(&now, SIGUSR2))
		return;		/* the flag was tested with both held back */
	atomic_fetch_add(&window->open_entries, 1);
	atomic_store(&window->open_signo, sigismember(&now, SIGUSR1) ? SIGUSR2 : SIGUSR1);
	atomic_store(&window->open_pid, (int)getpid());
	/* Hold the other side's signal back until it has been sent ... */
	for (double end = monotonic_seconds() + 2.0 * grader_scale();
	     monotonic_seconds() < end; sleep_seconds(0.0001)) {
		sigpending(&pending);
		for (int s = SIGUSR1; s; s = s == SIGUSR1 ? SIGUSR2 : 0)
			if (sigismember(&pending, s) && !sigismember(&now, s)) {
				atomic_store(&window->hit_signo, s);
				atomic_store(&window->hit_pid, (int)getpid());
				atomic_fetch_add(&window->hits, 1);
				goto let_in;
			}
	}
let_in:
	/* ... and let it in here: the handler runs before the sleep. */
	sigprocmask(SIG_SETMASK, &now, NULL);
	errno = saved;
}

/*
 * A side sleeps with a mask that lost its caller's blocked signal: noted
 * (the first time), and reported if nothing worse went wrong.
 */
static void note_callers_mask_lost(void)
{
	struct turns *t = mask_watch;
	struct caller_mask_log *log = &((struct duel *)t->arg)->caller_mask;
	int who = turns_side_of(t, getpid());
	int none = 0;

	if (atomic_compare_exchange_strong(&log->side, &none, who + 1))
		atomic_store(&log->round, atomic_load(&t->side[who].round));
}

/* The lab's calls of sigsuspend() and pause() arrive here. */
static void inspect_sleep(void)
{
	sigset_t now;

	if (mask_watch) {
		sigprocmask(SIG_BLOCK, NULL, &now);
		if (!sigismember(&now, SIGUSR1) || !sigismember(&now, SIGUSR2))
			sleep_with_open_mask(&now);
	}
	if (window)
		let_signal_in_window();
}

/* A side of the duel running now is about to sleep: its flag test is done. */
static void note_in_sleep_call(void)
{
	if (duel_now && duel_turns)
		atomic_store(&duel_now->in_sleep_call[turns_side_of(duel_turns, getpid())], 1);
}

int sigsuspend(const sigset_t *mask)
{
	note_in_sleep_call();
	if (mask_watch && !sigismember(mask, CALLER_BLOCKED))
		note_callers_mask_lost();
	inspect_sleep();
	return (int)syscall(SYS_rt_sigsuspend, mask, _NSIG / 8);
}

int pause(void)
{
	sigset_t now;

	if (duel_now)
		atomic_store(&duel_now->slept_in_pause, 1);
	note_in_sleep_call();
	inspect_sleep();
	sigprocmask(SIG_BLOCK, NULL, &now);
	return (int)syscall(SYS_rt_sigsuspend, &now, _NSIG / 8);
}

/* ---- the duel: two sides take turns (turns.h), as in APUE fig. 15.33 ---- */


/*
 * Holds a tell until the other side is in its WAIT_* and has come to
 * sigsuspend() or pause(), so its flag test is behind it and a window it
 * left open is open now.  Without this, two sides that happen to preempt
 * each other at every kill() find their flags raised before they test
 * them, and a short duel may never open the window.  The holding ends for
 * the duel once a wait returns untold (there is no sleep to wait for), a
 * side fails, or a side does not come to either call in 0.2 s.
 */
static void hold_tell(const struct turns *t, struct duel *d, int other)
{
	const double end = monotonic_seconds() + 0.2 * grader_scale();

	while (!atomic_load(&d->hold_gave_up) &&
	       atomic_load(&t->side[other].step) != TURNS_DONE &&
	       !(atomic_load(&t->side[other].step) == TURNS_WAIT &&
		 atomic_load(&d->in_sleep_call[other]))) {
		if (monotonic_seconds() > end || atomic_load(&t->failure) ||
		    atomic_load(&d->woke[0]) > atomic_load(&d->told[0]) ||
		    atomic_load(&d->woke[1]) > atomic_load(&d->told[1]))
			atomic_store(&d->hold_gave_up, 1);
		else
			sleep_seconds(0.0001);
	}
}

static void duel_tell(const struct turns *t, int side, pid_t other)
{
	struct duel *d = t->arg;
	const struct sync_api *api = d->api;

	if (atomic_load(&t->side[side].round) < d->held_rounds)
		hold_tell(t, d, !side);
	atomic_fetch_add(&d->told[!side], 1);
	(side == 0 ? api->tell_child : api->tell_parent)(other);
}

static void duel_wait(const struct turns *t, int side)
{
	struct duel *d = t->arg;
	const struct sync_api *api = d->api;

	(side == 0 ? api->wait_child : api->wait_parent)();
	atomic_store(&d->in_sleep_call[side], 0);
	atomic_fetch_add(&d->woke[side], 1);
}

/* While mask_watch is set, sides check SIGUSR1/2 after every WAIT_*. */
static void check_mask_after_wait(struct turns *t, int who, long round)
{
	sigset_t now;

	if (!mask_watch)
		return;
	sigprocmask(SIG_BLOCK, NULL, &now);
	if (!sigismember(&now, SIGUSR1))
		turns_fail(t, who, FAIL_MASK, round, 0, SIGUSR1);
	if (!sigismember(&now, SIGUSR2))
		turns_fail(t, who, FAIL_MASK, round, 0, SIGUSR2);
}

/* A side is about to sleep with a signal open: its flag test was exposed. */
static void sleep_with_open_mask(const sigset_t *now)
{
	struct turns *t = mask_watch;
	int who = turns_side_of(t, getpid());

	turns_fail(t, who, FAIL_OPEN_SLEEP, atomic_load(&t->side[who].round), 0,
		   sigismember(now, SIGUSR1) ? SIGUSR2 : SIGUSR1);
}

/* A mask failure a side recorded itself, as a hint. */
static bool judge_mask(const struct turns *t, char *hint, size_t size)
{
	const char *sig = t->fail_detail == SIGUSR1 ? "USR1" : "USR2";
	const char *wait = t->ops->wait_name[t->fail_side];

	/* Where the open signal can be lost: the window the mistake opened. */
	switch (atomic_load(&t->failure)) {
	case FAIL_MASK:
		snprintf(hint, size,
			 "after %s returned in round %ld, SIG%s was unblocked: a signal can "
			 "then land after the next flag test and be lost; keep both blocked",
			 wait, t->fail_expected, sig);
		return true;
	case FAIL_OPEN_SLEEP:
		snprintf(hint, size, "%s went to sleep in round %ld with SIG%s unblocked: "
			 "a signal landing between its flag test and the sleep is lost; "
			 "%s", wait, t->fail_expected, sig, open_sleep_fix(t));
		return true;
	default:
		return false;
	}
}

/* A side slept with a signal open: the likeliest reason for a stall. */
static bool judge_lost_wakeup(const struct turns *t, char *hint, size_t size)
{
	const struct window_log *w = &((const struct duel *)t->arg)->window;
	bool hit = atomic_load(&w->hits) > 0;
	int pid = atomic_load(hit ? &w->hit_pid : &w->open_pid);
	int signo = atomic_load(hit ? &w->hit_signo : &w->open_signo);

	if (atomic_load(&w->open_entries) == 0 || !t->stalled)
		return false;
	snprintf(hint, size,
		 "lost wake-up: %s tested its flag with SIG%s unblocked; the signal "
		 "landed before the sleep and it slept on. %s",
		 t->ops->wait_name[turns_side_of(t, pid)], signo == SIGUSR1 ? "USR1" : "USR2",
		 atomic_load(&((const struct duel *)t->arg)->slept_in_pause)
		 ? "It opens the mask, then calls pause(): sleep in sigsuspend(), which "
		   "opens the mask and sleeps in one step"
		 : "Keep SIGUSR1/2 blocked after WAIT_*");
	return true;
}

static bool explain_duel(const struct turns *t, char *hint, size_t size)
{
	return judge_mask(t, hint, size) || judge_lost_wakeup(t, hint, size);
}

static const struct turns_ops duel_ops = {
	.tell = duel_tell, .wait = duel_wait,
	.after_wait = check_mask_after_wait, .explain = explain_duel,
	.side = { "parent", "child" },
	.tell_name = { "TELL_CHILD", "TELL_PARENT" },
	.wait_name = { "WAIT_CHILD", "WAIT_PARENT" },
	.tell_any = "TELL_*", .wait_any = "WAIT_*",
	.early_why = "flag never reset? TELL_* before the turn?",
	.crash_why = "TELL_WAIT must catch SIGUSR1 and SIGUSR2 before fork()",
	.never_told_why = "wrong pid, or a signal/pipe end it does not wait on?",
	.no_wake_why = "wrong pid or a lost signal?",
};

/* A duel of rounds turns; the sides of arm_window duels lose wake-ups. */
/* Blocks (SIG_BLOCK) or unblocks (SIG_UNBLOCK) one signal. */
static void block_one(int signo, int how)
{
	sigset_t one;

	sigemptyset(&one);
	sigaddset(&one, signo);
	sigprocmask(how, &one, NULL);
}

static void duel_and_judge(const struct sync_api *api, long rounds, long held_rounds,
			   bool arm_window, bool check_mask)
{
	struct duel *d = child_shared(sizeof *d);
	struct turns *t = turns_new(&duel_ops, d, api->name, rounds);
	char hint[256];
	const char *bad;

	d->api = api;
	d->held_rounds = held_rounds;
	if (check_mask)
		block_one(CALLER_BLOCKED, SIG_BLOCK);
	/* The test process plays the common ancestor: it calls TELL_WAIT. */
	api->tell_wait();
	if (check_mask && !both_blocked())
		ck_abort_msg("after TELL_WAIT, SIGUSR1 and SIGUSR2 must be blocked: "
			     "a TELL_* that comes early then waits, pending, for sigsuspend");
	window = arm_window ? &d->window : NULL;
	mask_watch = check_mask ? t : NULL;
	duel_now = d;
	duel_turns = t;
	turns_run(t, STALL_SECONDS, GRACE_SECONDS);
	window = NULL;
	mask_watch = NULL;
	duel_now = NULL;
	duel_turns = NULL;
	if (check_mask)
		block_one(CALLER_BLOCKED, SIG_UNBLOCK);
	bad = turns_judge(t, hint, sizeof hint);
	if (bad == NULL && atomic_load(&d->caller_mask.side) != 0) {
		snprintf(hint, sizeof hint, "%s slept in round %ld with SIGWINCH unblocked, "
			 "which its caller had blocked before TELL_WAIT: sigsuspend with the "
			 "mask TELL_WAIT saved (the caller's, minus SIGUSR1 and SIGUSR2), "
			 "not an empty one",
			 t->ops->wait_name[atomic_load(&d->caller_mask.side) - 1],
			 atomic_load(&d->caller_mask.round));
		bad = hint;
	}
	turns_free(t);
	munmap(d, sizeof *d);
	ck_assert_msg(bad == NULL, "%s", bad);
}

/* ---- §2 the counter ---- */

START_TEST(update_returns_old_value)
{
	const long starts[] = {
		0,
		(long)grader_random_between(1, 1000000),
		3000000000L + (long)grader_random_between(0, 1000000),	/* > INT_MAX */
		-(long)grader_random_between(1, 1000000),
	};

	for (size_t k = 0; k < sizeof starts / sizeof starts[0]; k++) {
		long n = starts[k];
		long got = update(&n);

		ck_assert_msg(got == starts[k] && n == starts[k] + 1,
			      "update(&n) with n = %ld returned %ld and left n = %ld: "
			      "return the old value as a long and add one to *ptr",
			      starts[k], got, n);
	}
}
END_TEST

struct write_value {
	long *p;
	long value;
};

static void write_value(void *arg)
{
	struct write_value *w = arg;

	*w->p = w->value;
}

/* One call of a counter_map_* function, for the fault sweeps. */
struct counter_attempt {
	long *(*map)(void);
	long *counter;
};

static bool counter_attempt(void *ctx)
{
	struct counter_attempt *a = ctx;

	a->counter = a->map();
	return a->counter != NULL;
}

static void counter_undo(void *ctx)
{
	struct counter_attempt *a = ctx;

	if ((void *)a->counter != MAP_FAILED)
		munmap(a->counter, sizeof(long));
}

/*
 * Each call of the map function failing in turn (open, mmap, close for
 * /dev/zero; mmap alone for MAP_ANONYMOUS): NULL with that call's errno,
 * nothing left open or mapped; and descriptor 0 works like any other.
 */
static void sweep_counter_map(const char *fn, long *(*map)(void))
{
	static const struct sweep_call devzero_calls[] = {
		{ .call = FAULT_open, .error = EACCES }, { .call = FAULT_mmap, .error = ENOMEM }, { .call = FAULT_close, .error = EIO },
	};
	static const struct sweep_call anon_calls[] = { { .call = FAULT_mmap, .error = ENOMEM } };
	struct counter_attempt a = { map, NULL };
	const struct sweep sweep = {
		.what = fn, .attempt = counter_attempt, .undo = counter_undo,
		.undo_what = "munmap", .ctx = &a,
	};

	if (map == counter_map_devzero) {
		sweep_faults(&sweep, devzero_calls, 3);
		sweep_with_stdin_closed(&sweep);
	} else {
		sweep_faults(&sweep, anon_calls, 1);
	}
}

static void check_shared_counter(const char *fn, long *(*map)(void))
{
	int before[256], after[256];
	int nbefore = fds_list(0, before, 256), nafter;
	struct map_region region;
	long value = (long)grader_random_between(2, 1000000000);
	long *p;
	pid_t pid;
	char why[300];

	errno = 0;
	p = map();
	ck_assert_msg(p != NULL, "%s() returned NULL: %s", fn, strerror(errno));
	nafter = fds_list(0, after, 256);
	ck_assert_msg(*p == 0, "%s(): the new counter holds %ld, expected 0", fn, *p);
	ck_assert_msg(maps_find(0, (uintptr_t)p, &region),
		      "%s() returned %p, which is not mapped", fn, (void *)p);
	ck_assert_msg(region.perms[0] == 'r' && region.perms[1] == 'w',
		      "%s(): the mapping is %s, expected read-write (PROT_READ | PROT_WRITE)",
		      fn, region.perms);
	ck_assert_msg(region.perms[3] == 's',
		      "%s(): the mapping is %s in /proc/self/maps, expected rw-s: use "
		      "MAP_SHARED, not MAP_PRIVATE", fn, region.perms);
	ck_assert_msg(strncmp(region.path, "/dev/zero", 9) == 0,
		      "%s(): the mapping is \"%s\", expected shared zero pages "
		      "(\"/dev/zero (deleted)\" on Linux)", fn, region.path);
	if (snapshot_mark_new_fds(getpid(), before, nbefore, after, nafter) > 0)
		snapshot_take_self();
	ck_assert_msg(nafter == nbefore,
		      "%s() left %d more descriptor(s) open: close /dev/zero once it "
		      "is mapped", fn, nafter - nbefore);

	pid = child_start(write_value, &(struct write_value){ p, value }, NULL);
	ck_assert_msg(child_finished(&pid, 1.0, NULL, why, sizeof why),
		      "grader: the writing child: %s", why);
	ck_assert_msg(*p == value,
		      "%s(): a child wrote %ld, the parent reads %ld: the mapping is "
		      "not shared (MAP_PRIVATE copies on write)", fn, value, *p);

	ck_assert_msg(counter_unmap(p) == 0, "counter_unmap() failed: %s",
		      strerror(errno));
	ck_assert_msg(!maps_find(0, (uintptr_t)p, &region),
		      "after counter_unmap() the counter is still mapped: munmap it");
	sweep_counter_map(fn, map);
}

START_TEST(devzero_mapping_is_shared)
{
	check_shared_counter("counter_map_devzero", counter_map_devzero);
}
END_TEST

START_TEST(anon_mapping_is_shared)
{
	check_shared_counter("counter_map_anon", counter_map_anon);
}
END_TEST

/* ---- §3 TELL_WAIT on signals ---- */

START_TEST(tellwait_blocks_both_signals)
{
	/* A signal the caller already blocks must stay blocked. */
	const int others[] = { SIGHUP, SIGWINCH, SIGURG };
	int other = others[grader_random_between(0, 2)];
	struct sigaction sa;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, other);
	sigprocmask(SIG_BLOCK, &set, NULL);
	TELL_WAIT();
	sigprocmask(SIG_BLOCK, NULL, &set);
	ck_assert_msg(sigismember(&set, SIGUSR1) && sigismember(&set, SIGUSR2),
		      "after TELL_WAIT, SIGUSR%s is not blocked: block both, so that a "
		      "TELL_* that comes early stays pending until WAIT_* sleeps",
		      sigismember(&set, SIGUSR1) ? "2" : "1");
	ck_assert_msg(sigismember(&set, other),
		      "TELL_WAIT unblocked SIG%s, which the caller had blocked: add to "
		      "the mask (SIG_BLOCK), do not replace it", sigabbrev_np(other));
	for (int s = SIGUSR1; s; s = s == SIGUSR1 ? SIGUSR2 : 0) {
		sigaction(s, NULL, &sa);
		ck_assert_msg(sa.sa_handler != SIG_DFL && sa.sa_handler != SIG_IGN,
			      "after TELL_WAIT, SIG%s has no handler: without one the "
			      "signal kills the process (or is ignored)", sigabbrev_np(s));
	}
}
END_TEST

/* One API: WAIT_PARENT sleeps until told, once per TELL_CHILD, early or late. */
static void check_wait_blocks(const struct sync_api *api)
{
	struct duel d = { .api = api };
	char hint[256];
	const char *bad;

	api->tell_wait();
	bad = turns_check_wakeups(&duel_ops, &d, api->name, hint, sizeof hint);
	ck_assert_msg(bad == NULL, "%s%s", bad, api == &pipes_api
		      ? " (the pipe version: §6)" : "");
}

START_TEST(wait_blocks_until_told)
{
	check_wait_blocks(&signals_api);
	check_wait_blocks(&pipes_api);
}
END_TEST

/* Enough turns to show strict alternation; the window needs no luck (§4). */
#define HELD_ROUNDS 16	/* the first rounds' tells wait for the sleep */
static long random_rounds(void)
{
	return (long)grader_random_between(20000, 24000);
}

START_TEST(signals_alternate_strictly)
{
	duel_and_judge(&signals_api, random_rounds(), HELD_ROUNDS, true, false);
}
END_TEST

/* ---- §4 the lost wake-up ---- */

START_TEST(mask_stays_blocked)
{
	duel_and_judge(&signals_api, (long)grader_random_between(20, 200), 0, false, true);
}
END_TEST

START_TEST(wakeup_in_window_not_lost)
{
	duel_and_judge(&signals_api, (long)grader_random_between(4, 40), LONG_MAX, true,
		       false);
}
END_TEST

/* ---- §5 misuse ---- */

static void wait_parent_alone(void *api)
{
	((const struct sync_api *)api)->wait_parent();
}

static void wait_child_alone(void *api)
{
	((const struct sync_api *)api)->wait_child();
}

START_TEST(wait_without_tellwait_refused)
{
	const struct sync_api *apis[] = { &signals_api, &pipes_api };
	void (*calls[])(void *) = { wait_parent_alone, wait_child_alone };
	const char *names[] = { "WAIT_PARENT", "WAIT_CHILD" };

	for (int a = 0; a < 2; a++)
		for (int c = 0; c < 2; c++) {
			struct child_outcome o;
			char how[64];

			child_outcome(calls[c], (void *)apis[a], MISUSE_DEADLINE, &o);
			ck_assert_msg(!o.timed_out,
				      "%s (%s) without TELL_WAIT slept %.1f s: note in "
				      "TELL_WAIT that it ran and fail with a message naming it",
				      names[c], apis[a]->name, MISUSE_DEADLINE * grader_scale());
			ck_assert_msg(WIFEXITED(o.status) && WEXITSTATUS(o.status) != 0 &&
				      strstr(o.text, "TELL_WAIT"),
				      "%s (%s) without TELL_WAIT: expected a message naming "
				      "TELL_WAIT and exit 1, saw %s and %s",
				      names[c], apis[a]->name,
				      grader_describe_status(o.status, how, sizeof how),
				      o.said_anything ? o.said : "nothing");
		}
}
END_TEST

static void tell_child_to(void *pid)
{
	TELL_WAIT();
	TELL_CHILD(*(pid_t *)pid);
}

static void tell_parent_zero(void *unused)
{
	sigset_t pending;

	(void)unused;
	TELL_WAIT();
	TELL_PARENT(0);
	sigpending(&pending);
	/* kill(0, ...) reached this process's whole group, itself included. */
	if (sigismember(&pending, SIGUSR1) || sigismember(&pending, SIGUSR2))
		_exit(3);
}

static void nothing(void *unused)
{
	(void)unused;
}

/* A TELL_* that ignores its pid may signal the test process instead. */
static void check_test_not_signalled(const char *call)
{
	sigset_t pending;

	sigpending(&pending);
	ck_assert_msg(!sigismember(&pending, SIGUSR1) && !sigismember(&pending, SIGUSR2),
		      "%s signalled the grader's process, which it was not given: "
		      "send to the pid argument, refuse pids <= 0", call);
}

START_TEST(tell_to_wrong_process_refused)
{
	struct child_outcome o;
	char how[64];
	char why[300];
	pid_t gone, pid;
	sigset_t both;

	sigemptyset(&both);
	sigaddset(&both, SIGUSR1);
	sigaddset(&both, SIGUSR2);
	sigprocmask(SIG_BLOCK, &both, NULL);

	/* A pid that just ended: kill() fails with ESRCH. */
	gone = pid = child_start(nothing, NULL, NULL);
	ck_assert_msg(child_finished(&pid, 1.0, NULL, why, sizeof why), "grader: child: %s", why);
	child_outcome(tell_child_to, &gone, MISUSE_DEADLINE, &o);
	check_test_not_signalled("TELL_CHILD");
	ck_assert_msg(!o.timed_out, "TELL_CHILD(%d) to a process that is gone hung",
		      (int)gone);
	ck_assert_msg(!(WIFEXITED(o.status) && WEXITSTATUS(o.status) == 0),
		      "TELL_CHILD(%d) to a process that is gone returned silently: check "
		      "kill()'s result and fail with a message", (int)gone);
	ck_assert_msg(WIFEXITED(o.status) && o.said_anything,
		      "TELL_CHILD(%d) to a process that is gone: expected a message and "
		      "exit 1, saw %s and %s", (int)gone,
		      grader_describe_status(o.status, how, sizeof how),
		      o.said_anything ? o.said : "nothing");

	child_outcome(tell_parent_zero, NULL, MISUSE_DEADLINE, &o);
	check_test_not_signalled("TELL_PARENT(0)");
	ck_assert_msg(!(WIFEXITED(o.status) && WEXITSTATUS(o.status) == 3),
		      "TELL_PARENT(0) signalled the caller's whole process group "
		      "(kill(0, ...)): refuse a pid <= 0 with a message");
	ck_assert_msg(!o.timed_out && !(WIFEXITED(o.status) && WEXITSTATUS(o.status) == 0),
		      "TELL_PARENT(0) returned silently: 0 is no process id (kill(0, ...) "
		      "signals a group); refuse pids <= 0 with a message");
	ck_assert_msg(WIFEXITED(o.status) && o.said_anything,
		      "TELL_PARENT(0): expected a message and exit 1, saw %s and %s",
		      grader_describe_status(o.status, how, sizeof how),
		      o.said_anything ? o.said : "nothing");
}
END_TEST

/* ---- §6 the same API on pipes ---- */

START_TEST(pipes_alternate_strictly)
{
	duel_and_judge(&pipes_api, random_rounds(), 0, false, false);
}
END_TEST

struct orphan_page {
	atomic_int child_pid;
};

/* The parent side of a pipe pair whose child exits without a word. */
static void parent_of_silent_child(void *unused)
{
	pid_t pid;

	(void)unused;
	pipe_TELL_WAIT();
	pid = fork();
	if (pid < 0)
		_exit(4);
	if (pid == 0)
		_exit(0);
	/* The first read is interrupted by a signal; the next sees EOF. */
	fault_arm(FAULT_read, 1, EINTR);
	pipe_WAIT_CHILD();
}

/*
 * A TELL_CHILD whose write fails (arg NULL), or a WAIT_CHILD whose read
 * does (arg non-NULL), with EIO: the process must end with the error.
 */
static void pipe_call_fails(void *arg)
{
	pid_t pid;

	pipe_TELL_WAIT();
	pid = fork();
	if (pid < 0)
		_exit(4);
	if (pid == 0) {
		if (arg != NULL)
			pipe_TELL_PARENT(getppid());
		_exit(0);
	}
	fault_arm(arg == NULL ? FAULT_write : FAULT_read, 1, EIO);
	if (arg == NULL)
		pipe_TELL_CHILD(pid);
	else
		pipe_WAIT_CHILD();
	waitpid(pid, NULL, 0);
	if (!fault_disarm())
		_exit(7);	/* it never wrote or read */
}

/*
 * With standard input closed, TELL_WAIT's first pipe gets descriptor 0 as
 * its read end, a descriptor like any other: the child waits on it, the
 * parent closes it.  Exit 0 when both did; 3: the parent kept it open.
 */
static void pipes_on_descriptor_zero(void *unused)
{
	int status;
	pid_t pid;

	(void)unused;
	close(0);
	pipe_TELL_WAIT();
	pid = fork();
	if (pid < 0)
		_exit(4);
	if (pid == 0) {
		pipe_WAIT_PARENT();
		_exit(0);
	}
	pipe_TELL_CHILD(pid);
	if (fcntl(0, F_GETFD) >= 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		_exit(3);
	}
	if (waitpid(pid, &status, 0) < 0)
		_exit(4);
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 5);
}

/* The child side of a pipe pair whose parent exits without a word. */
static void parent_that_leaves(void *page)
{
	struct orphan_page *o = page;
	pid_t pid;

	pipe_TELL_WAIT();
	pid = fork();
	if (pid < 0)
		_exit(4);
	if (pid == 0) {
		pipe_WAIT_PARENT();
		_exit(0);
	}
	atomic_store(&o->child_pid, (int)pid);
}

START_TEST(pipes_dead_peer_is_eof)
{
	struct orphan_page *page = child_shared(sizeof *page);
	struct child_outcome o;
	char how[64];
	pid_t orphan;
	bool still;

	child_outcome(parent_of_silent_child, NULL, MISUSE_DEADLINE, &o);
	ck_assert_msg(!o.timed_out,
		      "WAIT_CHILD (pipes) still waiting %.1f s after the child exited: "
		      "close the pipe ends each side does not use, so read() sees EOF",
		      MISUSE_DEADLINE * grader_scale());
	ck_assert_msg(WIFEXITED(o.status) && WEXITSTATUS(o.status) != 0 && o.said_anything,
		      "WAIT_CHILD (pipes) after the child exited silently: expected a "
		      "message and exit 1, saw %s and %s",
		      grader_describe_status(o.status, how, sizeof how),
		      o.said_anything ? o.said : "nothing");

	child_outcome(pipes_on_descriptor_zero, NULL, MISUSE_DEADLINE, &o);
	ck_assert_msg(!o.timed_out, "with standard input closed (the pipe to the child "
		      "is descriptor 0), TELL_CHILD then WAIT_PARENT (pipes) hung: the "
		      "child never read the parent's byte: 0 is a valid descriptor, and "
		      "TELL_CHILD writes one byte that WAIT_PARENT reads");
	ck_assert_msg(!WIFEXITED(o.status) || WEXITSTATUS(o.status) != 3,
		      "with standard input closed, the pipe's read end was descriptor 0, "
		      "and the parent never closed it: a descriptor is closed when it is "
		      ">= 0, and 0 is one");
	ck_assert_msg(WIFEXITED(o.status) && WEXITSTATUS(o.status) == 0,
		      "with standard input closed (the pipe to the child is descriptor "
		      "0), TELL_CHILD then WAIT_PARENT (pipes) ended with %s, said %s: "
		      "0 is a valid descriptor; only -1 means none",
		      grader_describe_status(o.status, how, sizeof how),
		      o.said_anything ? o.said : "nothing");

	for (int reads = 0; reads < 2; reads++) {
		child_outcome(pipe_call_fails, reads ? page : NULL, MISUSE_DEADLINE, &o);
		ck_assert_msg(o.timed_out || !WIFEXITED(o.status) || WEXITSTATUS(o.status) != 7,
			      "%s (pipes) never called %s: %s", reads ? "WAIT_CHILD" : "TELL_CHILD",
			      reads ? "read" : "write", reads ? "read the peer's byte"
			      : "write one byte into the pipe to the child");
		ck_assert_msg(!o.timed_out && WIFEXITED(o.status) && WEXITSTATUS(o.status)
			      != 0 && strstr(o.text, strerror(EIO)) != NULL, "%s (pipes) "
			      "whose %s failed with EIO ended with %s, said %s: check the "
			      "result and die with the error", reads ? "WAIT_CHILD"
			      : "TELL_CHILD", reads ? "read" : "write", o.timed_out ? "a hang"
			      : grader_describe_status(o.status, how, sizeof how),
			      o.said_anything ? o.said : "nothing");
	}

	child_outcome(parent_that_leaves, page, MISUSE_DEADLINE, &o);
	orphan = (pid_t)atomic_load(&page->child_pid);
	ck_assert_msg(orphan > 0, "pipe_TELL_WAIT or fork failed in the grader's parent");
	for (double end = monotonic_seconds() + MISUSE_DEADLINE * grader_scale();
	     (still = process_running(orphan)) && monotonic_seconds() < end;)
		sleep_seconds(0.005);
	if (still) {
		snapshot_take(&orphan, (const char *const[]){ "the child" }, 1, 0);
		kill(orphan, SIGKILL);
	}
	munmap(page, sizeof *page);
	ck_assert_msg(!still,
		      "WAIT_PARENT (pipes) still waiting %.1f s after the parent exited: "
		      "close the unused ends, so read() sees EOF",
		      MISUSE_DEADLINE * grader_scale());
}
END_TEST

/* ---- §7 the program ---- */

#define PROGRAM_DEADLINE 8.0

/*
 * What went wrong in a run of devzero, or NULL.  expected_out: the whole
 * of stdout, or NULL when it does not matter.
 */
static const char *judge_run(const struct run_result *res, const char *args,
			     const char *expected_out, char *hint, size_t size)
{
	char how[64], said[64];

	if (strstr(res->err, "03-races:"))
		snprintf(hint, size,
			 "devzero %s %s: a SIGUSR signal landed between WAIT_*'s flag "
			 "test and sigsuspend and was lost; keep SIGUSR1/2 blocked after WAIT_*",
			 args, res->timed_out ? "hung" : "slept with a signal open");
	else if (res->timed_out)
		snprintf(hint, size, "devzero %s did not finish in %.1f s: a TELL_* that "
			 "never wakes the other side?", args,
			 PROGRAM_DEADLINE * grader_scale());
	else if (res->exited && res->exit_code != 0 && strstr(res->err, ": expected "))
		snprintf(hint, size, "devzero %s: the count went wrong: %s (update's "
			 "return value, a mapping not shared, a WAIT_* returning early?)", args,
			 grader_excerpt(said, sizeof said, res->err, res->err_len));
	else if (!res->exited || res->exit_code != 0)
		snprintf(hint, size, "devzero %s: expected exit 0, saw %s; stderr %s",
			 args, run_describe(res, how, sizeof how),
			 grader_excerpt(said, sizeof said, res->err, res->err_len));
	else if (expected_out && strcmp(res->out, expected_out) != 0)
		snprintf(hint, size,
			 "devzero %s: expected \"%.*s\", saw %s: -n sets NLOOPS, -v "
			 "prints the final count", args,
			 (int)strcspn(expected_out, "\n"), expected_out,
			 grader_excerpt(said, sizeof said, res->out, res->out_len));
	else if (res->left_processes)
		snprintf(hint, size,
			 "devzero %s: the parent exited before its child: waitpid() for "
			 "the child (the book's parent does not)", args);
	else if (res->err_len > 0)
		snprintf(hint, size, "devzero %s: expected nothing on stderr, saw %s",
			 args, grader_excerpt(said, sizeof said, res->err, res->err_len));
	else
		return NULL;
	return hint;
}

/*
 * devzero with a call failing: mmap and munmap are errors (one line, exit
 * 1); a waitpid interrupted by a signal (EINTR) is not: wait again.
 */
static void devzero_faults(void)
{
	const char *const args[] = { "-v", "-n", "4", NULL };
	char fault[64], hint[256];
	const char *env[] = { fault_env(fault, sizeof fault, FAULT_waitpid, 1, EINTR),
			      NULL };
	struct run_opts opts = { .timeout = PROGRAM_DEADLINE, .preload = "faults",
				 .env = env };
	struct run_result res;
	const char *bad;

	sweep_program("devzero", args, "devzero -v -n 4", FAULT_mmap, 1, ENOMEM,
		      "check counter_map_devzero's NULL", &res);
	run_result_free(&res);
	sweep_program("devzero", args, "devzero -v -n 4", FAULT_munmap, 1, EINVAL,
		      "check counter_unmap's -1", &res);
	run_result_free(&res);
	ck_assert_msg(run_program("devzero", args, &opts, &res) == 0,
		      "devzero could not be started: %s", strerror(res.spawn_error));
	bad = judge_run(&res, "-v -n 4, its waitpid interrupted by a signal (EINTR),",
			"counter is 4\n", hint, sizeof hint);
	run_result_free(&res);
	ck_assert_msg(bad == NULL, "%s: call waitpid again after EINTR", bad);
}

START_TEST(devzero_runs_like_the_book)
{
	struct run_opts opts = { .timeout = PROGRAM_DEADLINE, .preload = "03-races" };
	const char *const args[] = { NULL };
	struct run_result res;
	char hint[256];
	const char *bad;

	ck_assert_msg(run_program("devzero", args, &opts, &res) == 0,
		      "devzero could not be started: %s", strerror(res.spawn_error));
	bad = judge_run(&res, "(no options)", NULL, hint, sizeof hint);
	run_result_free(&res);
	ck_assert_msg(bad == NULL, "%s", bad);
	devzero_faults();
}
END_TEST

START_TEST(devzero_options)
{
	static const char *const modes[][2] = {
		{ NULL, NULL }, { "-a", NULL }, { "-p", NULL }, { "-a", "-p" }
	};

	for (size_t m = 0; m < sizeof modes / sizeof modes[0] + 1; m++) {
		struct run_opts opts = { .timeout = PROGRAM_DEADLINE, .preload = "03-races" };
		/* Last, the smallest count: one round, the parent's. */
		const bool smallest = m == sizeof modes / sizeof modes[0];
		long rounds = smallest ? 1 : (long)grader_random_between(200, 1000);
		char nloops[32], line[64], words[64], hint[256];
		const char *args[6] = { "-v", "-n", nloops, smallest ? NULL : modes[m][0],
					smallest ? NULL : modes[m][1], NULL };
		struct run_result res;
		const char *bad;

		snprintf(nloops, sizeof nloops, "%ld", rounds);
		snprintf(words, sizeof words, "-v -n %s%s%s%s%s", nloops,
			 args[3] ? " " : "", args[3] ? args[3] : "",
			 args[4] ? " " : "", args[4] ? args[4] : "");
		snprintf(line, sizeof line, "counter is %ld\n",
			 rounds % 2 ? rounds + 1 : rounds);
		ck_assert_msg(run_program("devzero", args, &opts, &res) == 0,
			      "devzero could not be started: %s", strerror(res.spawn_error));
		bad = judge_run(&res, words, line, hint, sizeof hint);
		run_result_free(&res);
		ck_assert_msg(bad == NULL, "%s", bad);
	}
}
END_TEST

START_TEST(devzero_rejects_bad_arguments)
{
	char negative[32], text[32], huge[32], trailing[32];
	const char *cases[][3] = {
		{ "-n", "0", NULL }, { "-n", negative, NULL }, { "-n", text, NULL },
		{ "-n", huge, NULL }, { "-n", trailing, NULL }, { "-q", NULL, NULL },
		{ "extra", NULL, NULL }, { "-n", NULL, NULL },
	};

	snprintf(negative, sizeof negative, "-%u", grader_random_between(1, 99999));
	grader_random_text(text, 6);
	text[0] = 'x';	/* never a number */
	snprintf(huge, sizeof huge, "%u000000000", grader_random_between(2, 99999));
	snprintf(trailing, sizeof trailing, "%uk", grader_random_between(1, 99999));
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		struct run_opts opts = { .timeout = 2.0 };
		struct run_result res;
		char words[80], how[64], said[64];
		bool ok, getopt_first;

		snprintf(words, sizeof words, "%s%s%s", cases[c][0],
			 cases[c][1] ? " " : "", cases[c][1] ? cases[c][1] : "");
		ck_assert_msg(run_program("devzero", cases[c], &opts, &res) == 0,
			      "devzero could not be started: %s", strerror(res.spawn_error));
		ok = res.exited && res.exit_code == 2 && res.err_len > 0 &&
		     memchr(res.err, '\n', res.err_len) == res.err + res.err_len - 1 &&
		     !res.left_processes;
		getopt_first = run_getopt_spoke_first(res.err);
		run_describe(&res, how, sizeof how);
		grader_excerpt(said, sizeof said, res.err, res.err_len);
		run_result_free(&res);
		ck_assert_msg(ok,
			      "devzero %s: expected one usage line on stderr and exit 2, "
			      "saw %s and stderr %s%s", words, how, said, getopt_first
			      ? ": getopt printed a message of its own before yours: set "
				"opterr = 0" : "");
	}
}
END_TEST

#include GRADER_HIDDEN_TESTS	/* this lab's hidden items, if any (grader.h) */

static const struct graded_item graded_items[] = {
#include "03-devzero-counter.def"
#include GRADER_HIDDEN_ITEMS
};
GRADER_MAIN("03-devzero-counter")
