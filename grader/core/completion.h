/*
 * completion.h - the test process's proof that its test body returned.
 *
 * An exit status of 0 proves nothing: code under test can call exit(0),
 * and anything the test process can write (a file, a shared page, Check's
 * channel) is within student code's reach too.  So an item passes only
 * when the test process claims completion on a socket whose other end a
 * watchdog holds (a process of the grader that the test can neither
 * signal nor trace), and the watchdog accepts the claim:
 *   - the kernel says it comes from the test process itself, which said
 *     hello before any student code ran; it comes once, in the exact form;
 *   - the test process can still be inspected if it could at the hello
 *     (the system may forbid it: Yama's strictest settings);
 *   - the test process then sleeps in the grader's completion step: the
 *     step's return address is on its stack, read by the watchdog;
 *   - the test process has no tracer, and one thread.
 * A claim that fails the first two is a forgery: the item earns 0 and the
 * report names an integrity finding.
 */
#ifndef GRADER_COMPLETION_H
#define GRADER_COMPLETION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * A claim may carry figures (grader_figure): lines "NAME<TAB>VALUE<TAB>asc"
 * or "...<TAB>desc", after the claim's word and a newline.
 */
enum { COMPLETION_FIGURES_MAX = 256, COMPLETION_FIGURES_COUNT = 4 };

/* ---- the test process ---- */

/* First thing in the test process, before any code under test. */
int completion_hello(int fd);
/* After the test body: claims completion, true when it was accepted. */
bool completion_claim(int fd);
/* Tells the watchdog that a program's output was cut at the capture limit. */
void completion_note_truncated(int fd);

/*
 * The return address a genuine claim leaves on the test's stack.  Only the
 * watchdog computes it: a value in the host would be copied into the test.
 */
uintptr_t completion_site(void);

/* ---- the watchdog ---- */

enum claim_verdict {
	CLAIM_NONE,        /* no claim (yet) */
	CLAIM_ACCEPTED,
	CLAIM_REFUSED,     /* genuine, but the test left a thread running */
	CLAIM_FORGED,      /* not the grader's claim: an integrity finding */
};

struct claim_checker {
	uintptr_t site;        /* from completion_site(), in the watchdog */
	int test_fd;           /* the socket's number in the test process */
	double patience;       /* seconds for the claimant to start waiting */
	bool must_see_stack;   /* it could be inspected at the hello: it must be */
	pid_t test_pid;        /* set by the hello */
	int claims;
	bool output_truncated; /* a program's output was cut */
	char figures[COMPLETION_FIGURES_MAX]; /* an accepted claim's figures */
};

/*
 * Reads one message from the watchdog's end of the socket and answers a
 * claim.  Returns the verdict of a claim (CLAIM_NONE for a hello or a
 * note), with the reason in why; -1 when the socket is closed.
 */
int completion_serve(int fd, struct claim_checker *c, char *why, size_t size);

#endif
