/*
 * child.h - student code in a child of the test: started, watched, ended.
 *
 * A suite that runs the code under test in processes of its own (a
 * producer and a consumer, two sides of a handshake) starts each with
 * child_start, lets it say what it is doing in a struct child_log kept in
 * shared memory, and ends it with child_finished, which explains a hang
 * before it kills:
 *
 *     struct child_log *log = child_shared(sizeof *log);
 *     pid_t pid = child_start(producer, log, NULL);
 *     char why[300];
 *
 *     ck_assert_msg(child_finished(&pid, 2.0, log, why, sizeof why),
 *                   "the producer: %s", why);
 *
 * where the producer calls child_step(log, "ring_put #%zu", i) before each
 * call and child_problem(log, ...) when a result is wrong.
 */
#ifndef GRADER_CHILD_H
#define GRADER_CHILD_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* What children tell the test; lives in memory shared with them. */
struct child_log {
	atomic_size_t done;     /* operations completed */
	atomic_int failed;      /* set by the first child_problem */
	long result;            /* the last call's return ... */
	int err;                /* ... and its errno */
	char step[120];         /* what the child is doing now */
	char problem[200];      /* the first problem any child reported */
};

/* Zeroed memory shared with the children forked afterwards (ends with the test). */
void *child_shared(size_t size);

/* The child is about to do what fmt says (shown if it hangs there). */
void child_step(struct child_log *log, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Records the first problem of any child sharing log; later ones are dropped. */
void child_problem(struct child_log *log, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void child_add_done(struct child_log *log, size_t n);
size_t child_done_count(struct child_log *log);

/*
 * Where a child's standard streams go; NULL keeps the test's.  The files
 * are created or truncated, and opened for appending: children given the
 * same file add to it one after the other.
 */
struct child_io {
	const char *out, *err;
};

/*
 * Forks a child, leader of a process group of its own, that runs fn(arg)
 * with io and ends with _exit(0) if fn returns.  Stdio is flushed first.
 *
 * Exit 0 means success only when the grader's code ended the child: a
 * child that ends with exit 0 inside the code under test (its exit() or
 * _exit(), before fn returned) is reaped by child_reaped and
 * child_wait_until with the status GRADER_STATUS_ENDED_INSIDE instead,
 * which no check takes for success.  child_outcome's children, whose
 * calls are meant to end them, keep their status.
 */
pid_t child_start(void (*fn)(void *), void *arg, const struct child_io *io);

/* Ends a child of child_start from the grader's code, with status. */
_Noreturn void child_exit(int status);

/* Reaps pid if it has ended (true), without waiting. */
bool child_reaped(pid_t pid, int *status);

/*
 * Stops a child that did not end in time, after a snapshot of its tree
 * (snapshot.h) for the picture of the failing item; name is what the test
 * calls it ("side A"), or NULL.
 */
void child_stop_hung(pid_t *pid, const char *name);

/* Kills pid's group and reaps pid; *pid becomes 0 (0: nothing to do). */
void child_stop(pid_t *pid);

/*
 * Waits for *pid up to seconds (scaled); *pid becomes 0.  True when it
 * exited with status 0.  Otherwise why says what happened: for a hang,
 * "still running after 1.5 s at: STEP (what each of its processes was
 * blocked in, read before they were killed)"; for a crash, "killed by
 * SIGSEGV at: STEP"; for a failure, the log's problem.  log may be NULL.
 */
bool child_finished(pid_t *pid, double seconds, const struct child_log *log,
		    char *why, size_t size);

/* Waits for pid until the deadline (scaled), never killing it; true if it ended. */
bool child_wait_until(pid_t pid, double seconds, int *status);

/*
 * Reads back what children wrote into path (a child_io file), without
 * its trailing newlines, and removes the file.  text (may be NULL) gets
 * its start, NUL-terminated; excerpt (may be NULL) a quoted excerpt of it
 * for a hint (grader_excerpt).  Returns its length: 0 when they said nothing.
 */
size_t child_said(const char *path, char *text, size_t size,
		  char *excerpt, size_t excerpt_size);

/* How a child that should end by itself ended (child_outcome). */
struct child_outcome {
	int status;
	bool timed_out;           /* still running at the deadline: killed */
	bool said_anything;
	char said[64];            /* excerpt of what it wrote on stderr */
	char text[512];           /* the start of it, as text */
};

/*
 * Runs fn(arg) in a child (child_start) with its stderr captured and
 * waits up to seconds (scaled) for it to end; a child still running then
 * is stopped.  fn returning means exit status 0.
 */
void child_outcome(void (*fn)(void *), void *arg, double seconds,
		   struct child_outcome *o);

/* Why child_watch stopped watching. */
enum watch_end {
	WATCH_ENDED,    /* every child ended (see status[] for how) */
	WATCH_FAILED,   /* *failed became non-zero */
	WATCH_CRASHED,  /* child number crashed was killed by a signal */
	WATCH_STALLED,  /* progress stood still for stall seconds */
	WATCH_OVERDUE,  /* children still ran at the deadline (or after the grace) */
};

/* A group of children that work towards a count, and how long they may take. */
struct child_watch {
	pid_t *pids;                      /* 0 marks a child already reaped */
	int *status;                      /* their wait statuses, or NULL */
	size_t count;
	const char *const *names;         /* what the test calls each ("the parent"), or NULL */
	size_t (*progress)(void *arg);    /* moves while they work (NULL: no stall) */
	void *arg;
	atomic_int *failed;               /* a child's problem flag, or NULL */
	double stall, deadline;           /* seconds, scaled; deadline 0: none */
	double grace;                     /* seconds, scaled; see child_watch */
	double settle;                    /* seconds, scaled; 0: see child_watch */
	size_t crashed;                   /* out: which child crashed */
	double still_for;                 /* out: how long progress stood still */
};

/*
 * Watches until every child has ended, a child fails or crashes, progress
 * stalls or the deadline passes; then stops the children still running.
 * Every pid is 0 when it returns.
 *
 * With a grace, children that depend on each other (two sides of a
 * handshake) get a moment to end on their own: once one child has ended
 * (or crashed) or *failed is set, the rest get grace seconds instead of
 * the stall time and the deadline.  The watch then ends as WATCH_CRASHED
 * if a child crashed, else WATCH_FAILED if *failed is set, else
 * WATCH_ENDED when all ended in time, else WATCH_OVERDUE.
 *
 * With a settle time, a stall is called early: once progress has stood
 * still for settle seconds and, for settle seconds more, every process of
 * the children's trees has been asleep in a call that can wait for ever
 * (autopsy_trees_asleep) without using any CPU.  Use it only when the
 * children depend on nothing outside their trees: nobody else can wake
 * them then.
 */
enum watch_end child_watch(struct child_watch *w);

/*
 * The share of interval seconds that pids spent busy, added up: running
 * on a CPU or ready to run and waiting for one (/proc/PID/schedstat), so
 * that a loaded machine does not hide a process that spins; where the
 * kernel keeps no such figures, the CPU time they used.  -1 when one of
 * them ended meanwhile.  Each first gets up to half a second (scaled) to
 * fall asleep, so that its way into a wait is not counted.  A process
 * that waits without spinning is busy ~0 of the time; when every process
 * of the trees then sleeps in a call without a time limit (sem_wait,
 * read, an untimed futex), 0 comes back at once.
 */
double child_busy_share(const pid_t *pids, size_t count, double interval);

/*
 * True when every process of the pids' trees sleeps in a call without a
 * time limit (sem_wait, read, sigsuspend, an untimed futex: autopsy.h),
 * and still does, having used no CPU, a moment later: until another
 * process or a signal wakes one of them, nothing there can change.  A
 * test that must show "it blocks" looks for this instead of waiting.
 */
bool child_waits_untimed(const pid_t *pids, size_t count);

/*
 * Waits until pid itself (not its children) sleeps in a call without a
 * time limit, at two looks in a row with no CPU used between (true), or
 * until it ends or the deadline of monotonic_seconds() passes (false).
 * A process that spins costs the whole wait; one that sleeps, a moment.
 */
bool child_untimed_by(pid_t pid, double deadline);

/*
 * Waits until pid has been asleep, using no CPU, for a few polls in a row,
 * or for one when it sleeps in a call without a time limit (true), or
 * until it ends or the deadline of monotonic_seconds() passes (false).
 */
bool child_asleep_by(pid_t pid, double deadline);

#endif
