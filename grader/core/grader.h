/*
 * grader.h - what a lab's Check suite may use.
 *
 * A suite is one C file, grader/suites/NN-name.c, plus its table of graded
 * items, grader/suites/NN-name.def.  Each line of the table is
 *
 *     GRADED(test_name, points, timeout_seconds, "handout section")
 *
 * where test_name is a START_TEST(test_name) in the suite, or
 * GRADED_ALONE(...) for an item that measures time or CPU: items run
 * side by side, each in namespaces of its own, but such an item runs with
 * nothing beside it.  The suite ends
 * with GRADER_MAIN("NN-name").  The runner (runner.c) turns every item into
 * one Check TCase in fork mode, with a protective fixture, a leak audit
 * around it and its own timeout; the driver reads the same table to know a
 * lab's points even when the lab does not compile.
 *
 * Hidden items: grader/hidden/NN-name.c holds more START_TESTs and
 * grader/hidden/NN-name.def their lines of the table.  The suite includes
 * both where it says so (GRADER_HIDDEN_TESTS before its table,
 * GRADER_HIDDEN_ITEMS at its end; the build defines them when the files
 * exist).  They are graded wherever the tree has them (make grade, the
 * Gradescope package, batch mode); make student-kit leaves them out.
 *
 * A line SHOWN(test_name, "when") in either table sets the item's
 * visibility on Gradescope: "visible", "hidden", "after_due_date" or
 * "after_published".  Items of the suite's table are "visible" and
 * hidden items "after_published" unless a SHOWN line says otherwise.
 *
 * Failure messages are hints for a student: one line, at most ~200
 * characters, saying what was expected, what was seen and the likely
 * mistake.  The runner appends the item's handout section.
 */
#ifndef GRADER_H
#define GRADER_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "autopsy.h"
#include "call.h"
#include "child.h"
#include "failsweep.h"
#include "fault.h"
#include "msgstream.h"
#include "probe.h"
#include "procinfo.h"
#include "run.h"
#include "snapshot.h"
#include "sysutil.h"
#include "tidy.h"
#include "turns.h"

struct graded_item {
	const char *name;     /* also the TCase name */
	const TTest *const *test; /* the START_TEST of the same name */
	int points;
	double timeout;       /* seconds, before GRADER_TIMEOUT_SCALE */
	const char *section;  /* handout section named in every hint */
	bool alone;           /* it measures time or CPU: nothing runs beside it */
};

int grader_main(int argc, char **argv, const char *lab,
		const struct graded_item *items, size_t count);

#define GRADED(name, points, timeout, section) \
	{ #name, &name, points, timeout, section, false },
#define GRADED_ALONE(name, points, timeout, section) \
	{ #name, &name, points, timeout, section, true },

/* Gradescope's visibility of an item: read by the driver's catalogue only. */
#define SHOWN(name, when)

#ifndef GRADER_HIDDEN_TESTS
#define GRADER_HIDDEN_TESTS "grader_none.h"
#define GRADER_HIDDEN_ITEMS "grader_none.h"
#endif

#define GRADER_MAIN(lab)                                                    \
	int main(int argc, char **argv)                                     \
	{                                                                   \
		return grader_main(argc, argv, lab, graded_items,           \
				   sizeof graded_items / sizeof graded_items[0]); \
	}

/* ---- the run's private context (valid inside tests) ---- */

/* Private directory of this run (mode 0700); removed by the driver. */
const char *grader_tmpdir(void);
/* Directory holding the lab's built programs. */
const char *grader_bindir(void);
/* Directory holding the grader's LD_PRELOAD shims. */
const char *grader_shimdir(void);
/* Writes "<tmpdir>/<name>" into buf; returns buf. */
char *grader_tmp_path(char *buf, size_t size, const char *name);
/* Writes a POSIX shm name unique to this run: "/ipclab-<run>-<what>". */
char *grader_shm_name(char *buf, size_t size, const char *what);
/*
 * An empty file private to this run, for ftok(): keys made from it never
 * collide with another run's or another user's.
 */
const char *grader_key_file(void);
/* The prefix every name of this run starts with (without the slash). */
const char *grader_shm_prefix(void);

/* Timeouts and deadlines are multiplied by GRADER_TIMEOUT_SCALE. */
double grader_scale(void);

/*
 * Random inputs a hard-coded answer cannot match.  The run's seed is
 * printed and settable (GRADER_SEED); every test draws from its own stream,
 * seeded by the run seed and the test name, so a single test reproduces.
 */
uint64_t grader_seed(void);
uint32_t grader_random(void);
/* Uniform in [lo, hi]. */
uint32_t grader_random_between(uint32_t lo, uint32_t hi);
/* len printable characters from [A-Za-z0-9 ,.-], then a NUL: buf >= len+1. */
void grader_random_text(char *buf, size_t len);
/* len random bytes. */
void grader_random_bytes(void *buf, size_t len);
/*
 * count lines of random text (grader_random_text), each "TAG " (when tag
 * is not NULL), then shortest to longest characters, then a newline; in
 * memory of the test's (free it), NUL-terminated, its length in *len.
 */
char *grader_random_lines(size_t count, uint32_t shortest, uint32_t longest,
			  const char *tag, size_t *len);

/*
 * Where b first differs from a: the offset (a_len or b_len when one is a
 * prefix of the other; a_len when they are equal) and, in *line when not
 * NULL, the number of that line from 1.  For "they differ at line 12: ...".
 */
size_t grader_first_difference(const char *a, size_t a_len, const char *b,
			       size_t b_len, size_t *line);

/*
 * A stream a child can replay from a seed the test drew (any value but
 * 0): a producer and the consumer checking its bytes draw the same ones.
 */
uint64_t grader_replay_next(uint64_t *state);
void grader_replay_fill(uint64_t *state, void *buf, size_t len);

/* 64-bit FNV-1a over len bytes, continuing from sum (start with GRADER_FNV_START). */
#define GRADER_FNV_START UINT64_C(0xcbf29ce484222325)
uint64_t grader_fnv1a(uint64_t sum, const void *data, size_t len);

/*
 * Writes a short, printable, quoted excerpt of student output into buf,
 * for use inside a hint: at most ~40 characters, escapes for the rest.
 */
const char *grader_excerpt(char *buf, size_t size, const char *data, size_t len);

/*
 * A figure of a passing item for a leaderboard (Gradescope's): name (up to
 * 40 printable characters), its value, and whether lower is better.  Call
 * it in the test process; the figures travel with the test's claim of
 * completion, so that only a test that returned can post them, and none
 * comes from a process the code under test forked.  At most 4 per item.
 */
void grader_figure(const char *name, double value, bool lower_is_better);
/*
 * Whether this grading shows figures (ipcgrade --figures, --format json):
 * a measurement made only for the leaderboard is skipped otherwise.
 */
bool grader_figures_wanted(void);

/* True in the test process itself, false in a process it forked. */
bool grader_in_test_process(void);

/*
 * Student code that forks may let its child return into the test.  Call
 * this right after such code: in any process but the test's own it ends
 * that process at once with _exit(status).
 */
void grader_leave_if_forked(int status);

/*
 * The status a child of child_start is reaped with when it ended with
 * exit 0 inside the code under test (child.h): neither exited nor killed.
 */
#define GRADER_STATUS_ENDED_INSIDE 0xff7f

/* "exit 3", "killed by SIGSEGV", ... for a wait status. */
const char *grader_describe_status(int status, char *buf, size_t size);

/* "ENOENT", "EINVAL", ... for an errno value; "no error" for 0. */
const char *grader_errno_name(int err);

#endif
