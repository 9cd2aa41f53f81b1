/*
 * batch.c - grade every submission of a folder, each on its own.
 *
 * Every folder in the submissions folder is one submission, holding lab
 * folders (NN-name/) directly, under labs/, or either one or two folders
 * down (find_lab_root); so is every .zip, .tar, .tar.gz or .tgz, as a
 * course's learning platform exports them, unpacked with bsdtar into the
 * submission's own folder and named without its suffix.  Each is graded as if it
 * were the only one: a build from nothing, a run folder and sandboxes of
 * its own, and a seed of its own (from the run's seed and the
 * submission's name, so that a batch reproduces): no submission sees
 * anything of another, and identical submissions get identical scores in
 * any order.  Reports: OUT/<submission>.txt and .json, the class summary
 * OUT/summary.csv and OUT/summary.json, and OUT/items.csv: how many
 * submissions passed each item, the hardest first.  Progress goes to
 * stderr, a line per submission with the time left.
 */
#include "driver.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum { UNPACK_SECONDS = 60 };	/* an archive that takes longer is not unpacked */

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

/* One submission's line of the class summary. */
struct summary_row {
	const char *name, *note;
	int score, max, findings;
};

/* The archives a learning platform exports, which bsdtar unpacks. */
static const char *const archive_suffixes[] = { ".zip", ".tar.gz", ".tgz", ".tar" };

/* The length of name without its archive suffix, or 0 when it has none. */
static size_t archive_stem(const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < sizeof archive_suffixes / sizeof archive_suffixes[0]; i++) {
		size_t n = strlen(archive_suffixes[i]);

		if (len > n && strcasecmp(name + len - n, archive_suffixes[i]) == 0)
			return len - n;
	}
	return 0;
}

/*
 * Unpacks archive into the folder into.  bsdtar refuses absolute paths,
 * ".." and extraction through links; owners and modes are not taken from
 * the archive.  False with bsdtar's first line in why.
 */
static bool unpack(const char *archive, const char *into, char *why, size_t size)
{
	char *const argv[] = {
		"bsdtar", "-x", "--no-same-owner", "--no-same-permissions", "-C", (char *)into,
		"-f", (char *)archive, NULL,
	};
	struct command c = { .argv = argv, .deadline = monotonic_seconds() + UNPACK_SECONDS };
	struct command_outcome *o = calloc(1, sizeof *o);
	bool ok;

	if (o == NULL) {
		snprintf(why, size, "out of memory");
		return false;
	}
	ok = command_run(&c, o) == 0 && !o->timed_out && WIFEXITED(o->status) &&
	     WEXITSTATUS(o->status) == 0;
	if (!ok)
		snprintf(why, size, "%s", o->spawn_errno ? "bsdtar is missing (Debian: "
			 "libarchive-tools)" : o->timed_out ? "bsdtar ran out of time" :
			 o->output_len ? strtok(o->output, "\n") : "bsdtar failed");
	free(o);
	return ok;
}

/*
 * One submission, graded in a folder of its own; false, and why in
 * row->note, if it is neither a folder nor an archive that unpacks.
 */
static bool grade_one(const struct grading *base, const char *dir, const char *name,
		      size_t index, const struct catalogue_lab **chosen, size_t count,
		      struct lab_report *reports, const char *out, struct summary_row *row)
{
	char folder[4500], src[4500], own[4400], build[4500], run[4500], unpacked[4500];
	char report_name[300];
	struct grading g = *base;
	double started = monotonic_seconds();
	FILE *txt, *js;
	struct stat st;

	snprintf(folder, sizeof folder, "%s/%s", dir, name);
	snprintf(own, sizeof own, "%s/submission-%zu", base->run_dir, index);
	snprintf(build, sizeof build, "%s/build", own);
	snprintf(run, sizeof run, "%s/run", own);
	snprintf(unpacked, sizeof unpacked, "%s/unpacked", own);
	if (lstat(folder, &st) < 0 || !(S_ISDIR(st.st_mode) ||
					(S_ISREG(st.st_mode) && archive_stem(name) > 0))) {
		row->note = "neither a folder nor an archive (.zip, .tar, .tar.gz, .tgz)";
		return false;
	}
	if (mkdir(own, 0711) < 0 || mkdir(build, 0755) < 0 || mkdir(run, 0711) < 0 ||
	    mkdir(unpacked, 0700) < 0) {
		fprintf(stderr, "ipcgrade: cannot create %s: %s\n", own, strerror(errno));
		exit(2);
	}
	if (S_ISREG(st.st_mode)) {
		static char why[300];

		if (!unpack(folder, unpacked, why, sizeof why)) {
			row->note = why;
			remove_tree(own);
			return false;
		}
		snprintf(folder, sizeof folder, "%s", unpacked);
	}
	find_lab_root(folder, src, sizeof src);
	g.src = src;
	g.build = build;
	g.run_dir = run;
	g.fresh = true;
	g.seed = submission_seed(base->seed, name);
	grade_labs(&g, chosen, count, reports);
	/* A submission named like a class file must not replace it. */
	snprintf(report_name, sizeof report_name, "%s%s", row->name,
		 strcmp(row->name, "summary") == 0 || strcmp(row->name, "items") == 0
		 ? "-submission" : "");
	txt = open_out(out, report_name, "txt");
	js = open_out(out, report_name, "json");
	report_render(txt, FORMAT_TEXT, &g, reports, count, monotonic_seconds() - started, false);
	report_render(js, FORMAT_JSON, &g, reports, count, monotonic_seconds() - started, false);
	fclose(txt);
	fclose(js);
	remove_tree(own);
	return true;
}

/* A submission's name for the console: control characters shown as '?'. */
static const char *shown_name(const char *name, char *shown, size_t size)
{
	size_t n = 0;

	for (const char *p = name; *p && n < size - 1; p++)
		shown[n++] = (unsigned char)*p < 32 || *p == 127 ? '?' : *p;
	shown[n] = '\0';
	return shown;
}

/* One line of the console's summary. */
static void print_row(const char *name, int score, int max, int findings, const char *note)
{
	char shown[64];

	printf("%-30s %4d/%d", shown_name(name, shown, sizeof shown), score, max);
	if (findings)
		printf("  integrity findings: %d", findings);
	if (*note)
		printf("  %s", note);
	printf("\n");
	fflush(stdout);
}

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
static void grade_and_sum(const struct grading *base, const char *dir, const char *entry,
			  size_t index, const struct catalogue_lab **chosen, size_t count,
			  struct lab_report *reports, const char *out, struct summary_row *row)
{
	bool any = false;

	if (!grade_one(base, dir, entry, index, chosen, count, reports, out, row)) {
		fprintf(stderr, "ipcgrade: %s/%s: %s, skipped\n", dir, entry, row->note);
		for (size_t l = 0; l < count; l++)
			for (size_t i = 0; i < chosen[l]->count; i++)
				row->max += chosen[l]->tests[i].points;
		return;
	}
	for (size_t l = 0; l < count; l++)
		any = any || !reports[l].missing;
	if (!any) {
		row->note = "no lab folders found";
		fprintf(stderr, "ipcgrade: %s/%s: no lab folders found\n", dir, entry);
	}
	report_totals(reports, count, &row->score, &row->max);
	row->findings = report_integrity_count(reports, count);
}

/* How many submissions passed each item of the chosen labs. */
struct item_tally {
	const char *lab, *item;
	int points;
	size_t passed;
	size_t order;             /* in the labs' tables: ties keep it */
};

static struct item_tally *tally_new(const struct catalogue_lab **chosen, size_t count,
				    size_t *items)
{
	struct item_tally *t;
	size_t n = 0;

	for (size_t l = 0; l < count; l++)
		n += chosen[l]->count;
	t = calloc(n ? n : 1, sizeof *t);
	if (t == NULL) {
		perror("ipcgrade");
		exit(2);
	}
	n = 0;
	for (size_t l = 0; l < count; l++)
		for (size_t i = 0; i < chosen[l]->count; i++, n++)
			t[n] = (struct item_tally){ chosen[l]->name, chosen[l]->tests[i].name,
						    chosen[l]->tests[i].points, 0, n };
	*items = n;
	return t;
}

static void tally_add(struct item_tally *t, const struct lab_report *reports, size_t count)
{
	size_t n = 0;

	for (size_t l = 0; l < count; l++)
		for (size_t i = 0; i < reports[l].lab->count; i++, n++)
			t[n].passed += reports[l].results &&
				       reports[l].results[i].status == RESULT_PASS;
}

static int fewest_passed_first(const void *a, const void *b)
{
	const struct item_tally *x = a, *y = b;

	if (x->passed != y->passed)
		return x->passed < y->passed ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* OUT/items.csv: each item, how many of the submissions passed it, the hardest first. */
static void write_tally(const char *out, struct item_tally *t, size_t items, size_t graded)
{
	FILE *csv = open_out(out, "items", "csv");

	qsort(t, items, sizeof *t, fewest_passed_first);
	fprintf(csv, "lab,item,points,passed,submissions\n");
	for (size_t i = 0; i < items; i++)
		fprintf(csv, "%s,%s,%d,%zu,%zu\n", t[i].lab, t[i].item, t[i].points, t[i].passed,
			graded);
	fclose(csv);
}

/* The submissions folder holds out, or is it: its reports would be graded. */
static bool inside(const char *out, const char *dir)
{
	char real[4096];
	size_t n = strlen(dir);

	return realpath(out, real) != NULL && strncmp(real, dir, n) == 0 &&
	       (real[n] == '\0' || real[n] == '/');
}

/* One line of progress on stderr: k/N, the submission, its score, the time left. */
static void progress(size_t k, size_t n, const struct summary_row *row, double started)
{
	double spent = monotonic_seconds() - started;
	double left = spent / (double)k * (double)(n - k);
	char shown[64];

	fprintf(stderr, "ipcgrade: [%zu/%zu] %s: %d/%d, about %d:%02d left\n", k, n,
		shown_name(row->name, shown, sizeof shown), row->score, row->max,
		(int)left / 60, (int)left % 60);
}

int grade_batch(const struct grading *base, const char *dir, const char *out,
		const struct catalogue_lab **chosen, size_t count)
{
	size_t n, items, graded = 0;
	char **names = list_submissions(dir, &n);
	struct item_tally *tally = tally_new(chosen, count, &items);
	double started = monotonic_seconds();
	FILE *csv, *json;

	if (make_dirs(out, 0755) < 0) {
		fprintf(stderr, "ipcgrade: cannot create the output folder %s: %s\n", out,
			strerror(errno));
		exit(2);
	}
	if (inside(out, dir)) {
		rmdir(out);	/* when it was made just now, empty */
		fprintf(stderr, "ipcgrade: the output folder %s is inside the submissions "
			"folder %s: choose one outside it\n", out, dir);
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
		size_t stem = archive_stem(names[s]);
		struct summary_row row = { .name = names[s], .note = "" };

		if (reports == NULL) {
			perror("ipcgrade");
			exit(2);
		}
		/* An archive's submission is named without the suffix. */
		if (stem > 0)
			row.name = strndup(names[s], stem);
		if (row.name == NULL) {
			perror("ipcgrade");
			exit(2);
		}
		grade_and_sum(base, dir, names[s], s, chosen, count, reports, out, &row);
		if (reports[0].lab) {
			tally_add(tally, reports, count);
			graded++;
		}
		write_row(csv, json, s == 0, &row, reports, count);
		progress(s + 1, n, &row, started);
		free_reports(reports, count);
		free(reports);
		if (row.name != names[s])
			free((char *)row.name);
		free(names[s]);
	}
	fprintf(json, "\n]\n");
	fclose(csv);
	fclose(json);
	write_tally(out, tally, items, graded);
	free(tally);
	free(names);
	printf("class summary: %s/summary.csv and %s/summary.json; per item: %s/items.csv\n",
	       out, out, out);
	return 0;
}
