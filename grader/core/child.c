/* child.c - see child.h. */
#include "child.h"
#include "autopsy.h"
#include "context.h"
#include "grader.h"
#include "probe.h"
#include "procinfo.h"
#include "snapshot.h"
#include "sysutil.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define SETTLE_LOOK 0.05 /* seconds between looks at sleeping children */

void *child_shared(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	ck_assert_msg(p != MAP_FAILED, "the grader could not map %zu bytes: %s",
		      size, strerror(errno));
	snapshot_grader_mapping(p);
	return p;
}

void child_step(struct child_log *log, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(log->step, sizeof log->step, fmt, ap);
	va_end(ap);
}

void child_problem(struct child_log *log, const char *fmt, ...)
{
	va_list ap;

	if (atomic_exchange(&log->failed, 1) != 0)
		return;
	va_start(ap, fmt);
	vsnprintf(log->problem, sizeof log->problem, fmt, ap);
	va_end(ap);
}

void child_add_done(struct child_log *log, size_t n)
{
	atomic_fetch_add_explicit(&log->done, n, memory_order_relaxed);
}

size_t child_done_count(struct child_log *log)
{
	return atomic_load_explicit(&log->done, memory_order_relaxed);
}

/* In the child: fd target from path, or the child ends with status 120. */
static void redirect(const char *path, int target)
{
	int fd;

	if (path == NULL)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0 || dup2(fd, target) < 0)
		_exit(120);
	close(fd);
}

/*
 * How each child of child_start ended, in memory the test shares with
 * them: a slot per child, RUNNING until the grader's code ends it.
 */
enum { RETURN_SLOTS = 512 };
enum return_state { RUNNING, RETURNED, MAY_EXIT };

struct return_table {
	atomic_size_t next;
	pid_t pid[RETURN_SLOTS];
	atomic_int state[RETURN_SLOTS];
};

static struct return_table *returns;
static size_t own_slot;          /* in a child of child_start: its slot ... */
static pid_t own_pid;            /* ... and its pid (a process it forks is not it) */

static atomic_int *state_of(pid_t pid)
{
	for (size_t i = 0; returns != NULL && pid > 0 && i < RETURN_SLOTS; i++)
		if (returns->pid[i] == pid)
			return &returns->state[i];
	return NULL;
}

_Noreturn void child_exit(int status)
{
	if (returns != NULL && own_pid == getpid())
		atomic_store(&returns->state[own_slot], RETURNED);
	_exit(status);
}

/* A child that ended with exit 0 but not through the grader's code. */
static void judge_exit(pid_t pid, int *status)
{
	atomic_int *state = state_of(pid);

	if (state != NULL && status != NULL && WIFEXITED(*status) && WEXITSTATUS(*status) == 0 &&
	    atomic_load(state) == RUNNING)
		*status = GRADER_STATUS_ENDED_INSIDE;
}

pid_t child_start(void (*fn)(void *), void *arg, const struct child_io *io)
{
	size_t slot;
	pid_t pid;

	if (returns == NULL)
		returns = child_shared(sizeof *returns);
	slot = atomic_fetch_add(&returns->next, 1) % RETURN_SLOTS;
	returns->pid[slot] = 0;
	atomic_store(&returns->state[slot], RUNNING);
	fflush(NULL);
	pid = fork();
	ck_assert_msg(pid >= 0, "the grader could not fork: %s", strerror(errno));
	if (pid == 0) {
		own_slot = slot;
		own_pid = getpid();
		returns->pid[slot] = own_pid;
		setpgid(0, 0);
		if (io) {
			redirect(io->out, STDOUT_FILENO);
			redirect(io->err, STDERR_FILENO);
		}
		fn(arg);
		child_exit(0);
	}
	for (size_t i = 0; i < RETURN_SLOTS; i++)
		if (i != slot && returns->pid[i] == pid)
			returns->pid[i] = 0;  /* a pid used again: this child is it now */
	returns->pid[slot] = pid; /* both sides, as for the group */
	setpgid(pid, pid); /* both sides: whichever runs first */
	return pid;
}

bool child_reaped(pid_t pid, int *status)
{
	pid_t r;

	while ((r = waitpid(pid, status, WNOHANG)) < 0 && errno == EINTR)
		;
	if (r == pid)
		judge_exit(pid, status);
	return r == pid;
}

void child_stop_hung(pid_t *pid, const char *name)
{
	if (*pid > 0)
		snapshot_take(pid, &name, 1, 0);
	child_stop(pid);
}

void child_stop(pid_t *pid)
{
	if (*pid > 0) {
		kill(-*pid, SIGKILL);
		kill(*pid, SIGKILL);
		while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	*pid = 0;
}

bool child_wait_until(pid_t pid, double seconds, int *status)
{
	const double deadline = monotonic_seconds() + seconds * grader_ctx.scale;

	for (;;) {
		pid_t w = waitpid(pid, status, WNOHANG);

		if (w == pid) {
			judge_exit(pid, status);
			return true;
		}
		if (w < 0 && errno != EINTR)
			return false;
		if (monotonic_seconds() >= deadline)
			return false;
		probe_service(); /* the commands it starts wait to be looked at */
		sleep_seconds(0.002);
	}
}

/* What the child said it was doing, read once it has stopped or ended. */
static const char *step_of(const struct child_log *log)
{
	return log && log->step[0] ? log->step : "its start";
}

bool child_finished(pid_t *pid, double seconds, const struct child_log *log,
		    char *why, size_t size)
{
	const char *step;
	char how[64], blocked[300];
	int status;

	if (!child_wait_until(*pid, seconds, &status)) {
		step = step_of(log);
		autopsy_describe(*pid, "it", blocked, sizeof blocked);
		snprintf(why, size, "still running after %.1f s at: %s (%s)",
			 seconds * grader_ctx.scale, step, blocked);
		child_stop(pid);
		return false;
	}
	*pid = 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return true;
	step = step_of(log);
	if (WIFSIGNALED(status))
		snprintf(why, size, "%s at: %s",
			 grader_describe_status(status, how, sizeof how), step);
	else if (log && log->problem[0])
		snprintf(why, size, "%s", log->problem);
	else
		snprintf(why, size, "%s at: %s",
			 grader_describe_status(status, how, sizeof how), step);
	return false;
}

size_t child_said(const char *path, char *text, size_t size,
		  char *excerpt, size_t excerpt_size)
{
	char buf[512];
	ssize_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		n = read(fd, buf, sizeof buf - 1);
		close(fd);
	}
	if (n < 0)
		n = 0;
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	/* die() names the process: here the grader's test program, not the student's. */
	if (strncmp(buf, program_invocation_short_name,
		    strlen(program_invocation_short_name)) == 0 &&
	    strncmp(buf + strlen(program_invocation_short_name), ": ", 2) == 0) {
		size_t skip = strlen(program_invocation_short_name) + 2;

		memmove(buf, buf + skip, (size_t)n - skip + 1);
		n -= (ssize_t)skip;
	}
	if (text)
		snprintf(text, size, "%s", buf);
	if (excerpt)
		grader_excerpt(excerpt, excerpt_size, buf, (size_t)n);
	unlink(path);
	return (size_t)n;
}

/* Reaps the children that ended; the first one killed by a signal sets *crashed. */
static void reap_ended(struct child_watch *w, size_t *running, bool *crashed)
{
	for (size_t i = 0; i < w->count; i++) {
		int status;

		if (w->pids[i] == 0 || !child_reaped(w->pids[i], &status))
			continue;
		w->pids[i] = 0;
		(*running)--;
		if (w->status)
			w->status[i] = status;
		if (WIFSIGNALED(status) && !*crashed) {
			w->crashed = i;
			*crashed = true;
		}
	}
}

/* How a watch with a grace ends once the grace is over or all have ended. */
static enum watch_end after_grace(const struct child_watch *w, bool crashed,
				  size_t running)
{
	if (crashed)
		return WATCH_CRASHED;
	if (w->failed && atomic_load(w->failed))
		return WATCH_FAILED;
	return running > 0 ? WATCH_OVERDUE : WATCH_ENDED;
}

/* What child_watch's settle has seen of the children asleep. */
struct settling {
	double since;                    /* asleep for good since, or 0 */
	double next_look;
	unsigned long long cpu_ticks;    /* their CPU time then */
};

/*
 * Whether the children have been asleep for good (see child_watch's
 * settle) for the settle time; looks at /proc every SETTLE_LOOK seconds.
 */
static bool settled(const struct child_watch *w, double still_for, struct settling *st)
{
	const double settle = w->settle * grader_ctx.scale, now = monotonic_seconds();
	unsigned long long cpu;

	if (w->settle <= 0 || still_for < settle || now < st->next_look)
		return false;
	st->next_look = now + SETTLE_LOOK;
	if (!autopsy_trees_asleep(w->pids, w->count, &cpu)) {
		st->since = 0;
		return false;
	}
	if (st->since == 0 || cpu != st->cpu_ticks) {
		st->since = now;
		st->cpu_ticks = cpu;
		return false;
	}
	return now - st->since >= settle;
}

enum watch_end child_watch(struct child_watch *w)
{
	const double start = monotonic_seconds();
	double last_move = start, grace_end = 0;
	struct settling settling = { 0 };
	size_t running = 0, started, last = w->progress ? w->progress(w->arg) : 0;
	enum watch_end end = WATCH_ENDED;
	bool crashed = false, failed;

	for (size_t i = 0; i < w->count; i++)
		running += w->pids[i] != 0;
	started = running;
	while (running > 0) {
		size_t now_at = w->progress ? w->progress(w->arg) : 0;
		double now = monotonic_seconds();

		reap_ended(w, &running, &crashed);
		failed = w->failed && atomic_load(w->failed);
		if (w->grace > 0 && grace_end == 0 && (crashed || failed || running < started))
			grace_end = now + w->grace * grader_ctx.scale;
		if (grace_end > 0) {
			if (running > 0 && now >= grace_end)
				break;
		} else if (crashed)
			end = WATCH_CRASHED;
		else if (failed)
			end = WATCH_FAILED;
		else if (now_at != last)
			last = now_at, last_move = now, settling.since = 0;
		else if (running > 0 && w->progress &&
			 now - last_move > w->stall * grader_ctx.scale)
			end = WATCH_STALLED;
		else if (running > 0 && w->progress && settled(w, now - last_move, &settling))
			end = WATCH_STALLED;
		else if (running > 0 && w->deadline > 0 &&
			 now - start > w->deadline * grader_ctx.scale)
			end = WATCH_OVERDUE;
		if (end != WATCH_ENDED)
			break;
		if (running > 0)
			sleep_seconds(0.005);
	}
	if (grace_end > 0)
		end = after_grace(w, crashed, running);
	w->still_for = monotonic_seconds() - last_move;
	/* Stuck children, as they are, for the picture of a failing item. */
	if ((end == WATCH_STALLED || end == WATCH_OVERDUE) && running > 0)
		snapshot_take(w->pids, w->names, w->count, 0);
	for (size_t i = 0; i < w->count; i++)
		child_stop(&w->pids[i]);
	return end;
}

bool child_waits_untimed(const pid_t *pids, size_t count)
{
	unsigned long long before, after;

	if (!autopsy_trees_asleep(pids, count, &before))
		return false;
	sleep_seconds(0.01);
	return autopsy_trees_asleep(pids, count, &after) && after == before;
}

/*
 * Nanoseconds the threads of pid have run on a CPU plus waited for one
 * (/proc/PID/task/TID/schedstat: /proc/PID/schedstat is the first
 * thread's only), or -1.
 */
static long long busy_ns(pid_t pid)
{
	char path[96];
	long long total = 0;
	struct dirent *e;
	DIR *tasks;

	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	tasks = opendir(path);
	if (tasks == NULL)
		return -1;
	while ((e = readdir(tasks)) != NULL && total >= 0) {
		unsigned long long run, wait;
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/proc/%d/task/%.20s/schedstat", (int)pid, e->d_name);
		f = fopen(path, "re");
		if (f == NULL)
			continue;	/* a thread that ended meanwhile */
		if (fscanf(f, "%llu %llu", &run, &wait) == 2)
			total += (long long)(run + wait);
		else
			total = -1;
		fclose(f);
	}
	closedir(tasks);
	return total;
}

/* What the processes have been busy for so far, in seconds: see child_busy_share. */
static bool busy_seconds(const pid_t *pids, size_t count, bool scheduler, double *total)
{
	const double hz = (double)sysconf(_SC_CLK_TCK);
	struct proc_status st;

	*total = 0;
	for (size_t i = 0; i < count; i++) {
		long long ns = scheduler ? busy_ns(pids[i]) : 0;

		if (!proc_status_read(pids[i], &st) || st.state == 'Z' || ns < 0)
			return false;
		*total += scheduler ? (double)ns / 1e9 : (double)st.cpu_ticks / hz;
	}
	return true;
}

double child_busy_share(const pid_t *pids, size_t count, double interval)
{
	const double settle = monotonic_seconds() + 0.5 * grader_ctx.scale;
	const bool scheduler = count > 0 && busy_ns(pids[0]) >= 0;
	double before, after, start;

	for (size_t i = 0; i < count; i++)
		child_asleep_by(pids[i], settle);
	if (child_waits_untimed(pids, count))
		return 0.0;	/* until woken, none can use any CPU */
	if (!busy_seconds(pids, count, scheduler, &before))
		return -1;
	start = monotonic_seconds();
	sleep_seconds(interval);
	if (!busy_seconds(pids, count, scheduler, &after))
		return -1;
	return (after - before) / (monotonic_seconds() - start);
}

bool child_untimed_by(pid_t pid, double deadline)
{
	unsigned long long last = 0;
	struct proc_status st;
	bool before = false;

	while (monotonic_seconds() < deadline) {
		if (!proc_status_read(pid, &st) || st.state == 'Z')
			return false;
		if (before && autopsy_sleeps_untimed(&st) && st.cpu_ticks == last)
			return true;
		before = autopsy_sleeps_untimed(&st);
		last = st.cpu_ticks;
		sleep_seconds(0.005);
	}
	return false;
}

bool child_asleep_by(pid_t pid, double deadline)
{
	unsigned long long last = 0;
	struct proc_status st;
	int calm = 0;

	while (monotonic_seconds() < deadline) {
		if (!proc_status_read(pid, &st) || st.state == 'Z')
			return false;
		calm = st.state == 'S' && st.cpu_ticks == last ? calm + 1 : 0;
		last = st.cpu_ticks;
		/* In a call without a time limit, one calm look is enough. */
		if (calm >= 3 || (calm >= 1 && autopsy_sleeps_untimed(&st)))
			return true;
		sleep_seconds(0.02);
	}
	return false;
}

void child_outcome(void (*fn)(void *), void *arg, double seconds,
		   struct child_outcome *o)
{
	char path[512];
	pid_t pid = child_start(fn, arg, &(struct child_io){
		.err = grader_tmp_path(path, sizeof path, "said") });
	atomic_int *state = state_of(pid);

	/* Its call is meant to end it: whatever status it ends with is the answer. */
	if (state != NULL)
		atomic_store(state, MAY_EXIT);
	memset(o, 0, sizeof *o);
	if (!child_wait_until(pid, seconds, &o->status)) {
		o->timed_out = true;
		child_stop_hung(&pid, "the child");
	}
	o->said_anything = child_said(path, o->text, sizeof o->text,
				      o->said, sizeof o->said) > 0;
}
