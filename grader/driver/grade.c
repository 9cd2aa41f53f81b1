/*
 * grade.c - grade the labs of one tree: build each, run its suite.  Labs
 * are graded side by side, as many at once as the machine has CPUs, each
 * in a worker process that sends its report back.
 */
#include "driver.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* Builds the lab and runs its suite; lr is initialised. */
static void grade_one(const struct grading *g, struct lab_report *lr)
{
	if (driver_interrupted) {
		fail_all(lr, "not graded: the grader was interrupted");
		return;
	}
	if (!lab_present(g, lr->lab)) {
		lr->missing = true;
		fail_all(lr, "the lab's folder is missing");
		return;
	}
	lr->built = build_lab(g, lr);
	if (!lr->built) {
		char first[300];

		snprintf(first, sizeof first, "the lab does not build: %.*s",
			 (int)strcspn(lr->build_errors, "\n"), lr->build_errors);
		fail_all(lr, first);
		return;
	}
	run_suite(g, lr);
	for (size_t i = 0; i < lr->lab->count; i++)
		if (lr->results[i].status != RESULT_PASS && lr->results[i].snapshot[0])
			picture_write(g, lr->lab, &lr->results[i]);
}

/* ---- labs side by side: each in a worker process of its own ---- */

struct worker {
	pid_t pid;               /* -1: the lab was graded here */
	int fd;                  /* its report comes on it */
};

static bool write_all(int fd, const void *data, size_t size)
{
	const char *p = data;

	while (size > 0) {
		ssize_t n = write(fd, p, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		size -= (size_t)n;
	}
	return true;
}

static bool read_all(int fd, void *data, size_t size)
{
	char *p = data;

	while (size > 0) {
		ssize_t n = read(fd, p, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		size -= (size_t)n;
	}
	return true;
}

/* Grades lr in a child, which sends the report back: the struct, then its results. */
static void start_worker(const struct grading *g, struct lab_report *lr, struct worker *w)
{
	int report[2];

	w->pid = -1;
	if (pipe2(report, O_CLOEXEC) == 0) {
		fflush(NULL);
		w->pid = fork();
		if (w->pid == 0) {
			close(report[0]);
			driver_become_subreaper();
			grade_one(g, lr);
			_exit(write_all(report[1], lr, sizeof *lr) &&
			      write_all(report[1], lr->results, lr->lab->count * sizeof *lr->results)
			      ? 0 : 1);
		}
		close(report[1]);
		w->fd = report[0];
		if (w->pid < 0)
			close(report[0]);
	}
	if (w->pid < 0)
		grade_one(g, lr); /* no worker: here, then */
}

static void finish_worker(struct lab_report *lr, struct worker *w)
{
	struct lab_report got;
	bool whole;
	int status;

	if (w->pid < 0)
		return;
	whole = read_all(w->fd, &got, sizeof got) &&
		read_all(w->fd, lr->results, lr->lab->count * sizeof *lr->results);
	close(w->fd);
	while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!whole) {
		fail_all(lr, "not graded: the grader's process for this lab ended without a report");
		return;
	}
	/* The pointers are the child's copies of ours: keep ours. */
	got.lab = lr->lab;
	got.results = lr->results;
	*lr = got;
}

void grade_labs(const struct grading *g, const struct catalogue_lab **chosen,
		size_t count, struct lab_report *reports)
{
	const size_t jobs = g->lab_jobs > 0 ? (size_t)g->lab_jobs : (size_t)get_nprocs();
	struct worker *workers = calloc(count + 1, sizeof *workers);
	size_t started = 0;

	sandbox_decide(g);
	for (size_t l = 0; l < count; l++)
		init_report(&reports[l], chosen[l]);
	if (workers == NULL || jobs <= 1 || count <= 1) {
		for (size_t l = 0; l < count; l++)
			grade_one(g, &reports[l]);
		free(workers);
		return;
	}
	/* A window of jobs labs at once; the reports are read in order. */
	for (size_t l = 0; l < count; l++) {
		while (started < count && started < l + jobs) {
			start_worker(g, &reports[started], &workers[started]);
			started++;
		}
		finish_worker(&reports[l], &workers[l]);
	}
	free(workers);
}

void free_reports(struct lab_report *reports, size_t count)
{
	for (size_t l = 0; l < count; l++) {
		free(reports[l].results);
		reports[l].results = NULL;
	}
}
