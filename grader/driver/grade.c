/* grade.c - grade the labs of one tree: build each, run its suite. */
#include "driver.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void init_report(struct lab_report *lr, const struct catalogue_lab *lab)
{
	memset(lr, 0, sizeof *lr);
	lr->lab = lab;
	lr->results = calloc(lab->count ? lab->count : 1, sizeof *lr->results);
	if (lr->results == NULL) {
		perror("ipcgrade");
		exit(2);
	}
	for (size_t i = 0; i < lab->count; i++) {
		struct result *r = &lr->results[i];

		snprintf(r->name, sizeof r->name, "%s", lab->tests[i].name);
		r->max = lab->tests[i].points;
		r->status = RESULT_ERROR;
	}
}

static void fail_all(struct lab_report *lr, const char *hint)
{
	for (size_t i = 0; i < lr->lab->count; i++)
		snprintf(lr->results[i].hint, sizeof lr->results[i].hint, "%s", hint);
}

/* Is there an entry for the lab (a folder, or something that is refused)? */
static bool lab_present(const struct grading *g, const struct catalogue_lab *lab)
{
	char folder[4400];
	struct stat st;

	snprintf(folder, sizeof folder, "%s/%s", g->src, lab->name);
	return lstat(folder, &st) == 0;
}

void grade_labs(const struct grading *g, const struct catalogue_lab **chosen,
		size_t count, struct lab_report *reports)
{
	sandbox_decide(g);
	for (size_t l = 0; l < count; l++) {
		struct lab_report *lr = &reports[l];

		init_report(lr, chosen[l]);
		if (driver_interrupted) {
			fail_all(lr, "not graded: the grader was interrupted");
			continue;
		}
		if (!lab_present(g, chosen[l])) {
			lr->missing = true;
			fail_all(lr, "the lab's folder is missing");
			continue;
		}
		lr->built = build_lab(g, lr);
		if (!lr->built) {
			char first[300];

			snprintf(first, sizeof first, "the lab does not build: %.*s",
				 (int)strcspn(lr->build_errors, "\n"), lr->build_errors);
			fail_all(lr, first);
			continue;
		}
		run_suite(g, lr);
	}
}

void free_reports(struct lab_report *reports, size_t count)
{
	for (size_t l = 0; l < count; l++) {
		free(reports[l].results);
		reports[l].results = NULL;
	}
}
