/*
 * batch.c - grade every submission of a folder, each on its own.
 *
 * Every folder in the submissions folder is one submission, holding lab
 * folders (NN-name/) directly or under labs/.  Each is graded as if it
 * were the only one: a build from nothing, a run folder and sandboxes of
 * its own, and a seed of its own (from the run's seed and the
 * submission's name, so that a batch reproduces): no submission sees
 * anything of another, and identical submissions get identical scores in
 * any order.  Reports: OUT/<submission>.txt and .json, and the class
 * summary OUT/summary.csv and OUT/summary.json.
 */
#include "driver.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static FILE *open_out(const char *dir, const char *name, const char *ext)
{
	char path[4400];
	int fd;
	FILE *f;

	snprintf(path, sizeof path, "%s/%s.%s", dir, name, ext);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	f = fd < 0 ? NULL : fdopen(fd, "w");
	if (f == NULL) {
		fprintf(stderr, "ipcgrade: cannot write %s: %s\n", path, strerror(errno));
		exit(2);
	}
	return f;
}

static void csv_field(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
	}
	fputc('"', f);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The submissions: every entry but the hidden ones, sorted. */
static char **list_submissions(const char *dir, size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;

	if (d == NULL) {
		fprintf(stderr, "ipcgrade: cannot read the submissions folder %s: %s\n", dir,
			strerror(errno));
		exit(2);
	}
	while ((e = readdir(d)) != NULL) {
		char **grown;

		if (e->d_name[0] == '.')
			continue;
		grown = realloc(names, (n + 1) * sizeof *names);
		if (grown == NULL || (grown[n] = strdup(e->d_name)) == NULL) {
			perror("ipcgrade");
			exit(2);
		}
		names = grown;
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof *names, compare_names);
	*count = n;
	return names;
}

/* The submission's own seed: the run's seed mixed with its name. */
static uint64_t submission_seed(uint64_t seed, const char *name)
{
	uint64_t h = 1469598103934665603ULL ^ seed;

	for (const char *p = name; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return h % 1000000000u + 1;
}

/* One submission, graded in a folder of its own; false if it is no folder. */
static bool grade_one(const struct grading *base, const char *dir, const char *name,
		      size_t index, const struct catalogue_lab **chosen, size_t count,
		      struct lab_report *reports, const char *out)
{
	char folder[4400], src[4500], own[4400], build[4500], run[4500], report_name[300];
	struct grading g = *base;
	double started = monotonic_seconds();
	FILE *txt, *js;

	snprintf(folder, sizeof folder, "%s/%s", dir, name);
	if (!real_dir(folder))
		return false;
	find_lab_root(folder, src, sizeof src);
	snprintf(own, sizeof own, "%s/submission-%zu", base->run_dir, index);
	snprintf(build, sizeof build, "%s/build", own);
	snprintf(run, sizeof run, "%s/run", own);
	if (mkdir(own, 0711) < 0 || mkdir(build, 0755) < 0 || mkdir(run, 0711) < 0) {
		fprintf(stderr, "ipcgrade: cannot create %s: %s\n", own, strerror(errno));
		exit(2);
	}
	g.src = src;
	g.build = build;
	g.run_dir = run;
	g.fresh = true;
	g.seed = submission_seed(base->seed, name);
	grade_labs(&g, chosen, count, reports);
	/* A submission named "summary" must not replace the class summary. */
	snprintf(report_name, sizeof report_name, "%s%s", name,
		 strcmp(name, "summary") == 0 ? "-submission" : "");
	txt = open_out(out, report_name, "txt");
	js = open_out(out, report_name, "json");
	report_render(txt, FORMAT_TEXT, &g, reports, count, monotonic_seconds() - started, false);
	report_render(js, FORMAT_JSON, &g, reports, count, monotonic_seconds() - started, false);
	fclose(txt);
	fclose(js);
	remove_tree(own);
	return true;
}

/* One line of the console's summary; control characters in a name shown as '?'. */
static void print_row(const char *name, int score, int max, int findings, const char *note)
{
	char shown[64];
	size_t n = 0;

	for (const char *p = name; *p && n < sizeof shown - 1; p++)
		shown[n++] = (unsigned char)*p < 32 || *p == 127 ? '?' : *p;
	shown[n] = '\0';
	printf("%-30s %4d/%d", shown, score, max);
	if (findings)
		printf("  integrity findings: %d", findings);
	if (*note)
		printf("  %s", note);
	printf("\n");
	fflush(stdout);
}

/* One submission's line of the class summary. */
struct summary_row {
	const char *name, *note;
	int score, max, findings;
};

/* Writes the summary's row in CSV and JSON, and prints it. */
static void write_row(FILE *csv, FILE *json, bool first, const struct summary_row *row,
		      const struct lab_report *reports, size_t count)
{
	csv_field(csv, row->name);
	for (size_t l = 0; l < count; l++) {
		int ls = 0, lm = 0;

		if (reports[l].lab)
			report_totals(&reports[l], 1, &ls, &lm);
		fprintf(csv, ",%d", ls);
	}
	fprintf(csv, ",%d,%d,%d,", row->score, row->max, row->findings);
	csv_field(csv, row->note);
	fputc('\n', csv);
	fprintf(json, "%s\n  {\"submission\": ", first ? "" : ",");
	json_string(json, row->name);
	fprintf(json, ", \"score\": %d, \"max_score\": %d, \"integrity_findings\": %d, "
		"\"note\": ", row->score, row->max, row->findings);
	json_string(json, row->note);
	fprintf(json, "}");
	print_row(row->name, row->score, row->max, row->findings, row->note);
}

/* Grades one submission (or says why not) and sums it up in row. */
static void grade_and_sum(const struct grading *base, const char *dir, size_t index,
			  const struct catalogue_lab **chosen, size_t count,
			  struct lab_report *reports, const char *out, struct summary_row *row)
{
	bool any = false;

	if (!grade_one(base, dir, row->name, index, chosen, count, reports, out)) {
		row->note = "not a folder";
		fprintf(stderr, "ipcgrade: %s/%s: not a folder, skipped\n", dir, row->name);
		for (size_t l = 0; l < count; l++)
			for (size_t i = 0; i < chosen[l]->count; i++)
				row->max += chosen[l]->tests[i].points;
		return;
	}
	for (size_t l = 0; l < count; l++)
		any = any || !reports[l].missing;
	if (!any) {
		row->note = "no lab folders found";
		fprintf(stderr, "ipcgrade: %s/%s: no lab folders found\n", dir, row->name);
	}
	report_totals(reports, count, &row->score, &row->max);
	row->findings = report_integrity_count(reports, count);
}

int grade_batch(const struct grading *base, const char *dir, const char *out,
		const struct catalogue_lab **chosen, size_t count)
{
	size_t n;
	char **names = list_submissions(dir, &n);
	FILE *csv, *json;

	if (make_dirs(out, 0755) < 0) {
		fprintf(stderr, "ipcgrade: cannot create the output folder %s: %s\n", out,
			strerror(errno));
		exit(2);
	}
	csv = open_out(out, "summary", "csv");
	json = open_out(out, "summary", "json");
	fprintf(csv, "submission");
	for (size_t l = 0; l < count; l++)
		fprintf(csv, ",%s", chosen[l]->name);
	fprintf(csv, ",total,max,integrity,note\n");
	fprintf(json, "[");
	for (size_t s = 0; s < n; s++) {
		struct lab_report *reports = calloc(count + 1, sizeof *reports);
		struct summary_row row = { .name = names[s], .note = "" };

		if (reports == NULL) {
			perror("ipcgrade");
			exit(2);
		}
		grade_and_sum(base, dir, s, chosen, count, reports, out, &row);
		write_row(csv, json, s == 0, &row, reports, count);
		free_reports(reports, count);
		free(reports);
		free(names[s]);
	}
	fprintf(json, "\n]\n");
	fclose(csv);
	fclose(json);
	free(names);
	printf("class summary: %s/summary.csv and %s/summary.json\n", out, out);
	return 0;
}
