/*
 * sandbox.c - run a lab's suite away from the machine and from root.
 *
 * The suite and the lab's programs are copied into the run's private
 * folder; when the driver runs as root they are handed to an unprivileged
 * user (nobody) and run as that user through setpriv.  With bubblewrap the
 * suite gets its own IPC and PID namespaces and its own /dev/shm: two runs
 * never see each other's objects, and no process outlives the suite.
 * Without it the suite still isolates System V IPC itself when the kernel
 * lets it, and audits /dev/shm and its children after every test.
 */
#include "driver.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const bwrap_args[] = {
	"bwrap", "--dev-bind", "/", "/", "--tmpfs", "/dev/shm",
	"--unshare-ipc", "--unshare-pid", "--proc", "/proc",
	"--die-with-parent", "--new-session", "--",
};
enum { BWRAP_ARGC = sizeof bwrap_args / sizeof bwrap_args[0] };

static int sandbox_state = -1;        /* -1 unknown, 0 none, 1 bwrap */
static char sandbox_text[200] = "none";
static struct passwd run_user;
static bool drop_privileges;
static char uid_arg[32], gid_arg[32];

const char *sandbox_description(void)
{
	return sandbox_text;
}

/* Appends the setpriv prefix that drops root, when it applies. */
static int add_user_prefix(char **argv, int argc)
{
	if (!drop_privileges)
		return argc;
	argv[argc++] = "setpriv";
	argv[argc++] = uid_arg;
	argv[argc++] = gid_arg;
	argv[argc++] = "--clear-groups";
	argv[argc++] = "--";
	return argc;
}

static void decide_user(const struct grading *g)
{
	struct passwd *pw;

	if (geteuid() != 0 || g->run_as == NULL || strcmp(g->run_as, "root") == 0)
		return;
	pw = getpwnam(g->run_as);
	if (pw == NULL) {
		fprintf(stderr, "grader: no user '%s' to run student code as; "
			"running as root\n", g->run_as);
		return;
	}
	run_user = *pw;
	drop_privileges = true;
	snprintf(uid_arg, sizeof uid_arg, "--reuid=%u", (unsigned)pw->pw_uid);
	snprintf(gid_arg, sizeof gid_arg, "--regid=%u", (unsigned)pw->pw_gid);
}

static void decide_sandbox(const struct grading *g)
{
	char *argv[32], log_path[1100];
	int argc = 0;
	bool timed_out;

	if (sandbox_state >= 0)
		return;
	decide_user(g);
	sandbox_state = 0;
	if (strcmp(g->sandbox, "none") == 0) {
		snprintf(sandbox_text, sizeof sandbox_text, "none (GRADER_SANDBOX=none)");
	} else {
		argc = add_user_prefix(argv, argc);
		for (int i = 0; i < BWRAP_ARGC; i++)
			argv[argc++] = (char *)bwrap_args[i];
		argv[argc++] = "true";
		argv[argc] = NULL;
		snprintf(log_path, sizeof log_path, "%s/sandbox-probe.log", g->run_dir);
		if (spawn_wait(argv, log_path, 30, &timed_out) == 0) {
			sandbox_state = 1;
			snprintf(sandbox_text, sizeof sandbox_text, "bubblewrap");
		} else if (strcmp(g->sandbox, "bwrap") == 0) {
			fprintf(stderr, "grader: GRADER_SANDBOX=bwrap but bubblewrap "
				"does not work here (see %s)\n", log_path);
			exit(2);
		} else {
			snprintf(sandbox_text, sizeof sandbox_text,
				 "none (bubblewrap missing or not permitted)");
		}
	}
	if (drop_privileges) {
		size_t used = strlen(sandbox_text);
		snprintf(sandbox_text + used, sizeof sandbox_text - used, ", as user %s",
			 run_user.pw_name);
	}
}

/* Copies one file, keeping its mode, owned by the user the suite runs as. */
static int copy_file(const char *from, const char *to)
{
	char chunk[65536];
	struct stat st;
	ssize_t n;
	int in = open(from, O_RDONLY | O_CLOEXEC), out;

	if (in < 0)
		return -1;
	if (fstat(in, &st) < 0) {
		close(in);
		return -1;
	}
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, st.st_mode & 0755);
	if (out < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, chunk, sizeof chunk)) > 0)
		if (write(out, chunk, (size_t)n) != n) {
			n = -1;
			break;
		}
	if (drop_privileges && fchown(out, run_user.pw_uid, run_user.pw_gid) < 0)
		n = -1;
	close(in);
	if (close(out) < 0)
		n = -1;
	return n < 0 ? -1 : 0;
}

/* Copies the executables (and shared objects) of a folder. */
static int copy_executables(const char *from_dir, const char *to_dir)
{
	DIR *d = opendir(from_dir);
	struct dirent *e;
	int rc = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		char from[1400], to[1400];
		struct stat st;

		snprintf(from, sizeof from, "%s/%s", from_dir, e->d_name);
		if (stat(from, &st) < 0 || !S_ISREG(st.st_mode) || !(st.st_mode & S_IXUSR))
			continue;
		snprintf(to, sizeof to, "%s/%s", to_dir, e->d_name);
		if (copy_file(from, to) < 0)
			rc = -1;
	}
	closedir(d);
	return rc;
}

static int make_private_dir(const char *path)
{
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -1;
	if (drop_privileges && chown(path, run_user.pw_uid, run_user.pw_gid) < 0)
		return -1;
	return 0;
}

static double lab_timeout(const struct grading *g, const struct catalogue_lab *lab)
{
	double total = 15;

	for (size_t i = 0; i < lab->count; i++)
		total += lab->tests[i].timeout * g->scale + 0.5;
	return total;
}

static struct result *find_result(struct lab_report *report, const char *name)
{
	for (size_t i = 0; i < report->lab->count; i++)
		if (strcmp(report->results[i].name, name) == 0)
			return &report->results[i];
	return NULL;
}

/* Splits at tabs into at most max fields; the last keeps the rest. */
static int split_tabs(char *line, char **fields, int max)
{
	int n = 0;

	fields[n++] = line;
	for (char *p = line; *p && n < max; p++) {
		if (*p == '\t') {
			*p = '\0';
			fields[n++] = p + 1;
		}
	}
	return n;
}

/* Reads the runner's results file into the report. */
static void read_results(const char *path, struct lab_report *report,
			 char *last_started, size_t size)
{
	FILE *f = fopen(path, "re");
	char line[2048];

	last_started[0] = '\0';
	if (f == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL) {
		char *fields[7];
		int n;

		line[strcspn(line, "\n")] = '\0';
		n = split_tabs(line, fields, 7);
		if (n == 2 && strcmp(fields[0], "start") == 0) {
			snprintf(last_started, size, "%s", fields[1]);
		} else if (n == 7 && strcmp(fields[0], "item") == 0) {
			struct result *r = find_result(report, fields[1]);
			enum result_status st;

			if (r == NULL || result_status_parse(fields[2], &st) < 0)
				continue;
			r->status = st;
			r->score = st == RESULT_PASS ? r->max : 0;
			r->seconds = atof(fields[5]);
			snprintf(r->hint, sizeof r->hint, "%s", fields[6]);
			if (strcmp(last_started, fields[1]) == 0)
				last_started[0] = '\0';
		}
	}
	fclose(f);
}

void run_suite(const struct grading *g, struct lab_report *report)
{
	const struct catalogue_lab *lab = report->lab;
	char lab_dir[1100], bin_dir[1200], tmp_dir[1200], shim_dir[1200];
	char from_dir[1100], from_shims[1100], results_path[1200], log_path[1200];
	char suite[1300], seed_arg[32], last_started[128], only[2048];
	char *argv[48];
	int argc = 0, status;
	bool timed_out;

	decide_sandbox(g);
	snprintf(lab_dir, sizeof lab_dir, "%s/%s", g->run_dir, lab->name);
	snprintf(bin_dir, sizeof bin_dir, "%s/bin", lab_dir);
	snprintf(shim_dir, sizeof shim_dir, "%s/shims", lab_dir);
	snprintf(tmp_dir, sizeof tmp_dir, "%s/tmp", lab_dir);
	snprintf(from_dir, sizeof from_dir, "%s/%s", g->build, lab->name);
	snprintf(from_shims, sizeof from_shims, "%s/shims", g->core);
	snprintf(results_path, sizeof results_path, "%s/results.tsv", lab_dir);
	snprintf(log_path, sizeof log_path, "%s/suite.log", lab_dir);
	if (make_private_dir(lab_dir) < 0 || make_private_dir(bin_dir) < 0 ||
	    make_private_dir(shim_dir) < 0 || make_private_dir(tmp_dir) < 0 ||
	    copy_executables(from_dir, bin_dir) < 0 ||
	    copy_executables(from_shims, shim_dir) < 0) {
		snprintf(report->note, sizeof report->note,
			 "could not prepare the run folder %s: %s", lab_dir,
			 strerror(errno));
		return;
	}
	/* The results file is written by the suite, as the sandbox's user. */
	int fd = open(results_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0) {
		if (drop_privileges && fchown(fd, run_user.pw_uid, run_user.pw_gid) < 0)
			perror("grader: fchown");
		close(fd);
	}

	snprintf(suite, sizeof suite, "%s/suite", bin_dir);
	snprintf(seed_arg, sizeof seed_arg, "%llu", (unsigned long long)g->seed);
	argc = add_user_prefix(argv, argc);
	if (sandbox_state == 1)
		for (int i = 0; i < BWRAP_ARGC; i++)
			argv[argc++] = (char *)bwrap_args[i];
	argv[argc++] = suite;
	argv[argc++] = "--results";
	argv[argc++] = results_path;
	argv[argc++] = "--bindir";
	argv[argc++] = bin_dir;
	argv[argc++] = "--shimdir";
	argv[argc++] = shim_dir;
	argv[argc++] = "--tmpdir";
	argv[argc++] = tmp_dir;
	argv[argc++] = "--seed";
	argv[argc++] = seed_arg;
	if (sandbox_state == 1)
		argv[argc++] = "--isolated";
	if (g->only) {
		/* The names of this lab's selected tests (the catalogue copy). */
		size_t used = 0;
		for (size_t i = 0; i < lab->count && used < sizeof only - 1; i++)
			used += (size_t)snprintf(only + used, sizeof only - used, "%s%s",
						 i ? "," : "", lab->tests[i].name);
		argv[argc++] = "--only";
		argv[argc++] = only;
	}
	argv[argc] = NULL;

	status = spawn_wait(argv, log_path, lab_timeout(g, lab), &timed_out);
	read_results(results_path, report, last_started, sizeof last_started);
	if (timed_out)
		snprintf(report->note, sizeof report->note,
			 "the suite was stopped after %.0f s%s%s", lab_timeout(g, lab),
			 last_started[0] ? " during " : "", last_started);
	else if (status != 0)
		snprintf(report->note, sizeof report->note,
			 "the suite itself failed (status %#x)%s%s: see %s", status,
			 last_started[0] ? " during " : "", last_started, log_path);
	for (size_t i = 0; i < lab->count; i++) {
		struct result *r = &report->results[i];

		if (r->status != RESULT_ERROR || r->hint[0])
			continue;
		if (strcmp(r->name, last_started) == 0)
			snprintf(r->hint, sizeof r->hint,
				 "the grader was stopped during this test: did the code "
				 "under test kill the grader (kill(getppid(), ...) or "
				 "kill(0, ...)) or exhaust it (a fork bomb)?");
		else
			snprintf(r->hint, sizeof r->hint,
				 "no result: the grader stopped before reporting this "
				 "test (%.300s)", report->note[0] ? report->note : "see the note");
	}
}
