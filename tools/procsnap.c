/*
 * procsnap.c - the snapshot of a settled process tree (see
 * grader/core/snapshot.h), for the handouts' pictures drawn from real runs
 * of the solutions (mk/run-diagrams.sh).
 *
 *   procsnap STOPPED PID
 *
 * Waits (5 s at most) until STOPPED processes of PID's tree are stopped
 * (the stopat shim stops them at a chosen call) and every other one sleeps
 * in a call without a time limit, then prints the tree's snapshot on
 * stdout: PID is "the parent", its children "the first child", "the second
 * child"... in the order they were made ("the child" when it has one).  Exits 1 if the tree never
 * settles, 2 on a bad command line.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "autopsy.h"
#include "procinfo.h"
#include "snapshot.h"

enum { MAX_CHILDREN = 8 };

struct tree {
	pid_t root;
	pid_t children[MAX_CHILDREN];
	int nchildren, stopped, asleep, others;
};

static bool look(const struct proc_status *p, void *arg)
{
	struct tree *t = arg;

	if (p->pid != t->root && p->ppid != t->root)
		return true;
	if (p->ppid == t->root && t->nchildren < MAX_CHILDREN)
		t->children[t->nchildren++] = p->pid;
	if (p->state == 'T' || p->state == 't')
		t->stopped++;
	else if (autopsy_sleeps_untimed(p))
		t->asleep++;
	else
		t->others++;
	return true;
}

static int by_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

static bool whole(const char *s, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	return *s && *end == '\0' && errno == 0 && *v > 0 && *v <= INT_MAX;
}

int main(int argc, char *argv[])
{
	static const char *const ordinal[MAX_CHILDREN] = { "first", "second", "third", "fourth",
		"fifth", "sixth", "seventh", "eighth" };
	char labels[MAX_CHILDREN + 1][32];
	const char *names[MAX_CHILDREN + 1];
	pid_t roots[MAX_CHILDREN + 1];
	long stopped, root;
	struct tree t;

	if (argc != 3 || !whole(argv[1], &stopped) || !whole(argv[2], &root)) {
		fprintf(stderr, "usage: procsnap STOPPED PID (two whole numbers > 0)\n");
		return 2;
	}
	for (int tries = 0;; tries++) {
		t = (struct tree){ .root = (pid_t)root };
		proc_each(look, &t);
		if (t.stopped == stopped && t.others == 0 && t.asleep > 0)
			break;
		if (tries == 500) {
			fprintf(stderr, "procsnap: the tree of %ld never settled (%d stopped, %d "
				"asleep, %d busy)\n", root, t.stopped, t.asleep, t.others);
			return 1;
		}
		nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000 * 1000 }, NULL);
	}
	qsort(t.children, (size_t)t.nchildren, sizeof t.children[0], by_pid);
	roots[0] = (pid_t)root;
	names[0] = "the parent";
	for (int c = 0; c < t.nchildren; c++) {
		if (t.nchildren == 1)
			snprintf(labels[c], sizeof labels[c], "the child");
		else
			snprintf(labels[c], sizeof labels[c], "the %s child", ordinal[c]);
		roots[c + 1] = t.children[c];
		names[c + 1] = labels[c];
	}
	snapshot_print(stdout, roots, names, (size_t)t.nchildren + 1);
	return fflush(stdout) == 0 ? 0 : 1;
}
