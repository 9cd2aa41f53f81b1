/* audit.c - see audit.h. */
#include "audit.h"
#include "context.h"
#include "procinfo.h"
#include "snapshot.h"
#include "sysutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { SYSV_SHM, SYSV_SEM, SYSV_MSG };

static const char *const sysv_files[3] = {
	"/proc/sysvipc/shm", "/proc/sysvipc/sem", "/proc/sysvipc/msg",
};
static const char *const sysv_names[3] = {
	"System V segment", "System V semaphore set", "System V message queue",
};
/* Their kinds in a picture (snapshot.h). */
static const char *const sysv_kinds[3] = { "sysv-shm", "sysv-sem", "sysv-msg" };

void audit_become_subreaper(void)
{
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		perror("grader: prctl(PR_SET_CHILD_SUBREAPER)");
}

/* Reads the identifiers (second column) of one /proc/sysvipc table. */
static int sysv_read_ids(int kind, int *ids, int max)
{
	FILE *f = fopen(sysv_files[kind], "re");
	char line[512];
	int n = 0;

	if (f == NULL)
		return 0;
	if (fgets(line, sizeof line, f) == NULL) {
		fclose(f);
		return 0;
	}
	while (n < max && fgets(line, sizeof line, f) != NULL) {
		long key;
		int id;

		if (sscanf(line, "%ld %d", &key, &id) == 2)
			ids[n++] = id;
	}
	fclose(f);
	return n;
}

static bool contains(const int *ids, int n, int id)
{
	for (int i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/* Our own /dev/shm entries (sem.* names are POSIX named semaphores). */
static int shm_read_names(char (*names)[256], int max)
{
	DIR *d = opendir("/dev/shm");
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL && n < max) {
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    st.st_uid != geteuid())
			continue;
		snprintf(names[n++], 256, "%s", e->d_name);
	}
	closedir(d);
	return n;
}

void audit_take(struct audit_snapshot *s)
{
	for (int k = 0; k < 3; k++)
		s->sysv_count[k] = sysv_read_ids(k, s->sysv_ids[k], AUDIT_MAX);
	s->shm_names = calloc(AUDIT_MAX, sizeof *s->shm_names);
	s->shm_count = s->shm_names ? shm_read_names(s->shm_names, AUDIT_MAX) : 0;
}

void audit_release(struct audit_snapshot *s)
{
	free(s->shm_names);
	s->shm_names = NULL;
}

static void append(char *report, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void append(char *report, size_t size, const char *fmt, ...)
{
	size_t used = strlen(report);
	va_list ap;

	if (used + 4 >= size)
		return;
	if (used > 0)
		used += (size_t)snprintf(report + used, size - used, "; ");
	va_start(ap, fmt);
	vsnprintf(report + used, size - used, fmt, ap);
	va_end(ap);
}

static int sweep_sysv(const struct audit_snapshot *before, char *report, size_t size)
{
	int leaks = 0;
	char id[16];

	for (int k = 0; k < 3; k++) {
		int ids[AUDIT_MAX];
		int n = sysv_read_ids(k, ids, AUDIT_MAX);

		for (int i = 0; i < n; i++) {
			if (contains(before->sysv_ids[k], before->sysv_count[k], ids[i]))
				continue;
			leaks++;
			append(report, size, "%s %d", sysv_names[k], ids[i]);
			snprintf(id, sizeof id, "%d", ids[i]);
			snapshot_note_object(sysv_kinds[k], id, "left after the test ended");
			if (k == SYSV_SHM)
				shmctl(ids[i], IPC_RMID, NULL);
			else if (k == SYSV_SEM)
				semctl(ids[i], 0, IPC_RMID);
			else
				msgctl(ids[i], IPC_RMID, NULL);
		}
	}
	return leaks;
}

static int sweep_dev_shm(const struct audit_snapshot *before, char *report, size_t size)
{
	char (*names)[256] = calloc(AUDIT_MAX, sizeof *names);
	int n, leaks = 0;

	if (names == NULL)
		return 0;
	n = shm_read_names(names, AUDIT_MAX);
	for (int i = 0; i < n; i++) {
		bool known = false;
		char path[300];

		for (int j = 0; j < before->shm_count && !known; j++)
			known = strcmp(names[i], before->shm_names[j]) == 0;
		if (known)
			continue;
		leaks++;
		append(report, size, "/dev/shm/%s", names[i]);
		snprintf(path, sizeof path, "/dev/shm/%s", names[i]);
		snapshot_note_object(strncmp(names[i], "sem.", 4) == 0 ? "sem" : "shm", path,
				     "left after the test ended");
		unlink(path);
	}
	free(names);
	return leaks;
}

/* What kill_children needs while it visits every process. */
struct child_sweep {
	char *report;
	size_t size;
	bool describe;
	const pid_t *spare;       /* children that are not the test's (the watchdog) */
	size_t spare_count;
	int found;
};

/* Whether p is a living child of ours but a spare one; a zombie child is reaped. */
static bool living_child(const struct child_sweep *s, const struct proc_status *p)
{
	if (p->ppid != getpid())
		return false;
	for (size_t i = 0; i < s->spare_count; i++)
		if (p->pid == s->spare[i])
			return false;
	if (p->state == 'Z' || p->state == 'X') {
		waitpid(p->pid, NULL, WNOHANG);
		return false;
	}
	return true;
}

static bool count_if_child(const struct proc_status *p, void *arg)
{
	struct child_sweep *s = arg;

	s->found += living_child(s, p);
	return true;
}

static bool kill_if_child(const struct proc_status *p, void *arg)
{
	struct child_sweep *s = arg;

	if (!living_child(s, p))
		return true;
	s->found++;
	/* A copy of the test process bears the suite's name: say what it is. */
	if (s->describe && s->found <= 3)
		append(s->report, s->size, "process %d (%s) still running", (int)p->pid,
		       strncmp(p->comm, program_invocation_short_name, 15) == 0
		       ? "a fork of the test, made by your code" : p->comm);
	/* Its whole group at once: a fork bomb outruns one kill at a time. */
	if (p->pgid > 1 && p->pgid != getpgrp())
		kill(-p->pgid, SIGKILL);
	kill(p->pid, SIGKILL);
	return true;
}

/* Our living children (adopted orphans), listed into report; killed. */
static int kill_children(const pid_t *spare, size_t spare_count, char *report, size_t size,
			 bool describe)
{
	struct child_sweep s = { report, size, describe, spare, spare_count, 0 };

	proc_each(kill_if_child, &s);
	return s.found;
}

/*
 * A child on its way out has closed its descriptors (its parent saw the
 * end of a pipe, and exited) before it becomes a zombie: that is no leak.
 * The living get up to seconds to end before they are reported.  True
 * when some are still there.
 */
static bool let_children_end(const pid_t *spare, size_t spare_count, double seconds)
{
	for (double end = monotonic_seconds() + seconds; monotonic_seconds() < end;) {
		struct child_sweep s = { NULL, 0, false, spare, spare_count, 0 };

		proc_each(count_if_child, &s);
		if (s.found == 0)
			return false;
		sleep_seconds(0.005);
	}
	return true;
}

/* What picture_children gathers: the living children, up to a few. */
struct living {
	struct child_sweep sweep;
	pid_t pids[8];
	size_t count;
};

static bool gather_if_child(const struct proc_status *p, void *arg)
{
	struct living *l = arg;

	if (l->count < sizeof l->pids / sizeof l->pids[0] && living_child(&l->sweep, p))
		l->pids[l->count++] = p->pid;
	return true;
}

/* The children left running, marked, for the item's picture (snapshot.h). */
static void picture_children(const pid_t *spare, size_t spare_count)
{
	struct living l = { .sweep = { .spare = spare, .spare_count = spare_count } };

	proc_each(gather_if_child, &l);
	for (size_t i = 0; i < l.count; i++)
		snapshot_mark_left(l.pids[i], -1);
	if (l.count > 0)
		snapshot_take(l.pids, NULL, l.count, 0);
}

/* Kills and reaps every process adopted during the test but spare. */
static int sweep_processes(const pid_t *spare, size_t spare_count, bool grace,
			   char *report, size_t size)
{
	int leaks;

	if (grace && let_children_end(spare, spare_count, LEFTOVER_GRACE * grader_ctx.scale))
		picture_children(spare, spare_count);
	leaks = kill_children(spare, spare_count, report, size, true);

	if (leaks > 3)
		append(report, size, "and %d more processes", leaks - 3);
	for (int round = 0; round < 500; round++) {
		if (kill_children(spare, spare_count, report, size, false) == 0)
			break;
		nanosleep(&(struct timespec){ 0, 2 * 1000 * 1000 }, NULL);
	}
	kill_children(spare, spare_count, report, size, false); /* reaps the last zombies */
	return leaks;
}

void audit_kill_adopted(const pid_t *spare, size_t spare_count)
{
	char ignored[8] = "";

	sweep_processes(spare, spare_count, false, ignored, sizeof ignored);
}

int audit_sweep_processes(pid_t spare, char *report, size_t size)
{
	report[0] = '\0';
	return sweep_processes(&spare, 1, true, report, size);
}

int audit_sweep_objects(const struct audit_snapshot *before, char *report, size_t size)
{
	int leaks = sweep_sysv(before, report, size) + sweep_dev_shm(before, report, size);

	/* What was left, for the item's picture (the processes are gone by now). */
	if (leaks > 0)
		snapshot_take(NULL, NULL, 0, 0);
	return leaks;
}
