/*
 * call.h - calling code under test in a process of its own.
 *
 * A suite that calls a function which forks (a pipeline runner, a message
 * sender) calls it in a child, the caller, so that whatever the function
 * does to its process (descriptors left open, children never waited for,
 * a child that returns into the caller's code) can be seen from outside,
 * and a hang can be explained and ended:
 *
 *     struct call_report *rep = call_report_new(0);
 *     char hint[400];
 *
 *     if (!call_in_child(call_it, &args, rep, NULL, 1.5, hint, sizeof hint))
 *             ck_abort_msg("pipe_commands did not return within 1.5 s: %s", hint);
 *     ck_assert_msg(call_new_fd(rep) < 0, "a descriptor was left open");
 *     call_report_free(rep);
 */
#ifndef GRADER_CALL_H
#define GRADER_CALL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* What the caller saw; lives in memory shared with it, data follows it. */
struct call_report {
	bool returned;          /* the function returned in the caller */
	long ret;               /* what it returned */
	int err;                /* errno after it */
	int nbefore, nafter;    /* the caller's descriptors around the call */
	int before[64], after[64];
	pid_t leftover;         /* a child still there after the call */
	bool leftover_zombie;   /* ... and it had ended, never waited for */
	pid_t stray;            /* a child of the code that returned from it */
	size_t data_size;
	char data[];            /* room for what the function hands back */
};

/* Runs in the caller; may write up to rep->data_size bytes into rep->data. */
typedef long (*call_fn)(void *arg, struct call_report *rep);

struct call_io {
	const char *in, *out, *err;   /* files for fds 0, 1 and 2, or NULL */
};

/* A zeroed report with data_size bytes of room, in shared memory. */
struct call_report *call_report_new(size_t data_size);
void call_report_free(struct call_report *rep);

/*
 * Calls fn(arg, rep) in a child of its own process group, with fds 0-2
 * from io.  The test becomes a child subreaper, so that orphans of the
 * caller come back to it.  True when fn returned within seconds (scaled);
 * otherwise hint says why the processes hang (autopsy_hint).  Either way
 * every process the call started is killed and reaped.
 */
bool call_in_child(call_fn fn, void *arg, struct call_report *rep,
		   const struct call_io *io, double seconds, char *hint, size_t size);

/* The first descriptor open after the call but not before, or -1. */
int call_new_fd(const struct call_report *rep);

#endif
