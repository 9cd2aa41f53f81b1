/*
 * checkrun.h - one test run by Check, and how it ended, in the grader's
 * own terms.  The only file of the core that knows Check's runner and
 * reads its results: item.c says what to run and judges the outcome.
 */
#ifndef GRADER_CHECKRUN_H
#define GRADER_CHECKRUN_H

#include <stdbool.h>

enum check_end {
	CHECK_PASSED,
	CHECK_FAILED,       /* an assertion failed: message says which */
	CHECK_TIMEOUT,      /* it ran until its timeout */
	CHECK_SIGNALLED,    /* the test process was killed by signo */
	CHECK_EXITED,       /* the test process called exit(code) */
	CHECK_NO_RESULT,    /* Check reported nothing */
};

struct check_outcome {
	enum check_end end;
	int signo, code;
	char message[400];  /* the assertion's message, or Check's words */
	double seconds;     /* from the start of the run to its end */
};

/* One test, in a forked process of Check's, after setup (a checked fixture). */
struct check_test {
	const char *suite, *name;
	const char *file;   /* where the test is, for Check's report */
	int line;
	void (*body)(int);
	void (*setup)(void);
	double timeout;     /* seconds, already scaled */
	bool no_fork;       /* in this process (for a debugger): no timeout */
};

void check_run_one(const struct check_test *t, struct check_outcome *out);

#endif
