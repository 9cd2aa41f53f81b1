/*
 * runner.c - grader_main(): runs one lab's graded items under Check.
 *
 * Every item is one TCase in fork mode with its own timeout.  Around each:
 *   - an unchecked fixture, in the runner: a fresh working folder, a leak
 *     snapshot before and a sweep after (the sweep also runs after a crash
 *     or a timeout, which a checked teardown would not);
 *   - a checked fixture, in the test process: default signal dispositions,
 *     an empty signal mask, descriptors >= 3 close-on-exec, the working
 *     folder, umask 022, the item's random stream;
 *   - a trampoline that marks the test as completed in a page shared with
 *     the runner: a test process that ends with status 0 without getting
 *     there called exit() or _exit() from the code under test.
 * The results go to the file named by --results, one line per item, for
 * the driver to render; without it they are printed.
 */
#include "audit.h"
#include "autopsy.h"
#include "context.h"
#include "grader.h"
#include "results.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct item_state {
	double seconds;
	char leaks[400];
	bool started;
	bool completed;
	char autopsy[600];
};

/* Written by test processes and the watchdog, read by the runner. */
struct shared_marks {
	int completed;
	pid_t test_pid;
	char autopsy[600];
};

static const struct graded_item *items;
static size_t item_count;
static int selected[256];
static size_t selected_count;
static int current = -1;                 /* index into items */
static size_t current_pos;               /* position among selected */
static struct item_state *states;
static struct shared_marks *marks;
static struct audit_snapshot snapshot;
static double item_started;
static FILE *results_file;
static char workdir[600];
static pid_t watchdog = -1;

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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

static void remove_tree(const char *path)
{
	nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- fixtures ---- */

/*
 * Just before the item's timeout, a watchdog process writes down what the
 * test's processes are blocked in: after the timeout they are killed.
 */
static void start_watchdog(double timeout)
{
	marks->test_pid = 0;
	marks->autopsy[0] = '\0';
	fflush(NULL);
	watchdog = fork();
	if (watchdog == 0) {
		double at = timeout * 0.85;
		struct timespec delay = { (time_t)at, (long)((at - (time_t)at) * 1e9) };

		while (nanosleep(&delay, &delay) != 0)
			;
		if (marks->test_pid > 0)
			autopsy_describe(marks->test_pid, "the test", marks->autopsy,
					 sizeof marks->autopsy);
		_exit(0);
	}
}

static void stop_watchdog(void)
{
	if (watchdog > 0) {
		kill(watchdog, SIGKILL);
		while (waitpid(watchdog, NULL, 0) < 0 && errno == EINTR)
			;
	}
	watchdog = -1;
}

static void unchecked_setup(void)
{
	current = selected[current_pos];
	snprintf(workdir, sizeof workdir, "%s/work-%s", grader_ctx.tmpdir,
		 items[current].name);
	if (mkdir(workdir, 0755) < 0 && errno != EEXIST)
		perror("grader: mkdir");
	marks->completed = 0;
	if (results_file) {
		results_write_start(results_file, items[current].name);
		fflush(results_file);
	}
	states[current].started = true;
	audit_take(&snapshot);
	item_started = now_seconds();
	start_watchdog(items[current].timeout * grader_ctx.scale);
}

static void unchecked_teardown(void)
{
	struct item_state *s = &states[current];

	s->seconds = now_seconds() - item_started;
	stop_watchdog();
	s->completed = marks->completed;
	snprintf(s->autopsy, sizeof s->autopsy, "%s", marks->autopsy);
	audit_sweep(&snapshot, s->leaks, sizeof s->leaks);
	audit_release(&snapshot);
	remove_tree(workdir);
	current_pos++;
}

/* Processes of this user now: a fork bomb may add a few hundred more. */
static long count_own_processes(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	long n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		struct stat st;
		char path[300];

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s", e->d_name);
		if (stat(path, &st) == 0 && st.st_uid == getuid())
			n++;
	}
	closedir(d);
	return n;
}

/*
 * Limits for the test process and what it starts, not for the runner: a
 * fork bomb stops at a couple of hundred processes while the runner can
 * still fork the next test; a crash leaves no core file; a runaway writer
 * stops at 256 MiB.
 */
static void limit_test_resources(void)
{
	struct rlimit lim;

	if (getrlimit(RLIMIT_NPROC, &lim) == 0 && getuid() != 0) {
		rlim_t wanted = (rlim_t)count_own_processes() + 200;

		if (lim.rlim_max == RLIM_INFINITY || wanted < lim.rlim_max)
			lim.rlim_cur = wanted;
		setrlimit(RLIMIT_NPROC, &lim);
	}
	lim.rlim_cur = lim.rlim_max = 0;
	setrlimit(RLIMIT_CORE, &lim);
	if (getrlimit(RLIMIT_FSIZE, &lim) == 0) {
		lim.rlim_cur = 256UL << 20;
		if (lim.rlim_max != RLIM_INFINITY && lim.rlim_cur > lim.rlim_max)
			lim.rlim_cur = lim.rlim_max;
		setrlimit(RLIMIT_FSIZE, &lim);
	}
}

static void checked_setup(void)
{
	static const int reset[] = { SIGALRM, SIGTERM, SIGINT, SIGHUP, SIGQUIT,
				     SIGUSR1, SIGUSR2, SIGCHLD, SIGPIPE };
	struct rlimit lim;
	sigset_t none;

	grader_ctx.test_pid = getpid();
	marks->test_pid = getpid();
	for (size_t i = 0; i < sizeof reset / sizeof reset[0]; i++)
		signal(reset[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* Check's own descriptors must not reach the programs a test runs. */
	if (getrlimit(RLIMIT_NOFILE, &lim) == 0)
		for (int fd = 3; fd < (int)lim.rlim_cur && fd < 4096; fd++)
			fcntl(fd, F_SETFD, FD_CLOEXEC);
	if (chdir(workdir) < 0)
		perror("grader: chdir");
	umask(022);
	limit_test_resources();
	grader_reseed_for(items[current].name);
}

static void checked_teardown(void)
{
}

/* The test body, run through this so that its completion is recorded. */
static void trampoline(int iteration)
{
	(*items[current].test)->fn(iteration);
	if (grader_in_test_process())
		marks->completed = 1;
}

/* ---- results ---- */

static void explain_error(const struct graded_item *it, const char *msg,
			  const struct item_state *s, struct result *r)
{
	int sig, code;

	if (strstr(msg, "timeout expired")) {
		r->status = RESULT_TIMEOUT;
		snprintf(r->hint, sizeof r->hint,
			 "no result within %.1f s: the code under test blocked or "
			 "looped (a lost wake-up, a read that never sees EOF, a wait "
			 "for a child that never ends?)%s%s",
			 it->timeout * grader_ctx.scale,
			 s->autopsy[0] ? ". Just before: " : "", s->autopsy);
	} else if (sscanf(msg, "Received signal %d", &sig) == 1) {
		r->status = RESULT_CRASH;
		snprintf(r->hint, sizeof r->hint,
			 "the test process was killed by SIG%s in the code under test%s",
			 sigabbrev_np(sig) ? sigabbrev_np(sig) : "?",
			 sig == SIGSEGV ? " (a bad pointer, or memory not mapped)" :
			 sig == SIGBUS ? " (a mapping beyond the end of its file?)" :
			 sig == SIGUSR1 || sig == SIGUSR2 ?
			 " (a signal sent before its handler was installed?)" : "");
	} else if (sscanf(msg, "Early exit with return value %d", &code) == 1) {
		r->status = RESULT_FAIL;
		snprintf(r->hint, sizeof r->hint,
			 "the code under test ended the test process with exit status %d: "
			 "return an error to the caller instead of calling exit()",
			 code);
	} else {
		r->status = RESULT_FAIL;
		snprintf(r->hint, sizeof r->hint, "%s", msg);
	}
}

static void make_result(const struct graded_item *it, TestResult *tr,
			const struct item_state *s, struct result *r)
{
	memset(r, 0, sizeof *r);
	snprintf(r->name, sizeof r->name, "%s", it->name);
	r->max = it->points;
	r->seconds = s->seconds;
	if (tr == NULL) {
		r->status = RESULT_ERROR;
		snprintf(r->hint, sizeof r->hint, "%s",
			 s->started ? "the test produced no result"
				    : "the test did not run");
	} else if (tr_rtype(tr) == CK_PASS) {
		r->status = RESULT_PASS;
	} else if (tr_rtype(tr) == CK_FAILURE) {
		r->status = RESULT_FAIL;
		snprintf(r->hint, sizeof r->hint, "%s", tr_msg(tr));
	} else {
		explain_error(it, tr_msg(tr), s, r);
	}
	if (r->status == RESULT_PASS && !s->completed) {
		r->status = RESULT_FAIL;
		snprintf(r->hint, sizeof r->hint,
			 "the test process ended early with status 0: the code under "
			 "test called exit() or _exit(); return to the caller instead");
	}
	if (s->leaks[0]) {
		char leak_hint[sizeof r->hint];

		snprintf(leak_hint, sizeof leak_hint,
			 "left behind after the test: %s: remove what you create "
			 "(shmctl IPC_RMID, shm_unlink, sem_unlink) and wait for "
			 "every child", s->leaks);
		if (r->status == RESULT_PASS) {
			r->status = RESULT_FAIL;
			snprintf(r->hint, sizeof r->hint, "%s", leak_hint);
		} else {
			size_t used = strlen(r->hint);
			snprintf(r->hint + used, sizeof r->hint - used, "; also %s",
				 leak_hint);
		}
	}
	if (r->status != RESULT_PASS && it->section && it->section[0]) {
		size_t used = strlen(r->hint);
		snprintf(r->hint + used, sizeof r->hint - used, " [handout %.2s %s]",
			 grader_ctx.lab, it->section);
	}
	r->score = r->status == RESULT_PASS ? it->points : 0;
}

/* ---- the run ---- */

static void ignore_signal(int sig)
{
	(void)sig;
}

/*
 * Student code may signal the wrong process (TELL_PARENT from the test
 * process reaches the runner): SIGUSR1/SIGUSR2 must not kill the runner.
 */
static void protect_runner(void)
{
	struct sigaction sa = { .sa_handler = ignore_signal, .sa_flags = SA_RESTART };
	static const char *const check_vars[] = {
		"CK_FORK", "CK_RUN_SUITE", "CK_RUN_CASE", "CK_INCLUDE_TAGS",
		"CK_EXCLUDE_TAGS", "CK_DEFAULT_TIMEOUT", "CK_TIMEOUT_MULTIPLIER",
		"CK_VERBOSITY", "CK_LOG_FILE_NAME", "CK_TAP_LOG_FILE_NAME",
		"CK_XML_LOG_FILE_NAME", "CK_MAX_MSG_SIZE",
	};
	int null_fd;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	signal(SIGCHLD, SIG_DFL); /* SIG_IGN would make Check spin */
	for (size_t i = 0; i < sizeof check_vars / sizeof check_vars[0]; i++)
		unsetenv(check_vars[i]);
	null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null_fd >= 0) {
		dup2(null_fd, 0);
		close(null_fd);
	}
	audit_become_subreaper();
}

/* A private System V namespace, when the sandbox has not given one. */
static void isolate_sysv(void)
{
	char map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();
	int fd;

	if (unshare(CLONE_NEWIPC) == 0)
		return;
	if (unshare(CLONE_NEWUSER | CLONE_NEWIPC) < 0)
		return; /* shared namespace: the audit still works by diff */
	fd = open("/proc/self/setgroups", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, "deny", 4) < 0)
			perror("grader: setgroups");
		close(fd);
	}
	snprintf(map, sizeof map, "%u %u 1", (unsigned)uid, (unsigned)uid);
	fd = open("/proc/self/uid_map", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, map, strlen(map)) < 0)
			perror("grader: uid_map");
		close(fd);
	}
	snprintf(map, sizeof map, "%u %u 1", (unsigned)gid, (unsigned)gid);
	fd = open("/proc/self/gid_map", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, map, strlen(map)) < 0)
			perror("grader: gid_map");
		close(fd);
	}
}

static int find_item(const char *name)
{
	for (size_t i = 0; i < item_count; i++)
		if (strcmp(items[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int select_items(const char *only)
{
	char *copy, *save = NULL;

	if (only == NULL) {
		for (size_t i = 0; i < item_count && i < 256; i++)
			selected[selected_count++] = (int)i;
		return 0;
	}
	copy = strdup(only);
	for (char *name = strtok_r(copy, ",", &save); name;
	     name = strtok_r(NULL, ",", &save)) {
		int i = find_item(name);

		if (i < 0) {
			fprintf(stderr, "grader: %s has no test named '%s'\n",
				grader_ctx.lab, name);
			free(copy);
			return -1;
		}
		selected[selected_count++] = i;
	}
	free(copy);
	return 0;
}

static void usage_exit(const char *prog, int status)
{
	fprintf(status ? stderr : stdout,
		"usage: %s [--list] [--only TEST[,TEST...]] [--results FILE]\n"
		"          [--bindir DIR] [--shimdir DIR] [--tmpdir DIR] [--seed N]\n"
		"          [--isolated]\n", prog);
	exit(status);
}

static void set_path(char *dst, size_t size, const char *value, const char *fallback)
{
	snprintf(dst, size, "%s", value ? value : fallback);
}

static uint64_t pick_seed(const char *arg)
{
	const char *env = getenv("GRADER_SEED");
	struct timespec ts;

	if (arg || (env && *env)) {
		char *end;
		unsigned long long v = strtoull(arg ? arg : env, &end, 0);

		if (*end != '\0') {
			fprintf(stderr, "grader: the seed must be a number, not '%s'\n",
				arg ? arg : env);
			exit(2);
		}
		return v;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_nsec ^ (uint64_t)getpid() << 20) % 1000000000ULL;
}

static double pick_scale(void)
{
	const char *env = getenv("GRADER_TIMEOUT_SCALE");
	char *end;
	double v;

	if (env == NULL || *env == '\0')
		return 1.0;
	v = strtod(env, &end);
	if (*end != '\0' || !(v > 0) || v > 100) {
		fprintf(stderr, "grader: GRADER_TIMEOUT_SCALE must be a number "
			"between 0 and 100, not '%s'\n", env);
		exit(2);
	}
	return v;
}

int grader_main(int argc, char **argv, const char *lab,
		const struct graded_item *table, size_t count)
{
	static const struct option options[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "only", required_argument, NULL, 'o' },
		{ "results", required_argument, NULL, 'r' },
		{ "bindir", required_argument, NULL, 'b' },
		{ "shimdir", required_argument, NULL, 's' },
		{ "tmpdir", required_argument, NULL, 't' },
		{ "seed", required_argument, NULL, 'S' },
		{ "isolated", no_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *only = NULL, *results_path = NULL, *bindir = NULL;
	const char *shimdir = NULL, *tmpdir = NULL, *seed_arg = NULL;
	bool list = false, isolated = false, own_tmpdir = false;
	char default_tmp[] = "/tmp/ipclab-XXXXXX";
	struct result *results;
	TestResult **check_results;
	Suite *suite;
	SRunner *runner;
	int opt, n;

	items = table;
	item_count = count;
	grader_ctx.lab = lab;
	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'l': list = true; break;
		case 'o': only = optarg; break;
		case 'r': results_path = optarg; break;
		case 'b': bindir = optarg; break;
		case 's': shimdir = optarg; break;
		case 't': tmpdir = optarg; break;
		case 'S': seed_arg = optarg; break;
		case 'i': isolated = true; break;
		case 'h': usage_exit(argv[0], 0); break;
		default: usage_exit(argv[0], 2);
		}
	}
	if (optind != argc)
		usage_exit(argv[0], 2);
	if (list) {
		for (size_t i = 0; i < count; i++)
			printf("%s\t%d\t%.1f\t%s\n", table[i].name, table[i].points,
			       table[i].timeout, table[i].section);
		return 0;
	}
	if (select_items(only) < 0)
		return 2;
	grader_ctx.seed = pick_seed(seed_arg);
	grader_ctx.scale = pick_scale();
	if (tmpdir == NULL) {
		if (mkdtemp(default_tmp) == NULL) {
			perror("grader: mkdtemp");
			return 2;
		}
		tmpdir = default_tmp;
		own_tmpdir = true;
	}
	set_path(grader_ctx.tmpdir, sizeof grader_ctx.tmpdir, tmpdir, "/tmp");
	set_path(grader_ctx.bindir, sizeof grader_ctx.bindir, bindir, ".");
	set_path(grader_ctx.shimdir, sizeof grader_ctx.shimdir, shimdir, ".");
	snprintf(grader_ctx.shm_prefix, sizeof grader_ctx.shm_prefix,
		 "ipclab-%d-%08x", (int)getpid(), (unsigned)(grader_ctx.seed * 2654435761u));
	snprintf(grader_ctx.key_file, sizeof grader_ctx.key_file, "%s/keyfile",
		 grader_ctx.tmpdir);
	int key_fd = open(grader_ctx.key_file, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (key_fd < 0) {
		fprintf(stderr, "grader: cannot create %s: %s\n", grader_ctx.key_file,
			strerror(errno));
		return 2;
	}
	close(key_fd);
	/* Check keeps its result files in $TEMP: keep them in the run's folder. */
	setenv("TEMP", grader_ctx.tmpdir, 1);
	if (results_path) {
		results_file = fopen(results_path, "we");
		if (results_file == NULL) {
			fprintf(stderr, "grader: cannot write %s: %s\n", results_path,
				strerror(errno));
			return 2;
		}
		results_write_header(results_file, lab, grader_ctx.seed);
		fflush(results_file);
	}
	protect_runner();
	if (!isolated)
		isolate_sysv();

	states = calloc(count, sizeof *states);
	results = calloc(count, sizeof *results);
	marks = mmap(NULL, sizeof *marks, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (states == NULL || results == NULL || marks == MAP_FAILED) {
		perror("grader: out of memory");
		return 2;
	}
	suite = suite_create(lab);
	for (size_t k = 0; k < selected_count; k++) {
		const struct graded_item *it = &items[selected[k]];
		/* The test runs through the trampoline, under the item's name. */
		TTest *wrapped = calloc(1, sizeof *wrapped);
		TCase *tc = tcase_create(it->name);

		wrapped->name = it->name;
		wrapped->fn = trampoline;
		wrapped->file = (*it->test)->file;
		wrapped->line = (*it->test)->line;
		tcase_set_timeout(tc, it->timeout * grader_ctx.scale);
		tcase_add_unchecked_fixture(tc, unchecked_setup, unchecked_teardown);
		tcase_add_checked_fixture(tc, checked_setup, checked_teardown);
		tcase_add_test(tc, wrapped);
		suite_add_tcase(suite, tc);
	}
	runner = srunner_create(suite);
	srunner_set_fork_status(runner, CK_FORK);
	fflush(NULL);
	srunner_run_all(runner, CK_SILENT);

	check_results = srunner_results(runner);
	n = srunner_ntests_run(runner);
	for (size_t k = 0; k < selected_count; k++) {
		const int i = selected[k];
		TestResult *tr = NULL;

		for (int j = 0; j < n && !tr; j++)
			if (strcmp(tr_tcname(check_results[j]), items[i].name) == 0)
				tr = check_results[j];
		make_result(&items[i], tr, &states[i], &results[i]);
		if (results_file)
			results_write_item(results_file, &results[i]);
		else
			results_print_item(stdout, &results[i]);
	}
	free(check_results);
	srunner_free(runner);
	if (results_file)
		fclose(results_file);
	else
		printf("seed %llu\n", (unsigned long long)grader_ctx.seed);
	if (own_tmpdir)
		remove_tree(default_tmp);
	return 0;
}
