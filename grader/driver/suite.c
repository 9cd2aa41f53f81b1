/*
 * suite.c - run a lab's suite in the sandbox and read its results.
 *
 * The built suite, programs and shims are copied out of the build folder
 * (never through a link) into the run's own folder, which the sandbox
 * sees read-only.  The suite writes one line per item as each ends, on a
 * pipe that no test process holds (descriptor 3).  Each item has a
 * deadline: a suite that stops answering is stopped.  If the suite ends
 * before every item has a result, the item it was running is lost (an
 * integrity finding: only the code under test can do that) and the items
 * after it are run again in a new sandbox.
 */
#include "driver.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum {
	MAX_ARTIFACT_BYTES = 64 << 20,
	START_SECONDS = 30,      /* until the suite names its first item */
	BETWEEN_SECONDS = 10,    /* from one item's end to the next's start */
	ITEM_MARGIN_SECONDS = 15,
};

struct suite_run {
	const struct grading *g;
	struct lab_report *report;
	bool *done;
	int current;             /* the item started and not yet reported, or -1 */
	int reported;            /* in this attempt */
};

static int find_test(const struct catalogue_lab *lab, const char *name)
{
	for (size_t i = 0; i < lab->count; i++)
		if (strcmp(lab->tests[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Splits at tabs into at most max fields; the last keeps the rest. */
static int split_tabs(char *line, char **fields, int max)
{
	int n = 0;

	fields[n++] = line;
	for (char *p = line; *p && n < max; p++) {
		if (*p == '\t') {
			*p = '\0';
			fields[n++] = p + 1;
		}
	}
	return n;
}

static void on_line(void *ctx, char *line, struct command *c)
{
	struct suite_run *run = ctx;
	const struct catalogue_lab *lab = run->report->lab;
	char *f[8];
	int n = split_tabs(line, f, 8), i;

	if (n == 2 && strcmp(f[0], "start") == 0 && (i = find_test(lab, f[1])) >= 0) {
		run->current = i;
		c->deadline = monotonic_seconds() + lab->tests[i].timeout * run->g->scale +
			      ITEM_MARGIN_SECONDS;
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
		snprintf(r->integrity, sizeof r->integrity, "%s", n == 8 ? f[7] : "");
		if (r->integrity[0])
			r->score = 0;
		run->done[i] = true;
		run->current = -1;
		run->reported++;
		c->deadline = monotonic_seconds() + BETWEEN_SECONDS * run->g->scale;
	}
}

static bool copy_built(int out_dir, const char *name, const char *bin, char *error,
		       size_t size)
{
	char path[4500];

	snprintf(path, sizeof path, "%s/%s", bin, name);
	if (copy_regular_at(out_dir, name, path, 0755, MAX_ARTIFACT_BYTES) == 0)
		return true;
	snprintf(error, size, "the build left no usable %s: %s", name, strerror(errno));
	return false;
}

/* Copies the suite, the lab's programs and the shims into the run folder. */
static bool copy_artifacts(const struct grading *g, const struct catalogue_lab *lab,
			   const char *run, char *error, size_t size)
{
	char ctx[4300], from[4400], bin[4400], path[4800], shims[4500];
	char *names = strdup(lab->programs), *save = NULL;
	int out_dir, shim_dir = -1;
	bool ok = names != NULL;

	build_context(g, lab, ctx, sizeof ctx);
	snprintf(from, sizeof from, "%s/out", ctx);
	snprintf(bin, sizeof bin, "%s/bin", run);
	snprintf(shims, sizeof shims, "%s/shims", bin);
	out_dir = open(from, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (out_dir < 0 || make_dirs(shims, 0755) < 0) {
		snprintf(error, size, "cannot prepare %.300s: %s", bin, strerror(errno));
		ok = false;
	}
	ok = ok && copy_built(out_dir, "suite", bin, error, size);
	for (char *name = ok ? strtok_r(names, " ", &save) : NULL; ok && name;
	     name = strtok_r(NULL, " ", &save))
		ok = copy_built(out_dir, name, bin, error, size);
	if (ok) {
		char core_shims[4400];
		DIR *d;
		struct dirent *e;

		snprintf(core_shims, sizeof core_shims, "%s/shims", g->core);
		shim_dir = open(core_shims, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		d = shim_dir < 0 ? NULL : fdopendir(shim_dir);
		while (d && (e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof path, "%s/%s", shims, e->d_name);
			if (copy_regular_at(dirfd(d), e->d_name, path, 0755, MAX_ARTIFACT_BYTES) < 0) {
				snprintf(error, size, "cannot copy the shim %s: %s", e->d_name,
					 strerror(errno));
				ok = false;
			}
		}
		if (d)
			closedir(d);
		else
			ok = false;
	}
	if (out_dir >= 0)
		close(out_dir);
	free(names);
	return ok;
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

void run_suite(const struct grading *g, struct lab_report *report)
{
	const struct catalogue_lab *lab = report->lab;
	struct command_outcome *o = calloc(1, sizeof *o);
	bool *done = calloc(lab->count + 1, sizeof *done);
	char run[4300], error[600], only[8192];
	struct suite_run state = { g, report, done, -1, 0 };
	bool selected = g->only != NULL;

	snprintf(run, sizeof run, "%s/%s", g->run_dir, lab->name);
	if (o == NULL || done == NULL || remove_tree(run) < 0 || mkdir(run, 0755) < 0 ||
	    !copy_artifacts(g, lab, run, error, sizeof error)) {
		snprintf(report->note, sizeof report->note, "could not prepare the run: %s",
			 o && done ? error : strerror(errno));
		free(o);
		free(done);
		return;
	}
	if (!sandbox_active()) {
		/* The suite's scratch folder, on the host: only without a sandbox. */
		char tmp[4400];

		snprintf(tmp, sizeof tmp, "%s/tmp", run);
		if (mkdir(tmp, 0700) < 0 || sandbox_hand_over(tmp, false) < 0) {
			snprintf(report->note, sizeof report->note, "cannot create %.300s", tmp);
			free(o);
			free(done);
			return;
		}
	}
	for (size_t attempt = 0; attempt <= lab->count; attempt++) {
		struct argv_builder argv = { 0 };
		struct command c = { 0 };

		remaining_items(report, done, only, sizeof only);
		if (only[0] == '\0')
			break;
		sandbox_run_argv(g, run, attempt > 0 || selected ? only : NULL, &argv);
		c.argv = argv.argv;
		c.results_pipe = true;
		c.on_line = on_line;
		c.ctx = &state;
		c.deadline = monotonic_seconds() + START_SECONDS * g->scale;
		state.current = -1;
		state.reported = 0;
		if (command_run(&c, o) < 0) {
			snprintf(report->note, sizeof report->note, "cannot run the suite: %s",
				 strerror(o->spawn_errno));
			argv_free(&argv);
			break;
		}
		argv_free(&argv);
		if (driver_interrupted)
			break;
		if (state.current >= 0) {
			lost_item(&report->results[state.current], o);
			done[state.current] = true;
		} else if (state.reported == 0) {
			char last[320];

			last_line(o->output, last, sizeof last);
			snprintf(report->note, sizeof report->note,
				 "the suite stopped before its first test%s%s%s",
				 o->timed_out ? " (it did not answer)" : "",
				 last[0] ? ": " : "", last);
			break;
		}
	}
	for (size_t i = 0; i < lab->count; i++) {
		struct result *r = &report->results[i];

		if (!done[i] && r->hint[0] == '\0')
			snprintf(r->hint, sizeof r->hint, "no result: %.700s",
				 driver_interrupted ? "the grader was interrupted"
				 : report->note[0] ? report->note : "the suite stopped");
	}
	remove_tree(run);
	free(o);
	free(done);
}
