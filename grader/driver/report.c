/*
 * report.c - the views of one result model: a text score card, Gradescope
 * JSON, TAP, JUnit XML and tab-separated lines for scripts.
 *
 * Every view shows the integrity findings: an item the code under test
 * tried to forge, or a grader process it broke, earns 0 and says why.
 * Text that student code may have influenced (hints quote its output) is
 * written as valid UTF-8 in every format: an invalid byte becomes U+FFFD.
 */
#include "driver.h"

#include <string.h>

static const char *const format_names[] = {
	[FORMAT_TEXT] = "text", [FORMAT_JSON] = "json", [FORMAT_TAP] = "tap",
	[FORMAT_JUNIT] = "junit", [FORMAT_TSV] = "tsv", [FORMAT_CLASSROOM] = "classroom",
};

int report_format_parse(const char *word, enum report_format *f)
{
	if (strcmp(word, "gradescope") == 0) {
		*f = FORMAT_JSON;
		return 0;
	}
	for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++) {
		if (strcmp(word, format_names[i]) == 0) {
			*f = (enum report_format)i;
			return 0;
		}
	}
	return -1;
}

void report_totals(const struct lab_report *labs, size_t count, int *score, int *max)
{
	*score = *max = 0;
	for (size_t l = 0; l < count; l++)
		for (size_t i = 0; i < labs[l].lab->count; i++) {
			*score += labs[l].results[i].score;
			*max += labs[l].results[i].max;
		}
}

int report_integrity_count(const struct lab_report *labs, size_t count)
{
	int n = 0;

	for (size_t l = 0; l < count; l++) {
		n += labs[l].integrity[0] != '\0';
		for (size_t i = 0; i < labs[l].lab->count; i++)
			n += labs[l].results[i].integrity[0] != '\0';
	}
	return n;
}

/* ---- UTF-8 ---- */

/* The length of the valid UTF-8 sequence at s, or 0. */
static size_t utf8_length(const unsigned char *s)
{
	size_t len;
	unsigned lowest;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, lowest = 0x80;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, lowest = 0x800;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, lowest = 0x10000;
	else
		return 0;
	unsigned code = s[0] & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		code = code << 6 | (s[i] & 0x3f);
	}
	if (code < lowest || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
		return 0;
	return len;
}

/* Writes s as valid UTF-8; escape() may write a character its own way. */
static void write_utf8(FILE *f, const char *s, bool (*escape)(FILE *, unsigned char))
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t len = utf8_length(p);

		if (len == 0) {
			fputs("\xef\xbf\xbd", f); /* U+FFFD */
			p++;
		} else if (len == 1) {
			if (!escape(f, *p))
				fputc(*p, f);
			p++;
		} else {
			fwrite(p, 1, len, f);
			p += len;
		}
	}
}

static bool json_escape(FILE *f, unsigned char c)
{
	if (c == '"' || c == '\\')
		fprintf(f, "\\%c", c);
	else if (c == '\n')
		fputs("\\n", f);
	else if (c < 32 || c == 127)
		fprintf(f, "\\u%04x", c);
	else
		return false;
	return true;
}

void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	write_utf8(f, s, json_escape);
	fputc('"', f);
}

static bool plain_escape(FILE *f, unsigned char c)
{
	if (c == '\n' || c == '\t' || (c >= 32 && c != 127))
		return false;
	fputc('?', f);
	return true;
}

/* ---- text ---- */

struct palette {
	const char *pass, *fail, *dim, *bold, *off;
};

/* Every line of text, indented. */
static void print_indented(FILE *f, const char *text, const char *indent)
{
	for (const char *line = text; *line;) {
		size_t len = strcspn(line, "\n");
		char one[600];

		snprintf(one, sizeof one, "%.*s", (int)len, line);
		fputs(indent, f);
		write_utf8(f, one, plain_escape);
		fputc('\n', f);
		line += len + (line[len] == '\n');
	}
}

/* The lab after this one in the catalogue, or NULL. */
static const struct catalogue_lab *next_lab(const struct catalogue_lab *lab)
{
	for (size_t i = 0; i + 1 < catalogue_count; i++)
		if (&catalogue[i] == lab || strcmp(catalogue[i].name, lab->name) == 0)
			return &catalogue[i + 1];
	return NULL;
}

/* Whether every item of the lab was graded and passed. */
static bool lab_complete(const struct lab_report *lr)
{
	const struct catalogue_lab *full = NULL;
	int score, max;

	for (size_t i = 0; i < catalogue_count; i++)
		if (strcmp(catalogue[i].name, lr->lab->name) == 0)
			full = &catalogue[i];
	report_totals(lr, 1, &score, &max);
	return lr->built && full != NULL && lr->lab->count == full->count && score == max;
}

/*
 * The picture of a hung item (picture.c): its SVG, or its graphviz file
 * when dot is not installed; shown relative to the working folder when it
 * is inside it.  False when the item has none.
 */
static bool picture_of(const struct grading *g, const struct lab_report *lr,
		       const struct result *r, char *out, size_t size)
{
	char path[4400], here[4096];
	size_t n;

	if (r->status == RESULT_PASS || !r->snapshot[0])
		return false;
	picture_path(g, lr->lab, r, "svg", path, sizeof path);
	if (access(path, R_OK) != 0)
		picture_path(g, lr->lab, r, "dot", path, sizeof path);
	if (access(path, R_OK) != 0)
		return false;
	n = getcwd(here, sizeof here) ? strlen(here) : 0;
	snprintf(out, size, "%s", n && strncmp(path, here, n) == 0 && path[n] == '/'
		 ? path + n + 1 : path);
	return true;
}

/* ---- figures (grader_figure): a leaderboard's, for passing items only ---- */

struct figure {
	char name[48];
	double value;
	bool ascending;           /* lower is better */
};

/* The index-th figure of r; false past the last (the watchdog checked their form). */
static bool figure_at(const struct result *r, size_t index, struct figure *fig)
{
	const char *line = r->figures;
	char order[8];

	if (r->status != RESULT_PASS)
		return false;
	for (size_t i = 0; i < index && line != NULL; i++)
		if ((line = strchr(line, '\n')) != NULL)
			line++;
	if (line == NULL || sscanf(line, "%47[^\t]\t%lf\t%7[a-z]", fig->name, &fig->value,
				   order) != 3)
		return false;
	fig->ascending = strcmp(order, "asc") == 0;
	return true;
}

static void render_text_lab(FILE *f, const struct grading *g, const struct lab_report *lr,
			    const struct palette *p, bool verbose)
{
	char picture[4400], tree[4096];
	int score, max;

	report_totals(lr, 1, &score, &max);
	fprintf(f, "\n%s%s%s\n", p->bold, lr->lab->name, p->off);
	if (lr->missing)
		fprintf(f, "  %sno folder %s: nothing to grade%s\n", p->fail, lr->lab->name,
			p->off);
	if (lr->integrity[0]) {
		fprintf(f, "  %sintegrity: ", p->fail);
		write_utf8(f, lr->integrity, plain_escape);
		fprintf(f, "%s\n", p->off);
	}
	if (!lr->built && !lr->missing) {
		fprintf(f, "  %sthe lab does not build; the compiler says:%s\n", p->fail, p->off);
		print_indented(f, lr->build_errors, "    ");
	}
	if (lr->built && lr->build_warnings[0]) {
		fprintf(f, "  %sthe compiler warns (a warning is often the bug):%s\n", p->fail,
			p->off);
		print_indented(f, lr->build_warnings, "    ");
	}
	for (size_t i = 0; i < lr->lab->count; i++) {
		const struct result *r = &lr->results[i];
		const bool ok = r->status == RESULT_PASS;
		const char *word = ok ? "PASS" : r->integrity[0] ? "FORGED"
				 : r->status == RESULT_TIMEOUT ? "TIME"
				 : r->status == RESULT_CRASH ? "CRASH"
				 : r->status == RESULT_ERROR ? "ERROR" : "FAIL";

		fprintf(f, "  %s%-6s%s %-41s %3d/%-3d %s%6.2fs%s\n", ok ? p->pass : p->fail,
			word, p->off, r->name, r->score, r->max, p->dim, r->seconds, p->off);
		if (!ok && r->hint[0] && lr->built) {
			fputs("        ", f);
			write_utf8(f, r->hint, plain_escape);
			fputc('\n', f);
		}
		if (picture_of(g, lr, r, picture, sizeof picture)) {
			fprintf(f, "        %sa picture of its processes: ", p->dim);
			write_utf8(f, picture, plain_escape);
			fprintf(f, "%s%s\n", strstr(picture, ".dot") ? " (graphviz's dot draws "
				"it as SVG)" : "", p->off);
		}
		if (!ok && verbose && lr->built && picture_tree(r->snapshot, tree, sizeof tree)) {
			fprintf(f, "        %sits processes when it failed:%s\n", p->dim, p->off);
			print_indented(f, tree, "        | ");
		}
		if (!ok && verbose && lr->built) {
			fprintf(f, "        %s%s%s\n", p->dim, r->transcript[0]
				? "what the test's last programs printed:"
				: "(the test ran no program: it called the lab's functions)", p->off);
			print_indented(f, r->transcript, "        | ");
		}
	}
	for (size_t i = 0; i < lr->lab->count; i++) {
		struct figure fig;

		for (size_t k = 0; figure_at(&lr->results[i], k, &fig); k++) {
			fprintf(f, "  %s%s ", p->dim, k == 0 ? "figures:" : "        ");
			write_utf8(f, fig.name, plain_escape);
			fprintf(f, " %.4g (%s is better)%s\n", fig.value,
				fig.ascending ? "lower" : "higher", p->off);
		}
	}
	if (lr->note[0]) {
		fprintf(f, "  %snote: ", p->dim);
		write_utf8(f, lr->note, plain_escape);
		fprintf(f, "%s\n", p->off);
	}
	fprintf(f, "  %s%s: %d/%d%s\n", p->bold, lr->lab->name, score, max, p->off);
	if (lab_complete(lr)) {
		const struct catalogue_lab *next = next_lab(lr->lab);

		if (next)
			fprintf(f, "  %sFull marks. Next: lab %s, handouts/%s.md (make grade "
				"LAB=%.2s)%s\n", p->pass, next->name, next->name, next->name,
				p->off);
		else
			fprintf(f, "  %sFull marks: that was the last lab.%s\n", p->pass, p->off);
	}
}

static void render_text(FILE *f, const struct grading *g,
			const struct lab_report *labs, size_t count, double seconds,
			bool colour)
{
	const struct palette p = colour
		? (struct palette){ "\033[32m", "\033[31m", "\033[2m", "\033[1m", "\033[0m" }
		: (struct palette){ "", "", "", "", "" };
	int score, max, findings = report_integrity_count(labs, count);

	fprintf(f, "%sIPC Lab Workbook%s: grading ", p.bold, p.off);
	write_utf8(f, g->src, plain_escape);
	fprintf(f, " (seed %llu, sandbox: %s)\n", (unsigned long long)g->seed,
		sandbox_description());
	bool transcripts = false;
	size_t complete = 0;

	for (size_t l = 0; l < count; l++) {
		render_text_lab(f, g, &labs[l], &p, g->verbose);
		complete += lab_complete(&labs[l]);
		for (size_t i = 0; i < labs[l].lab->count; i++)
			transcripts = transcripts || (labs[l].results[i].status != RESULT_PASS &&
						      labs[l].results[i].transcript[0]);
	}
	report_totals(labs, count, &score, &max);
	if (findings)
		fprintf(f, "\n%sIntegrity findings: %d.  The code under test acted against "
			"the grader; those items earn 0 (see \"integrity:\" above).%s\n",
			p.fail, findings, p.off);
	fprintf(f, "\n%sTotal: %d/%d%s in %.1f s.  Rerun with GRADER_SEED=%llu to "
		"get the same inputs.\n", p.bold, score, max, p.off, seconds,
		(unsigned long long)g->seed);
	if (count == catalogue_count && g->only == NULL)
		fprintf(f, "Labs at full marks: %zu/%zu.\n", complete, catalogue_count);
	if (transcripts && !g->verbose)
		fprintf(f, "VERBOSE=1 shows what the failing tests' programs printed, in full.\n");
}

/* ---- JSON (Gradescope's results.json) ---- */

/* The Gradescope visibility of a test of lab: its SHOWN line's, or its default. */
static const char *visibility(const char *lab, const struct catalogue_test *test)
{
	for (const struct catalogue_shown *s = catalogue_shown; s->lab; s++)
		if (strcmp(s->lab, lab) == 0 && strcmp(s->test, test->name) == 0)
			return s->when;
	return test->visibility;
}

/*
 * Gradescope's leaderboard: every figure of a passing item, by its name;
 * "order" only when lower is better ("desc" is Gradescope's default).
 */
static void render_leaderboard(FILE *f, const struct lab_report *labs, size_t count)
{
	size_t shown = 0;

	for (size_t l = 0; l < count; l++)
		for (size_t i = 0; i < labs[l].lab->count; i++) {
			struct figure fig;

			for (size_t k = 0; figure_at(&labs[l].results[i], k, &fig); k++) {
				fprintf(f, "%s\n    {\"name\": ", shown++ ? "," :
					",\n  \"leaderboard\": [");
				json_string(f, fig.name);
				fprintf(f, ", \"value\": %.6g%s}", fig.value,
					fig.ascending ? ", \"order\": \"asc\"" : "");
			}
		}
	if (shown)
		fputs("\n  ]", f);
}

static void render_json(FILE *f, const struct grading *g,
			const struct lab_report *labs, size_t count, double seconds)
{
	int score, max, number = 0, findings = report_integrity_count(labs, count);
	char output[600];

	report_totals(labs, count, &score, &max);
	fprintf(f, "{\n  \"score\": %d,\n  \"max_score\": %d,\n"
		"  \"execution_time\": %.1f,\n  \"output\": ", score, max, seconds);
	snprintf(output, sizeof output, "Graded with seed %llu (GRADER_SEED=%llu reproduces "
		 "the inputs); sandbox: %s.%s", (unsigned long long)g->seed,
		 (unsigned long long)g->seed, sandbox_description(),
		 findings ? " Integrity findings: the code under test acted against the "
			    "grader; see the items marked integrity." : "");
	json_string(f, output);
	fprintf(f, ",\n  \"integrity_findings\": %d,\n  \"tests\": [", findings);
	for (size_t l = 0; l < count; l++) {
		const struct lab_report *lr = &labs[l];

		for (size_t i = 0; i < lr->lab->count; i++) {
			const struct result *r = &lr->results[i];
			char name[200], num[32], text[sizeof lr->build_errors + 4400];
			char tree[4096];

			snprintf(name, sizeof name, "%s: %s", lr->lab->name, r->name);
			snprintf(num, sizeof num, "%.2s.%zu", lr->lab->name, i + 1);
			fprintf(f, "%s\n    {\"name\": ", number ? "," : "");
			json_string(f, name);
			fprintf(f, ", \"number\": \"%s\", \"score\": %d, \"max_score\": %d, "
				"\"status\": \"%s\", \"output\": ", num, r->score, r->max,
				r->status == RESULT_PASS ? "passed" : "failed");
			if (!lr->built && !lr->missing)
				snprintf(text, sizeof text, "%s%s%sthe lab does not build:\n%s",
					 lr->integrity[0] ? "integrity: " : "", lr->integrity,
					 lr->integrity[0] ? "\n" : "", lr->build_errors);
			else
				snprintf(text, sizeof text, "%s", r->hint);
			if (r->status != RESULT_PASS &&
			    picture_tree(r->snapshot, tree, sizeof tree))
				snprintf(text + strlen(text), sizeof text - strlen(text),
					 "\n\nIts processes when it failed:\n%s", tree);
			json_string(f, text);
			if (r->integrity[0] || lr->integrity[0]) {
				fprintf(f, ", \"integrity\": ");
				json_string(f, r->integrity[0] ? r->integrity : lr->integrity);
			}
			fprintf(f, ", \"visibility\": ");
			json_string(f, visibility(lr->lab->name, &lr->lab->tests[i]));
			fprintf(f, ", \"tags\": [\"%s\"]}", lr->lab->name);
			number++;
		}
	}
	fprintf(f, "%s]", number ? "\n  " : "");
	render_leaderboard(f, labs, count);
	fputs("\n}\n", f);
}

/* ---- GitHub Classroom: what its autograding reporter reads ---- */

static const char *classroom_status(enum result_status status)
{
	return status == RESULT_PASS ? "pass" : status == RESULT_FAIL ? "fail" : "error";
}

/*
 * The reporter's runner result: a status per test and at the top ("pass"
 * only when every test passed), each test's points as its score, the
 * points of all as max_score.  The workflow passes it on base64-encoded;
 * "Points X/Y" goes to stderr, for the job's log.
 */
static void render_classroom(FILE *f, const struct lab_report *labs, size_t count)
{
	int score, max, number = 0;
	bool all_passed = true, errors = false;

	report_totals(labs, count, &score, &max);
	for (size_t l = 0; l < count; l++)
		for (size_t i = 0; i < labs[l].lab->count; i++) {
			all_passed = all_passed && labs[l].results[i].status == RESULT_PASS;
			errors = errors || labs[l].results[i].status == RESULT_ERROR;
		}
	fprintf(f, "{\"version\": 1, \"status\": \"%s\", \"max_score\": %d, \"tests\": [",
		all_passed ? "pass" : errors ? "error" : "fail", max);
	for (size_t l = 0; l < count; l++) {
		const struct lab_report *lr = &labs[l];

		for (size_t i = 0; i < lr->lab->count; i++) {
			const struct result *r = &lr->results[i];
			char name[200], text[sizeof lr->build_errors + 40];

			snprintf(name, sizeof name, "%s: %s", lr->lab->name, r->name);
			if (!lr->built && !lr->missing)
				snprintf(text, sizeof text, "the lab does not build:\n%s",
					 lr->build_errors);
			else
				snprintf(text, sizeof text, "%s", r->hint);
			fprintf(f, "%s\n  {\"name\": ", number++ ? "," : "");
			json_string(f, name);
			fprintf(f, ", \"status\": \"%s\", \"score\": %d, \"max_score\": %d, "
				"\"execution_time\": \"%.2fs\", \"message\": ",
				classroom_status(r->status), r->score, r->max, r->seconds);
			json_string(f, text);
			fputc('}', f);
		}
	}
	fprintf(f, "%s]}\n", number ? "\n" : "");
	fprintf(stderr, "Points %d/%d\n", score, max);
}

/* ---- TAP ---- */

static void render_tap(FILE *f, const struct grading *g,
		       const struct lab_report *labs, size_t count)
{
	size_t total = 0, n = 0;
	int score, max;

	for (size_t l = 0; l < count; l++)
		total += labs[l].lab->count;
	fprintf(f, "TAP version 13\n1..%zu\n", total);
	for (size_t l = 0; l < count; l++) {
		const struct lab_report *lr = &labs[l];

		for (size_t i = 0; i < lr->lab->count; i++) {
			const struct result *r = &lr->results[i];
			const char *integrity = r->integrity[0] ? r->integrity : lr->integrity;

			fprintf(f, "%s %zu - %s: %s (%d/%d)\n",
				r->status == RESULT_PASS ? "ok" : "not ok", ++n,
				lr->lab->name, r->name, r->score, r->max);
			if (r->status == RESULT_PASS)
				continue;
			fprintf(f, "  ---\n  status: %s\n  message: ",
				result_status_name(r->status));
			json_string(f, lr->built || lr->missing ? r->hint
				       : "the lab does not build");
			if (integrity[0]) {
				fprintf(f, "\n  integrity: ");
				json_string(f, integrity);
			}
			fprintf(f, "\n  ...\n");
		}
	}
	report_totals(labs, count, &score, &max);
	fprintf(f, "# score %d/%d, seed %llu, integrity findings %d\n", score, max,
		(unsigned long long)g->seed, report_integrity_count(labs, count));
}

/* ---- JUnit XML ---- */

static bool xml_escape(FILE *f, unsigned char c)
{
	switch (c) {
	case '<': fputs("&lt;", f); return true;
	case '>': fputs("&gt;", f); return true;
	case '&': fputs("&amp;", f); return true;
	case '"': fputs("&quot;", f); return true;
	case '\n': case '\t': return false;
	default:
		if (c < 32 || c == 127) { /* not allowed in XML 1.0 */
			fputc('?', f);
			return true;
		}
		return false;
	}
}

static void xml_text(FILE *f, const char *s)
{
	write_utf8(f, s, xml_escape);
}

static void render_junit(FILE *f, const struct lab_report *labs, size_t count)
{
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"ipclab\">\n");
	for (size_t l = 0; l < count; l++) {
		const struct lab_report *lr = &labs[l];
		int failures = 0, errors = 0;
		double time = 0;

		for (size_t i = 0; i < lr->lab->count; i++) {
			failures += lr->results[i].status == RESULT_FAIL;
			errors += lr->results[i].status > RESULT_FAIL;
			time += lr->results[i].seconds;
		}
		fprintf(f, "  <testsuite name=\"%s\" tests=\"%zu\" failures=\"%d\" "
			"errors=\"%d\" time=\"%.3f\">\n", lr->lab->name, lr->lab->count,
			failures, errors, time);
		for (size_t i = 0; i < lr->lab->count; i++) {
			const struct result *r = &lr->results[i];
			const char *tag = r->status == RESULT_FAIL ? "failure" : "error";
			const bool forged = r->integrity[0] || lr->integrity[0];

			fprintf(f, "    <testcase classname=\"%s\" name=\"%s\" time=\"%.3f\"",
				lr->lab->name, r->name, r->seconds);
			if (r->status == RESULT_PASS) {
				fprintf(f, "/>\n");
				continue;
			}
			fprintf(f, ">\n      <%s type=\"%s\" message=\"", tag,
				forged ? "integrity" : result_status_name(r->status));
			xml_text(f, r->hint);
			fprintf(f, "\">");
			if (lr->integrity[0]) {
				fputs("integrity: ", f);
				xml_text(f, lr->integrity);
				fputc('\n', f);
			}
			xml_text(f, lr->built || lr->missing ? r->hint : lr->build_errors);
			fprintf(f, "</%s>\n    </testcase>\n", tag);
		}
		fprintf(f, "  </testsuite>\n");
	}
	fprintf(f, "</testsuites>\n");
}

/* ---- tab-separated, for scripts ---- */

static bool tsv_escape(FILE *f, unsigned char c)
{
	if (c == '\t' || c == '\n' || c < 32 || c == 127) {
		fputc(' ', f);
		return true;
	}
	return false;
}

static void render_tsv(FILE *f, const struct grading *g, const struct lab_report *labs,
		       size_t count)
{
	for (size_t l = 0; l < count; l++)
		for (size_t i = 0; i < labs[l].lab->count; i++) {
			const struct result *r = &labs[l].results[i];
			char picture[4400];

			fprintf(f, "%s\t%s\t%s\t%d\t%d\t%.3f\t", labs[l].lab->name,
				r->name, result_status_name(r->status), r->score, r->max,
				r->seconds);
			write_utf8(f, r->hint, tsv_escape);
			fputc('\t', f);
			write_utf8(f, r->integrity[0] ? r->integrity : labs[l].integrity,
				   tsv_escape);
			fputc('\t', f);
			if (picture_of(g, &labs[l], r, picture, sizeof picture))
				write_utf8(f, picture, tsv_escape);
			fputc('\n', f);
		}
}

void report_render(FILE *f, enum report_format format, const struct grading *g,
		   const struct lab_report *labs, size_t count, double seconds,
		   bool colour)
{
	switch (format) {
	case FORMAT_TEXT: render_text(f, g, labs, count, seconds, colour); break;
	case FORMAT_JSON: render_json(f, g, labs, count, seconds); break;
	case FORMAT_TAP: render_tap(f, g, labs, count); break;
	case FORMAT_JUNIT: render_junit(f, labs, count); break;
	case FORMAT_TSV: render_tsv(f, g, labs, count); break;
	case FORMAT_CLASSROOM: render_classroom(f, labs, count); break;
	}
}
