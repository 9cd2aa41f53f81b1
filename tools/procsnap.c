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

struct all {
	struct proc_status *procs;
	int count;
};

static bool collect(const struct proc_status *p, void *arg)
{
	struct all *a = arg;

	a->procs[a->count++] = *p;
	return a->count < MAX_PROCS;
}

/*
 * The tree of root, in the order its processes were made (by pid), into
 * tree; false when it has not settled: that many processes stopped, every
 * other one asleep (in any call: those above the stopped ones wait for
 * them).
 */
static bool settled(pid_t root, long stopped, pid_t *tree, int *n)
{
	struct all a = { calloc(MAX_PROCS, sizeof *a.procs), 0 };
	int stops = 0, asleep = 0, busy = 0;
	bool grew = true;

	*n = 0;
	if (a.procs == NULL)
		return false;
	proc_each(collect, &a);
	for (int i = 0; i < a.count && *n < MAX_TREE; i++)
		if (a.procs[i].pid == root)
			tree[(*n)++] = root;
	while (grew && *n < MAX_TREE) {
		grew = false;
		for (int i = 0; i < a.count && *n < MAX_TREE; i++) {
			bool in = false, parent_in = false;

			for (int t = 0; t < *n; t++) {
				in = in || tree[t] == a.procs[i].pid;
				parent_in = parent_in || tree[t] == a.procs[i].ppid;
			}
			if (!in && parent_in) {
				tree[(*n)++] = a.procs[i].pid;
				grew = true;
			}
		}
	}
	for (int i = 0; i < a.count; i++)
		for (int t = 0; t < *n; t++)
			if (tree[t] == a.procs[i].pid) {
				const char st = a.procs[i].state;

				stops += st == 'T' || st == 't';
				asleep += st == 'S';
				busy += st != 'T' && st != 't' && st != 'S';
			}
	free(a.procs);
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
