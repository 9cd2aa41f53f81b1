/*
 * probe.c - the suite's binary as a probe command: records what it
 * inherited in a log, then runs the real command (see probe.h).
 */
#include "probe.h"
#include "context.h"
#include "procinfo.h"
#include "sysutil.h"
#include "grader.h"

#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PROBE_LOG_VAR "IPCLAB_PROBE_LOG"   /* where probes append a line */
#define PROBE_PATH_VAR "IPCLAB_PROBE_PATH" /* the real PATH (shadow mode) */

static char log_path[600], shadow_dir[600], saved_path[4096];
static bool path_saved;

/* How long a probe waits to be looked at before it runs its command anyway. */
#define PROBE_PATIENCE_SECONDS 5

/*
 * What the test saw of each probe, one line each, "LABEL PID fd=target/mode
 * ...": read by the test from /proc while the probe waited, never written
 * by the probe, so code under test cannot write a record.
 */
enum { MAX_PROBES = 32, MAX_ANNOUNCED = 128 };
static char records[MAX_PROBES][1024];
static int record_count;
static pid_t announced[MAX_ANNOUNCED]; /* every pid the log named */
static int announced_count;
static pid_t pending[MAX_ANNOUNCED];   /* those not looked at yet (NOT_YET) */
static int pending_count;
static long log_read_at;                /* bytes of the log read so far */
static const char *const *shadowed;     /* probe_shadow's names, or NULL */

/* In the probe: appends its pid to the log, as a request to be looked at. */
static void probe_announce(const char *log)
{
	char line[32];
	int n = snprintf(line, sizeof line, "%d\n", (int)getpid());
	int log_fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);

	if (log_fd < 0)
		return;
	/* One write with O_APPEND: lines of several probes never mix. */
	if (write(log_fd, line, (size_t)n) < 0)
		_exit(126);
	close(log_fd); /* before the test looks: only what the command gets stays */
}

/*
 * In the probe: announces itself and waits, SIGUSR2 blocked, until the
 * test has read its descriptors from /proc and sends SIGUSR2, or
 * PROBE_PATIENCE_SECONDS; then the signal mask is what it was.
 */
static void probe_wait_to_be_seen(const char *log)
{
	sigset_t usr2, before;
	const struct timespec patience = { PROBE_PATIENCE_SECONDS, 0 };

	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	sigprocmask(SIG_BLOCK, &usr2, &before);
	probe_announce(log);
	while (sigtimedwait(&usr2, NULL, &patience) < 0 && errno == EINTR)
		continue;
	sigprocmask(SIG_SETMASK, &before, NULL);
}

/*
 * Runs before main in every start of a binary that links this file.
 * Without PROBE_LOG_VAR it does nothing: this is the suite.  With it,
 * this is a probe:
 *   - shadow mode (PROBE_PATH_VAR set): started as "ls" or "wc" through a
 *     symbolic link; waits to be seen, restores PATH and runs the real
 *     command;
 *   - command mode: argv is SUITE LABEL [COMMAND ARGS...]; waits to be
 *     seen, then runs COMMAND (or exits 0).
 * glibc passes argc and argv to constructors.
 */
__attribute__((constructor)) static void probe_main(int argc, char **argv)
{
	const char *log = getenv(PROBE_LOG_VAR);
	const char *real_path = getenv(PROBE_PATH_VAR);
	char *log_copy;

	if (log == NULL || argc < 1)
		return;
	log_copy = strdup(log);
	if (log_copy == NULL)
		_exit(126);
	if (real_path != NULL) {
		char *name = basename(argv[0]);

		probe_wait_to_be_seen(log_copy);
		setenv("PATH", real_path, 1);
		unsetenv(PROBE_PATH_VAR);
		unsetenv(PROBE_LOG_VAR);
		execvp(name, argv);
		_exit(127);
	}
	if (argc < 2)
		_exit(126);
	probe_wait_to_be_seen(log_copy);
	unsetenv(PROBE_LOG_VAR);
	if (argc < 3)
		_exit(0);
	execvp(argv[2], argv + 2);
	_exit(127);
}

/* ---- in the test: looking at the probes ---- */

/* Whether pid descends from the test process (through its parents). */
static bool descends_from_test(pid_t pid)
{
	struct proc_status st;

	for (int depth = 0; depth < 64 && pid > 1; depth++) {
		if (!proc_status_read(pid, &st))
			return false;
		if (st.ppid == grader_ctx.test_pid)
			return true;
		pid = st.ppid;
	}
	return false;
}

/*
 * argv[0] and argv[1] of pid, from /proc/PID/cmdline (each at most size
 * - 1 bytes); false when unreadable or longer.
 */
static bool command_line(pid_t pid, char *arg0, char *arg1, size_t size)
{
	char path[64], buf[2 * PATH_MAX];
	size_t len0, len1;
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	len0 = strlen(buf);
	len1 = len0 + 1 < (size_t)n ? strlen(buf + len0 + 1) : 0;
	if (len0 >= size || len1 >= size)
		return false;
	memcpy(arg0, buf, len0 + 1);
	memcpy(arg1, len1 ? buf + len0 + 1 : "", len1 + 1);
	return true;
}

/* The label pid probes under: a shadowed command's name, or its argv[1]. */
static bool probe_label(pid_t pid, char *label, size_t size)
{
	char arg0[PATH_MAX], arg1[PATH_MAX];
	const char *name = arg1, *base;

	if (!command_line(pid, arg0, arg1, sizeof arg0))
		return false;
	base = strrchr(arg0, '/') ? strrchr(arg0, '/') + 1 : arg0;
	for (size_t i = 0; shadowed != NULL && shadowed[i]; i++)
		if (strcmp(base, shadowed[i]) == 0)
			name = shadowed[i];
	if (name == arg1 && (strcmp(arg0, probe_path()) != 0 || arg1[0] == '\0' ||
			     strchr(arg1, ' ')))
		return false;
	if (strlen(name) >= size)
		return false;
	memcpy(label, name, strlen(name) + 1);
	return true;
}

/* What the test makes of a pid the log announced. */
enum look { LOOKED, NOT_YET, REFUSED };

/*
 * Whether pid is a probe waiting to be seen: a process of the test's tree
 * running this binary, blocked in the probe's sigtimedwait (NOT_YET: not
 * there yet).  A pid the code under test wrote into the log fails one of
 * these, or never gets there.
 */
static enum look probe_state(pid_t pid)
{
	char exe[PATH_MAX], path[64];
	ssize_t n;

	snprintf(path, sizeof path, "/proc/%d/exe", (int)pid);
	n = readlink(path, exe, sizeof exe - 1);
	if (n <= 0 || !descends_from_test(pid))
		return REFUSED;
	exe[n] = '\0';
	if (strcmp(exe, probe_path()) != 0)
		return REFUSED;
	return proc_syscall(pid) == SYS_rt_sigtimedwait ? LOOKED : NOT_YET;
}

/* Records what the probe pid started with, read from /proc; lets it go on. */
static enum look look_at(pid_t pid)
{
	char label[64], target[256];
	enum look state = probe_state(pid);

	if (state != LOOKED)
		return state;
	if (record_count < MAX_PROBES && probe_label(pid, label, sizeof label)) {
		char *line = records[record_count];
		int fds[64], n = fds_list(pid, fds, 64);
		size_t o;

		o = (size_t)snprintf(line, sizeof records[0], "%s %d", label, (int)pid);
		for (int i = 0; i < n && o < sizeof records[0] - 300; i++) {
			if (!fd_target(pid, fds[i], target, sizeof target))
				snprintf(target, sizeof target, "?");
			o += (size_t)snprintf(line + o, sizeof records[0] - o, " %d=%s/%c",
					      fds[i], target, fd_mode(pid, fds[i]));
		}
		record_count++;
	}
	kill(pid, SIGUSR2);
	return LOOKED;
}

/* Whether pid was announced before. */
static bool seen_before(pid_t pid)
{
	for (int i = 0; i < announced_count; i++)
		if (announced[i] == pid)
			return true;
	return false;
}

/* Reads the pids announced since the last call into pending. */
static void read_announcements(void)
{
	char buf[1024];
	ssize_t n;
	int fd = open(log_path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	while ((n = pread(fd, buf, sizeof buf - 1, log_read_at)) > 0) {
		char *end = memrchr(buf, '\n', (size_t)n), *save = NULL;

		if (end == NULL)
			break; /* half a line: the rest comes later */
		*++end = '\0';
		log_read_at += end - buf;
		for (char *tok = strtok_r(buf, "\n", &save); tok; tok = strtok_r(NULL, "\n", &save)) {
			pid_t pid = (pid_t)atoi(tok);

			if (pid <= 0 || seen_before(pid) || announced_count >= MAX_ANNOUNCED)
				continue;
			announced[announced_count++] = pid;
			pending[pending_count++] = pid;
		}
	}
	close(fd);
}

bool probe_armed(void)
{
	return log_path[0] != '\0';
}

bool probe_service(void)
{
	int kept = 0;

	if (!log_path[0] || !grader_in_test_process())
		return false;
	read_announcements();
	for (int i = 0; i < pending_count; i++)
		if (look_at(pending[i]) == NOT_YET)
			pending[kept++] = pending[i];
	pending_count = kept;
	return pending_count > 0;
}

/*
 * Before the records are read: probes that announced themselves after
 * the test's last look (a caller that did not wait for its commands) are
 * looked at now, for a moment at most.
 */
static void probe_settle(void)
{
	for (double end = monotonic_seconds() + 0.2 * grader_scale();
	     monotonic_seconds() < end;) {
		struct stat st;

		if (!probe_service() && (stat(log_path, &st) < 0 || st.st_size <= log_read_at))
			return;
		sleep_seconds(0.002);
	}
}

const char *probe_path(void)
{
	static char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);

	ck_assert_msg(n > 0, "grader: readlink /proc/self/exe: %s", strerror(errno));
	path[n] = '\0';
	return path;
}

void probe_start(void)
{
	grader_tmp_path(log_path, sizeof log_path, "probe.log");
	unlink(log_path);
	record_count = announced_count = pending_count = 0;
	log_read_at = 0;
	shadowed = NULL;
	ck_assert_msg(setenv(PROBE_LOG_VAR, log_path, 1) == 0, "grader: setenv");
}

void probe_shadow(const char *const names[])
{
	const char *path = getenv("PATH");
	char link[800], new_path[4096];

	path = path ? path : "/usr/local/bin:/usr/bin:/bin";
	snprintf(saved_path, sizeof saved_path, "%s", path);
	path_saved = true;
	shadowed = names;
	grader_tmp_path(shadow_dir, sizeof shadow_dir, "probe-bin");
	ck_assert_msg(mkdir(shadow_dir, 0700) == 0, "grader: mkdir: %s", strerror(errno));
	for (size_t i = 0; names[i]; i++) {
		snprintf(link, sizeof link, "%s/%s", shadow_dir, names[i]);
		ck_assert_msg(symlink(probe_path(), link) == 0, "grader: symlink: %s",
			      strerror(errno));
	}
	snprintf(new_path, sizeof new_path, "%s:%s", shadow_dir, path);
	ck_assert_msg(setenv(PROBE_PATH_VAR, path, 1) == 0 &&
		      setenv("PATH", new_path, 1) == 0, "grader: setenv");
}

void probe_end(void)
{
	if (path_saved)
		setenv("PATH", saved_path, 1);
	path_saved = false;
	unsetenv(PROBE_PATH_VAR);
	unsetenv(PROBE_LOG_VAR);
	if (log_path[0])
		unlink(log_path);
	if (shadow_dir[0])
		remove_tree(shadow_dir);
	log_path[0] = shadow_dir[0] = '\0';
	shadowed = NULL;
}

struct probe_view probe_read(const char *label)
{
	struct probe_view v = { 0 };
	size_t len = strlen(label);

	probe_settle();
	for (int r = 0; r < record_count; r++) {
		char line[sizeof records[0]], *save = NULL, *tok;

		if (strncmp(records[r], label, len) != 0 || records[r][len] != ' ')
			continue;
		memcpy(line, records[r], sizeof line);
		v.found = true;
		strtok_r(line, " \n", &save);          /* label */
		strtok_r(NULL, " \n", &save);          /* pid */
		while ((tok = strtok_r(NULL, " \n", &save)) && v.count < 32) {
			char *eq = strchr(tok, '='), *slash = strrchr(tok, '/');

			if (eq == NULL || slash == NULL || slash < eq)
				continue;
			*slash = '\0';
			v.fd[v.count] = atoi(tok);
			v.mode[v.count] = slash[1];
			snprintf(v.target[v.count], sizeof v.target[0], "%s", eq + 1);
			v.count++;
		}
		break;
	}
	return v;
}

/* What a recorded target is, for the picture: p a pipe, s a socket, c a device, f a file. */
static char target_kind(const char *target)
{
	return strncmp(target, "pipe:", 5) == 0 ? 'p' : strncmp(target, "socket:", 7) == 0 ? 's'
	       : strncmp(target, "/dev/", 5) == 0 ? 'c' : target[0] == '/' ? 'f' : 'o';
}

/* One probe's line of the log as snapshot lines; its descriptors above 2 marked. */
static void picture_line(FILE *out, char *line)
{
	char *save = NULL, *label = strtok_r(line, " \n", &save);
	char *pid = strtok_r(NULL, " \n", &save), *tok;

	if (label == NULL || pid == NULL || atoi(pid) <= 0 || strchr(label, '\t'))
		return;
	/* State E: as the command started, before it ran. */
	fprintf(out, "proc\t%d\t0\tE\t%.15s\t\t-1\n", atoi(pid), label);
	while ((tok = strtok_r(NULL, " \n", &save)) != NULL) {
		char *eq = strchr(tok, '='), *slash = strrchr(tok, '/');
		int fd = atoi(tok);

		if (eq == NULL || slash == NULL || slash < eq || strchr(tok, '\t'))
			continue;
		*slash = '\0';
		if (strcmp(eq + 1, "/dev/null") == 0)
			continue;
		fprintf(out, "fd\t%d\t%d\t%c\t%c\t%s\n", atoi(pid), fd, slash[1],
			target_kind(eq + 1), eq + 1);
		if (fd > 2)
			snapshot_mark_left(atoi(pid), fd);
	}
}

void probe_picture(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem;

	probe_settle();
	/* The check that calls this fails the item now: its picture, not an earlier one. */
	snapshot_forget();
	mem = open_memstream(&text, &len);
	if (mem == NULL)
		return;
	for (int r = 0; r < record_count; r++) {
		char line[sizeof records[0]];

		memcpy(line, records[r], sizeof line);
		picture_line(mem, line);
	}
	if (fclose(mem) == 0)
		snapshot_take_lines(text);
	free(text);
}

int probe_index(const struct probe_view *v, int fd)
{
	for (int i = 0; i < v->count; i++)
		if (v->fd[i] == fd)
			return i;
	return -1;
}

int probe_extra(const struct probe_view *v, int *at)
{
	for (int i = 0; i < v->count; i++)
		if (v->fd[i] > 2) {
			*at = i;
			return v->fd[i];
		}
	return -1;
}
