/*
 * procsnap.c - the snapshot of a settled process tree (see
 * grader/core/snapshot.h), for the handouts' pictures drawn from real runs
 * of the solutions (mk/run-diagrams.sh).
 *
 *   procsnap STOPPED PID [NAME...]
 *
 * Waits (5 s at most) until STOPPED processes of PID's tree are stopped
 * (the stopat shim stops them at a chosen call; 0: none) and every other
 * one sleeps, then prints the tree's snapshot on stdout.  The tree's
 * processes, in the order they were made, are called the NAMEs, or else
 * "the parent", "the child" or "the first child", "the second child"...
 * (name them for a deeper tree).  Exits 1 if the tree never settles, 2 on a bad command
 * line.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "procinfo.h"
#include "snapshot.h"

enum { MAX_PROCS = 4096, MAX_TREE = 16 };

/*
 * The tree of root, in the order its processes were made (by pid), into
 * tree; false when it has not settled: that many processes stopped, every
 * other one asleep (in any call: those above the stopped ones wait for
 * them).
 */
static bool settled(pid_t root, long stopped, pid_t *tree, int *n)
{
	struct proc_status *procs = calloc(MAX_PROCS, sizeof *procs);
	bool *in_tree = calloc(MAX_PROCS, sizeof *in_tree);
	int count, stops = 0, asleep = 0, busy = 0;

	*n = 0;
	if (procs == NULL || in_tree == NULL) {
		free(procs);
		free(in_tree);
		return false;
	}
	count = proc_collect(procs, MAX_PROCS);
	proc_mark_tree(procs, count, root, in_tree);
	for (int i = 0; i < count; i++) {
		const char st = procs[i].state;

		if (!in_tree[i])
			continue;
		if (*n < MAX_TREE)
			tree[(*n)++] = procs[i].pid;
		stops += st == 'T' || st == 't';
		asleep += st == 'S';
		busy += st != 'T' && st != 't' && st != 'S';
	}
	free(procs);
	free(in_tree);
	return *n > 0 && stops == stopped && busy == 0 && asleep > 0;
}

static int by_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/* A whole number from least to INT_MAX. */
static bool whole(const char *s, long least, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	return *s && *end == '\0' && errno == 0 && *v >= least && *v <= INT_MAX;
}

int main(int argc, char *argv[])
{
	static const char *const ordinal[] = { "first", "second", "third", "fourth" };
	char labels[MAX_TREE][32];
	const char *names[MAX_TREE];
	pid_t tree[MAX_TREE];
	long stopped, root;
	int n = 0, calm = 0;

	if (argc < 3 || !whole(argv[1], 0, &stopped) || !whole(argv[2], 1, &root)) {
		fprintf(stderr, "usage: procsnap STOPPED PID [NAME...] (whole numbers, PID > 0)\n");
		return 2;
	}
	/* Settled at two looks in a row, 20 ms apart. */
	for (int tries = 0; calm < 2; tries++) {
		calm = settled((pid_t)root, stopped, tree, &n) ? calm + 1 : 0;
		if (tries == 250) {
			fprintf(stderr, "procsnap: the tree of %ld never settled with %ld stopped\n",
				root, stopped);
			return 1;
		}
		nanosleep(&(struct timespec){ .tv_nsec = 20 * 1000 * 1000 }, NULL);
	}
	qsort(tree, (size_t)n, sizeof tree[0], by_pid);
	for (int t = 0; t < n; t++) {
		if (3 + t < argc)
			snprintf(labels[t], sizeof labels[t], "%s", argv[3 + t]);
		else if (t == 0)
			snprintf(labels[t], sizeof labels[t], "the parent");
		else if (n == 2)
			snprintf(labels[t], sizeof labels[t], "the child");
		else
			snprintf(labels[t], sizeof labels[t], "the %s child",
				 t - 1 < 4 ? ordinal[t - 1] : "next");
		names[t] = labels[t];
	}
	snapshot_print(stdout, tree, names, (size_t)n);
	return fflush(stdout) == 0 ? 0 : 1;
}
