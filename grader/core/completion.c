/* completion.c - see completion.h. */
#include "completion.h"
#include "sysutil.h"
#include "procinfo.h"

#include "grader.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static const char hello_message[] = "hello";
static const char claim_message[] = "done";
static const char truncated_message[] = "note: output truncated";

enum {
	STACK_WINDOW = 64 * 1024,
	MESSAGE_MAX = sizeof claim_message + COMPLETION_FIGURES_MAX,
	FIGURE_NAME_MAX = 40,
};

/* The test process's figures, sent with its claim. */
static char figures[COMPLETION_FIGURES_MAX];

/* ---- the test process ---- */

int completion_hello(int fd)
{
	ssize_t n = send(fd, hello_message, sizeof hello_message - 1, MSG_NOSIGNAL);

	return n == (ssize_t)(sizeof hello_message - 1) ? 0 : -1;
}

void completion_note_truncated(int fd)
{
	if (fd >= 0)
		send(fd, truncated_message, sizeof truncated_message - 1,
		     MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* Neither inlined nor cloned: each must exist once, at one address. */
#if defined(__clang__)
#define ONE_COPY __attribute__((noinline))
#else
#define ONE_COPY __attribute__((noinline, noclone))
#endif

/* With fd < 0 (a dry run) it returns its own return address instead. */
static ONE_COPY uintptr_t await_verdict(int fd, char *verdict)
{
	ssize_t n;

	if (fd < 0)
		return (uintptr_t)__builtin_return_address(0);
	do
		n = read(fd, verdict, 1);
	while (n < 0 && errno == EINTR);
	return n == 1;
}

/* Read after the call below, so that the call is not a jump. */
static volatile unsigned calls_returned;

/*
 * The one call of await_verdict: its return address is what the watchdog
 * looks for on the stack of a claiming process.  No branch here, so that
 * the compiler has no reason to make a second copy of the call.
 */
static ONE_COPY uintptr_t wait_for_watchdog(int fd, char *verdict)
{
	uintptr_t answer = await_verdict(fd, verdict);

	calls_returned++;
	return answer;
}

/* A figure's name: 1 to FIGURE_NAME_MAX printable ASCII characters. */
static bool figure_name_ok(const char *name, size_t len)
{
	if (len == 0 || len > FIGURE_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (name[i] < ' ' || name[i] > '~')
			return false;
	return true;
}

void grader_figure(const char *name, double value, bool lower_is_better)
{
	size_t used = strlen(figures), count = 0;
	int n;

	for (const char *p = figures; (p = strchr(p, '\n')) != NULL; p++)
		count++;
	if (!grader_in_test_process() || count >= COMPLETION_FIGURES_COUNT ||
	    !figure_name_ok(name, strlen(name)) || !isfinite(value))
		return;
	n = snprintf(figures + used, sizeof figures - used, "%s\t%.6g\t%s\n", name, value,
		     lower_is_better ? "asc" : "desc");
	if (n < 0 || (size_t)n >= sizeof figures - used)
		figures[used] = '\0'; /* no room: the figure is left out whole */
}

bool completion_claim(int fd)
{
	char verdict = 'n', message[MESSAGE_MAX];
	int len = snprintf(message, sizeof message, "%s%s%s", claim_message,
			   figures[0] ? "\n" : "", figures);

	if (len < 0 || (size_t)len >= sizeof message ||
	    send(fd, message, (size_t)len, MSG_NOSIGNAL) != (ssize_t)len)
		return false;
	return wait_for_watchdog(fd, &verdict) == 1 && verdict == 'y';
}

/* Not a constant, so that the compiler keeps one version of the call. */
static volatile int dry_run_fd = -1;

uintptr_t completion_site(void)
{
	char unused;

	return wait_for_watchdog(dry_run_fd, &unused);
}

/* ---- the watchdog ---- */


/* The value of "Field:" in /proc/PID/status, or -1. */
static long status_field(pid_t pid, const char *field)
{
	char path[64], line[256];
	size_t len = strlen(field);
	long value = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, field, len) == 0 && line[len] == ':') {
			sscanf(line + len + 1, "%ld", &value);
			break;
		}
	fclose(f);
	return value;
}

/* What wait_until_reading saw of the claimant. */
enum claimant { READING, NOT_READING, UNREADABLE, GONE };

/*
 * Waits until pid sleeps in read(fd); then its stack pointer is in *sp.
 * A genuine claimant gets there at once: patience is for a loaded machine.
 */
static enum claimant wait_until_reading(pid_t pid, int fd, double patience,
					unsigned long *sp)
{
	const double give_up = monotonic_seconds() + patience;
	long pause_ns = 100 * 1000;
	char path[64], line[512];

	snprintf(path, sizeof path, "/proc/%d/syscall", (int)pid);
	for (;;) {
		FILE *f = fopen(path, "re");
		long nr = -1;
		unsigned long args[6], stack = 0, pc;
		bool read_it;

		if (f == NULL)
			return errno == ENOENT ? GONE : UNREADABLE;
		read_it = fgets(line, sizeof line, f) != NULL;
		fclose(f);
		if (!read_it)
			return UNREADABLE;
		if (sscanf(line, "%ld %lx %lx %lx %lx %lx %lx %lx %lx", &nr, &args[0],
			   &args[1], &args[2], &args[3], &args[4], &args[5], &stack,
			   &pc) == 9 &&
		    nr == SYS_read && args[0] == (unsigned long)fd) {
			*sp = stack;
			return READING;
		}
		if (!process_running(pid))
			return GONE;
		if (monotonic_seconds() > give_up)
			return NOT_READING;
		nanosleep(&(struct timespec){ 0, pause_ns }, NULL);
		if (pause_ns < 10 * 1000 * 1000)
			pause_ns *= 2;
	}
}

/* Is site on pid's stack within STACK_WINDOW above sp?  -1: unreadable. */
static int stack_holds(pid_t pid, unsigned long sp, uintptr_t site)
{
	static uintptr_t words[STACK_WINDOW / sizeof(uintptr_t)];
	size_t got = 0;

	sp &= ~(unsigned long)(sizeof(uintptr_t) - 1);
	while (got < sizeof words) {
		struct iovec local = { (char *)words + got, 4096 };
		struct iovec remote = { (void *)(sp + got), 4096 };
		ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);

		if (n <= 0) {
			if (got == 0)
				return -1;
			break;
		}
		got += (size_t)n;
	}
	for (size_t i = 0; i < got / sizeof(uintptr_t); i++)
		if (words[i] == site)
			return 1;
	return 0;
}

/* Can this process read pid's system call (and so its stack)? */
static bool can_inspect(pid_t pid)
{
	char path[64], line[512];
	FILE *f;
	bool readable;

	snprintf(path, sizeof path, "/proc/%d/syscall", (int)pid);
	f = fopen(path, "re");
	if (f == NULL)
		return false;
	readable = fgets(line, sizeof line, f) != NULL;
	fclose(f);
	return readable;
}

/* Checks a claim from the test process; why says what is wrong. */
static int check_claim(const struct claim_checker *c, char *why, size_t size)
{
	unsigned long sp = 0;
	enum claimant seen = wait_until_reading(c->test_pid, c->test_fd, c->patience, &sp);
	int on_stack = seen == READING ? stack_holds(c->test_pid, sp, c->site) : -1;
	long tracer;

	if (seen == GONE) {
		/* Nothing gained: without an answer the item does not pass. */
		snprintf(why, size, "the test process ended without waiting for the "
			 "grader's answer to its claim of completion: the code under test "
			 "called exit() or _exit()?");
		return CLAIM_REFUSED;
	}
	if (seen == NOT_READING) {
		snprintf(why, size, "the completion of the test was claimed, but the test "
			 "process did not wait for the grader's answer: the claim did not "
			 "come from the grader's completion step");
		return CLAIM_FORGED;
	}
	if (on_stack < 0 && c->must_see_stack) {
		snprintf(why, size, "the test process hid itself from the grader (it "
			 "could not be inspected) when it claimed completion");
		return CLAIM_FORGED;
	}
	if (on_stack == 0) {
		snprintf(why, size, "the completion of the test was claimed from outside "
			 "the grader's completion step");
		return CLAIM_FORGED;
	}
	tracer = status_field(c->test_pid, "TracerPid");
	if (tracer > 0) {
		snprintf(why, size, "the test process was being traced (by pid %ld) when "
			 "it claimed completion", tracer);
		return CLAIM_FORGED;
	}
	if (status_field(c->test_pid, "Threads") > 1) {
		snprintf(why, size, "a thread started by the code under test was still "
			 "running when the test ended: join every thread you create");
		return CLAIM_REFUSED;
	}
	return CLAIM_ACCEPTED;
}

/*
 * Whether text is figure lines as grader_figure writes them; copies them
 * into out (size COMPLETION_FIGURES_MAX) when they are.
 */
static bool figures_parse(const char *text, char *out)
{
	size_t count = 0;

	if (strlen(text) >= COMPLETION_FIGURES_MAX)
		return false;
	for (const char *line = text; *line; count++) {
		const char *tab = strchr(line, '\t'), *end = strchr(line, '\n'), *order;
		char *after;
		double value;

		if (count >= COMPLETION_FIGURES_COUNT || tab == NULL || end == NULL ||
		    tab > end || !figure_name_ok(line, (size_t)(tab - line)))
			return false;
		errno = 0;
		value = strtod(tab + 1, &after);
		if (after == tab + 1 || *after != '\t' || errno != 0 || !isfinite(value))
			return false;
		order = after + 1;
		if (!((end - order == 3 && strncmp(order, "asc", 3) == 0) ||
		      (end - order == 4 && strncmp(order, "desc", 4) == 0)))
			return false;
		line = end + 1;
	}
	memcpy(out, text, strlen(text) + 1); /* shorter than COMPLETION_FIGURES_MAX */
	return true;
}

int completion_serve(int fd, struct claim_checker *c, char *why, size_t size)
{
	const size_t word = sizeof claim_message - 1;
	char message[MESSAGE_MAX + 1];
	char control[CMSG_SPACE(sizeof(struct ucred))];
	struct iovec iov = { message, MESSAGE_MAX };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control, .msg_controllen = sizeof control,
	};
	struct ucred sender = { 0, 0, 0 };
	ssize_t n;
	int verdict;

	why[0] = '\0';
	do
		n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return -1;
	message[n] = '\0';
	for (struct cmsghdr *h = CMSG_FIRSTHDR(&msg); h; h = CMSG_NXTHDR(&msg, h))
		if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_CREDENTIALS)
			memcpy(&sender, CMSG_DATA(h), sizeof sender);

	if (c->test_pid == 0 && strcmp(message, hello_message) == 0 && sender.pid > 0) {
		c->test_pid = sender.pid;
		c->must_see_stack = can_inspect(sender.pid);
		return CLAIM_NONE;
	}
	if (strcmp(message, truncated_message) == 0) {
		c->output_truncated = true; /* from a caller child too: only a note */
		return CLAIM_NONE;
	}
	if (c->test_pid == 0 || sender.pid != c->test_pid) {
		snprintf(why, size, "a process other than the test process (pid %d) wrote "
			 "to the grader's completion channel", (int)sender.pid);
		verdict = CLAIM_FORGED;
	} else if (strncmp(message, claim_message, word) != 0 ||
		   (message[word] != '\0' && message[word] != '\n') ||
		   (message[word] == '\n' && !figures_parse(message + word + 1, c->figures))) {
		snprintf(why, size, "the test process wrote something other than the "
			 "grader's claim to the grader's completion channel");
		verdict = CLAIM_FORGED;
	} else if (c->claims++ > 0) {
		snprintf(why, size, "the completion of the test was claimed twice");
		verdict = CLAIM_FORGED;
	} else {
		verdict = check_claim(c, why, size);
	}
	if (verdict != CLAIM_ACCEPTED)
		c->figures[0] = '\0';
	/* The answer releases the claimant; if it is gone, the verdict stands. */
	send(fd, verdict == CLAIM_ACCEPTED ? "y" : "n", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
	return verdict;
}
