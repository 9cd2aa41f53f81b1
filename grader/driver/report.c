/*
 * report.c - the views of one result model: a text score card, Gradescope
 * JSON, TAP, JUnit XML and tab-separated lines for scripts.
 */
#include "driver.h"

#include <string.h>

static const char *const format_names[] = {
	[FORMAT_TEXT] = "text", [FORMAT_JSON] = "json", [FORMAT_TAP] = "tap",
	[FORMAT_JUNIT] = "junit", [FORMAT_TSV] = "tsv",
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

static void lab_totals(const struct lab_report *lab, int *score, int *max)
{
	report_totals(lab, 1, score, max);
}

/* ---- text ---- */

struct palette {
	const char *pass, *fail, *dim, *bold, *off;
};

static void render_text(FILE *f, const struct grading *g,
			const struct lab_report *labs, size_t count, double seconds,
			bool colour)
{
	const struct palette p = colour
		? (struct palette){ "\033[32m", "\033[31m", "\033[2m", "\033[1m", "\033[0m" }
		: (struct palette){ "", "", "", "", "" };
	int score, max;

	fprintf(f, "%sIPC Lab Workbook%s: grading %s (seed %llu, sandbox: %s)\n",
		p.bold, p.off, g->src, (unsigned long long)g->seed,
		sandbox_description());
	for (size_t l = 0; l < count; l++) {
		const struct lab_report *lr = &labs[l];

		lab_totals(lr, &score, &max);
		fprintf(f, "\n%s%s%s\n", p.bold, lr->lab->name, p.off);
		if (lr->missing)
			fprintf(f, "  %sno folder %s/%s: nothing to grade%s\n", p.fail,
				g->src, lr->lab->name, p.off);
		if (!lr->built && !lr->missing) {
			fprintf(f, "  %sthe lab does not build; the compiler says:%s\n",
				p.fail, p.off);
			for (const char *line = lr->build_errors; *line;) {
				size_t len = strcspn(line, "\n");
				fprintf(f, "    %.*s\n", (int)len, line);
				line += len + (line[len] == '\n');
			}
		}
		for (size_t i = 0; i < lr->lab->count; i++) {
			const struct result *r = &lr->results[i];
			const bool ok = r->status == RESULT_PASS;
			const char *word = ok ? "PASS" : r->status == RESULT_TIMEOUT ? "TIME"
					 : r->status == RESULT_CRASH ? "CRASH"
					 : r->status == RESULT_ERROR ? "ERROR" : "FAIL";

			fprintf(f, "  %s%-5s%s %-42s %3d/%-3d %s%6.2fs%s\n",
				ok ? p.pass : p.fail, word, p.off, r->name, r->score,
				r->max, p.dim, r->seconds, p.off);
			if (!ok && r->hint[0] && lr->built)
				fprintf(f, "        %s\n", r->hint);
		}
		if (lr->note[0])
			fprintf(f, "  %snote: %s%s\n", p.dim, lr->note, p.off);
		fprintf(f, "  %s%s: %d/%d%s\n", p.bold, lr->lab->name, score, max, p.off);
	}
	report_totals(labs, count, &score, &max);
	fprintf(f, "\n%sTotal: %d/%d%s in %.1f s.  Rerun with GRADER_SEED=%llu to "
		"get the same inputs.\n", p.bold, score, max, p.off, seconds,
		(unsigned long long)g->seed);
}

/* ---- JSON (Gradescope's results.json) ---- */

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 32)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void render_json(FILE *f, const struct grading *g,
			const struct lab_report *labs, size_t count, double seconds)
{
	int score, max, number = 0;
	bool first = true;

	report_totals(labs, count, &score, &max);
	fprintf(f, "{\n  \"score\": %d,\n  \"max_score\": %d,\n"
		"  \"execution_time\": %.1f,\n  \"output\": ", score, max, seconds);
	char output[300];
	snprintf(output, sizeof output, "Graded %s with seed %llu (GRADER_SEED=%llu "
		 "reproduces the inputs); sandbox: %s.", g->src,
		 (unsigned long long)g->seed, (unsigned long long)g->seed,
		 sandbox_description());
	json_string(f, output);
	fprintf(f, ",\n  \"tests\": [");
	for (size_t l = 0; l < count; l++) {
		const struct lab_report *lr = &labs[l];

		for (size_t i = 0; i < lr->lab->count; i++) {
			const struct result *r = &lr->results[i];
			char name[200], num[32];

			snprintf(name, sizeof name, "%s: %s", lr->lab->name, r->name);
			snprintf(num, sizeof num, "%.2s.%zu", lr->lab->name, i + 1);
			fprintf(f, "%s\n    {\"name\": ", first ? "" : ",");
			json_string(f, name);
			fprintf(f, ", \"number\": \"%s\", \"score\": %d, \"max_score\": %d, "
				"\"status\": \"%s\", \"output\": ", num, r->score, r->max,
				r->status == RESULT_PASS ? "passed" : "failed");
			if (!lr->built && !lr->missing) {
				char text[sizeof lr->build_errors + 64];
				snprintf(text, sizeof text, "the lab does not build:\n%s",
					 lr->build_errors);
				json_string(f, text);
			} else {
				json_string(f, r->hint);
			}
			fprintf(f, ", \"tags\": [\"%s\"]}", lr->lab->name);
			first = false;
			number++;
		}
	}
	fprintf(f, "%s]\n}\n", number ? "\n  " : "");
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
		for (size_t i = 0; i < labs[l].lab->count; i++) {
			const struct result *r = &labs[l].results[i];

			fprintf(f, "%s %zu - %s: %s (%d/%d)\n",
				r->status == RESULT_PASS ? "ok" : "not ok", ++n,
				labs[l].lab->name, r->name, r->score, r->max);
			if (r->status != RESULT_PASS) {
				fprintf(f, "  ---\n  status: %s\n  message: ",
					result_status_name(r->status));
				json_string(f, labs[l].built || labs[l].missing
					       ? r->hint : "the lab does not build");
				fprintf(f, "\n  ...\n");
			}
		}
	}
	report_totals(labs, count, &score, &max);
	fprintf(f, "# score %d/%d, seed %llu\n", score, max, (unsigned long long)g->seed);
}

/* ---- JUnit XML ---- */

static void xml_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default:
			if ((unsigned char)*s >= 32 || *s == '\n')
				fputc(*s, f);
		}
	}
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

			fprintf(f, "    <testcase classname=\"%s\" name=\"%s\" time=\"%.3f\"",
				lr->lab->name, r->name, r->seconds);
			if (r->status == RESULT_PASS) {
				fprintf(f, "/>\n");
				continue;
			}
			fprintf(f, ">\n      <%s type=\"%s\" message=\"", tag,
				result_status_name(r->status));
			xml_text(f, r->hint);
			fprintf(f, "\">");
			xml_text(f, lr->built || lr->missing ? r->hint : lr->build_errors);
			fprintf(f, "</%s>\n    </testcase>\n", tag);
		}
		fprintf(f, "  </testsuite>\n");
	}
	fprintf(f, "</testsuites>\n");
}

/* ---- tab-separated, for scripts ---- */

static void render_tsv(FILE *f, const struct lab_report *labs, size_t count)
{
	for (size_t l = 0; l < count; l++)
		for (size_t i = 0; i < labs[l].lab->count; i++) {
			const struct result *r = &labs[l].results[i];

			fprintf(f, "%s\t%s\t%s\t%d\t%d\t%.3f\t%s\n", labs[l].lab->name,
				r->name, result_status_name(r->status), r->score, r->max,
				r->seconds, r->hint);
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
	case FORMAT_TSV: render_tsv(f, labs, count); break;
	}
}
