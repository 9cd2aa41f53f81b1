/* checkrun.c - see checkrun.h. */
#include "checkrun.h"
#include "sysutil.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

/* How a test that did not pass or fail ended, read from Check's message. */
static void classify_error(const char *msg, double timeout, struct check_outcome *out)
{
	/*
	 * Our own clock decides first: a test that ran until its timeout
	 * timed out, whatever the words.
	 */
	if (out->seconds >= 0.98 * timeout || strstr(msg, "timeout expired"))
		out->end = CHECK_TIMEOUT;
	else if (sscanf(msg, "Received signal %d", &out->signo) == 1)
		out->end = CHECK_SIGNALLED;
	else if (sscanf(msg, "Early exit with return value %d", &out->code) == 1)
		out->end = CHECK_EXITED;
	else
		out->end = CHECK_FAILED;
}

void check_run_one(const struct check_test *t, struct check_outcome *out)
{
	static TTest wrapped; /* Check keeps a pointer to it */
	Suite *suite = suite_create(t->suite);
	TCase *tc = tcase_create(t->name);
	SRunner *runner;
	TestResult *tr;
	double started;

	memset(out, 0, sizeof *out);
	wrapped = (TTest){ .name = t->name, .fn = t->body, .file = t->file, .line = t->line };
	tcase_set_timeout(tc, t->timeout);
	tcase_add_checked_fixture(tc, t->setup, NULL);
	tcase_add_test(tc, &wrapped);
	suite_add_tcase(suite, tc);
	runner = srunner_create(suite);
	srunner_set_fork_status(runner, t->no_fork ? CK_NOFORK : CK_FORK);
	fflush(NULL);
	started = monotonic_seconds();
	srunner_run_all(runner, CK_SILENT);
	out->seconds = monotonic_seconds() - started;
	if (srunner_ntests_run(runner) == 0) {
		out->end = CHECK_NO_RESULT;
		return; /* the host exits soon: the runner is not freed */
	}
	tr = srunner_results(runner)[0];
	snprintf(out->message, sizeof out->message, "%s", tr_msg(tr) ? tr_msg(tr) : "");
	if (tr_rtype(tr) == CK_PASS)
		out->end = CHECK_PASSED;
	else if (tr_rtype(tr) == CK_FAILURE)
		out->end = CHECK_FAILED;
	else
		classify_error(out->message, t->timeout, out);
}
