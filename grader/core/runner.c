/*
 * runner.c - grader_main(): runs one lab's graded items, several at a time.
 *
 * Each item runs in a host process of its own (item.c), so that nothing
 * of one item reaches the next: items run side by side, each host in a
 * user namespace with its own System V namespace, /dev/shm and run folder
 * (namespace.c), but for the items marked alone.  The runner itself never
 * runs student code and cannot be reached by it: it blocks every signal it can, it is
 * not dumpable (no test can read its memory or descriptors through
 * /proc), and the test processes live in a Landlock domain that cannot
 * signal or trace it.  Each item's result is written as soon as it is
 * known, as one line on the descriptor named by --results-fd, a pipe that
 * no test process holds; without it the results are printed.
 */
#include "audit.h"
#include "context.h"
#include "debug.h"
#include "grader.h"
#include "item.h"
#include "landlock.h"
#include "namespace.h"
#include "results.h"
#include "sysutil.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

/* A failing item that used this many CPUs on average may have starved its neighbours. */
#define HOG_SHARE 0.5

enum {
	MAX_JOBS = 16,
	DEFAULT_MAX_JOBS = 8,
	/* An item's /dev/shm and run folder, as big as the sandbox's. */
	ITEM_SHM_BYTES = 256 << 20,
	ITEM_TMP_BYTES = 256 << 20,
};

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
		"          [--scale X] [--isolated] [--jobs N] [--debug TEST]\n", prog);
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
	size_t jobs;              /* --jobs, or 0 for the default */
	const char *debug;        /* --debug: this item alone, in the foreground */
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
		{ "jobs", required_argument, NULL, 'j' },
		{ "debug", required_argument, NULL, 'd' },
		{ "figures", no_argument, NULL, 'F' },
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
		case 'd': a->debug = optarg; break;
		case 'F': grader_ctx.figures = true; break;
		case 'j':
			a->jobs = (size_t)whole_or_exit(optarg, "--jobs needs a whole number");
			if (a->jobs < 1 || a->jobs > MAX_JOBS)
				bad_value("--jobs must be from 1 to 16", optarg);
			break;
		case 'h': usage_exit(argv[0], 0);
		default: usage_exit(argv[0], 2);
		}
	}
	if (optind != argc)
		usage_exit(argv[0], 2);
}

/* The run's folder and names; false (with a message) when it fails. */
static bool prepare_context(const char *tmpdir)
{
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
	return true;
}

/* When an item ran and how it ended, to tell whom a neighbour may have upset. */
struct item_record {
	double started, ended;   /* monotonic seconds */
	bool failed;             /* it did not pass */
	bool hogged;             /* it failed, busy on half a CPU or more (a fork bomb?) */
	bool forged;             /* it has an integrity finding: it stands */
};

/* The items still running, each in a slot of its own. */
struct slots {
	struct item_host *host;
	bool *busy;
	size_t size;
	size_t active;
	bool alone;              /* the running item must have the machine to itself */
	const struct item_plan *plans; /* the run's plans, and beside each... */
	struct item_record *records;   /* ...its record */
};

/* The pids of the hosts still running: the orphans' sweep spares them. */
static size_t running_hosts(const struct slots *s, pid_t *pids)
{
	size_t n = 0;

	for (size_t i = 0; i < s->size; i++)
		if (s->busy[i] && s->host[i].pid > 0)
			pids[n++] = s->host[i].pid;
	return n;
}

static void start_in_slot(struct slots *s, const struct item_plan *plan, FILE *results)
{
	size_t i = 0;

	while (s->busy[i])
		i++;
	if (results) {
		results_write_start(results, plan->item->name);
		fflush(results);
	}
	s->records[plan - s->plans].started = monotonic_seconds();
	item_start(plan, &s->host[i]);
	if (s->host[i].report_fd >= 0)
		fcntl(s->host[i].report_fd, F_SETFL, O_NONBLOCK);
	s->busy[i] = true;
	s->active++;
	s->alone = plan->item->alone;
}

static void finish_slot(struct slots *s, size_t i, FILE *results, pid_t *pids)
{
	struct item_record *rec = &s->records[s->host[i].plan - s->plans];
	struct result r;

	item_finish(&s->host[i], &r);
	*rec = (struct item_record){
		.started = rec->started,
		.ended = monotonic_seconds(),
		.failed = r.status != RESULT_PASS,
		.forged = r.integrity[0] != '\0',
	};
	rec->hogged = rec->failed &&
		      s->host[i].cpu_seconds > HOG_SHARE * (rec->ended - rec->started);
	s->busy[i] = false;
	s->active--;
	/* Orphans of the item (reparented here when its host died) go now. */
	audit_kill_adopted(pids, running_hosts(s, pids));
	if (results) {
		results_write_item(results, &r);
		fflush(results);
	} else {
		results_print_item(stdout, &r);
		fflush(stdout);
	}
}

/* Waits for the next result or deadline, and finishes what has ended. */
static void collect(struct slots *s, FILE *results, pid_t *pids)
{
	struct pollfd p[s->size];
	double now = monotonic_seconds(), first = now + 60;

	for (size_t i = 0; i < s->size; i++) {
		p[i] = (struct pollfd){ -1, POLLIN, 0 };
		if (!s->busy[i])
			continue;
		p[i].fd = s->host[i].report_fd;
		if (s->host[i].deadline < first)
			first = s->host[i].deadline;
	}
	if (poll(p, s->size, first > now ? (int)((first - now) * 1000) + 1 : 0) < 0 &&
	    errno != EINTR)
		first = 0; /* cannot wait: finish everything that is due */
	now = monotonic_seconds();
	for (size_t i = 0; i < s->size; i++) {
		if (!s->busy[i])
			continue;
		if (s->host[i].report_fd < 0 || now >= s->host[i].deadline ||
		    (p[i].revents && item_read(&s->host[i])))
			finish_slot(s, i, results, pids);
	}
}

/*
 * Whether item k failed while another item beside it failed hogging the
 * CPU: a fork bomb or a busy loop next door can starve an honest item
 * into a timeout.  Honest load is no excuse (items must pass beside it),
 * and a verdict of integrity stands.
 */
static bool upset_by_neighbour(const struct item_record *rec, size_t count, size_t k)
{
	if (!rec[k].failed || rec[k].forged)
		return false;
	for (size_t j = 0; j < count; j++)
		if (j != k && rec[j].hogged && rec[j].started < rec[k].ended &&
		    rec[k].started < rec[j].ended)
			return true;
	return false;
}

/* Runs one item with nothing beside it; its result goes out as it comes. */
static void run_alone(struct slots *s, const struct item_plan *plan, FILE *results,
		      pid_t *pids)
{
	start_in_slot(s, plan, results);
	while (s->active > 0)
		collect(s, results, pids);
}

/*
 * Runs the chosen items, up to jobs at once, one host each; each result
 * goes out as it comes.  An item marked alone (it measures time or CPU)
 * runs with nothing beside it, after the others.  An item that failed
 * beside a failing neighbour that hogged the CPU is graded again alone at
 * the end, and that verdict counts (the driver takes the last result
 * after a new start).
 */
static void run_items(const struct graded_item *table, const int *chosen, size_t count,
		      int results_fd, FILE *results, size_t jobs,
		      const struct item_mounts *isolate)
{
	struct item_plan *plans = calloc(count ? count : 1, sizeof *plans);
	struct slots s = {
		.host = calloc(jobs, sizeof *s.host),
		.busy = calloc(jobs, sizeof *s.busy),
		.size = jobs,
	};
	pid_t *pids = calloc(jobs, sizeof *pids);
	struct item_record *records = calloc(count ? count : 1, sizeof *records);
	size_t order = 0;

	s.plans = plans;
	s.records = records;
	if (plans == NULL || s.host == NULL || s.busy == NULL || pids == NULL ||
	    records == NULL) {
		perror("grader");
		exit(2);
	}
	/* The items that may share the machine first, then the others. */
	for (int alone = 0; alone <= 1; alone++)
		for (size_t k = 0; k < count; k++) {
			const struct graded_item *it = &table[chosen[k]];

			if (it->alone != (alone == 1))
				continue;
			plans[order++] = (struct item_plan){
				.item = it,
				.timeout = it->timeout * grader_ctx.scale,
				.runner_fd = results_fd,
				.landlock = landlock_abi() > 0,
				.isolate = isolate,
			};
		}
	for (size_t next = 0; next < count || s.active > 0;) {
		while (next < count && s.active < s.size &&
		       (s.active == 0 || (!s.alone && !plans[next].item->alone)))
			start_in_slot(&s, &plans[next++], results);
		collect(&s, results, pids);
	}
	if (jobs > 1) {
		bool *again = calloc(count ? count : 1, sizeof *again);

		/* Decided first: a re-run's own record must not widen the circle. */
		for (size_t k = 0; again && k < count; k++)
			again[k] = upset_by_neighbour(records, count, k);
		for (size_t k = 0; again && k < count; k++)
			if (again[k])
				run_alone(&s, &plans[k], results, pids);
		free(again);
	}
	free(plans);
	free(records);
	free(s.host);
	free(s.busy);
	free(pids);
}

/*
 * How many items run at once: --jobs, or twice the CPUs (most items spend
 * their time asleep in a wait), at most DEFAULT_MAX_JOBS; one when items
 * cannot have namespaces of their own.
 */
static size_t choose_jobs(size_t asked, const struct item_mounts *m, bool *isolate)
{
	size_t jobs = asked ? asked : 2 * (size_t)get_nprocs();

	if (asked == 0 && jobs > DEFAULT_MAX_JOBS)
		jobs = DEFAULT_MAX_JOBS;
	/* Side by side only where no test can reach another item's host. */
	*isolate = jobs > 1 && landlock_abi() > 0 && namespace_items_can_isolate(m);
	return *isolate ? jobs : 1;
}

int grader_main(int argc, char **argv, const char *lab,
		const struct graded_item *table, size_t count)
{
	char own_tmp[] = "/tmp/ipclab-XXXXXX";
	struct runner_args a;
	FILE *results = NULL;
	/* The run's folder, kept: an item's host makes grader_ctx.tmpdir its own. */
	static char run_dir[sizeof grader_ctx.tmpdir];
	const struct item_mounts mounts = {
		.run_dir = run_dir,
		.run_bytes = ITEM_TMP_BYTES,
		.shm_bytes = ITEM_SHM_BYTES,
	};
	size_t chosen_count, jobs;
	bool isolate;
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
	memcpy(run_dir, grader_ctx.tmpdir, sizeof run_dir);
	if (a.debug) {
		const int found = find_item(table, count, a.debug);
		int status = 2;

		if (found < 0)
			fprintf(stderr, "grader: %s has no test named '%s'\n", lab, a.debug);
		else
			status = debug_item(&table[found], &mounts);
		if (a.tmpdir == NULL)
			remove_tree(own_tmp);
		free(chosen);
		return status;
	}
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
		namespace_private_sysv();
	jobs = choose_jobs(a.jobs, &mounts, &isolate);
	run_items(table, chosen, chosen_count, a.results_fd, results, jobs,
		  isolate ? &mounts : NULL);
	if (results)
		fclose(results);
	else
		printf("seed %llu\n", (unsigned long long)grader_ctx.seed);
	if (a.tmpdir == NULL)
		remove_tree(own_tmp);
	free(chosen);
	return 0;
}
