/*
 * turns.h - two sides take turns through a tell/wait API.
 *
 * Any pair of "tell the other side" and "wait for the other side" calls
 * (TELL_WAIT on signals or on pipes, semaphores, futexes...) can be checked
 * by strict alternation, as in APUE's figure 15.33: side 0 (the parent)
 * checks that a shared count holds its round, increments it, tells side 1
 * (the child) and waits; side 1 waits first.  Both are children of the
 * test (child.h), watched until they end, a value comes out of turn, one
 * crashes or exits early, or the count stalls; turns_judge then says what
 * went wrong in one hint, with the names the suite gave.
 *
 *     static const struct turns_ops ops = {
 *             .tell = my_tell, .wait = my_wait,
 *             .side = { "parent", "child" },
 *             .tell_name = { "TELL_CHILD", "TELL_PARENT" },
 *             .wait_name = { "WAIT_CHILD", "WAIT_PARENT" },
 *             .tell_any = "TELL_*", .wait_any = "WAIT_*",
 *     };
 *     struct turns *t = turns_new(&ops, &my_api, "semaphores", 100000);
 *     char hint[256];
 *     const char *bad;
 *
 *     my_api.setup();                     (both sides inherit it)
 *     turns_run(t, 3.0, 0.3);
 *     bad = turns_judge(t, hint, sizeof hint);
 *     turns_free(t);
 *     ck_assert_msg(bad == NULL, "%s", bad);
 *
 * where my_tell(t, side, other) tells the other side (pid other) and
 * my_wait(t, side) waits for it; t->arg is &my_api.
 */
#ifndef GRADER_TURNS_H
#define GRADER_TURNS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Where a side is; step names for hints: "checking the count", "in TELL_". */
enum turns_step { TURNS_START, TURNS_CHECK, TURNS_TELL, TURNS_WAIT, TURNS_DONE };

/* The first failure a side saw; a suite numbers its own from TURNS_FAIL_OWN. */
enum { TURNS_FAIL_NONE, TURNS_FAIL_VALUE, TURNS_FAIL_OWN };

struct turns;

/* The API under test, as the sides call it, and the words of the hints. */
struct turns_ops {
	void (*tell)(const struct turns *t, int side, pid_t other);
	void (*wait)(const struct turns *t, int side);
	/* In a side after each wait (may call turns_fail), or NULL. */
	void (*after_wait)(struct turns *t, int side, long round);
	/*
	 * The suite's own judgement (its failures, what it logged), tried
	 * after a value out of turn and before the generic ones, or NULL.
	 */
	bool (*explain)(const struct turns *t, char *hint, size_t size);
	const char *side[2];                  /* "parent", "child" */
	const char *tell_name[2];             /* what side s calls: "TELL_CHILD" */
	const char *wait_name[2];             /* "WAIT_CHILD", "WAIT_PARENT" */
	const char *tell_any, *wait_any;      /* "TELL_*", "WAIT_*" */
	/* Likely causes, for hints; NULL leaves them out. */
	const char *early_why;       /* a wait returned before the tell */
	const char *crash_why;       /* a side killed by a signal */
	const char *never_told_why;  /* side 1 never woke from its first wait */
	const char *no_wake_why;     /* both sides wait */
};

struct turns_side {
	atomic_int pid;
	atomic_int step;          /* enum turns_step */
	atomic_long round;        /* the value this side is working on */
};

/* In memory shared with the sides. */
struct turns {
	const struct turns_ops *ops;
	void *arg;                /* for the ops */
	const char *name;         /* the API, in hints: "(signals)" */
	atomic_long counter;
	long rounds, final;       /* final: the count the rounds reach */
	struct turns_side side[2];
	atomic_int failure;       /* TURNS_FAIL_*, or the suite's own */
	int fail_side;
	long fail_expected, fail_seen;
	int fail_detail;          /* the suite's (a signal number...) */
	/* Filled by turns_run: */
	int status[2];            /* 0 for a side stopped by the watcher */
	bool stalled;
	double stalled_for;
	char said[64];            /* excerpt of what both sides wrote on stderr */
	bool said_anything;
};

/* A zeroed duel of rounds turns in shared memory; turns_free ends it. */
struct turns *turns_new(const struct turns_ops *ops, void *arg, const char *name,
			long rounds);
void turns_free(struct turns *t);

/*
 * Starts both sides (each learns the other's pid), their stderr captured,
 * and watches the count until both end, one fails or crashes, or it
 * stands still for stall seconds; once one side ends, the other gets
 * grace seconds to end too.  Every side is reaped.
 */
void turns_run(struct turns *t, double stall, double grace);

/* In a side: records the first failure of the duel, then _exit(1). */
_Noreturn void turns_fail(struct turns *t, int side, int kind, long expected,
			  long seen, int detail);

/* Which side pid is (0 or 1), 1 when it is neither. */
int turns_side_of(const struct turns *t, pid_t pid);

/*
 * What went wrong, as one hint, or NULL: a value out of turn, the
 * suite's explain, a side killed or ended early (and what it said), a
 * stall (who sat where, how long, at which count), a wrong final count.
 */
const char *turns_judge(const struct turns *t, char *hint, size_t size);

/*
 * Side 1 waits three times in a child, the third time told before it
 * begins, and the test (as side 0) tells it: a wait must sleep until told,
 * once per tell, early or late.  NULL when it does, else a hint; the child
 * is stopped either way.  Set the API up (in the test) first.
 */
const char *turns_check_wakeups(const struct turns_ops *ops, void *arg,
				const char *name, char *hint, size_t size);

#endif
