/*
 * failsweep.h - a function of the lab run with each of its calls failing
 * in turn: the 1st open, the 2nd open, ..., the 1st mmap, ...  Each time
 * it must report the failure (return failure with that call's errno, not
 * one a later call made) and hold nothing it did not hold before: no
 * descriptor left open, no mapping left, no System V segment made, no
 * POSIX object left under the name it was given.
 *
 *	static bool attempt(void *ctx) { return (map = map_file_shared(path, 64)) != NULL; }
 *	static void undo(void *ctx) { unmap_file(map, 64); }
 *	const struct sweep_call calls[] = { { .call = FAULT_open, .error = EACCES },
 *					    { .call = FAULT_mmap, .error = ENOMEM } };
 *	struct sweep s = { .what = "map_file_shared", .attempt = attempt,
 *			   .undo = undo, .undo_what = "munmap" };
 *	sweep_faults(&s, calls, 2);
 *
 * A failure ends the test with a hint naming the function, the call, which
 * of its calls it was and what went wrong.
 */
#ifndef GRADER_FAILSWEEP_H
#define GRADER_FAILSWEEP_H

#include <stdbool.h>
#include <stddef.h>

#include "fault.h"

struct run_opts;
struct run_result;

struct sweep_call {
	enum fault_call call;
	int error;                 /* the errno the failing call gives */
	bool optional;             /* never calling it is another item's business */
};

struct sweep {
	const char *what;          /* the function, for hints: "ring_create" */
	bool (*attempt)(void *ctx);/* calls it once: true if it succeeded */
	void (*undo)(void *ctx);   /* undoes a successful attempt */
	const char *undo_what;     /* for hints: "ring_destroy", or NULL: none */
	void *ctx;
	const char *object;        /* a POSIX name ("/x") that a failed attempt
				      must not leave in /dev/shm, or NULL */
	const char *zero_advice;   /* sweep_with_stdin_closed's hint, or NULL for
				      "0 is valid: fd < 0, not fd <= 0" */
};

/*
 * First runs the attempt with no call failing: it must succeed, and once
 * undone leave nothing held.  Then, for each call in calls, fails its 1st,
 * 2nd, ... call in turn until the function makes no more of them.  Each
 * call must be made at least once.
 */
void sweep_faults(const struct sweep *s, const struct sweep_call *calls, size_t count);

/*
 * Runs the attempt with descriptor 0 closed, so that the first descriptor
 * the function opens is 0: it must succeed.  A function that takes 0 for
 * a failure (fd <= 0) fails here.
 */
void sweep_with_stdin_closed(const struct sweep *s);

/*
 * A program of the lab run with its nth call of call failing with error
 * (the "faults" shim): it must stop there, with a non-zero status and one
 * line on stderr ending in strerror(error), and leave no process behind.
 * what names the run for hints ("shmsample NAME"); advice ends the hint
 * when it went on regardless ("check region_detach's result").  The
 * test goes on with res, which the caller frees.
 */
void sweep_program(const char *prog, const char *const args[], const char *what,
		   enum fault_call call, unsigned nth, int error, const char *advice,
		   struct run_result *res);
/*
 * The same run as base says (its environment, folder, input); base may be
 * NULL.  The faults shim and its GRADER_FAULT are added to it.
 */
void sweep_program_opts(const char *prog, const char *const args[],
			const struct run_opts *base, const char *what, enum fault_call call,
			unsigned nth, int error, const char *advice, struct run_result *res);

/*
 * Runs an attempt that must be refused (bad input prepared by the test):
 * it must fail with error and hold nothing it did not hold before.  case_
 * names the input for hints ("an object of random bytes").
 */
void sweep_refused(const struct sweep *s, int error, const char *case_);

#endif
