/*
 * autopsy.c - what a hung test's processes are waiting for.
 *
 * Read from /proc just before the timeout: each process of the test (the
 * test process and all its descendants) with the system call it sleeps in,
 * and for a read or write on a pipe or FIFO, which processes still hold
 * the other end open.  That names the classic hang: "wc waits in read on
 * pipe:[123], whose write end is still open in lswc (pid 11, fd 4)".
 *
 * autopsy_hint() reads the same /proc for a suite: the members of one
 * process group (a command pipeline, a caller and its children), and
 * names the likeliest cause with advice for the student, for example
 * "wc (pid 43) never sees end of file: the pipe's write end is still
 * open in itself (fd 6): the reading child must close both pipe ends
 * after dup2 (or use O_CLOEXEC)".
 */
#include "autopsy.h"
#include "procinfo.h"
#include "snapshot.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { MAX_PROCS = 1024, MAX_FDS = 256 };

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
#ifdef SYS_rt_sigtimedwait
	{ SYS_rt_sigtimedwait, "sigwaitinfo" },
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

const char *autopsy_call(pid_t pid, long *fd)
{
	unsigned long args[6];
	long nr;
	bool reading;

	*fd = -1;
	if (proc_syscall_read(pid, &nr, args) >= 2 && moves_bytes(nr, &reading))
		*fd = (long)args[0];
	return syscall_name(nr);
}

static void append(char *out, size_t size, const char *text)
{
	size_t used = strlen(out);

	if (used + 1 < size)
		snprintf(out + used, size - used, "%s", text);
}

/* "lswc (pid 11, fd 4), ..." for the holders of target open for wanted ('r', 'w'). */
static void holders(const struct proc_status *procs, int n, const bool *in_tree,
		    const char *target, char wanted, char *out, size_t size)
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
			char link[256], item[96], mode;
			int fd = atoi(e->d_name);

			if (e->d_name[0] == '.' || !fd_target(procs[i].pid, fd, link, sizeof link) ||
			    strcmp(link, target) != 0)
				continue;
			mode = fd_mode(procs[i].pid, fd);
			if (mode != wanted && mode != 'b')
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
	char item[512], target[256];
	unsigned long args[6];
	long nr = -1, arg0 = -1;
	bool reading;
	const char *name;

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
	if (proc_syscall_read(p->pid, &nr, args) >= 2)
		arg0 = (long)args[0];
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
			holders(procs, n, in_tree, target, reading ? 'w' : 'r', out, size);
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
	n = proc_collect(procs, MAX_PROCS);
	proc_mark_tree(procs, n, root, in_tree);
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
	snapshot_take(&root, &root_label, 1, 0);
}

/* ---- the members of a process group, as autopsy_hint sees them ---- */

enum { MAX_MEMBERS = 16, MAX_MEMBER_FDS = 32 };

struct member_fd {
	int fd;
	char mode;              /* 'r', 'w', 'b' or '?' */
	unsigned long pipe;     /* inode of the pipe, 0 if not a pipe */
};

struct member {
	struct proc_status st;
	char wchan[64];
	int nfds;
	struct member_fd fds[MAX_MEMBER_FDS];
};

struct group_table {
	pid_t pgrp;
	struct member *members;
	int count;
};

static bool collect_member(const struct proc_status *p, void *arg)
{
	struct group_table *t = arg;
	struct member *m;
	int fds[MAX_MEMBER_FDS], count;

	if (p->pgid != t->pgrp)
		return true;
	m = &t->members[t->count++];
	m->st = *p;
	proc_wchan(p->pid, m->wchan, sizeof m->wchan);
	count = fds_list(p->pid, fds, MAX_MEMBER_FDS);
	m->nfds = 0;
	for (int i = 0; i < count; i++) {
		struct member_fd *f = &m->fds[m->nfds++];
		char target[128];

		f->fd = fds[i];
		f->mode = fd_mode(p->pid, fds[i]);
		f->pipe = 0;
		if (fd_target(p->pid, fds[i], target, sizeof target))
			sscanf(target, "pipe:[%lu]", &f->pipe);
	}
	return t->count < MAX_MEMBERS;
}

/* How a hint names a process: "the parent (pid 12)" or "wc (pid 13)". */
static const char *member_name(const struct member *m, pid_t parent, char *buf, size_t size)
{
	if (m->st.pid == parent)
		snprintf(buf, size, "the parent (pid %d)", (int)m->st.pid);
	else
		snprintf(buf, size, "%s (pid %d)", m->st.comm, (int)m->st.pid);
	return buf;
}

/* The advice for a write end held open, by who holds it and who reads. */
static const char *write_end_advice(bool holder_is_parent, bool holder_is_reader)
{
	if (!holder_is_parent)
		return holder_is_reader ? "the reading child must close both pipe ends after "
					  "dup2 (or use O_CLOEXEC)"
					: "close the pipe ends each child does not use";
	return holder_is_reader ? "the parent must close its write end before it reads"
				: "the parent must close both ends once it has forked";
}

/* A reader waiting for end of file, and the first holder of the pipe's write end. */
static bool no_end_of_file(const struct member *m, int n, pid_t parent, char *hint,
			   size_t size)
{
	char who[64], holder[100], name[64];

	/* Children first: in pass 0 the parent is skipped, in pass 1 only it. */
	for (int pass = 0; pass < 2; pass++)
		for (int r = 0; r < n; r++) {
			if ((pass == 0) == (m[r].st.pid == parent) || !strstr(m[r].wchan, "pipe_read"))
				continue;
			for (int i = 0; i < m[r].nfds; i++) {
				const struct member_fd *rf = &m[r].fds[i];

				if (!rf->pipe || rf->mode != 'r')
					continue;
				for (int w = 0; w < n; w++)
					for (int j = 0; j < m[w].nfds; j++) {
						const struct member_fd *wf = &m[w].fds[j];

						if (wf->pipe != rf->pipe || wf->mode != 'w')
							continue;
						if (w == r)
							snprintf(holder, sizeof holder, "itself (fd %d)", wf->fd);
						else
							snprintf(holder, sizeof holder, "%s, fd %d",
								 member_name(&m[w], parent, name, sizeof name),
								 wf->fd);
						snprintf(hint, size, "%s never sees end of file: the "
							 "pipe's write end is still open in %s: %s",
							 member_name(&m[r], parent, who, sizeof who), holder,
							 write_end_advice(m[w].st.pid == parent, w == r));
						return true;
					}
			}
		}
	return false;
}

void autopsy_hint(pid_t pgrp, pid_t parent, char *hint, size_t size)
{
	struct member *m = calloc(MAX_MEMBERS, sizeof *m);
	struct group_table t = { pgrp, m, 0 };
	char who[64];

	if (m == NULL) {
		snprintf(hint, size, "the code under test is still running");
		return;
	}
	proc_each(collect_member, &t);
	snapshot_take(&parent, (const char *const[]){ "the parent" }, 1, pgrp);
	if (no_end_of_file(m, t.count, parent, hint, size)) {
		free(m);
		return;
	}
	for (int w = 0; w < t.count; w++)
		if (strstr(m[w].wchan, "pipe_write")) {
			snprintf(hint, size, "%s is blocked writing into a full pipe (64 KiB) that "
				 "nobody reads: start the reading side before waiting for the "
				 "writer", member_name(&m[w], parent, who, sizeof who));
			free(m);
			return;
		}
	for (int c = 0; c < t.count; c++)
		if (m[c].st.pid != parent && m[c].st.state != 'Z') {
			snprintf(hint, size, "%s is still running (state %c, in %s): it waits for "
				 "something no one will do", member_name(&m[c], parent, who, sizeof who),
				 m[c].st.state, m[c].wchan[0] ? m[c].wchan : "?");
			free(m);
			return;
		}
	snprintf(hint, size, "the code under test is still running (in %s)",
		 t.count > 0 && m[0].wchan[0] ? m[0].wchan : "?");
	free(m);
}

/*
 * Whether the blocking call nr (a[] its arguments) can wait for ever: a
 * sleep with a time limit ends by itself, and says nothing of a deadlock.
 * A call this file does not know is taken as one that ends.
 */
static bool waits_for_ever(long nr, const unsigned long *a)
{
	if (syscall_name(nr) == NULL)
		return false;
#ifdef SYS_nanosleep
	if (nr == SYS_nanosleep)
		return false;
#endif
#ifdef SYS_clock_nanosleep
	if (nr == SYS_clock_nanosleep)
		return false;
#endif
#ifdef SYS_futex
	if (nr == SYS_futex)
		return a[3] == 0;
#endif
#ifdef SYS_poll
	if (nr == SYS_poll)
		return (int)a[2] < 0;
#endif
#ifdef SYS_ppoll
	if (nr == SYS_ppoll)
		return a[2] == 0;
#endif
#ifdef SYS_select
	if (nr == SYS_select)
		return a[4] == 0;
#endif
#ifdef SYS_pselect6
	if (nr == SYS_pselect6)
		return a[4] == 0;
#endif
#ifdef SYS_epoll_wait
	if (nr == SYS_epoll_wait)
		return (int)a[3] < 0;
#endif
#ifdef SYS_semtimedop
	if (nr == SYS_semtimedop)
		return a[3] == 0;
#endif
	return true;
}

/*
 * Whether p sleeps in a call that can wait for ever (or is stopped, or has
 * ended).  /proc shows the first thread's call only: a process with more
 * threads is taken as one that may be running.
 */
static bool asleep_for_ever(const struct proc_status *p)
{
	unsigned long a[6] = { 0 };
	long nr = -1;

	if (p->state == 'Z' || p->state == 'T' || p->state == 't')
		return true;
	if (p->state != 'S' || p->threads != 1)
		return false;
	return proc_syscall_read(p->pid, &nr, a) == 7 && waits_for_ever(nr, a);
}

bool autopsy_sleeps_untimed(const struct proc_status *p)
{
	return p->state == 'S' && asleep_for_ever(p);
}

bool autopsy_trees_asleep(const pid_t *roots, size_t count, unsigned long long *cpu_ticks)
{
	struct proc_status *procs = calloc(MAX_PROCS, sizeof *procs);
	bool *in_tree = calloc(MAX_PROCS, sizeof *in_tree);
	bool asleep = false;
	int n;

	*cpu_ticks = 0;
	if (procs == NULL || in_tree == NULL)
		goto out;
	n = proc_collect(procs, MAX_PROCS);
	for (size_t r = 0; r < count; r++)
		if (roots[r] > 0)
			proc_mark_tree(procs, n, roots[r], in_tree);
	for (int i = 0; i < n; i++) {
		if (!in_tree[i])
			continue;
		*cpu_ticks += procs[i].cpu_ticks;
		if (!asleep_for_ever(&procs[i])) {
			asleep = false;
			goto out;
		}
		asleep = true;
	}
out:
	free(procs);
	free(in_tree);
	return asleep;
}
