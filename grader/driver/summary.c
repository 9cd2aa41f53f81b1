/*
 * summary.c - the class summary of a batch.
 *
 * Each submission's line is kept in OUT/.rows/<report name>.row, with the
 * labs it covers and a signature of the submission's files: regrading one
 * student (--student) rewrites that row only, going on after an
 * interruption (--resume) keeps the rows of unchanged submissions, and the
 * class files are written from every row each time: summary.csv,
 * summary.json, items.csv (how many submissions passed each item, the
 * hardest first) and class.html (the same, and the scores, as charts).
 */
#include "driver.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

FILE *batch_open_out(const char *dir, const char *name, const char *ext)
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

void csv_field(FILE *f, const char *s)
{
	fputc('"', f);
	if (strchr("=+-@", *s) && *s)
		fputc('\'', f);	/* shown as text, never run as a formula */
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
	}
	fputc('"', f);
}

void row_from_reports(struct summary_row *row, const struct lab_report *reports, size_t count)
{
	size_t n = 0;

	for (size_t l = 0; l < count && l < ROW_MAX_LABS; l++) {
		int max;

		report_totals(&reports[l], 1, &row->lab_scores[l], &max);
		for (size_t i = 0; i < reports[l].lab->count && n < ROW_MAX_ITEMS; i++)
			row->items[n++] = reports[l].results &&
					  reports[l].results[i].status == RESULT_PASS ? 'p' : '-';
	}
	row->items[n] = '\0';
	report_totals(reports, count, &row->score, &row->max);
	row->findings = report_integrity_count(reports, count);
	row->graded = true;
}

void row_not_graded(struct summary_row *row, const struct catalogue_lab **chosen,
		    size_t count, const char *note)
{
	size_t n = 0;

	snprintf(row->note, sizeof row->note, "%s", note);
	for (size_t l = 0; l < count; l++)
		for (size_t i = 0; i < chosen[l]->count; i++) {
			row->max += chosen[l]->tests[i].points;
			if (n < ROW_MAX_ITEMS)
				row->items[n++] = '-';
		}
	row->items[n] = '\0';
	row->graded = false;
}

/* The labs a row covers, as a key: "01-shared-anon,02-address-layout". */
static void labs_key(const struct catalogue_lab **chosen, size_t count, char *key,
		     size_t size)
{
	key[0] = '\0';
	for (size_t l = 0; l < count; l++)
		snprintf(key + strlen(key), size - strlen(key), "%s%s", l ? "," : "",
			 chosen[l]->name);
}

/* s with tabs and line ends made spaces: one field of a row file. */
static void one_line(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
	fputc('\n', f);
}

void row_save(const char *out, const char *file, const struct summary_row *row,
	      const struct catalogue_lab **chosen, size_t count)
{
	char dir[4200], key[2048];
	FILE *f;

	snprintf(dir, sizeof dir, "%s/.rows", out);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "ipcgrade: cannot create %s: %s\n", dir, strerror(errno));
		exit(2);
	}
	labs_key(chosen, count, key, sizeof key);
	f = batch_open_out(dir, file, "row");
	fprintf(f, "labs %s\nsignature %s\ngraded %d\nscore %d %d %d\nitems %s\nlab_scores",
		key, row->signature, row->graded, row->score, row->max, row->findings,
		row->items);
	for (size_t l = 0; l < count && l < ROW_MAX_LABS; l++)
		fprintf(f, " %d", row->lab_scores[l]);
	fprintf(f, "\nname ");
	one_line(f, row->name);
	fprintf(f, "note ");
	one_line(f, row->note);
	if (fclose(f) == EOF) {
		fprintf(stderr, "ipcgrade: cannot write the row of %s: %s\n", file,
			strerror(errno));
		exit(2);
	}
}

/* The lab scores of a row file's line: as many numbers as labs, or false. */
static bool parse_scores(const char *text, int *scores, size_t count)
{
	char *end;

	for (size_t l = 0; l < count && l < ROW_MAX_LABS; l++, text = end) {
		scores[l] = (int)strtol(text, &end, 10);
		if (end == text)
			return false;
	}
	return true;
}

void row_forget(const char *out, const char *file)
{
	char path[4400];

	snprintf(path, sizeof path, "%s/.rows/%s.row", out, file);
	if (unlink(path) < 0 && errno != ENOENT) {
		fprintf(stderr, "ipcgrade: cannot remove %s: %s\n", path, strerror(errno));
		exit(2);
	}
}

bool row_load(const char *out, const char *file, struct summary_row *row,
	      const struct catalogue_lab **chosen, size_t count)
{
	char path[4400], key[2048], *text, *save = NULL;
	size_t len;
	int seen = 0, graded = 0;
	bool same_labs = false, ok = true;

	snprintf(path, sizeof path, "%s/.rows/%s.row", out, file);
	text = read_file(path, 64 * 1024, &len);
	if (text == NULL)
		return false;
	labs_key(chosen, count, key, sizeof key);
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *value = strchr(line, ' ');

		if (value == NULL)
			continue;
		*value++ = '\0';
		seen++;
		if (strcmp(line, "labs") == 0)
			same_labs = strcmp(value, key) == 0;
		else if (strcmp(line, "signature") == 0)
			snprintf(row->signature, sizeof row->signature, "%s", value);
		else if (strcmp(line, "graded") == 0)
			ok = ok && sscanf(value, "%d", &graded) == 1;
		else if (strcmp(line, "score") == 0)
			ok = ok && sscanf(value, "%d %d %d", &row->score, &row->max,
					  &row->findings) == 3;
		else if (strcmp(line, "items") == 0)
			snprintf(row->items, sizeof row->items, "%s", value);
		else if (strcmp(line, "lab_scores") == 0)
			ok = ok && parse_scores(value, row->lab_scores, count);
		else if (strcmp(line, "note") == 0)
			snprintf(row->note, sizeof row->note, "%s", value);
		else
			seen--;	/* "name", or a line this version does not know */
	}
	free(text);
	row->graded = graded != 0;
	return ok && same_labs && seen == 7;
}

/* One item's passes, for items.csv. */
struct item_tally {
	const char *lab, *item;
	int points;
	size_t passed, order;     /* order: in the labs' tables, which ties keep */
};

static int fewest_passed_first(const void *a, const void *b)
{
	const struct item_tally *x = a, *y = b;

	if (x->passed != y->passed)
		return x->passed < y->passed ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * The picture of one failing submission's processes for item t (the first
 * in the rows' order that has one), inline: the page names no student, so
 * neither does a link.  The SVG is graphviz's, from an escaped graph.  The
 * section's heading comes before the first (*shown 0).
 */
static bool embed_picture(FILE *f, const char *out, const struct item_tally *t,
			  const struct summary_row *rows, size_t n, size_t shown)
{
	for (size_t s = 0; s < n; s++) {
		char file[300], path[4800], *svg, *start;
		size_t len;

		if (!rows[s].graded || strlen(rows[s].items) <= t->order ||
		    rows[s].items[t->order] == 'p')
			continue;
		report_name(rows[s].name, file, sizeof file);
		snprintf(path, sizeof path, "%s/pictures/%s/%.2s-%s.svg", out, file, t->lab,
			 t->item);
		svg = read_file(path, 512 * 1024, &len);
		start = svg && memchr(svg, '\0', len) == NULL ? strstr(svg, "<svg") : NULL;
		if (start != NULL && shown == 0)
			fprintf(f, "<h2>What went wrong, drawn</h2>\n<p>For the hardest items "
				"that hung or left something behind: one failing submission's "
				"processes, descriptors and objects at that moment. Red: the "
				"culprit (a pipe end held open, a descriptor or object left "
				"behind); blue: what a process sleeps on. Each submission's own "
				"pictures are in pictures/.</p>\n");
		if (start != NULL)
			fprintf(f, "<h3>%.2s %s</h3>\n<div class=\"picture\">%s</div>\n", t->lab,
				t->item, start);
		free(svg);
		if (start != NULL)
			return true;
	}
	return false;
}

/*
 * class.html: the class on one page, for the instructor: how the scores
 * spread (tenths of the maximum) and each item's pass rate, the hardest
 * first, as SVG bars; then, for the hardest items that hung or leaked,
 * the picture of one failing submission's processes.  It names items,
 * never students.
 */
static void write_class_page(const char *out, const struct item_tally *t, size_t items,
			     size_t graded, const struct summary_row *rows, size_t n)
{
	enum { BAR = 18, LABEL = 330, WIDTH = 360, MAX_EMBEDDED = 12 };
	FILE *f = batch_open_out(out, "class", "html");
	size_t tenths[11] = { 0 }, tallest = 1;

	for (size_t s = 0; s < n; s++)
		if (rows[s].graded && rows[s].max > 0)
			tenths[(size_t)rows[s].score * 10 / (size_t)rows[s].max]++;
	for (size_t b = 0; b <= 10; b++)
		tallest = tenths[b] > tallest ? tenths[b] : tallest;
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">"
		"<title>IPC Lab Workbook: the class</title>\n<style>body { font-family: "
		"sans-serif; max-width: 50em; margin: 2em auto; } text { font-size: 12px; }"
		"</style></head>\n<body>\n<h1>The class</h1>\n<p>%zu submissions, %zu of "
		"them graded (the others: see summary.csv).</p>\n<h2>Scores</h2>\n"
		"<p>How many submissions scored each tenth of the maximum.</p>\n"
		"<svg width=\"%d\" height=\"190\" role=\"img\" aria-label=\"score "
		"distribution\">\n", n, graded, 11 * 50 + 20);
	for (size_t b = 0; b <= 10; b++) {
		int h = (int)(140 * tenths[b] / tallest);

		fprintf(f, "<rect x=\"%zu\" y=\"%d\" width=\"40\" height=\"%d\" "
			"fill=\"#4a7ab5\"/><text x=\"%zu\" y=\"%d\">%zu</text>"
			"<text x=\"%zu\" y=\"180\">%s%zu%%</text>\n", 10 + b * 50, 150 - h, h,
			22 + b * 50, 145 - h, tenths[b], 10 + b * 50, b == 10 ? "" : "≥", b * 10);
	}
	fprintf(f, "</svg>\n<h2>Items, the hardest first</h2>\n<p>The share of the graded "
		"submissions that passed each item.</p>\n<svg width=\"%d\" height=\"%zu\" "
		"role=\"img\" aria-label=\"pass rate per item\">\n", LABEL + WIDTH + 60,
		items * BAR + 10);
	for (size_t i = 0; i < items; i++) {
		double rate = graded ? (double)t[i].passed / (double)graded : 0.0;

		fprintf(f, "<text x=\"0\" y=\"%zu\">%.2s %s</text><rect x=\"%d\" y=\"%zu\" "
			"width=\"%.0f\" height=\"%d\" fill=\"%s\"/><text x=\"%.0f\" y=\"%zu\">"
			"%.0f%% (%zu)</text>\n", i * BAR + 13, t[i].lab, t[i].item, LABEL,
			i * BAR + 2, rate * WIDTH, BAR - 4, rate < 0.5 ? "#c0504d" : "#4a7ab5",
			LABEL + rate * WIDTH + 4, i * BAR + 13, rate * 100, t[i].passed);
	}
	fprintf(f, "</svg>\n");
	for (size_t i = 0, shown = 0; i < items && shown < MAX_EMBEDDED; i++)
		if (t[i].passed < graded && embed_picture(f, out, &t[i], rows, n, shown))
			shown++;
	fprintf(f, "</body>\n</html>\n");
	fclose(f);
}

/* items.csv: each item, how many of the graded submissions passed it, the hardest first. */
static void write_items(const char *out, const struct catalogue_lab **chosen, size_t count,
			const struct summary_row *rows, size_t n)
{
	struct item_tally *t;
	size_t items = 0, graded = 0;
	FILE *csv;

	for (size_t l = 0; l < count; l++)
		items += chosen[l]->count;
	t = calloc(items ? items : 1, sizeof *t);
	if (t == NULL) {
		perror("ipcgrade");
		exit(2);
	}
	items = 0;
	for (size_t l = 0; l < count; l++)
		for (size_t i = 0; i < chosen[l]->count; i++, items++)
			t[items] = (struct item_tally){ chosen[l]->name, chosen[l]->tests[i].name,
							chosen[l]->tests[i].points, 0, items };
	for (size_t s = 0; s < n; s++) {
		if (!rows[s].graded)
			continue;
		graded++;
		for (size_t i = 0; i < items && rows[s].items[i]; i++)
			t[i].passed += rows[s].items[i] == 'p';
	}
	qsort(t, items, sizeof *t, fewest_passed_first);
	csv = batch_open_out(out, "items", "csv");
	fprintf(csv, "lab,item,points,passed,submissions\n");
	for (size_t i = 0; i < items; i++)
		fprintf(csv, "%s,%s,%d,%zu,%zu\n", t[i].lab, t[i].item, t[i].points, t[i].passed,
			graded);
	fclose(csv);
	write_class_page(out, t, items, graded, rows, n);
	free(t);
}

void summary_write(const char *out, const struct catalogue_lab **chosen, size_t count,
		   const struct summary_row *rows, size_t n)
{
	FILE *csv = batch_open_out(out, "summary", "csv");
	FILE *json = batch_open_out(out, "summary", "json");

	fprintf(csv, "submission");
	for (size_t l = 0; l < count; l++)
		fprintf(csv, ",%s", chosen[l]->name);
	fprintf(csv, ",total,max,integrity,note\n");
	fprintf(json, "[");
	for (size_t s = 0; s < n; s++) {
		const struct summary_row *row = &rows[s];

		csv_field(csv, row->name);
		for (size_t l = 0; l < count && l < ROW_MAX_LABS; l++)
			fprintf(csv, ",%d", row->lab_scores[l]);
		fprintf(csv, ",%d,%d,%d,", row->score, row->max, row->findings);
		csv_field(csv, row->note);
		fputc('\n', csv);
		fprintf(json, "%s\n  {\"submission\": ", s == 0 ? "" : ",");
		json_string(json, row->name);
		fprintf(json, ", \"score\": %d, \"max_score\": %d, \"integrity_findings\": %d, "
			"\"note\": ", row->score, row->max, row->findings);
		json_string(json, row->note);
		fprintf(json, "}");
	}
	fprintf(json, "\n]\n");
	fclose(csv);
	fclose(json);
	write_items(out, chosen, count, rows, n);
}
