/*
 * suite.c - run a lab's suite in the sandbox and read its results.
 *
 * The built suite, programs and shims are in the run's own folder (see
 * build.c), which the sandbox sees read-only.  The suite writes one line per item as each ends, on a
 * pipe that no test process holds (descriptor 3).  Items run side by
 * side, and each has a deadline: a suite that stops answering is stopped.
 * If the suite ends before every item has a result, the item it was
 * running is lost (an integrity finding: only the code under test can do
 * that) and the items after it are run again in a new sandbox.  When
 * several items were running, which one ended the suite is not known:
 * they run again, one at a time, and the one that ends the suite again is
 * lost.
 */
#include "driver.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum {
	START_SECONDS = 30,      /* until the suite names its first item */
	BETWEEN_SECONDS = 10,    /* from one item's end to the next's start */
	ITEM_MARGIN_SECONDS = 15,
};

struct suite_run {
	const struct grading *g;
	struct lab_report *report;
	bool *done;
	double *running;         /* per item: its deadline while it runs, or 0 */
	int reported;            /* in this attempt */
	bool one_at_a_time;      /* after a loss among several running items */
};

/* The latest deadline of the items running, or 0 when none runs. */
static double latest_deadline(const struct suite_run *run)
{
	double latest = 0;

	for (size_t i = 0; i < run->report->lab->count; i++)
		if (run->running[i] > latest)
			latest = run->running[i];
	return latest;
}

/* How many items are running, and the last of them in last. */
static int count_running(const struct suite_run *run, int *last)
{
	int n = 0;

	for (size_t i = 0; i < run->report->lab->count; i++)
		if (run->running[i] > 0) {
			*last = (int)i;
			n++;
		}
	return n;
}

static int find_test(const struct catalogue_lab *lab, const char *name)
{
	for (size_t i = 0; i < lab->count; i++)
		if (strcmp(lab->tests[i].name, name) == 0)
			return (int)i;
	return -1;
}

static void on_line(void *ctx, char *line, struct command *c)
{
	struct suite_run *run = ctx;
	const struct catalogue_lab *lab = run->report->lab;
	char *f[11];
	int n = split_tabs(line, f, 11), i;

	if (n == 2 && strcmp(f[0], "start") == 0 && (i = find_test(lab, f[1])) >= 0) {
		/* A second start: the item is graded again, alone; its last result counts. */
		if (run->done[i]) {
			run->done[i] = false;
			run->reported--;
		}
		run->running[i] = monotonic_seconds() + lab->tests[i].timeout * run->g->scale +
				  ITEM_MARGIN_SECONDS;
		c->deadline = latest_deadline(run);
	} else if (n >= 7 && strcmp(f[0], "item") == 0 && (i = find_test(lab, f[1])) >= 0 &&
		   !run->done[i]) {
		struct result *r = &run->report->results[i];
		enum result_status st;

		if (result_status_parse(f[2], &st) < 0)
			return;
		r->status = st;
		r->score = st == RESULT_PASS ? r->max : 0; /* points from the catalogue */
		r->seconds = atof(f[5]);
		snprintf(r->hint, sizeof r->hint, "%s", f[6]);
		snprintf(r->integrity, sizeof r->integrity, "%s", n >= 8 ? f[7] : "");
		if (n >= 9) {
			results_unescape(f[8]);
			snprintf(r->transcript, sizeof r->transcript, "%s", f[8]);
		}
		if (n >= 10) {
			results_unescape(f[9]);
			snprintf(r->snapshot, sizeof r->snapshot, "%s", f[9]);
		}
		if (n >= 11 && st == RESULT_PASS) {
			results_unescape(f[10]);
			snprintf(r->figures, sizeof r->figures, "%s", f[10]);
		}
		if (r->integrity[0])
			r->score = 0;
		run->done[i] = true;
		run->running[i] = 0;
		run->reported++;
		c->deadline = latest_deadline(run);
		if (c->deadline == 0)
			c->deadline = monotonic_seconds() + BETWEEN_SECONDS * run->g->scale;
	}
}

/* The names of the items still to run, comma-separated. */
static void remaining_items(const struct lab_report *lr, const bool *done, char *buf,
			    size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < lr->lab->count && used < size; i++)
		if (!done[i])
			used += (size_t)snprintf(buf + used, size - used, "%s%s",
						 used ? "," : "", lr->lab->tests[i].name);
}

/* The last line of the suite's output, for a note. */
static void last_line(const char *output, char *buf, size_t size)
{
	size_t len = strlen(output);

	while (len > 0 && output[len - 1] == '\n')
		len--;
	size_t start = len;
	while (start > 0 && output[start - 1] != '\n')
		start--;
	snprintf(buf, size, "%.*s", (int)(len - start > 300 ? 300 : len - start),
		 output + start);
}

static void lost_item(struct result *r, const struct command_outcome *o)
{
	char how[120];

	if (o->timed_out)
		snprintf(how, sizeof how, "stopped answering during this test and was stopped");
	else if (WIFSIGNALED(o->status))
		snprintf(how, sizeof how, "was killed by signal %d during this test",
			 WTERMSIG(o->status));
	else
		snprintf(how, sizeof how, "ended during this test (status %d)",
			 WEXITSTATUS(o->status));
	r->status = RESULT_ERROR;
	r->score = 0;
	snprintf(r->integrity, sizeof r->integrity, "the grader's runner %s", how);
	snprintf(r->hint, sizeof r->hint, "integrity: %s", r->integrity);
}

/*
 * One sandbox running the items not done yet (only, or all of the
 * selection); false when no further attempt can help.
 */
static bool attempt(struct suite_run *state, const char *run, const char *only,
		    struct command_outcome *o)
{
	struct lab_report *report = state->report;
	struct argv_builder argv = { 0 };
	struct command c = {
		.results_pipe = true, .on_line = on_line, .ctx = state,
		.deadline = monotonic_seconds() + START_SECONDS * state->g->scale,
	};
	int rc, running, last = -1;

	sandbox_run_argv(state->g, run, only, state->one_at_a_time, &argv);
	c.argv = argv.argv;
	for (size_t i = 0; i < report->lab->count; i++)
		state->running[i] = 0;
	state->reported = 0;
	rc = command_run(&c, o);
	argv_free(&argv);
	if (rc < 0) {
		snprintf(report->note, sizeof report->note, "cannot run the suite: %s",
			 strerror(o->spawn_errno));
		return false;
	}
	if (driver_interrupted)
		return false;
	running = count_running(state, &last);
	if (running > 1) {
		state->one_at_a_time = true;
	} else if (running == 1) {
		lost_item(&report->results[last], o);
		state->done[last] = true;
	} else if (state->reported == 0) {
		char last[320];

		last_line(o->output, last, sizeof last);
		snprintf(report->note, sizeof report->note,
			 "the suite stopped before its first test%s%s%s",
			 o->timed_out ? " (it did not answer)" : "", last[0] ? ": " : "", last);
		return false;
	}
	return true;
}

/* Without a sandbox the suite's scratch folder is on the host, in the run. */
static bool host_scratch(const char *run, struct lab_report *report)
{
	char tmp[4400];

	snprintf(tmp, sizeof tmp, "%s/tmp", run);
	if (mkdir(tmp, 0700) == 0 && sandbox_hand_over(tmp, false) == 0)
		return true;
	snprintf(report->note, sizeof report->note, "cannot create %.300s", tmp);
	return false;
}

void run_suite(const struct grading *g, struct lab_report *report)
{
	const struct catalogue_lab *lab = report->lab;
	struct command_outcome *o = calloc(1, sizeof *o);
	bool *done = calloc(lab->count + 1, sizeof *done);
	double *running = calloc(lab->count + 1, sizeof *running);
	struct suite_run state = { g, report, done, running, 0, false };
	char run[4300], only[8192];
	bool going = o != NULL && done != NULL && running != NULL;

	lab_run_folder(g, lab, run, sizeof run);
	if (!going)
		snprintf(report->note, sizeof report->note, "grader: out of memory");
	else if (!sandbox_active())
		going = host_scratch(run, report);
	/* Once more for every item lost (and once to find it): the others run again. */
	for (size_t n = 0; going && n <= lab->count + 1; n++) {
		remaining_items(report, done, only, sizeof only);
		if (only[0] == '\0')
			break;
		going = attempt(&state, run, n > 0 || g->only ? only : NULL, o);
	}
	for (size_t i = 0; i < lab->count && done; i++) {
		struct result *r = &report->results[i];

		if (!done[i] && r->hint[0] == '\0')
			snprintf(r->hint, sizeof r->hint, "no result: %.700s",
				 driver_interrupted ? "the grader was interrupted"
				 : report->note[0] ? report->note : "the suite stopped");
	}
	remove_tree(run);
	free(o);
	free(done);
	free(running);
}
