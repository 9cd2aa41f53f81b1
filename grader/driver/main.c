/*
 * ipcgrade - build and grade the labs of one workbook folder, or of every
 * submission in a folder (batch mode), and print the results.
 *
 *   ipcgrade --root DIR --src DIR --build DIR --core DIR
 *            [--lab NN[,NN...]] [--format text|json|gradescope|tap|junit|tsv]
 *            [--seed N] [--sanitize]
 *   ipcgrade ... --batch SUBMISSIONS --out DIR
 *
 * Exit status: 0 when grading ran, whatever the score; 2 when the grader
 * itself could not run (bad command line, no folder, no temporary space).
 */
#include "driver.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static _Noreturn void die_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "ipcgrade: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (ipcgrade --help for usage)\n");
	exit(2);
}

static void print_help(void)
{
	printf("usage: ipcgrade --root DIR --src DIR --build DIR --core DIR [options]\n"
	       "  --lab NN[,NN]    grade these labs only (number or full name)\n"
	       "  --format F       text (default), json (= gradescope), tap, junit, tsv\n"
	       "  --test NAME[,NAME]  only these tests (of the labs chosen)\n"
	       "  --seed N         random inputs from seed N (default GRADER_SEED or new)\n"
	       "  --sanitize       build with AddressSanitizer and UBSan\n"
	       "  --batch DIR      grade every submission folder in DIR\n"
	       "  --out DIR        batch mode: where reports and the class summary go\n"
	       "Environment: GRADER_SEED, GRADER_TIMEOUT_SCALE (slow machines),\n"
	       "GRADER_SANDBOX=auto|bwrap|none, GRADER_USER (user for student code\n"
	       "when run as root; default nobody), NO_COLOR.\n");
}

static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Does "03" or "03-devzero-counter" name this lab? */
static bool lab_matches(const char *want, const char *name)
{
	size_t len = strlen(want);

	return strcmp(want, name) == 0 ||
	       (len == 2 && strncmp(want, name, 2) == 0) ||
	       (len == 1 && name[0] == '0' && name[1] == want[0]);
}

static size_t select_labs(const char *list, const struct catalogue_lab **chosen)
{
	size_t n = 0;
	char *copy, *save = NULL;

	if (list == NULL || *list == '\0') {
		for (size_t i = 0; i < catalogue_count; i++)
			chosen[n++] = &catalogue[i];
		return n;
	}
	copy = strdup(list);
	for (char *want = strtok_r(copy, ", ", &save); want;
	     want = strtok_r(NULL, ", ", &save)) {
		bool found = false;

		for (size_t i = 0; i < catalogue_count && !found; i++)
			if (lab_matches(want, catalogue[i].name)) {
				chosen[n++] = &catalogue[i];
				found = true;
			}
		if (!found) {
			fprintf(stderr, "ipcgrade: no lab '%s'; the labs are:", want);
			for (size_t i = 0; i < catalogue_count; i++)
				fprintf(stderr, " %s", catalogue[i].name);
			fprintf(stderr, "\n");
			exit(2);
		}
	}
	free(copy);
	return n;
}

/*
 * Keeps only the named tests: each chosen lab becomes a copy of its
 * catalogue entry holding just those; labs left with none are dropped.
 */
static size_t select_tests(const char *list, const struct catalogue_lab **chosen,
			   size_t count)
{
	size_t kept = 0, matched = 0, wanted = 0;
	char *copy = strdup(list), *save = NULL;
	const char *names[64];

	for (char *n = strtok_r(copy, ", ", &save); n && wanted < 64;
	     n = strtok_r(NULL, ", ", &save))
		names[wanted++] = n;
	for (size_t l = 0; l < count; l++) {
		struct catalogue_lab *lab = malloc(sizeof *lab);
		struct catalogue_test *tests = calloc(chosen[l]->count, sizeof *tests);

		*lab = *chosen[l];
		lab->count = 0;
		for (size_t i = 0; i < chosen[l]->count; i++)
			for (size_t w = 0; w < wanted; w++)
				if (strcmp(chosen[l]->tests[i].name, names[w]) == 0) {
					tests[lab->count++] = chosen[l]->tests[i];
					matched++;
				}
		lab->tests = tests;
		if (lab->count > 0)
			chosen[kept++] = lab;
	}
	if (matched < wanted) {
		fprintf(stderr, "ipcgrade: no test named %s in the labs chosen "
			"(the score card lists every test's name)\n", list);
		exit(2);
	}
	return kept;
}

static void init_report(struct lab_report *lr, const struct catalogue_lab *lab)
{
	memset(lr, 0, sizeof *lr);
	lr->lab = lab;
	lr->results = calloc(lab->count, sizeof *lr->results);
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

static void grade_labs(const struct grading *g, const struct catalogue_lab **chosen,
		       size_t count, struct lab_report *reports)
{
	for (size_t l = 0; l < count; l++) {
		struct lab_report *lr = &reports[l];
		char folder[1200];

		init_report(lr, chosen[l]);
		if (driver_interrupted) {
			fail_all(lr, "not graded: the grader was interrupted");
			continue;
		}
		snprintf(folder, sizeof folder, "%s/%s", g->src, chosen[l]->name);
		if (!is_dir(folder)) {
			lr->missing = true;
			fail_all(lr, "the lab's folder is missing");
			continue;
		}
		lr->built = build_lab(g, chosen[l], lr->build_errors, sizeof lr->build_errors);
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

static void free_reports(struct lab_report *reports, size_t count)
{
	for (size_t l = 0; l < count; l++)
		free(reports[l].results);
}

static FILE *open_out(const char *dir, const char *name, const char *ext)
{
	char path[1400];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s.%s", dir, name, ext);
	f = fopen(path, "we");
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
		fputc(*s == '\n' ? ' ' : *s, f);
	}
	fputc('"', f);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Batch mode: every folder in dir is one submission, holding lab folders
 * (NN-name/) directly or under labs/.  Each is built and graded on its own,
 * with its own build folder and run folder.
 */
static int grade_batch(struct grading base, const char *dir, const char *out,
		       const struct catalogue_lab **chosen, size_t count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;
	FILE *csv, *json;

	if (d == NULL)
		die_usage("cannot read the submissions folder %s", dir);
	if (make_dirs(out) < 0)
		die_usage("cannot create the output folder %s", out);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		names = realloc(names, (n + 1) * sizeof *names);
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, compare_names);

	csv = open_out(out, "summary", "csv");
	json = open_out(out, "summary", "json");
	fprintf(csv, "submission");
	for (size_t l = 0; l < count; l++)
		fprintf(csv, ",%s", chosen[l]->name);
	fprintf(csv, ",total,max,note\n");
	fprintf(json, "[");
	for (size_t s = 0; s < n; s++) {
		char folder[4400], src[4500], build[4500];
		struct lab_report *reports = calloc(count, sizeof *reports);
		struct grading g = base;
		int score, max;
		const char *note = "";
		double started = now_seconds();

		snprintf(folder, sizeof folder, "%s/%s", dir, names[s]);
		snprintf(src, sizeof src, "%s/labs", folder);
		if (!is_dir(src))
			snprintf(src, sizeof src, "%s", folder);
		snprintf(build, sizeof build, "%s/batch/%s", base.build, names[s]);
		g.src = src;
		g.build = build;
		if (!is_dir(folder)) {
			note = "not a folder";
			fprintf(stderr, "ipcgrade: %s: not a folder, skipped\n", folder);
		}
		if (*note == '\0') {
			grade_labs(&g, chosen, count, reports);
			FILE *txt = open_out(out, names[s], "txt");
			FILE *js = open_out(out, names[s], "json");
			report_render(txt, FORMAT_TEXT, &g, reports, count,
				      now_seconds() - started, false);
			report_render(js, FORMAT_JSON, &g, reports, count,
				      now_seconds() - started, false);
			fclose(txt);
			fclose(js);
			bool any = false;
			for (size_t l = 0; l < count; l++)
				any |= !reports[l].missing;
			if (!any) {
				note = "no lab folders found";
				fprintf(stderr, "ipcgrade: %s: no lab folders found\n", folder);
			}
		} else {
			for (size_t l = 0; l < count; l++)
				init_report(&reports[l], chosen[l]);
		}
		csv_field(csv, names[s]);
		for (size_t l = 0; l < count; l++) {
			int ls, lm;
			report_totals(&reports[l], 1, &ls, &lm);
			fprintf(csv, ",%d", ls);
		}
		report_totals(reports, count, &score, &max);
		fprintf(csv, ",%d,%d,", score, max);
		csv_field(csv, note);
		fputc('\n', csv);
		fprintf(json, "%s\n  {\"submission\": \"", s ? "," : "");
		for (const char *p = names[s]; *p; p++)
			fprintf(json, *p == '"' || *p == '\\' ? "\\%c" : "%c", *p);
		fprintf(json, "\", \"score\": %d, \"max_score\": %d, \"note\": \"%s\"}",
			score, max, note);
		printf("%-30s %4d/%d %s\n", names[s], score, max, note);
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

static uint64_t parse_seed(const char *text)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno || end == text || *end != '\0')
		die_usage("the seed must be a whole number, not '%s'", text);
	return v;
}

static double parse_scale(void)
{
	const char *env = getenv("GRADER_TIMEOUT_SCALE");
	char *end;
	double v;

	if (env == NULL || *env == '\0')
		return 1.0;
	v = strtod(env, &end);
	if (*end != '\0' || !(v > 0) || v > 100)
		die_usage("GRADER_TIMEOUT_SCALE must be a number in (0, 100], not '%s'", env);
	return v;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "root", required_argument, NULL, 'R' },
		{ "src", required_argument, NULL, 's' },
		{ "build", required_argument, NULL, 'b' },
		{ "core", required_argument, NULL, 'c' },
		{ "lab", required_argument, NULL, 'l' },
		{ "format", required_argument, NULL, 'f' },
		{ "seed", required_argument, NULL, 'S' },
		{ "sanitize", no_argument, NULL, 'z' },
		{ "test", required_argument, NULL, 't' },
		{ "batch", required_argument, NULL, 'B' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct grading g = { .sandbox = "auto", .run_as = "nobody" };
	enum report_format format = FORMAT_TEXT;
	const char *lab_list = NULL, *test_list = NULL, *batch = NULL, *out = NULL, *env;
	const struct catalogue_lab *chosen[64];
	char run_dir[] = "/tmp/ipclab-run-XXXXXX";
	char src_abs[4096], build_abs[4096], core_abs[4096];
	size_t count;
	int opt, rc = 0;

	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'R': g.root = optarg; break;
		case 's': g.src = optarg; break;
		case 'b': g.build = optarg; break;
		case 'c': g.core = optarg; break;
		case 'l': lab_list = optarg; break;
		case 'f':
			if (report_format_parse(optarg, &format) < 0)
				die_usage("unknown format '%s': use text, json, gradescope, "
					  "tap, junit or tsv", optarg);
			break;
		case 'S': g.seed = parse_seed(optarg); break;
		case 'z': g.sanitize = true; break;
		case 't': test_list = optarg; break;
		case 'B': batch = optarg; break;
		case 'o': out = optarg; break;
		case 'h': print_help(); return 0;
		default: exit(2);
		}
	}
	if (optind != argc)
		die_usage("unexpected argument '%s'", argv[optind]);
	if (!g.root || !g.src || !g.build || !g.core)
		die_usage("%s", "--root, --src, --build and --core are required");
	if (batch && !out)
		die_usage("%s", "--batch needs --out DIR for the reports");
	if (!is_dir(batch ? batch : g.src))
		die_usage("no folder '%s' to grade", g.src);
	if (!realpath(g.src, src_abs) && !batch)
		die_usage("cannot resolve '%s'", g.src);
	if (batch && !realpath(batch, src_abs))
		die_usage("no submissions folder '%s'", batch);
	if (batch)
		batch = src_abs;
	if (make_dirs(g.build) < 0)
		die_usage("cannot create the build folder '%s'", g.build);
	if (!realpath(g.build, build_abs) || !realpath(g.core, core_abs))
		die_usage("cannot resolve the build folders under '%s'", g.build);
	g.src = src_abs;
	g.build = build_abs;
	g.core = core_abs;
	if (!lab_list || !*lab_list)
		lab_list = getenv("LAB");
	count = select_labs(lab_list, chosen);
	if (test_list && *test_list)
		count = select_tests(test_list, chosen, count);
	g.only = test_list && *test_list ? test_list : NULL;
	if ((env = getenv("GRADER_SEED")) && *env && g.seed == 0)
		g.seed = parse_seed(env);
	if (g.seed == 0) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		g.seed = (uint64_t)(ts.tv_nsec ^ (long)getpid() << 16) % 1000000000u + 1;
	}
	g.scale = parse_scale();
	if ((env = getenv("GRADER_SANDBOX")) && *env) {
		if (strcmp(env, "auto") && strcmp(env, "bwrap") && strcmp(env, "none"))
			die_usage("GRADER_SANDBOX must be auto, bwrap or none, not '%s'", env);
		g.sandbox = env;
	}
	if ((env = getenv("GRADER_USER")) && *env)
		g.run_as = env;
	if (mkdtemp(run_dir) == NULL) {
		fprintf(stderr, "ipcgrade: cannot create a temporary folder in /tmp: %s\n",
			strerror(errno));
		return 2;
	}
	/* The lab builds are make's own, not part of an outer make's run. */
	unsetenv("MAKEFLAGS");
	unsetenv("MFLAGS");
	unsetenv("MAKELEVEL");
	/* The suites run as another user: they must reach their run folder. */
	chmod(run_dir, 0711);
	g.run_dir = run_dir;

	driver_catch_interrupts();
	driver_become_subreaper();
	double started = now_seconds();
	if (batch) {
		rc = grade_batch(g, batch, out, chosen, count);
	} else {
		struct lab_report reports[64];
		const char *no_colour = getenv("NO_COLOR");
		const char *term = getenv("TERM");
		bool colour = isatty(1) && !(no_colour && *no_colour) &&
			      !(term && strcmp(term, "dumb") == 0);

		grade_labs(&g, chosen, count, reports);
		report_render(stdout, format, &g, reports, count,
			      now_seconds() - started, colour);
		free_reports(reports, count);
	}
	fflush(stdout);
	nftw(run_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	if (driver_interrupted) {
		fprintf(stderr, "ipcgrade: interrupted\n");
		return 130;
	}
	return rc;
}
