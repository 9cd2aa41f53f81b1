/* confine.c - see confine.h. */
#include "confine.h"
#include "landlock.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

enum {
	SPARE_PROCESSES = 200,             /* a fork bomb stops here */
	MAX_FILE_BYTES = 256 << 20,        /* a runaway writer stops here */
};
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

/* Address space of a test: generous for the labs, fatal to a memory flood. */
static const rlim_t max_address_space = (rlim_t)2 << 30;

size_t confine_open_fds(int *fds, size_t max)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	size_t n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL && n < max) {
		int fd = atoi(e->d_name);

		if (e->d_name[0] != '.' && fd != dirfd(d))
			fds[n++] = fd;
	}
	closedir(d);
	for (size_t i = 1; i < n; i++) /* ascending: a short insertion sort */
		for (size_t j = i; j > 0 && fds[j - 1] > fds[j]; j--) {
			int t = fds[j];
			fds[j] = fds[j - 1];
			fds[j - 1] = t;
		}
	return n;
}

void confine_block_signals(const int *keep)
{
	sigset_t all;

	sigfillset(&all);
	for (const int *k = keep; k && *k; k++)
		sigdelset(&all, *k);
	sigprocmask(SIG_SETMASK, &all, NULL);
}

static void default_signals(void)
{
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* Processes of this user now: the test may start a couple hundred more. */
static long count_own_processes(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	long n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		struct stat st;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, 0) == 0 && st.st_uid == getuid())
			n++;
	}
	closedir(d);
	return n;
}

static void set_soft_limit(int resource, rlim_t value)
{
	struct rlimit lim;

	if (getrlimit(resource, &lim) < 0)
		return;
	lim.rlim_cur = lim.rlim_max != RLIM_INFINITY && value > lim.rlim_max
		? lim.rlim_max : value;
	setrlimit(resource, &lim);
}

static void limit_resources(void)
{
	struct rlimit none = { 0, 0 };

	if (getuid() != 0)
		set_soft_limit(RLIMIT_NPROC, (rlim_t)count_own_processes() + SPARE_PROCESSES);
	setrlimit(RLIMIT_CORE, &none);
	set_soft_limit(RLIMIT_FSIZE, MAX_FILE_BYTES);
	/* AddressSanitizer reserves terabytes of address space up front. */
	if (!UNDER_ASAN)
		set_soft_limit(RLIMIT_AS, max_address_space);
}

/*
 * No capabilities: without a sandbox the runner may have made a user
 * namespace of its own (for a private System V namespace), and the code
 * under test must not inherit its powers there.
 */
static int drop_capabilities(void)
{
	struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct none[_LINUX_CAPABILITY_U32S_3];

	memset(none, 0, sizeof none);
	return (int)syscall(SYS_capset, &header, none);
}

bool confine_test_process(const struct confinement *c, char *why, size_t size)
{
	for (size_t i = 0; i < c->close_count; i++)
		if (c->close_fds[i] > 2)
			close(c->close_fds[i]);
	/* What remains (Check's channel, the completion socket) stays here. */
	close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
	default_signals();
	if (chdir(c->workdir) < 0) {
		snprintf(why, size, "grader: cannot enter %s: %s", c->workdir, strerror(errno));
		return false;
	}
	umask(022);
	limit_resources();
	if (drop_capabilities() < 0) {
		snprintf(why, size, "grader: cannot drop capabilities: %s", strerror(errno));
		return false;
	}
	if (c->landlock && landlock_add_layer(true) < 0) {
		snprintf(why, size, "grader: cannot enter a Landlock domain: %s",
			 strerror(errno));
		return false;
	}
	/*
	 * The grader's processes are not dumpable; the watchdog must see the
	 * test (with Yama, it may trace it: it is no ancestor).
	 */
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	if (c->watchdog > 0)
		prctl(PR_SET_PTRACER, (unsigned long)c->watchdog, 0, 0, 0);
	return true;
}
