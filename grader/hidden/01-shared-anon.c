/*
 * 01-shared-anon, hidden items: graded by make grade in a tree that has
 * grader/hidden/, by the Gradescope package and by batch mode; absent from
 * the student edition (make student-kit).  The suite grader/suites/
 * 01-shared-anon.c includes this file before its table, so the items use
 * its helpers; their lines of the table are in 01-shared-anon.def here.
 */
#include <stdatomic.h>

/* What the child of private_int_parent_write_unseen shares with the test. */
struct after_parent_write {
	int *p;                 /* the private int, at the same address in both */
	atomic_int written;     /* the parent has written its new value */
	int seen;               /* what the child then read */
};

static void read_after_parent_writes(void *arg)
{
	struct after_parent_write *w = arg;

	for (double end = monotonic_seconds() + 1.0 * grader_scale();
	     !atomic_load(&w->written) && monotonic_seconds() < end;)
		sleep_seconds(0.0005);
	w->seen = *w->p;
}

/* Copy-on-write the other way round: the parent writes, the child must not see it. */
START_TEST(private_int_parent_write_unseen)
{
	int value = random_value(), written = random_value() ^ 1;
	int *p = create_or_fail(private_int_create, "private_int_create", value);
	struct after_parent_write *w = child_shared(sizeof *w);
	char why[300];
	pid_t pid;

	ck_assert_msg(*p == value, "private_int_create(%d): the int holds %d: "
		      "store the initial value", value, *p);
	w->p = p;
	w->seen = value ^ 2;
	pid = child_start(read_after_parent_writes, w, NULL);
	*p = written;
	atomic_store(&w->written, 1);
	ck_assert_msg(child_finished(&pid, 2.0, NULL, why, sizeof why),
		      "the grader's child that reads the int: %s", why);
	ck_assert_msg(w->seen == value, "the parent wrote %d after fork(); its child "
		      "then read %d, not the %d it had: with MAP_PRIVATE each process "
		      "gets its own copy when it writes", written, w->seen, value);
}
END_TEST
