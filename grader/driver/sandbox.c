/*
 * sandbox.c - the bubblewrap command lines that build and run student code.
 *
 * Student code never runs as root: started as root, the driver runs every
 * build and every suite as an unprivileged user (nobody, or GRADER_USER),
 * through setpriv with no_new_privs (no setuid program can give root
 * back).  Under bubblewrap, with its own IPC, PID, network and UTS
 * namespaces (and, for an ordinary user, its own user namespace), it sees
 * a minimal file system:
 *   - the system's /usr (and /bin, /lib...) and a few files of /etc,
 *     read-only; its own /proc, /dev, and a private /dev/shm;
 *   - a private /tmp, a tmpfs that is gone when the sandbox ends;
 *   - to build: the lab's staged sources, the grader's build rules,
 *     common/, the grader's library and the suite's object (built from
 *     trusted files by make tools), read-only; the build's output folder,
 *     writable;
 *   - to run: the built suite, programs and shims, read-only.
 * No host /tmp or /var/tmp, no home, no solutions, no other submission, no
 * report, no grader source.
 */
#include "driver.h"
#include "landlock.h"

#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { TMP_BYTES = 256 << 20, SHM_BYTES = 256 << 20 };

static int sandbox_state = -1;        /* -1 unknown, 0 none, 1 bwrap */
static bool tmpfs_sizes = true;       /* bwrap takes --size (0.7 and later) */
static char sandbox_text[200] = "none";
static struct passwd run_user;
static bool drop_privileges;

const char *sandbox_description(void)
{
	return sandbox_text;
}

bool sandbox_active(void)
{
	return sandbox_state == 1;
}

int sandbox_hand_over(const char *path, bool for_build)
{
	/* Without a sandbox the build runs as the driver's user (see below). */
	if (!drop_privileges || (for_build && sandbox_state != 1))
		return 0;
	return lchown(path, run_user.pw_uid, run_user.pw_gid);
}

void argv_add(struct argv_builder *b, const char *arg)
{
	if (b->argc < (int)(sizeof b->argv / sizeof b->argv[0]) - 1)
		b->argv[b->argc++] = (char *)arg;
	b->argv[b->argc] = NULL;
}

void argv_addf(struct argv_builder *b, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (s == NULL || b->nowned == (int)(sizeof b->owned / sizeof b->owned[0])) {
		free(s);
		argv_add(b, "");
		return;
	}
	b->owned[b->nowned++] = s;
	argv_add(b, s);
}

void argv_free(struct argv_builder *b)
{
	for (int i = 0; i < b->nowned; i++)
		free(b->owned[i]);
	b->nowned = b->argc = 0;
}

/*
 * "setpriv --reuid=U --regid=G --clear-groups --no-new-privs --" when the
 * driver is root.  Under bubblewrap it comes inside the sandbox: bubblewrap
 * runs as root, so that it can bind folders the user cannot reach (a
 * workbook under /root), and the command drops to the user at once.
 */
static void add_user_prefix(struct argv_builder *b)
{
	if (!drop_privileges)
		return;
	argv_add(b, "setpriv");
	argv_addf(b, "--reuid=%u", (unsigned)run_user.pw_uid);
	argv_addf(b, "--regid=%u", (unsigned)run_user.pw_gid);
	argv_add(b, "--clear-groups");
	argv_add(b, "--no-new-privs");
	argv_add(b, "--");
}

/* A private tmpfs: sticky and open to all, as on the host (the sandbox may be root's). */
static void add_tmpfs(struct argv_builder *b, const char *where, int bytes)
{
	argv_add(b, "--perms");
	argv_add(b, "1777");
	if (tmpfs_sizes) {
		argv_add(b, "--size");
		argv_addf(b, "%d", bytes);
	}
	argv_add(b, "--tmpfs");
	argv_add(b, where);
}

/* bubblewrap, the namespaces and the capabilities. */
static void add_namespaces(struct argv_builder *b)
{
	/* As root: no user namespace; setpriv needs these two, then none. */
	static const char *const as_root[] = {
		"--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
		"--unshare-cgroup-try", "--cap-drop", "ALL", "--cap-add", "CAP_SETUID",
		"--cap-add", "CAP_SETGID",
	};
	static const char *const as_user[] = { "--unshare-all", "--cap-drop", "ALL" };

	argv_add(b, "bwrap");
	if (drop_privileges)
		for (size_t i = 0; i < sizeof as_root / sizeof as_root[0]; i++)
			argv_add(b, as_root[i]);
	else
		for (size_t i = 0; i < sizeof as_user / sizeof as_user[0]; i++)
			argv_add(b, as_user[i]);
	argv_add(b, "--die-with-parent");
	argv_add(b, "--new-session");
}

/* The system, read-only: /usr, the top-level links or folders into it, some of /etc. */
static void add_system_files(struct argv_builder *b)
{
	static const char *const tops[] = { "/bin", "/sbin", "/lib", "/lib32", "/lib64",
					    "/libx32" };
	static const char *const etc[] = { "/etc/ld.so.cache", "/etc/ld.so.conf",
					   "/etc/ld.so.conf.d", "/etc/passwd",
					   "/etc/group", "/etc/nsswitch.conf",
					   "/etc/localtime", "/etc/alternatives" };

	argv_add(b, "--ro-bind");
	argv_add(b, "/usr");
	argv_add(b, "/usr");
	for (size_t i = 0; i < sizeof tops / sizeof tops[0]; i++) {
		char target[256];
		ssize_t n = readlink(tops[i], target, sizeof target - 1);
		struct stat st;

		if (n > 0) {
			target[n] = '\0';
			argv_add(b, "--symlink");
			argv_addf(b, "%s", target);
			argv_add(b, tops[i]);
		} else if (stat(tops[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			argv_add(b, "--ro-bind");
			argv_add(b, tops[i]);
			argv_add(b, tops[i]);
		}
	}
	/* Folders bubblewrap makes on its own would be root's, mode 0700. */
	argv_add(b, "--dir");
	argv_add(b, "/etc");
	for (size_t i = 0; i < sizeof etc / sizeof etc[0]; i++) {
		argv_add(b, "--ro-bind-try");
		argv_add(b, etc[i]);
		argv_add(b, etc[i]);
	}
	argv_add(b, "--proc");
	argv_add(b, "/proc");
	argv_add(b, "--dev");
	argv_add(b, "/dev");
	add_tmpfs(b, "/dev/shm", SHM_BYTES);
	add_tmpfs(b, "/tmp", TMP_BYTES);
}

/* An environment of its own: a PATH, HOME in the private /tmp, the locale. */
static void add_environment(struct argv_builder *b)
{
	static const char *const kept[] = { "LANG", "LC_ALL", "LC_MESSAGES" };

	argv_add(b, "--clearenv");
	argv_add(b, "--setenv");
	argv_add(b, "PATH");
	argv_add(b, "/usr/local/bin:/usr/bin:/bin");
	argv_add(b, "--setenv");
	argv_add(b, "HOME");
	argv_add(b, "/tmp");
	for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++) {
		const char *value = getenv(kept[i]);

		if (value && *value && strlen(value) < 64) {
			argv_add(b, "--setenv");
			argv_add(b, kept[i]);
			argv_addf(b, "%s", value);
		}
	}
}

/* The sandbox every build and run starts from. */
static void add_system(struct argv_builder *b)
{
	add_namespaces(b);
	add_system_files(b);
	add_environment(b);
}

static void decide_user(const struct grading *g)
{
	struct passwd *pw;

	if (geteuid() != 0)
		return;
	pw = getpwnam(g->run_as);
	if (pw == NULL || pw->pw_uid == 0) {
		fprintf(stderr, "ipcgrade: '%s' is no unprivileged user to run student code "
			"as (GRADER_USER names one; student code never runs as root)\n",
			g->run_as);
		exit(2);
	}
	run_user = *pw;
	drop_privileges = true;
}

/* Does "bwrap ... true" work here (with or without tmpfs sizes)? */
static bool bwrap_works(void)
{
	struct argv_builder b = { 0 };
	struct command_outcome *o = calloc(1, sizeof *o);
	struct command c = { 0 };
	bool ok;

	add_system(&b);
	add_user_prefix(&b);
	argv_add(&b, "true");
	c.argv = b.argv;
	c.deadline = monotonic_seconds() + 30;
	ok = o && command_run(&c, o) == 0 && !o->timed_out && o->status == 0;
	argv_free(&b);
	free(o);
	return ok;
}

void sandbox_decide(const struct grading *g)
{
	if (sandbox_state >= 0)
		return;
	decide_user(g);
	sandbox_state = 0;
	if (strcmp(g->sandbox, "none") == 0) {
		snprintf(sandbox_text, sizeof sandbox_text, "none (GRADER_SANDBOX=none)");
	} else if (bwrap_works() || (tmpfs_sizes = false, bwrap_works())) {
		sandbox_state = 1;
		snprintf(sandbox_text, sizeof sandbox_text, "bubblewrap");
	} else if (strcmp(g->sandbox, "bwrap") == 0 || geteuid() == 0) {
		fprintf(stderr, "ipcgrade: bubblewrap does not work here%s; "
			"GRADER_SANDBOX=none grades without a sandbox, unprotected\n",
			geteuid() == 0 ? " and grading as root needs it" : "");
		exit(2);
	} else {
		snprintf(sandbox_text, sizeof sandbox_text,
			 "none (bubblewrap missing or not permitted)");
	}
	if (drop_privileges) {
		size_t used = strlen(sandbox_text);
		snprintf(sandbox_text + used, sizeof sandbox_text - used, ", as user %s",
			 run_user.pw_name);
	}
	size_t used = strlen(sandbox_text);
	snprintf(sandbox_text + used, sizeof sandbox_text - used, "%s",
		 landlock_abi() == 0 ? ", no Landlock"
		 : landlock_scopes_signals() ? ", Landlock" : ", Landlock without signal scoping");
}

/* --ro-bind (or --bind) HOST_PATH SANDBOX_PATH, with the host path from a format. */
static void bind(struct argv_builder *b, const char *how, const char *to,
		 const char *from_fmt, ...) __attribute__((format(printf, 4, 5)));

static void bind(struct argv_builder *b, const char *how, const char *to,
		 const char *from_fmt, ...)
{
	va_list ap;
	char from[4400];

	va_start(ap, from_fmt);
	vsnprintf(from, sizeof from, from_fmt, ap);
	va_end(ap);
	argv_add(b, how);
	argv_addf(b, "%s", from);
	argv_addf(b, "%s", to);
}

/* make's jobs for one lab: the CPUs, 1 to 4. */
static long build_jobs(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	return cpus < 1 ? 1 : cpus > 4 ? 4 : cpus;
}

/*
 * make, inside the sandbox, under limits: address space, file size, CPU
 * time.  The paths inside are fixed, whatever the submission's folder is.
 */
void sandbox_build_argv(const struct grading *g, const struct catalogue_lab *lab,
			const char *ctx, struct argv_builder *b)
{
	const bool boxed = sandbox_state == 1;
	const char *root = boxed ? "/grader" : g->root;
	const char *core = boxed ? "/grader/core" : g->core;
	const char *lab_dir = boxed ? "/lab" : ctx;

	/*
	 * Without a sandbox the build runs as the grading user (root too):
	 * the unprivileged user may not reach the workbook, and nothing then
	 * confines the compiler anyway.  The tests still drop to that user.
	 */
	if (boxed) {
		add_system(b);
		for (const char *const *d = (const char *const[]){ "/grader", "/grader/core",
								   "/lab", NULL }; *d; d++) {
			argv_add(b, "--dir");
			argv_add(b, *d);
		}
		bind(b, "--ro-bind", "/grader/mk", "%s/mk", g->root);
		bind(b, "--ro-bind", "/grader/common", "%s/common", g->root);
		bind(b, "--ro-bind", "/grader/core/libgrader.a", "%s/libgrader.a", g->core);
		bind(b, "--ro-bind", "/grader/parts", "%s/suites/%s", g->core, lab->name);
		bind(b, "--ro-bind", "/lab/src", "%s/src", ctx);
		bind(b, "--bind", "/lab/out", "%s/out", ctx);
		argv_add(b, "--chdir");
		argv_add(b, "/lab/out");
		add_user_prefix(b);
	}
	argv_add(b, "/bin/sh");
	argv_add(b, "-c");
	/*
	 * KiB of address space, 512-byte blocks of file size, CPU seconds; the
	 * programs and the suite link side by side, each target's messages
	 * kept together.
	 */
	argv_addf(b, "ulimit -v %d; ulimit -f %d; ulimit -t %d; "
		  "exec make -s --no-print-directory -j%ld -Otarget -f \"$0\" \"$@\"",
		  4 << 20, 512 << 11, (int)(120 * g->scale) + 1, build_jobs());
	argv_addf(b, "%s/mk/lab.mk", root);
	argv_addf(b, "LABDIR=%s/src", lab_dir);
	argv_addf(b, "OUT=%s/out", lab_dir);
	argv_addf(b, "LAB=%s", lab->name);
	argv_addf(b, "CORE=%s", core);
	if (boxed)
		argv_add(b, "SUITE_PARTS=/grader/parts");
	else
		argv_addf(b, "SUITE_PARTS=%s/suites/%s", g->core, lab->name);
	argv_addf(b, "PROGRAMS=%s", lab->programs);
	argv_addf(b, "LDLIBS=%s", lab->ldlibs);
	argv_addf(b, "SAN=%d", g->sanitize ? 1 : 0);
	argv_addf(b, "CC=%s", g->cc);
}

void sandbox_run_argv(const struct grading *g, const char *lab_run_dir,
		      const char *only, bool one_at_a_time, struct argv_builder *b)
{
	const bool boxed = sandbox_state == 1;
	char bin[4400], tmp[4400];

	snprintf(bin, sizeof bin, "%s/bin", boxed ? "/grader" : lab_run_dir);
	snprintf(tmp, sizeof tmp, "%s", boxed ? "/tmp/run" : lab_run_dir);
	if (boxed) {
		add_system(b);
		argv_add(b, "--dir");
		argv_add(b, "/grader");
		bind(b, "--ro-bind", "/grader/bin", "%s/bin", lab_run_dir);
		argv_add(b, "--chdir");
		argv_add(b, "/tmp");
	} else {
		snprintf(tmp, sizeof tmp, "%s/tmp", lab_run_dir);
	}
	add_user_prefix(b);
	argv_addf(b, "%s/suite", bin);
	argv_add(b, "--results-fd");
	argv_add(b, "3");
	argv_add(b, "--bindir");
	argv_addf(b, "%s", bin);
	argv_add(b, "--shimdir");
	argv_addf(b, "%s/shims", bin);
	argv_add(b, "--tmpdir");
	argv_addf(b, "%s", tmp);
	argv_add(b, "--seed");
	argv_addf(b, "%llu", (unsigned long long)g->seed);
	argv_add(b, "--scale");
	argv_addf(b, "%g", g->scale);
	if (boxed)
		argv_add(b, "--isolated");
	if (g->figures)
		argv_add(b, "--figures");
	if (one_at_a_time || g->jobs > 0) {
		argv_add(b, "--jobs");
		argv_addf(b, "%d", one_at_a_time ? 1 : g->jobs);
	}
	if (only && *only) {
		argv_add(b, "--only");
		argv_addf(b, "%s", only);
	}
}
