/*
 * autopsy.c - what a hung test's processes are waiting for.
 *
 * Read from /proc just before the timeout: each process of the test (the
 * test process and all its descendants) with the system call it sleeps in,
 * and for a read or write on a pipe or FIFO, which processes still hold
 * the other end open.  That names the classic hang: "wc waits in read on
 * pipe:[123], whose write end is still open in lswc (pid 11, fd 4)".
 */
#include "autopsy.h"
#include "procinfo.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MAX_PROCS = 1024, MAX_FDS = 256 };

struct proc_table {
	struct proc_status *procs;
	int count, max;
};

static bool collect(const struct proc_status *p, void *arg)
{
	struct proc_table *t = arg;

	if (t->count < t->max)
		t->procs[t->count++] = *p;
	return t->count < t->max;
}

/* Marks root and its descendants; returns how many. */
static int mark_tree(const struct proc_status *procs, int n, pid_t root, bool *in_tree)
{
	int count = 0;
	bool grew = true;

	for (int i = 0; i < n; i++)
		if ((in_tree[i] = procs[i].pid == root))
			count++;
	while (grew) {
		grew = false;
		for (int i = 0; i < n; i++) {
			if (in_tree[i])
				continue;
			for (int j = 0; j < n; j++) {
				if (in_tree[j] && procs[i].ppid == procs[j].pid) {
					in_tree[i] = grew = true;
					count++;
					break;
				}
			}
		}
	}
	return count;
}

static const char *syscall_name(long nr)
{
	switch (nr) {
	case 0: return "read";
	case 1: return "write";
	case 7: return "poll";
	case 19: return "readv";
	case 20: return "writev";
	case 23: return "select";
	case 34: return "pause";
	case 35: return "nanosleep";
	case 43: return "accept";
	case 45: return "recvfrom";
	case 61: return "wait4";
	case 65: return "semop";
	case 70: return "msgrcv";
	case 130: return "sigsuspend";
	case 202: return "futex (a semaphore or lock)";
	case 220: return "semtimedop";
	case 230: return "clock_nanosleep";
	case 232: return "epoll_wait";
	case 247: return "waitid";
	case 257: return "open (a FIFO with no peer?)";
	case 270: return "pselect6";
	case 271: return "ppoll";
	case 288: return "accept4";
	default: return NULL;
	}
}

/* The open mode (0 read, 1 write, 2 both) of pid's fd, or -1. */
static int fd_mode(pid_t pid, int fd)
{
	char path[64], line[128];
	FILE *f;
	int mode = -1;

	snprintf(path, sizeof path, "/proc/%d/fdinfo/%d", (int)pid, fd);
	f = fopen(path, "re");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		unsigned long flags;

		if (sscanf(line, "flags: %lo", &flags) == 1)
			mode = (int)(flags & 3);
	}
	fclose(f);
	return mode;
}

static void append(char *out, size_t size, const char *text)
{
	size_t used = strlen(out);

	if (used + 1 < size)
		snprintf(out + used, size - used, "%s", text);
}

/* "lswc (pid 11, fd 4), ..." for the holders of target with the given mode. */
static void holders(const struct proc_status *procs, int n, const bool *in_tree,
		    const char *target, int wanted_mode, char *out, size_t size)
{
	bool any = false;

	for (int i = 0; i < n; i++) {
		char dir[64];
		DIR *d;
		struct dirent *e;

		if (!in_tree[i] || procs[i].state == 'Z')
			continue;
		snprintf(dir, sizeof dir, "/proc/%d/fd", (int)procs[i].pid);
		d = opendir(dir);
		if (d == NULL)
			continue;
		while ((e = readdir(d)) != NULL) {
			char link[256], item[96];
			int fd = atoi(e->d_name), mode;

			if (e->d_name[0] == '.' || !fd_target(procs[i].pid, fd, link, sizeof link) ||
			    strcmp(link, target) != 0)
				continue;
			mode = fd_mode(procs[i].pid, fd);
			if (mode != wanted_mode && mode != 2)
				continue;
			snprintf(item, sizeof item, "%s%s (pid %d, fd %d)", any ? ", " : "",
				 procs[i].comm, (int)procs[i].pid, fd);
			append(out, size, item);
			any = true;
		}
		closedir(d);
	}
	if (!any)
		append(out, size, "no process");
}

static void describe_one(const struct proc_status *procs, int n, const bool *in_tree,
			 const struct proc_status *p, char *out, size_t size)
{
	char path[64], line[256], item[512], target[256];
	long nr = -1, arg0 = -1;
	const char *name;
	FILE *f;

	if (p->state == 'Z') {
		snprintf(item, sizeof item, "%s (pid %d) has exited but was never waited for",
			 p->comm, (int)p->pid);
		append(out, size, item);
		return;
	}
	if (p->state == 'R') {
		snprintf(item, sizeof item, "%s (pid %d) is running (a busy loop?)",
			 p->comm, (int)p->pid);
		append(out, size, item);
		return;
	}
	snprintf(path, sizeof path, "/proc/%d/syscall", (int)p->pid);
	f = fopen(path, "re");
	if (f && fgets(line, sizeof line, f))
		sscanf(line, "%ld %lx", &nr, (unsigned long *)&arg0);
	if (f)
		fclose(f);
	name = syscall_name(nr);
	if (name == NULL) {
		snprintf(item, sizeof item, "%s (pid %d) is blocked", p->comm, (int)p->pid);
		append(out, size, item);
		return;
	}
	snprintf(item, sizeof item, "%s (pid %d) waits in %s", p->comm, (int)p->pid, name);
	append(out, size, item);
	if ((nr == 0 || nr == 19 || nr == 1 || nr == 20) &&
	    fd_target(p->pid, (int)arg0, target, sizeof target)) {
		const bool reading = nr == 0 || nr == 19;
		const bool pipe_like = strncmp(target, "pipe:", 5) == 0 || target[0] == '/';

		snprintf(item, sizeof item, " on fd %ld (%s)", arg0, target);
		append(out, size, item);
		if (pipe_like) {
			append(out, size, reading ? ", whose write end is still open in "
						  : ", whose read end is open in ");
			holders(procs, n, in_tree, target, reading ? 1 : 0, out, size);
		}
	}
}

void autopsy_describe(pid_t root, const char *root_label, char *out, size_t size)
{
	struct proc_status *procs = calloc(MAX_PROCS, sizeof *procs);
	bool *in_tree = calloc(MAX_PROCS, sizeof *in_tree);
	int n, shown = 0;

	out[0] = '\0';
	if (procs == NULL || in_tree == NULL) {
		free(procs);
		free(in_tree);
		return;
	}
	struct proc_table table = { procs, 0, MAX_PROCS };

	proc_each(collect, &table);
	n = table.count;
	mark_tree(procs, n, root, in_tree);
	for (int i = 0; i < n; i++)
		if (procs[i].pid == root && root_label)
			snprintf(procs[i].comm, sizeof procs[i].comm, "%s", root_label);
	for (int i = 0; i < n && shown < 6; i++) {
		if (!in_tree[i])
			continue;
		if (shown++)
			append(out, size, "; ");
		describe_one(procs, n, in_tree, &procs[i], out, size);
	}
	free(procs);
	free(in_tree);
}
