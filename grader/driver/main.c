/*
 * ipcgrade - build and grade the labs of one workbook folder, or of every
 * submission in a folder (batch mode), and print the results.
 *
 *   ipcgrade --root DIR --src DIR --build DIR --core DIR
 *            [--lab NN[,NN...]] [--test NAME[,NAME...]]
 *            [--format text|json|gradescope|tap|junit|tsv] [--seed N] [--sanitize]
 *   ipcgrade ... --batch SUBMISSIONS --out DIR
 *
 * Exit status: 0 when grading ran, whatever the score; 2 when the grader
 * itself could not run (bad command line, no folder, no temporary space).
 */
#include "driver.h"

#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static _Noreturn void die_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static _Noreturn void die_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ipcgrade: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (ipcgrade --help for usage)\n");
	exit(2);
}

static void print_help(void)
{
	printf("usage: ipcgrade --root DIR --src DIR --build DIR --core DIR [options]\n"
	       "  --lab NN[,NN]    grade these labs only (number or full name)\n"
	       "  --format F       text (default), json (= gradescope), classroom (GitHub\n"
	       "                   Classroom's reporter), tap, junit, tsv\n"
	       "  --test NAME[,NAME]  only these tests (of the labs chosen): full names,\n"
	       "                   prefixes, or globs such as 'pipe_*'\n"
	       "  --seed N         random inputs from seed N (default GRADER_SEED or new)\n"
	       "  --sanitize       build with AddressSanitizer and UBSan\n"
	       "  --batch DIR      grade every submission folder in DIR\n"
	       "  --out DIR        batch mode: where reports and the class summary go\n"
	       "  --student NAME   batch mode: grade that submission again, update its row\n"
	       "  --resume         batch mode: keep the rows of unchanged submissions\n"
	       "  --plan           batch mode: print one command per submission (for GNU\n"
	       "                   parallel or a queue); --merge then writes the class files\n"
	       "  --jobs N         batch mode: submissions graded at once (default: the CPUs)\n"
	       "  --roster FILE    batch mode: a CSV of folder,id[,name,email] per student;\n"
	       "                   writes gradebook-canvas.csv and gradebook-moodle.csv\n"
	       "  --verbose        a failing test's programs and their whole output\n"
	       "  --figures        passing tests measure their leaderboard figures (lab\n"
	       "                   09's throughput, timed by the grader); on with json\n"
	       "  --debug TOOL     run the one test --test names in the foreground, under\n"
	       "                   TOOL: gdb, strace or none (no sandbox: not a grading)\n"
	       "  --draw FILE [--title TEXT]  print a process snapshot (tools/procsnap) as\n"
	       "                   a graphviz graph, the same on every run; nothing graded\n"
	       "--build DIR is where every graded tree gets build folders of its own.\n"
	       "Environment: GRADER_SEED, GRADER_TIMEOUT_SCALE (slow machines),\n"
	       "GRADER_JOBS (tests run at once, 1-16; default twice the CPUs, at most 8),\n"
	       "GRADER_LAB_JOBS (labs graded at once, 1-16; default one per CPU),\n"
	       "GRADER_SANDBOX=auto|bwrap|none, GRADER_USER (user for student code\n"
	       "when run as root; default nobody), CC, NO_COLOR.\n");
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
	if (copy == NULL)
		die_usage("out of memory");
	for (char *want = strtok_r(copy, ", ", &save); want;
	     want = strtok_r(NULL, ", ", &save)) {
		bool found = false;

		for (size_t i = 0; i < catalogue_count && !found; i++) {
			bool already = false;

			if (!lab_matches(want, catalogue[i].name))
				continue;
			found = true;
			for (size_t j = 0; j < n; j++)
				already = already || chosen[j] == &catalogue[i];
			if (!already)
				chosen[n++] = &catalogue[i];
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
 * Does pattern choose the test called name?  A glob (fnmatch) must match
 * the whole name; a plain word is a prefix: "pipe_commands" chooses every
 * pipe_commands_* test, and a full name chooses that test.
 */
static bool test_matches(const char *pattern, const char *name)
{
	if (strpbrk(pattern, "*?[") != NULL)
		return fnmatch(pattern, name, 0) == 0;
	return strncmp(pattern, name, strlen(pattern)) == 0;
}

/* A pattern chose nothing: say so, with every test of the labs chosen. */
static _Noreturn void no_such_test(const char *pattern, const struct catalogue_lab **chosen,
				   size_t count)
{
	fprintf(stderr, "ipcgrade: no test matches '%s'; the tests are:\n", pattern);
	for (size_t l = 0; l < count; l++)
		for (size_t i = 0; i < chosen[l]->count; i++)
			fprintf(stderr, "  %s  %s\n", chosen[l]->name, chosen[l]->tests[i].name);
	fprintf(stderr, "(TEST= takes names, prefixes or globs such as 'pipe_*', "
		"separated by commas)\n");
	exit(2);
}

/*
 * Keeps only the tests the patterns choose: each chosen lab becomes a copy
 * of its catalogue entry holding just those; labs left with none are
 * dropped.  A pattern that chooses nothing is an error.
 */
static size_t select_tests(const char *list, const struct catalogue_lab **chosen,
			   size_t count)
{
	size_t kept = 0, wanted = 0;
	char *copy = strdup(list), *save = NULL;
	char **patterns = calloc(strlen(list) / 2 + 2, sizeof *patterns);
	bool *matched = calloc(strlen(list) / 2 + 2, sizeof *matched);
	const struct catalogue_lab **all = calloc(count + 1, sizeof *all);

	if (copy == NULL || patterns == NULL || matched == NULL || all == NULL)
		die_usage("out of memory");
	memcpy(all, chosen, count * sizeof *all);
	for (char *n = strtok_r(copy, ", ", &save); n; n = strtok_r(NULL, ", ", &save))
		patterns[wanted++] = n;
	for (size_t l = 0; l < count; l++) {
		struct catalogue_lab *lab = malloc(sizeof *lab);
		struct catalogue_test *tests = calloc(all[l]->count, sizeof *tests);

		if (lab == NULL || tests == NULL)
			die_usage("out of memory");
		*lab = *all[l];
		lab->count = 0;
		for (size_t i = 0; i < all[l]->count; i++) {
			bool chosen_test = false;

			for (size_t w = 0; w < wanted; w++)
				if (test_matches(patterns[w], all[l]->tests[i].name))
					chosen_test = matched[w] = true;
			if (chosen_test)
				tests[lab->count++] = all[l]->tests[i];
		}
		lab->tests = tests;
		if (lab->count > 0)
			chosen[kept++] = lab;
	}
	for (size_t w = 0; w < wanted; w++)
		if (!matched[w])
			no_such_test(patterns[w], all, count);
	free(patterns);
	free(matched);
	free(all);
	return kept;
}

static uint64_t seed_or_exit(const char *text)
{
	uint64_t v;

	if (!parse_whole(text, &v))
		die_usage("the seed must be a whole number, not '%s'", text);
	return v;
}

static double scale_from_environment(void)
{
	const char *env = getenv("GRADER_TIMEOUT_SCALE");
	double v = 1.0;

	if (env && *env && !parse_scale(env, &v))
		die_usage("GRADER_TIMEOUT_SCALE must be a number in (0, 100], not '%s'", env);
	return v;
}

/*
 * The build folder of a tree: BASE/trees/NAME-HASH, where HASH is of the
 * tree's full path and the grading user, so that two trees (or two users)
 * never share a build.
 */
static void tree_build_folder(const char *base, const char *src, bool sanitize,
			      char *buf, size_t size)
{
	char name[40], extra[64];
	const char *last = strrchr(src, '/');
	uint64_t h = FNV1A_START;
	size_t n = 0;

	last = last && last[1] ? last + 1 : src;
	for (const char *p = last; *p && n < sizeof name - 1; p++)
		name[n++] = strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				   "0123456789_-", *p) ? *p : '_';
	name[n] = '\0';
	snprintf(extra, sizeof extra, "uid=%u san=%d", (unsigned)getuid(), sanitize);
	h = fnv1a(fnv1a(h, src, strlen(src) + 1), extra, strlen(extra));
	snprintf(buf, size, "%s/trees/%s-%016llx", base, name, (unsigned long long)h);
}

static uint64_t new_seed(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_nsec ^ (uint64_t)getpid() << 16) % 1000000000u + 1;
}

/* The command line, before it is checked. */
struct arguments {
	const char *lab_list, *test_list, *batch, *out, *build_base;
	const char *student;      /* --student NAME: batch mode, that submission only */
	bool resume;              /* --resume: batch mode, unchanged submissions kept */
	bool merge, plan;         /* --merge, --plan: batch mode across machines */
	int jobs;                 /* --jobs N: batch mode, submissions at once */
	const char *roster;       /* --roster FILE: batch mode, gradebooks from it */
	const char *debug_tool;   /* --debug TOOL: one test in the foreground */
	const char *draw, *title; /* --draw FILE [--title TEXT]: a snapshot's graph */
	enum report_format format;
};

static void parse_arguments(int argc, char **argv, struct grading *g, struct arguments *a)
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
		{ "student", required_argument, NULL, 'u' },
		{ "resume", no_argument, NULL, 'r' },
		{ "merge", no_argument, NULL, 'm' },
		{ "plan", no_argument, NULL, 'p' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "roster", required_argument, NULL, 'L' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "figures", no_argument, NULL, 'F' },
		{ "debug", required_argument, NULL, 'D' },
		{ "draw", required_argument, NULL, 'W' },
		{ "title", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'R': g->root = optarg; break;
		case 's': g->src = optarg; break;
		case 'b': a->build_base = optarg; break;
		case 'c': g->core = optarg; break;
		case 'l': a->lab_list = optarg; break;
		case 'f':
			if (report_format_parse(optarg, &a->format) < 0)
				die_usage("unknown format '%s': use text, json, gradescope, "
					  "classroom, tap, junit or tsv", optarg);
			break;
		case 'S': g->seed = seed_or_exit(optarg); break;
		case 'z': g->sanitize = true; break;
		case 't': a->test_list = optarg; break;
		case 'B': a->batch = optarg; break;
		case 'o': a->out = optarg; break;
		case 'u': a->student = optarg; break;
		case 'r': a->resume = true; break;
		case 'm': a->merge = true; break;
		case 'p': a->plan = true; break;
		case 'j': {
			uint64_t jobs;

			if (!parse_whole(optarg, &jobs) || jobs < 1 || jobs > 16)
				die_usage("--jobs must be a whole number from 1 to 16, not '%s'",
					  optarg);
			a->jobs = (int)jobs;
			break;
		}
		case 'L': a->roster = optarg; break;
		case 'v': g->verbose = true; break;
		case 'F': g->figures = true; break;
		case 'D': a->debug_tool = optarg; break;
		case 'W': a->draw = optarg; break;
		case 'T': a->title = optarg; break;
		case 'h': print_help(); exit(0);
		default: exit(2);
		}
	}
	if (optind != argc)
		die_usage("unexpected argument '%s'", argv[optind]);
	if ((a->student || a->resume || a->merge || a->plan || a->jobs || a->roster) &&
	    !a->batch)
		die_usage("--student, --resume, --merge, --plan, --jobs and --roster are for "
			  "batch mode (--batch)");
	if (a->merge + a->plan + (a->student != NULL) + a->resume > 1)
		die_usage("--student, --resume, --merge and --plan: one at a time");
	if (a->student && (!*a->student || strchr(a->student, '/')))
		die_usage("--student takes the name of one submission of the folder");
}

/* Checks the folders and makes every path absolute (static storage). */
static void resolve_folders(struct grading *g, const struct arguments *a)
{
	static char root[4096], src[4096], base[4096], core[4096], tree[4400];
	const char *graded = a->batch ? a->batch : g->src;

	if (!g->root || !g->src || !a->build_base || !g->core)
		die_usage("--root, --src, --build and --core are required");
	if (a->batch && !a->out)
		die_usage("--batch needs --out DIR for the reports");
	if (!is_dir(graded))
		die_usage("no %s '%s'", a->batch ? "submissions folder" : "folder to grade",
			  graded);
	if (!realpath(graded, src) || !realpath(g->root, root) || !realpath(g->core, core))
		die_usage("cannot resolve '%s', '%s' or '%s'", graded, g->root, g->core);
	/* One submission may be a repository, or inside a folder or two. */
	if (!a->batch) {
		char found[sizeof src];

		find_lab_root(src, found, sizeof found);
		snprintf(src, sizeof src, "%s", found);
	}
	if (make_dirs(a->build_base, 0755) < 0 || !realpath(a->build_base, base))
		die_usage("cannot create the build folder '%s'", a->build_base);
	g->src = src;
	g->root = root;
	g->core = core;
	tree_build_folder(base, src, g->sanitize, tree, sizeof tree);
	g->build = tree;
}

/* GRADER_SEED, _TIMEOUT_SCALE, _JOBS, _LAB_JOBS, _SANDBOX, _USER, CC. */
static void read_environment(struct grading *g)
{
	const char *env;

	if ((env = getenv("GRADER_SEED")) && *env && g->seed == 0)
		g->seed = seed_or_exit(env);
	if (g->seed == 0)
		g->seed = new_seed();
	g->scale = scale_from_environment();
	if ((env = getenv("GRADER_JOBS")) && *env) {
		uint64_t jobs;

		if (!parse_whole(env, &jobs) || jobs < 1 || jobs > 16)
			die_usage("GRADER_JOBS must be a whole number from 1 to 16, not '%s'", env);
		g->jobs = (int)jobs;
	}
	if ((env = getenv("GRADER_LAB_JOBS")) && *env) {
		uint64_t jobs;

		if (!parse_whole(env, &jobs) || jobs < 1 || jobs > 16)
			die_usage("GRADER_LAB_JOBS must be a whole number from 1 to 16, not '%s'",
				  env);
		g->lab_jobs = (int)jobs;
	}
	if ((env = getenv("GRADER_SANDBOX")) && *env) {
		if (strcmp(env, "auto") && strcmp(env, "bwrap") && strcmp(env, "none"))
			die_usage("GRADER_SANDBOX must be auto, bwrap or none, not '%s'", env);
		g->sandbox = env;
	}
	if ((env = getenv("GRADER_USER")) && *env)
		g->run_as = env;
	if ((env = getenv("CC")) && *env)
		g->cc = env;
}

/* One tree: its labs graded, the score card printed. */
static void grade_tree(const struct grading *g, const struct catalogue_lab **chosen,
		       size_t count, enum report_format format)
{
	struct lab_report *reports = calloc(count + 1, sizeof *reports);
	const char *no_colour = getenv("NO_COLOR");
	const char *term = getenv("TERM");
	const bool colour = isatty(1) && !(no_colour && *no_colour) &&
			    !(term && strcmp(term, "dumb") == 0);
	const double started = monotonic_seconds();

	if (reports == NULL)
		die_usage("out of memory");
	grade_labs(g, chosen, count, reports);
	report_render(stdout, format, g, reports, count, monotonic_seconds() - started,
		      colour);
	free_reports(reports, count);
	free(reports);
}

/*
 * The command that grades one submission of the batch as this run would,
 * every path absolute and the run's seed given: what --plan prints.
 */
static char *const *plan_command(const struct grading *g, const struct arguments *a,
				 const struct catalogue_lab **chosen, size_t count)
{
	static char exe[4096], build[4096], out[4096], seed[32], labs[2048];
	static char *argv[24];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	int k = 0;

	if (n < 0 || make_dirs(a->out, 0755) < 0 || !realpath(a->out, out) ||
	    !realpath(a->build_base, build))
		die_usage("--plan: cannot resolve the driver, --out or --build");
	exe[n] = '\0';
	snprintf(seed, sizeof seed, "%llu", (unsigned long long)g->seed);
	labs[0] = '\0';
	for (size_t l = 0; l < count; l++)
		snprintf(labs + strlen(labs), sizeof labs - strlen(labs), "%s%s", l ? "," : "",
			 chosen[l]->name);
	char *const fixed[] = {
		exe, "--root", (char *)g->root, "--src", (char *)g->src, "--build", build,
		"--core", (char *)g->core, "--seed", seed, "--lab", labs,
		"--batch", (char *)g->src, "--out", out,
	};
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		argv[k++] = fixed[i];
	if (g->figures)
		argv[k++] = "--figures";
	argv[k] = NULL;
	return argv;
}

int main(int argc, char **argv)
{
	struct grading g = { .sandbox = "auto", .run_as = "nobody", .cc = "cc" };
	struct arguments a = { .format = FORMAT_TEXT };
	const struct catalogue_lab **chosen;
	char run_dir[] = "/tmp/ipclab-run-XXXXXX", why[4400];
	struct roster roster = { 0 };
	size_t count;
	int rc = 0;

	parse_arguments(argc, argv, &g, &a);
	if (a.draw) {
		if (picture_draw_file(a.draw, a.title ? a.title : a.draw, stdout))
			return fflush(stdout) == 0 ? 0 : 1;
		fprintf(stderr, "ipcgrade: %s is not a process snapshot that can be read\n", a.draw);
		return 1;
	}
	if (a.title)
		die_usage("--title goes with --draw");
	resolve_folders(&g, &a);
	chosen = calloc(catalogue_count + 1, sizeof *chosen);
	if (chosen == NULL)
		die_usage("out of memory");
	count = select_labs(a.lab_list && *a.lab_list ? a.lab_list : getenv("LAB"), chosen);
	if (a.test_list && *a.test_list) {
		count = select_tests(a.test_list, chosen, count);
		g.only = a.test_list;
	}
	if (a.debug_tool && (count != 1 || !a.test_list))
		die_usage("--debug needs one lab (--lab) and one test (--test)");
	read_environment(&g);
	if (a.roster && !roster_read(a.roster, &roster, why, sizeof why)) {
		fprintf(stderr, "ipcgrade: %s\n", why);
		return 2;
	}
	sandbox_decide(&g);
	if (mkdtemp(run_dir) == NULL) {
		fprintf(stderr, "ipcgrade: cannot create a temporary folder in /tmp: %s\n",
			strerror(errno));
		return 2;
	}
	/* The lab builds are make's own, not part of an outer make's run. */
	unsetenv("MAKEFLAGS");
	unsetenv("MFLAGS");
	unsetenv("MAKELEVEL");
	/* Without a sandbox, student code runs as another user: it must reach it. */
	chmod(run_dir, 0711);
	g.run_dir = run_dir;
	driver_catch_interrupts();
	driver_become_subreaper();
	if (a.debug_tool) {
		rc = debug_test(&g, chosen[0], a.debug_tool);
	} else if (a.batch) {
		rc = grade_batch(&g, g.src, &(struct batch_options){ .out = a.out,
				 .student = a.student, .resume = a.resume, .merge = a.merge,
				 .jobs = a.jobs, .roster = a.roster ? &roster : NULL,
				 .plan_argv = a.plan ? plan_command(&g, &a, chosen, count) : NULL },
				 chosen, count);
		roster_free(&roster);
	} else {
		/* Gradescope's results.json carries the leaderboard. */
		g.figures = g.figures || a.format == FORMAT_JSON;
		grade_tree(&g, chosen, count, a.format);
	}
	fflush(stdout);
	remove_tree(run_dir);
	free(chosen);
	if (driver_interrupted) {
		fprintf(stderr, "ipcgrade: interrupted\n");
		return 130;
	}
	return rc;
}
