/*
 * runner.c - grader_main(): runs one lab's graded items, one at a time.
 *
 * Each item runs in a host process of its own (item.c), so that nothing
 * of one item reaches the next.  The runner itself never runs student
 * code and cannot be reached by it: it blocks every signal it can, it is
 * not dumpable (no test can read its memory or descriptors through
 * /proc), and the test processes live in a Landlock domain that cannot
 * signal or trace it.  Each item's result is written as soon as it is
 * known, as one line on the descriptor named by --results-fd, a pipe that
 * no test process holds; without it the results are printed.
 */
#include "audit.h"
#include "context.h"
#include "grader.h"
#include "item.h"
#include "landlock.h"
#include "results.h"
#include "sysutil.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>


/*
 * Nothing the code under test does may stop the runner: it blocks every
 * signal it can (it needs none), and is not dumpable.
 */
static void protect_runner(void)
{
	static const char *const check_vars[] = {
		"CK_FORK", "CK_RUN_SUITE", "CK_RUN_CASE", "CK_INCLUDE_TAGS",
		"CK_EXCLUDE_TAGS", "CK_DEFAULT_TIMEOUT", "CK_TIMEOUT_MULTIPLIER",
		"CK_VERBOSITY", "CK_LOG_FILE_NAME", "CK_TAP_LOG_FILE_NAME",
		"CK_XML_LOG_FILE_NAME", "CK_MAX_MSG_SIZE",
	};
	sigset_t all;
	int null_fd;

	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	signal(SIGCHLD, SIG_DFL); /* SIG_IGN would make Check spin */
	signal(SIGPIPE, SIG_IGN);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	for (size_t i = 0; i < sizeof check_vars / sizeof check_vars[0]; i++)
		unsetenv(check_vars[i]);
	null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null_fd >= 0) {
		dup2(null_fd, 0);
		close(null_fd);
	}
	audit_become_subreaper();
}

static void write_map(const char *file, unsigned id)
{
	char path[64], map[64];
	int fd;

	snprintf(path, sizeof path, "/proc/self/%s", file);
	snprintf(map, sizeof map, "%u %u 1", id, id);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, map, strlen(map)) < 0)
		perror("grader: write id map");
	close(fd);
}

/* A private System V namespace, when the sandbox has not given one. */
static void isolate_sysv(void)
{
	const uid_t uid = geteuid();
	const gid_t gid = getegid();
	int fd;

	if (unshare(CLONE_NEWIPC) == 0)
		return;
	if (unshare(CLONE_NEWUSER | CLONE_NEWIPC) < 0)
		return; /* shared namespace: the audit still works by difference */
	fd = open("/proc/self/setgroups", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, "deny", 4) < 0)
			perror("grader: setgroups");
		close(fd);
	}
	write_map("uid_map", (unsigned)uid);
	write_map("gid_map", (unsigned)gid);
}

static int find_item(const struct graded_item *table, size_t count, const char *name)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(table[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* The items to run, in table order or in the order --only names them. */
static size_t select_items(const struct graded_item *table, size_t count,
			   const char *only, int *chosen)
{
	size_t n = 0;
	char *copy, *save = NULL;

	if (only == NULL) {
		for (size_t i = 0; i < count; i++)
			chosen[n++] = (int)i;
		return n;
	}
	copy = strdup(only);
	if (copy == NULL)
		return 0;
	for (char *name = strtok_r(copy, ",", &save); name && n < count;
	     name = strtok_r(NULL, ",", &save)) {
		int i = find_item(table, count, name);

		if (i < 0) {
			fprintf(stderr, "grader: %s has no test named '%s'\n",
				grader_ctx.lab, name);
			free(copy);
			exit(2);
		}
		chosen[n++] = i;
	}
	free(copy);
	return n;
}

static _Noreturn void usage_exit(const char *prog, int status)
{
	fprintf(status ? stderr : stdout,
		"usage: %s [--list] [--only TEST[,TEST...]] [--results-fd N]\n"
		"          [--bindir DIR] [--shimdir DIR] [--tmpdir DIR] [--seed N]\n"
		"          [--scale X] [--isolated]\n", prog);
	exit(status);
}

static _Noreturn void bad_value(const char *what, const char *text)
{
	fprintf(stderr, "grader: %s, not '%s'\n", what, text);
	exit(2);
}

static uint64_t whole_or_exit(const char *text, const char *what)
{
	uint64_t v;

	if (!parse_whole(text, &v))
		bad_value(what, text);
	return v;
}

static double scale_or_exit(const char *text)
{
	double v;

	if (!parse_scale(text, &v))
		bad_value("the timeout scale must be a number in (0, 100]", text);
	return v;
}

static void set_path(char *dst, size_t size, const char *value)
{
	if ((size_t)snprintf(dst, size, "%s", value) >= size)
		bad_value("path too long", value);
}

/* What the command line asks of the runner. */
struct runner_args {
	const char *only;         /* --only, or NULL for every item */
	const char *tmpdir;       /* --tmpdir, or NULL for a folder of its own */
	int results_fd;           /* --results-fd, or -1: print instead */
	bool list;
	bool isolated;            /* the sandbox gave a private IPC namespace */
};

/* Reads the environment (GRADER_SEED, GRADER_TIMEOUT_SCALE), then the options. */
static void parse_arguments(int argc, char **argv, struct runner_args *a)
{
	static const struct option options[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "only", required_argument, NULL, 'o' },
		{ "results-fd", required_argument, NULL, 'r' },
		{ "bindir", required_argument, NULL, 'b' },
		{ "shimdir", required_argument, NULL, 's' },
		{ "tmpdir", required_argument, NULL, 't' },
		{ "seed", required_argument, NULL, 'S' },
		{ "scale", required_argument, NULL, 'x' },
		{ "isolated", no_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *env;
	int opt;

	*a = (struct runner_args){ .results_fd = -1 };
	set_path(grader_ctx.bindir, sizeof grader_ctx.bindir, ".");
	set_path(grader_ctx.shimdir, sizeof grader_ctx.shimdir, ".");
	grader_ctx.scale = 1.0;
	if ((env = getenv("GRADER_TIMEOUT_SCALE")) && *env)
		grader_ctx.scale = scale_or_exit(env);
	if ((env = getenv("GRADER_SEED")) && *env)
		grader_ctx.seed = whole_or_exit(env, "the seed must be a whole number");
	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'l': a->list = true; break;
		case 'o': a->only = optarg; break;
		case 'r':
			a->results_fd = (int)whole_or_exit(optarg, "--results-fd needs a descriptor");
			break;
		case 'b': set_path(grader_ctx.bindir, sizeof grader_ctx.bindir, optarg); break;
		case 's': set_path(grader_ctx.shimdir, sizeof grader_ctx.shimdir, optarg); break;
		case 't': a->tmpdir = optarg; break;
		case 'S':
			grader_ctx.seed = whole_or_exit(optarg, "the seed must be a whole number");
			break;
		case 'x': grader_ctx.scale = scale_or_exit(optarg); break;
		case 'i': a->isolated = true; break;
		case 'h': usage_exit(argv[0], 0);
		default: usage_exit(argv[0], 2);
		}
	}
	if (optind != argc)
		usage_exit(argv[0], 2);
}

/* The run's folder, names and key file; false (with a message) when it fails. */
static bool prepare_context(const char *tmpdir)
{
	int key_fd;

	if (grader_ctx.seed == 0) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		grader_ctx.seed = ((uint64_t)ts.tv_nsec ^ (uint64_t)getpid() << 20) %
				  1000000000ULL + 1;
	}
	set_path(grader_ctx.tmpdir, sizeof grader_ctx.tmpdir, tmpdir);
	if (mkdir(tmpdir, 0700) < 0 && errno != EEXIST) {
		fprintf(stderr, "grader: cannot create %s: %s\n", tmpdir, strerror(errno));
		return false;
	}
	snprintf(grader_ctx.shm_prefix, sizeof grader_ctx.shm_prefix,
		 "ipclab-%d-%08x", (int)getpid(), (unsigned)(grader_ctx.seed * 2654435761u));
	snprintf(grader_ctx.key_file, sizeof grader_ctx.key_file, "%s/keyfile",
		 grader_ctx.tmpdir);
	key_fd = open(grader_ctx.key_file, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (key_fd < 0) {
		fprintf(stderr, "grader: cannot create %s: %s\n", grader_ctx.key_file,
			strerror(errno));
		return false;
	}
	close(key_fd);
	/* Check keeps its message files in $TEMP: keep them in the run's folder. */
	setenv("TEMP", grader_ctx.tmpdir, 1);
	return true;
}

/* Runs the chosen items, one host each; each result goes out as it comes. */
static void run_items(const struct graded_item *table, const int *chosen, size_t count,
		      int results_fd, FILE *results)
{
	for (size_t k = 0; k < count; k++) {
		const struct graded_item *it = &table[chosen[k]];
		const struct item_plan plan = {
			.item = it,
			.timeout = it->timeout * grader_ctx.scale,
			.runner_fd = results_fd,
			.landlock = landlock_abi() > 0,
		};
		struct result r;

		if (results) {
			results_write_start(results, it->name);
			fflush(results);
		}
		item_run(&plan, &r);
		if (results) {
			results_write_item(results, &r);
			fflush(results);
		} else {
			results_print_item(stdout, &r);
			fflush(stdout);
		}
	}
}

int grader_main(int argc, char **argv, const char *lab,
		const struct graded_item *table, size_t count)
{
	char own_tmp[] = "/tmp/ipclab-XXXXXX";
	struct runner_args a;
	FILE *results = NULL;
	size_t chosen_count;
	int *chosen;

	grader_ctx.lab = lab;
	grader_ctx.channel_fd = -1;
	parse_arguments(argc, argv, &a);
	if (a.list) {
		for (size_t i = 0; i < count; i++)
			printf("%s\t%d\t%.1f\t%s\n", table[i].name, table[i].points,
			       table[i].timeout, table[i].section);
		return 0;
	}
	chosen = calloc(count ? count : 1, sizeof *chosen);
	if (chosen == NULL) {
		perror("grader");
		return 2;
	}
	chosen_count = select_items(table, count, a.only, chosen);
	if (a.tmpdir == NULL && mkdtemp(own_tmp) == NULL) {
		perror("grader: mkdtemp");
		return 2;
	}
	if (!prepare_context(a.tmpdir ? a.tmpdir : own_tmp))
		return 2;
	if (a.results_fd >= 0) {
		fcntl(a.results_fd, F_SETFD, FD_CLOEXEC);
		results = fdopen(a.results_fd, "w");
		if (results == NULL) {
			fprintf(stderr, "grader: --results-fd %d: %s\n", a.results_fd,
				strerror(errno));
			return 2;
		}
		results_write_header(results, lab, grader_ctx.seed);
		fflush(results);
	}
	protect_runner();
	if (!a.isolated)
		isolate_sysv();
	run_items(table, chosen, chosen_count, a.results_fd, results);
	if (results)
		fclose(results);
	else
		printf("seed %llu\n", (unsigned long long)grader_ctx.seed);
	if (a.tmpdir == NULL)
		remove_tree(own_tmp);
	free(chosen);
	return 0;
}
