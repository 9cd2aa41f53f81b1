/* call.c - see call.h. */
#include "call.h"
#include "audit.h"
#include "autopsy.h"
#include "child.h"
#include "context.h"
#include "procinfo.h"
#include "snapshot.h"
#include "sysutil.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

struct call_report *call_report_new(size_t data_size)
{
	size_t size = sizeof(struct call_report) + data_size;
	struct call_report *rep = mmap(NULL, size, PROT_READ | PROT_WRITE,
				       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	ck_assert_msg(rep != MAP_FAILED, "grader: mmap: %s", strerror(errno));
	snapshot_grader_mapping(rep);
	memset(rep, 0, sizeof *rep);
	rep->data_size = data_size;
	return rep;
}

void call_report_free(struct call_report *rep)
{
	if (rep)
		munmap(rep, sizeof *rep + rep->data_size);
}

/* In the caller: fd target from path, or the caller ends with status 120. */
static void redirect(const char *path, int target, int flags)
{
	int fd;

	if (path == NULL)
		return;
	fd = open(path, flags | O_CLOEXEC, 0600);
	if (fd < 0 || dup2(fd, target) < 0)
		_exit(120);
	close(fd);
}

static bool note_child(const struct proc_status *p, void *found)
{
	if (p->ppid != getpid())
		return true;
	*(pid_t *)found = p->pid;
	return false;
}

/* Some child of ours (running, or ended and not yet reaped), or 0. */
static pid_t some_child(void)
{
	pid_t found = 0;

	proc_each(note_child, &found);
	return found;
}

/* A child of ours that has ended, not reaped; 0 when none has; -1 without children. */
static pid_t ended_child(void)
{
	siginfo_t info = { 0 };

	if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) < 0)
		return -1;
	return info.si_pid;
}

/* Kills every child and grandchild left and reaps them (the test is a subreaper). */
static void reap_everything(pid_t group)
{
	double until = monotonic_seconds() + 2.0;

	if (group > 0)
		kill(-group, SIGKILL);
	for (;;) {
		pid_t child = some_child();
		pid_t w;

		if (child > 0)
			kill(child, SIGKILL);
		w = waitpid(-1, NULL, WNOHANG);
		if (w < 0 && errno == ECHILD)
			return;
		if (w == 0) {
			if (monotonic_seconds() > until)
				return;
			sleep_seconds(0.002);
		}
	}
}

/* Whether fd, open after the call, was not open before it. */
static bool opened_by_call(const struct call_report *rep, int fd)
{
	for (int j = 0; j < rep->nbefore; j++)
		if (rep->before[j] == fd)
			return false;
	return true;
}

/*
 * When the call left a descriptor open, a child it never waited for (a
 * zombie, seen without reaping it) or a child still running (stray): the
 * caller and its children, marked, for the picture of the item if it
 * fails (snapshot.h).  Nothing is read from /proc when nothing was left.
 */
static void picture_leftovers(const struct call_report *rep, pid_t me, pid_t stray)
{
	const char *const name[] = { "the parent, back from the call" };
	pid_t zombie;
	bool any = snapshot_mark_new_fds(me, rep->before, rep->nbefore, rep->after,
					 rep->nafter) > 0;

	if (stray > 0) {
		snapshot_mark_left(stray, -1);
		any = true;
	} else if ((zombie = ended_child()) > 0) {
		snapshot_mark_left(zombie, -1);
		any = true;
	}
	if (any)
		snapshot_take(&me, name, 1, 0);
}

/* The caller's side of call_in_child: never returns. */
static _Noreturn void be_the_caller(call_fn fn, void *arg, struct call_report *rep,
				    const struct call_io *io)
{
	pid_t me = getpid(), ended, stray;
	long ret;
	int err;

	setpgid(0, 0);
	if (io) {
		redirect(io->in, 0, O_RDONLY);
		redirect(io->out, 1, O_WRONLY | O_CREAT | O_TRUNC);
		redirect(io->err, 2, O_WRONLY | O_CREAT | O_TRUNC);
	}
	rep->nbefore = fds_list(0, rep->before, 64);
	ret = fn(arg, rep);
	err = errno;
	if (getpid() != me) {
		/* A child of the code under test returned into our code. */
		rep->stray = getpid();
		_exit(0);
	}
	fflush(stdout);
	rep->ret = ret;
	rep->err = err;
	rep->nafter = fds_list(0, rep->after, 64);
	/*
	 * A child on its way out (its last write done, as the left side of a
	 * pipe is when the right side ends) gets a moment to end: not waiting
	 * for it is the mistake, and the hint should say so.  It is seen
	 * ended but not reaped, so that the picture can show it.
	 */
	ended = ended_child();
	for (const double until = monotonic_seconds() + LEFTOVER_GRACE * grader_ctx.scale;
	     ended == 0 && monotonic_seconds() < until; ended = ended_child())
		sleep_seconds(0.005);
	stray = ended == 0 ? some_child() : 0;
	picture_leftovers(rep, me, stray);
	if (ended > 0) {
		while (waitpid(ended, NULL, 0) < 0 && errno == EINTR)
			;
		rep->leftover = ended;
		rep->leftover_zombie = true;
	} else if (stray > 0) {
		rep->leftover = stray;
	}
	rep->returned = true;
	_exit(0);
}

bool call_in_child(call_fn fn, void *arg, struct call_report *rep,
		   const struct call_io *io, double seconds, char *hint, size_t size)
{
	pid_t caller;
	int status;

	fflush(NULL);
	/* Orphans of the caller come back to us, to be reaped. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	caller = fork();
	ck_assert_msg(caller >= 0, "grader: fork: %s", strerror(errno));
	if (caller == 0)
		be_the_caller(fn, arg, rep, io);
	setpgid(caller, caller);
	if (child_wait_until(caller, seconds, &status)) {
		reap_everything(caller);
		return true;
	}
	autopsy_hint(caller, caller, hint, size);
	reap_everything(caller);
	return false;
}

int call_new_fd(const struct call_report *rep)
{
	for (int i = 0; i < rep->nafter; i++)
		if (opened_by_call(rep, rep->after[i]))
			return rep->after[i];
	return -1;
}
