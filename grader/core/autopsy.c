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
#include <sys/syscall.h>
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

/*
 * The blocking system calls a hint names, by their numbers on this
 * machine (<sys/syscall.h>); a call an architecture lacks is left out.
 */
static const struct {
	long nr;
	const char *name;
} blocking_calls[] = {
#ifdef SYS_read
	{ SYS_read, "read" },
#endif
#ifdef SYS_write
	{ SYS_write, "write" },
#endif
#ifdef SYS_readv
	{ SYS_readv, "readv" },
#endif
#ifdef SYS_writev
	{ SYS_writev, "writev" },
#endif
#ifdef SYS_poll
	{ SYS_poll, "poll" },
#endif
#ifdef SYS_ppoll
	{ SYS_ppoll, "ppoll" },
#endif
#ifdef SYS_select
	{ SYS_select, "select" },
#endif
#ifdef SYS_pselect6
	{ SYS_pselect6, "pselect6" },
#endif
#ifdef SYS_epoll_wait
	{ SYS_epoll_wait, "epoll_wait" },
#endif
#ifdef SYS_pause
	{ SYS_pause, "pause" },
#endif
#ifdef SYS_nanosleep
	{ SYS_nanosleep, "nanosleep" },
#endif
#ifdef SYS_clock_nanosleep
	{ SYS_clock_nanosleep, "clock_nanosleep" },
#endif
#ifdef SYS_accept
	{ SYS_accept, "accept" },
#endif
#ifdef SYS_accept4
	{ SYS_accept4, "accept4" },
#endif
#ifdef SYS_recvfrom
	{ SYS_recvfrom, "recvfrom" },
#endif
#ifdef SYS_wait4
	{ SYS_wait4, "wait4" },
#endif
#ifdef SYS_waitid
	{ SYS_waitid, "waitid" },
#endif
#ifdef SYS_semop
	{ SYS_semop, "semop" },
#endif
#ifdef SYS_semtimedop
	{ SYS_semtimedop, "semtimedop" },
#endif
#ifdef SYS_msgrcv
	{ SYS_msgrcv, "msgrcv" },
#endif
#ifdef SYS_rt_sigsuspend
	{ SYS_rt_sigsuspend, "sigsuspend" },
#endif
#ifdef SYS_futex
	{ SYS_futex, "futex (a semaphore or lock)" },
#endif
#ifdef SYS_open
	{ SYS_open, "open (a FIFO with no peer?)" },
#endif
#ifdef SYS_openat
	{ SYS_openat, "open (a FIFO with no peer?)" },
#endif
};

static const char *syscall_name(long nr)
{
	for (size_t i = 0; i < sizeof blocking_calls / sizeof blocking_calls[0]; i++)
		if (blocking_calls[i].nr == nr)
			return blocking_calls[i].name;
	return NULL;
}

/* A read or a write of a descriptor: its first argument is the fd. */
static bool moves_bytes(long nr, bool *reading)
{
	*reading = nr == SYS_read || nr == SYS_readv;
	return *reading || nr == SYS_write || nr == SYS_writev;
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
	bool reading;
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
	if (moves_bytes(nr, &reading) && fd_target(p->pid, (int)arg0, target, sizeof target)) {
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
