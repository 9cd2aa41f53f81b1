/* procinfo.c - see procinfo.h. */
#include "procinfo.h"

#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static bool parse_maps_line(const char *line, struct map_region *r)
{
	unsigned long start, end, offset;
	char perms[8];
	int path_at = 0;

	if (sscanf(line, "%lx-%lx %7s %lx %*s %*s %n", &start, &end, perms,
		   &offset, &path_at) < 4)
		return false;
	r->start = start;
	r->end = end;
	snprintf(r->perms, sizeof r->perms, "%.4s", perms);
	r->offset = offset;
	snprintf(r->path, sizeof r->path, "%s", path_at > 0 ? line + path_at : "");
	r->path[strcspn(r->path, "\n")] = '\0';
	return true;
}

bool maps_find_in_file(const char *path, uintptr_t addr, struct map_region *out)
{
	FILE *f = fopen(path, "re");
	char line[1024];
	bool found = false;

	if (f == NULL)
		return false;
	while (!found && fgets(line, sizeof line, f) != NULL) {
		struct map_region r;

		if (parse_maps_line(line, &r) && addr >= r.start && addr < r.end) {
			*out = r;
			found = true;
		}
	}
	fclose(f);
	return found;
}

bool maps_find(pid_t pid, uintptr_t addr, struct map_region *out)
{
	char path[64];

	if (pid == 0)
		snprintf(path, sizeof path, "/proc/self/maps");
	else
		snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
	return maps_find_in_file(path, addr, out);
}

/* Calls match() on every segment of /proc/sysvipc/shm until it says stop. */
static bool sysv_shm_scan(bool (*match)(const struct sysv_shm *, long),
			  long wanted, struct sysv_shm *out, int *count)
{
	FILE *f = fopen("/proc/sysvipc/shm", "re");
	char line[512];
	bool found = false;

	if (count)
		*count = 0;
	if (f == NULL)
		return false;
	if (fgets(line, sizeof line, f) == NULL) { /* the header */
		fclose(f);
		return false;
	}
	while (!found && fgets(line, sizeof line, f) != NULL) {
		struct sysv_shm s;
		unsigned long size;
		int cpid, lpid;
		unsigned uid;

		if (sscanf(line, "%ld %d %o %lu %d %d %lu %u", &s.key, &s.shmid,
			   &s.mode, &size, &cpid, &lpid, &s.nattch, &uid) != 8)
			continue;
		s.size = size;
		s.cpid = cpid;
		s.lpid = lpid;
		s.uid = uid;
		if (count)
			(*count)++;
		if (match && match(&s, wanted)) {
			*out = s;
			found = true;
		}
	}
	fclose(f);
	return found;
}

static bool by_id(const struct sysv_shm *s, long id) { return s->shmid == id; }
static bool by_key(const struct sysv_shm *s, long key) { return s->key == key; }

bool sysv_shm_find(int shmid, struct sysv_shm *out)
{
	return sysv_shm_scan(by_id, shmid, out, NULL);
}

bool sysv_shm_find_key(long key, struct sysv_shm *out)
{
	return sysv_shm_scan(by_key, key, out, NULL);
}

int sysv_shm_count(void)
{
	int count;

	sysv_shm_scan(NULL, 0, NULL, &count);
	return count;
}

int shm_object_stat(const char *name, struct stat *st)
{
	char path[300];

	snprintf(path, sizeof path, "/dev/shm/%s", name[0] == '/' ? name + 1 : name);
	return stat(path, st);
}

bool shm_object_exists(const char *name)
{
	struct stat st;

	return shm_object_stat(name, &st) == 0;
}

bool shm_object_find(const char *part, char *found, size_t size)
{
	DIR *dir = opendir("/dev/shm");
	struct dirent *e;
	bool any = false;

	if (dir == NULL)
		return false;
	while (!any && (e = readdir(dir)) != NULL)
		if (strstr(e->d_name, part) != NULL) {
			snprintf(found, size, "%s", e->d_name);
			any = true;
		}
	closedir(dir);
	return any;
}

static int compare_ints(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

int fds_list(pid_t pid, int *fds, int max)
{
	char path[64];
	DIR *d;
	struct dirent *e;
	int n = 0;

	if (pid == 0)
		snprintf(path, sizeof path, "/proc/self/fd");
	else
		snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
	d = opendir(path);
	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL && n < max) {
		if (e->d_name[0] == '.')
			continue;
		int fd = atoi(e->d_name);
		if (pid == 0 && fd == dirfd(d))
			continue;
		fds[n++] = fd;
	}
	closedir(d);
	qsort(fds, (size_t)n, sizeof *fds, compare_ints);
	return n;
}

bool fd_target(pid_t pid, int fd, char *buf, size_t size)
{
	char path[64];
	ssize_t len;

	if (pid == 0)
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	else
		snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)pid, fd);
	len = readlink(path, buf, size - 1);
	if (len < 0)
		return false;
	buf[len] = '\0';
	return true;
}

bool proc_status_read(pid_t pid, struct proc_status *out)
{
	char path[64], line[512];
	const char *open_paren, *close_paren;
	FILE *f;
	int ppid, pgid, threads;
	unsigned long long user, sys;
	bool ok = false;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (f == NULL)
		return false;
	/* The command name is in parentheses and may itself hold ") ". */
	if (fgets(line, sizeof line, f) && (open_paren = strchr(line, '(')) &&
	    (close_paren = strrchr(line, ')')) && close_paren > open_paren &&
	    sscanf(close_paren + 2, "%c %d %d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu "
		   "%*d %*d %*d %*d %d", &out->state, &ppid, &pgid, &user, &sys, &threads) == 6) {
		out->pid = pid;
		out->ppid = ppid;
		out->pgid = pgid;
		out->threads = threads;
		out->cpu_ticks = user + sys;
		snprintf(out->comm, sizeof out->comm, "%.*s",
			 (int)(close_paren - open_paren - 1), open_paren + 1);
		ok = true;
	}
	fclose(f);
	return ok;
}

void proc_each(bool (*visit)(const struct proc_status *, void *), void *arg)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		struct proc_status p;
		pid_t pid = (pid_t)atoi(e->d_name);

		if (pid > 0 && proc_status_read(pid, &p) && !visit(&p, arg))
			break;
	}
	closedir(d);
}

/* What proc_collect fills. */
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

int proc_collect(struct proc_status *procs, int max)
{
	struct proc_table t = { procs, 0, max };

	proc_each(collect, &t);
	return t.count;
}

void proc_mark_tree(const struct proc_status *procs, int n, pid_t root, bool *in_tree)
{
	bool grew = true;

	for (int i = 0; i < n; i++)
		in_tree[i] = in_tree[i] || procs[i].pid == root;
	while (grew) {
		grew = false;
		for (int i = 0; i < n; i++)
			for (int j = 0; j < n && !in_tree[i]; j++)
				if (in_tree[j] && procs[i].ppid == procs[j].pid)
					in_tree[i] = grew = true;
	}
}

char fd_mode(pid_t pid, int fd)
{
	char path[64], line[128];
	unsigned long flags;
	char mode = '?';
	FILE *f;

	if (pid == 0)
		snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
	else
		snprintf(path, sizeof path, "/proc/%d/fdinfo/%d", (int)pid, fd);
	f = fopen(path, "re");
	if (f == NULL)
		return mode;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "flags: %lo", &flags) == 1) {
			mode = (flags & O_ACCMODE) == O_RDONLY ? 'r'
			       : (flags & O_ACCMODE) == O_WRONLY ? 'w' : 'b';
			break;
		}
	fclose(f);
	return mode;
}

void proc_wchan(pid_t pid, char *buf, size_t size)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/wchan", (int)pid);
	buf[0] = '\0';
	f = fopen(path, "re");
	if (f == NULL)
		return;
	if (fgets(buf, (int)size, f) == NULL)
		buf[0] = '\0';
	fclose(f);
}

bool process_running(pid_t pid)
{
	struct proc_status p;

	return proc_status_read(pid, &p) && p.state != 'Z' && p.state != 'X';
}

int proc_syscall_read(pid_t pid, long *nr, unsigned long args[6])
{
	char path[64], line[256];
	unsigned long ignored[6], *a = args ? args : ignored;
	int fields = 0;
	FILE *f;

	*nr = -1;
	snprintf(path, sizeof path, "/proc/%d/syscall", (int)pid);
	f = fopen(path, "re");
	if (f == NULL)
		return 0;
	if (fgets(line, sizeof line, f) != NULL)
		fields = sscanf(line, "%ld %lx %lx %lx %lx %lx %lx", nr, &a[0], &a[1], &a[2],
				&a[3], &a[4], &a[5]);
	fclose(f);
	return fields > 0 ? fields : 0;
}

long proc_syscall(pid_t pid)
{
	long nr;

	return proc_syscall_read(pid, &nr, NULL) > 0 ? nr : -1;
}

double proc_sleep_request(pid_t pid)
{
	char path[64];
	unsigned long a[6];
	uintptr_t request = 0;
	struct timespec ts;
	long nr;
	int fd;
	bool read_ok;

	if (proc_syscall_read(pid, &nr, a) != 7)
		return -1;
#ifdef SYS_clock_nanosleep
	if (nr == SYS_clock_nanosleep && (a[1] & TIMER_ABSTIME) == 0)
		request = a[2];
#endif
#ifdef SYS_nanosleep
	if (nr == SYS_nanosleep)
		request = a[0];
#endif
	if (request == 0)
		return -1;
	snprintf(path, sizeof path, "/proc/%d/mem", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	read_ok = pread(fd, &ts, sizeof ts, (off_t)request) == (ssize_t)sizeof ts;
	close(fd);
	if (!read_ok || ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
		return -1;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
