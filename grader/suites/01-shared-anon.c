/*
 * Lab 01 shared-anon: one int in anonymous memory across fork().
 *
 * The functions are checked at their source (/proc/self/maps says whether
 * a mapping is shared), and the programs are run with every forked child
 * slowed down, so that a parent that reads without waiting reads too early
 * on every run, not now and then.
 */
#include "grader.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child_write.h"
#include "shared_int.h"

/* A value no hard-coded answer matches (never 0 or 1). */
static int random_value(void)
{
	return (int)grader_random_between(2, 1000000000);
}

static int *create_or_fail(int *(*create)(int), const char *name, int value)
{
	int *p = create(value);

	ck_assert_msg(p != NULL, "%s(%d) returned NULL (%s): expected the address "
		      "of a new mapping", name, value, strerror(errno));
	return p;
}

/* Where the child writes, and what. */
struct write_order {
	int *p;
	int value;
};

static void write_value(void *arg)
{
	const struct write_order *w = arg;

	*w->p = w->value;
}

/* A child of the grader stores value in *p; fails the test if it could not. */
static void child_writes(int *p, int value)
{
	struct write_order w = { p, value };
	pid_t pid = child_start(write_value, &w, NULL);
	char why[300];

	ck_assert_msg(child_finished(&pid, 1.0, NULL, why, sizeof why),
		      "the grader's child that writes the int: %s", why);
}

START_TEST(shared_int_initial)
{
	int value = random_value();
	int *p = create_or_fail(shared_int_create, "shared_int_create", value);

	ck_assert_msg(*p == value, "shared_int_create(%d): the int holds %d: "
		      "store the initial value in the new mapping", value, *p);
}
END_TEST

START_TEST(shared_int_is_shared_mapping)
{
	int *p = create_or_fail(shared_int_create, "shared_int_create", random_value());
	struct map_region region;

	ck_assert_msg(maps_find(0, (uintptr_t)p, &region),
		      "the address returned is not in /proc/self/maps: "
		      "return what mmap returned");
	ck_assert_msg(region.perms[0] == 'r' && region.perms[1] == 'w',
		      "the mapping is %s: expected readable and writable "
		      "(PROT_READ | PROT_WRITE)", region.perms);
	ck_assert_msg(region.perms[3] == 's',
		      "/proc/self/maps shows %s, a private mapping: expected 's' "
		      "(shared): use MAP_SHARED, not MAP_PRIVATE", region.perms);
}
END_TEST

START_TEST(shared_int_visible_across_fork)
{
	int value = random_value(), written = random_value() ^ 1;
	int *p = create_or_fail(shared_int_create, "shared_int_create", value);

	child_writes(p, written);
	ck_assert_msg(*p == written, "the child wrote %d, the parent still sees %d: "
		      "the child wrote to its own copy: map with MAP_SHARED, not "
		      "MAP_PRIVATE", written, *p);
}
END_TEST

START_TEST(private_int_copy_on_write)
{
	int value = random_value(), written = random_value() ^ 1;
	int *p = create_or_fail(private_int_create, "private_int_create", value);
	struct map_region region;

	ck_assert_msg(*p == value, "private_int_create(%d): the int holds %d: "
		      "store the initial value", value, *p);
	ck_assert_msg(maps_find(0, (uintptr_t)p, &region) && region.perms[3] == 'p',
		      "/proc/self/maps shows %s: expected a private mapping "
		      "(MAP_PRIVATE)", region.perms);
	child_writes(p, written);
	ck_assert_msg(*p == value, "after the child wrote %d the parent sees %d, "
		      "not its own %d: a private mapping must be copied on write: "
		      "use MAP_PRIVATE", written, *p, value);
}
END_TEST

START_TEST(int_release_unmaps)
{
	int *p = create_or_fail(shared_int_create, "shared_int_create", random_value());
	struct map_region region;

	ck_assert_msg(int_release(p) == 0, "int_release returned an error (%s) "
		      "for an int from shared_int_create", strerror(errno));
	ck_assert_msg(!maps_find(0, (uintptr_t)p, &region),
		      "after int_release the page is still mapped (%s): call munmap",
		      region.perms);
	errno = 0;
	ck_assert_msg(int_release(NULL) == -1 && errno == EINVAL,
		      "int_release(NULL) should fail with EINVAL (saw errno %s)",
		      strerror(errno));
}
END_TEST

/*
 * Calls create with its mmap failing: it must return NULL with mmap's
 * errno, never MAP_FAILED taken for an address.
 */
static sigjmp_buf crash_exit;

static void on_crash(int sig)
{
	siglongjmp(crash_exit, sig);
}

static void create_reports_failure(int *(*create)(int), const char *name)
{
	struct sigaction crash = { .sa_handler = on_crash };
	int *p, saved;
	bool fired;

	/* Storing the initial value through MAP_FAILED crashes: say why. */
	if (sigsetjmp(crash_exit, 1) != 0) {
		fault_disarm();
		ck_abort_msg("%s crashed (SIGSEGV) when mmap failed: it stored the "
			     "initial value through MAP_FAILED, (void *)-1; mmap reports "
			     "failure as MAP_FAILED, not NULL: compare with MAP_FAILED "
			     "and return NULL", name);
	}
	sigemptyset(&crash.sa_mask);
	ck_assert_msg(sigaction(SIGSEGV, &crash, NULL) == 0, "grader: sigaction: %s",
		      strerror(errno));
	fault_arm(FAULT_mmap, 1, ENOMEM);
	errno = 0;
	p = create(random_value());
	saved = errno;
	fired = fault_disarm();
	signal(SIGSEGV, SIG_DFL);
	ck_assert_msg(fired, "%s never called mmap: map the int with mmap", name);
	ck_assert_msg(p != MAP_FAILED, "%s returned MAP_FAILED when mmap failed: mmap "
		      "reports failure as MAP_FAILED, (void *)-1, not NULL: compare "
		      "with MAP_FAILED and return NULL", name);
	ck_assert_msg(p == NULL && saved == ENOMEM, "%s returned %p (errno %s) when "
		      "mmap failed with ENOMEM: expected NULL with mmap's errno", name,
		      (void *)p, grader_errno_name(saved));
}

/*
 * child_sets_to_one(p) with its first call of call failing with error:
 * its result, and its errno in *err.  Fails the test if it never made
 * that call.
 */
static int sets_to_one_with_fault(int *p, enum fault_call call, int error, int *err)
{
	int rc;

	fault_arm(call, 1, error);
	rc = child_sets_to_one(p);
	*err = errno;
	grader_leave_if_forked(0);
	ck_assert_msg(fault_disarm(), "child_sets_to_one never called %s",
		      fault_name(call));
	return rc;
}

START_TEST(functions_report_failures)
{
	int value = random_value();
	int *p, rc, saved;
	bool fired;

	create_reports_failure(shared_int_create, "shared_int_create");
	create_reports_failure(private_int_create, "private_int_create");

	p = create_or_fail(shared_int_create, "shared_int_create", value);
	fault_arm(FAULT_munmap, 1, EINVAL);
	rc = int_release(p);
	saved = errno;
	fired = fault_disarm();
	ck_assert_msg(fired, "int_release never called munmap");
	ck_assert_msg(rc == -1 && saved == EINVAL, "int_release returned %d (errno "
		      "%s) when munmap failed with EINVAL: return -1 with munmap's errno",
		      rc, grader_errno_name(saved));

	*p = value;
	rc = sets_to_one_with_fault(p, FAULT_fork, EAGAIN, &saved);
	ck_assert_msg(rc == -1 && saved == EAGAIN, "child_sets_to_one returned %d "
		      "(errno %s) when fork failed with EAGAIN: fork's -1 is no child: "
		      "return -1 with fork's errno", rc, grader_errno_name(saved));
	ck_assert_msg(*p == value, "fork failed, no child ran, yet the int changed "
		      "from %d to %d: fork's -1 was taken for a child's 0", value, *p);

	/* A signal that interrupts the wait is no failure: wait again. */
	rc = sets_to_one_with_fault(p, FAULT_waitpid, EINTR, &saved);
	ck_assert_msg(rc == 0, "child_sets_to_one returned %d (errno %s) when "
		      "its waitpid was interrupted by a signal (EINTR): call waitpid "
		      "again after EINTR", rc, grader_errno_name(saved));
}
END_TEST

/* A line the test leaves in stdout's buffer before calling child_sets_to_one. */
#define CALLER_LINE "the caller's line, not yet flushed\n"

START_TEST(child_sets_to_one_waits)
{
	char *caller;
	char out_path[600], output[256] = "", shown[128];
	/* The grader's own shared int: this item tests child_sets_to_one only. */
	int *p = mmap(NULL, sizeof *p, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	/* Set by a child that comes back out of child_sets_to_one. */
	volatile int *returned = mmap(NULL, sizeof *returned, PROT_READ | PROT_WRITE,
				      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int saved_stdout = dup(1), out_fd, rc, call_errno, reap_errno;
	ssize_t n;
	pid_t left;

	/* The child's line goes to a file we read back. */
	grader_tmp_path(out_path, sizeof out_path, "child_sets_to_one.out");
	out_fd = open(out_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ck_assert_msg(p != MAP_FAILED && returned != MAP_FAILED && out_fd >= 0 &&
		      saved_stdout >= 0, "grader: %s", strerror(errno));
	*p = 0;
	*returned = 0;
	fflush(stdout);
	dup2(out_fd, 1);
	/* The caller's own output, still in its buffer when it calls. */
	fputs(CALLER_LINE, stdout);
	rc = child_sets_to_one(p);
	call_errno = errno;
	if (!grader_in_test_process()) {
		/* A child that returned instead of exiting: say so, and end it. */
		*returned = 1;
		fflush(stdout);
		_exit(0);
	}
	fflush(stdout);
	dup2(saved_stdout, 1);
	close(saved_stdout);

	left = waitpid(-1, NULL, WNOHANG);
	reap_errno = errno;
	n = pread(out_fd, output, sizeof output - 1, 0);
	output[n > 0 ? n : 0] = '\0';
	close(out_fd);
	unlink(out_path);
	ck_assert_msg(!*returned, "the child returned from child_sets_to_one into its "
		      "caller, which then ran on as a second copy of the program: end "
		      "the child with _exit(0) once it has set the int");
	ck_assert_msg(rc == 0, "child_sets_to_one returned %d (%s): expected 0 once "
		      "the child has exited", rc, strerror(call_errno));
	ck_assert_msg(left < 0 && reap_errno == ECHILD,
		      "child_sets_to_one returned before its child was reaped: "
		      "the parent must waitpid() for the child before reading");
	ck_assert_msg(*p == 1, "after child_sets_to_one the int is %d, not 1", *p);
	caller = strstr(output, CALLER_LINE);
	ck_assert_msg(caller == NULL || strstr(caller + 1, CALLER_LINE) == NULL,
		      "the caller's unflushed output came out twice, once from the "
		      "child, which got a copy of the caller's stdio buffer: "
		      "fflush(stdout) before fork");
	if (caller != NULL)    /* what is left is the child's own */
		memmove(caller, caller + strlen(CALLER_LINE),
			strlen(caller + strlen(CALLER_LINE)) + 1);
	ck_assert_msg(strcmp(output, "Child setting anInt to 1\n") == 0,
		      "the child printed %s: expected \"Child setting anInt to 1\\n\"",
		      grader_excerpt(shown, sizeof shown, output, strlen(output)));
}
END_TEST

/*
 * True when the parent's line came out twice: the child came back out of
 * child_sets_to_one and ran the rest of main as well.
 */
static bool child_ran_main(const char *out)
{
	const char *first = strstr(out, "anInt is ");

	return first != NULL && strstr(first + 1, "anInt is ") != NULL;
}

#define CHILD_RAN_MAIN "the child returned from child_sets_to_one and ran the rest " \
	"of main too (the parent's line came out twice): end the child with _exit(0)"

/*
 * Runs a program of the lab with every child slowed down by 150 ms and
 * checks its two lines.
 */
static void check_demo(const char *prog, int expected)
{
	struct run_opts opts = { .timeout = 3.0, .preload = "slowchild" };
	struct run_result res;
	char want[128], shown[128], how[64];

	snprintf(want, sizeof want, "Child setting anInt to 1\nanInt is %d in parent\n",
		 expected);
	run_program(prog, NULL, &opts, &res);
	ck_assert_msg(!res.spawn_error, "%s: %s", prog, strerror(res.spawn_error));
	if (strncmp(res.out, "anInt is ", 9) == 0 || strstr(res.out, "anInt is 0 in parent\nChild"))
		ck_assert_msg(0, "%s printed the parent's line first (%s): the parent "
			      "read before the child wrote: waitpid() for the child "
			      "first", prog, grader_excerpt(shown, sizeof shown, res.out,
							    res.out_len));
	ck_assert_msg(!res.timed_out, "%s %s: expected it to end. Just before: %s",
		      prog, run_describe(&res, how, sizeof how),
		      res.autopsy ? res.autopsy : "?");
	ck_assert_msg(!child_ran_main(res.out), "%s printed %s: " CHILD_RAN_MAIN, prog,
		      grader_excerpt(shown, sizeof shown, res.out, res.out_len));
	ck_assert_msg(res.exited && res.exit_code == 0, "%s ended with %s: expected "
		      "exit 0 (stderr: %s)", prog, run_describe(&res, how, sizeof how),
		      grader_excerpt(shown, sizeof shown, res.err, res.err_len));
	ck_assert_msg(strcmp(res.out, want) == 0,
		      "%s printed %s: expected \"...anInt is %d in parent\"%s", prog,
		      grader_excerpt(shown, sizeof shown, res.out, res.out_len), expected,
		      expected == 1 ? ": the parent read before the child wrote (no "
		      "waitpid?) or the int is not shared (MAP_PRIVATE?)"
		      : ": the int must be private (MAP_PRIVATE)");
	ck_assert_msg(!res.left_processes, "%s left a process running after it "
		      "exited: the parent must wait for its child", prog);
	run_result_free(&res);
}

START_TEST(anon_share_output)
{
	check_demo("anon_share", 1);
}
END_TEST

START_TEST(cow_demo_output)
{
	check_demo("cow_demo", 0);
}
END_TEST

/*
 * Runs prog with the call'th call of kind failing with error: it must
 * say so in one line on stderr and exit 1, having printed no result and
 * left no process.  A program that prints its lines without the work
 * passes every other item but this one.
 */
static void check_failure_reported(const char *prog, enum fault_call call, int error,
				   bool after_result)
{
	char fault[64], shown[128], how[64];
	const char *went_on, *never;
	const char *env[] = { fault_env(fault, sizeof fault, call, 1, error), NULL };
	struct run_opts opts = { .timeout = 3.0, .preload = "faults", .env = env };
	struct run_result res;
	const char *newline;

	run_program(prog, NULL, &opts, &res);
	ck_assert_msg(!res.spawn_error, "%s: %s", prog, strerror(res.spawn_error));
	ck_assert_msg(!res.timed_out, "%s, with its %s failing (%s), %s: expected it to "
		      "end at once. Just before: %s", prog, fault_name(call),
		      grader_errno_name(error), run_describe(&res, how, sizeof how),
		      res.autopsy ? res.autopsy : "?");
	ck_assert_msg(!child_ran_main(res.out), "%s printed %s: " CHILD_RAN_MAIN, prog,
		      grader_excerpt(shown, sizeof shown, res.out, res.out_len));
	never = strstr(res.err, "faults: never called ");
	ck_assert_msg(never == NULL, "%s never called %s: it should (%s)", prog,
		      fault_name(call), call == FAULT_munmap ? "int_release unmaps the int"
		      : call == FAULT_fork ? "child_sets_to_one forks"
		      : "shared_int_create maps the int");
	ck_assert_msg(!res.exited || res.exit_code != 0, "%s exited 0 and printed %s "
		      "although its %s failed (%s): it must check each call's result "
		      "and die with the error, not print its lines regardless", prog,
		      grader_excerpt(shown, sizeof shown, res.out, res.out_len),
		      fault_name(call), grader_errno_name(error));
	ck_assert_msg(res.exited, "%s was %s when its %s failed (%s): it used the failed "
		      "result; check it (NULL from shared_int_create, -1 from "
		      "child_sets_to_one) and die", prog, run_describe(&res, how, sizeof how),
		      fault_name(call), grader_errno_name(error));
	went_on = strstr(res.err, "faults: ");
	ck_assert_msg(went_on == NULL, "%s went on after its %s failed (%s): %.*s: stop "
		      "at the first failure (check each result: NULL from "
		      "shared_int_create, -1 from child_sets_to_one)", prog, fault_name(call),
		      grader_errno_name(error), went_on ? (int)strcspn(went_on + 8, "\n") : 0,
		      went_on ? went_on + 8 : "");
	ck_assert_msg(after_result || strstr(res.out, "anInt is") == NULL, "%s printed %s "
		      "although its %s failed: stop at the first failed call", prog,
		      grader_excerpt(shown, sizeof shown, res.out, res.out_len),
		      fault_name(call));
	newline = strchr(res.err, '\n');
	ck_assert_msg(strstr(res.err, strerror(error)) != NULL && newline != NULL &&
		      newline[1] == '\0', "%s, with its %s failing, wrote %s on stderr: "
		      "expected one line that ends with \"%s\" (die(\"...\") adds it)",
		      prog, fault_name(call),
		      grader_excerpt(shown, sizeof shown, res.err, res.err_len),
		      strerror(error));
	ck_assert_msg(!res.left_processes, "%s left a process running after it "
		      "failed: the parent must wait for its child", prog);
	run_result_free(&res);
}

START_TEST(programs_report_failures)
{
	const char *const programs[] = { "anon_share", "cow_demo" };

	for (size_t i = 0; i < 2; i++) {
		check_failure_reported(programs[i], FAULT_mmap, ENOMEM, false);
		check_failure_reported(programs[i], FAULT_fork, EAGAIN, false);
		/* The release comes after the line: printed, then the error. */
		check_failure_reported(programs[i], FAULT_munmap, EINVAL, true);
	}
}
END_TEST

#include GRADER_HIDDEN_TESTS	/* this lab's hidden items, if any (grader.h) */

static const struct graded_item graded_items[] = {
#include "01-shared-anon.def"
#include GRADER_HIDDEN_ITEMS
};
GRADER_MAIN("01-shared-anon")
