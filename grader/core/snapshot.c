/* snapshot.c - see snapshot.h. */
#include "snapshot.h"
#include "autopsy.h"
#include "context.h"
#include "procinfo.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { MAX_PROCS = 1024, MAX_SHOWN = 24, MAX_FDS = 24, MAX_MAPS = 8, MAX_GRADER_MAPS = 128 };

/*
 * Where the grader's shared mappings start, in the test process and its
 * forks: those of the test's start, then the latest ones made since.
 */
static unsigned long grader_maps[MAX_GRADER_MAPS];
static int grader_map_count, first_made, made;

/* What the next snapshot marks as left behind. */
enum { MAX_MARKS = 16 };
struct mark {
	pid_t pid;
	int fd;                   /* -1: the process itself */
};
static struct mark marks[MAX_MARKS];
static int mark_count;

/* The objects the next snapshot names as left behind ("obj" lines). */
enum { MAX_OBJECTS = 8 };
static char objects[MAX_OBJECTS][420];
static int object_count;

void snapshot_mark_left(pid_t pid, int fd)
{
	if (mark_count < MAX_MARKS)
		marks[mark_count++] = (struct mark){ pid, fd };
}

int snapshot_mark_new_fds(pid_t pid, const int *before, int nbefore, const int *after,
			  int nafter)
{
	int marked = 0;

	for (int i = 0; i < nafter; i++) {
		bool old = false;

		for (int j = 0; j < nbefore && !old; j++)
			old = before[j] == after[i];
		if (!old) {
			snapshot_mark_left(pid, after[i]);
			marked++;
		}
	}
	return marked;
}

/* A field of a line: tabs and line ends would split it. */
static void copy_field(char *out, size_t size, const char *s)
{
	size_t n = 0;

	for (; *s && n + 1 < size; s++)
		out[n++] = *s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s;
	out[n] = '\0';
}

/* What a path left behind is, from its name and type: "shm", "fifo"... */
static const char *kind_of(const char *path)
{
	struct stat st;

	if (strncmp(path, "/dev/shm/", 9) == 0)
		return strncmp(path + 9, "sem.", 4) == 0 ? "sem" : "shm";
	if (lstat(path, &st) < 0)
		return "file";
	return S_ISFIFO(st.st_mode) ? "fifo" : S_ISSOCK(st.st_mode) ? "socket" : "file";
}

void snapshot_note_object(const char *kind, const char *name, const char *why)
{
	char k[16], n[200], w[120], size_mode[64] = "";
	struct stat st;

	if (object_count == MAX_OBJECTS)
		return;
	if (kind == NULL)
		kind = kind_of(name);
	if (name[0] == '/' && lstat(name, &st) == 0 && S_ISREG(st.st_mode))
		snprintf(size_mode, sizeof size_mode, "%lld bytes, mode %04o; ",
			 (long long)st.st_size, (unsigned)(st.st_mode & 07777));
	else if (name[0] == '/' && lstat(name, &st) == 0)
		snprintf(size_mode, sizeof size_mode, "mode %04o; ",
			 (unsigned)(st.st_mode & 07777));
	copy_field(k, sizeof k, kind);
	copy_field(n, sizeof n, name);
	copy_field(w, sizeof w, why);
	snprintf(objects[object_count++], sizeof objects[0], "obj\t%s\t%s\t%s%s\n", k, n,
		 size_mode, w);
}

void snapshot_take_self(void)
{
	const pid_t me = getpid();
	const char *const role[] = { "the test" };

	snapshot_take(&me, role, 1, 0);
}

void snapshot_object_left(const char *kind, const char *name, const char *why)
{
	snapshot_note_object(kind, name, why);
	snapshot_take_self();
}

/* Calls found(start, perms, object) for each line of pid's maps (0: this process). */
static void each_mapping(pid_t pid, void (*found)(unsigned long, const char *, const char *,
						   void *), void *arg)
{
	char path[64], line[512];
	FILE *maps;

	if (pid == 0)
		snprintf(path, sizeof path, "/proc/self/maps");
	else
		snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
	maps = fopen(path, "re");
	if (maps == NULL)
		return;
	while (fgets(line, sizeof line, maps)) {
		char perms[8] = "", object[256] = "";
		unsigned long start;

		if (sscanf(line, "%lx-%*x %7s %*s %*s %*s %255[^\n]", &start, perms, object) >= 2)
			found(start, perms, object, arg);
	}
	fclose(maps);
}

static void note_grader_map(unsigned long start, const char *perms, const char *object,
			    void *arg)
{
	(void)object;
	(void)arg;
	if (perms[3] == 's' && grader_map_count < MAX_GRADER_MAPS / 2)
		grader_maps[grader_map_count++] = start;
}

void snapshot_begin(void)
{
	grader_map_count = 0;
	each_mapping(0, note_grader_map, NULL);
	first_made = grader_map_count;
	made = 0;
}

void snapshot_grader_mapping(const void *addr)
{
	const int room = MAX_GRADER_MAPS - first_made;

	if (room <= 0)
		return;
	grader_maps[first_made + made++ % room] = (unsigned long)addr;
	if (grader_map_count < MAX_GRADER_MAPS)
		grader_map_count++;
}

struct proc_list {
	struct proc_status *procs;
	int count;
};

static void snapshot_path(char *path, size_t size)
{
	snprintf(path, size, "%s/snapshot", grader_ctx.tmpdir);
}

static void put_field(FILE *f, const char *s)
{
	char field[400];

	copy_field(field, sizeof field, s);
	fprintf(f, "\t%s", field);
}

/* Whether the descriptor is worth drawing: everything but /dev/null. */
static bool drawn(const char *target)
{
	return strcmp(target, "/dev/null") != 0;
}

/* What the descriptor leads to: p a pipe or FIFO, s a socket, f a file, c a device, o other. */
static char fd_kind(pid_t pid, int fd)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)pid, fd);
	if (stat(path, &st) < 0)
		return 'o';
	return S_ISFIFO(st.st_mode) ? 'p' : S_ISSOCK(st.st_mode) ? 's' : S_ISREG(st.st_mode) ? 'f'
	       : S_ISCHR(st.st_mode) ? 'c' : 'o';
}

static void put_descriptors(FILE *f, pid_t pid)
{
	int fds[MAX_FDS];
	int n = fds_list(pid, fds, MAX_FDS);

	for (int i = 0; i < n; i++) {
		char target[256], mode = fd_mode(pid, fds[i]);

		if (fds[i] >= FIRST_GRADER_FD || !fd_target(pid, fds[i], target, sizeof target) ||
		    !drawn(target))
			continue;
		fprintf(f, "fd\t%d\t%d\t%c\t%c", (int)pid, fds[i], mode, fd_kind(pid, fds[i]));
		put_field(f, target);
		fputc('\n', f);
	}
}

struct mapping_list {
	FILE *out;
	pid_t pid;
	char seen[MAX_MAPS][256];
	int count;
};

/* A writable shared mapping the grader did not make, each object once. */
static void put_mapping(unsigned long start, const char *perms, const char *object, void *arg)
{
	struct mapping_list *l = arg;
	const char *name = object[0] ? object : "(shared, no name)";

	if (perms[1] != 'w' || perms[3] != 's' || l->count == MAX_MAPS)
		return;
	for (int i = 0; i < grader_map_count; i++)
		if (grader_maps[i] == start)
			return;
	for (int i = 0; i < l->count; i++)
		if (strcmp(l->seen[i], name) == 0)
			return;
	snprintf(l->seen[l->count++], sizeof l->seen[0], "%s", name);
	fprintf(l->out, "map\t%d", (int)l->pid);
	put_field(l->out, name);
	fputc('\n', l->out);
}

static void put_mappings(FILE *f, pid_t pid)
{
	struct mapping_list *l = calloc(1, sizeof *l);

	if (l == NULL)
		return;
	l->out = f;
	l->pid = pid;
	each_mapping(pid, put_mapping, l);
	free(l);
}

static void put_process(FILE *f, const struct proc_status *p)
{
	long fd = -1;
	const char *call = p->state == 'S' || p->state == 'D' ? autopsy_call(p->pid, &fd) : NULL;

	fprintf(f, "proc\t%d\t%d\t%c", (int)p->pid, (int)p->ppid, p->state);
	put_field(f, p->comm);
	put_field(f, call ? call : "");
	fprintf(f, "\t%ld\n", fd);
	if (p->state == 'Z')
		return;
	put_descriptors(f, p->pid);
	put_mappings(f, p->pid);
}

/* The pending marks and objects left, on out; then none are pending. */
static void print_pending(FILE *out)
{
	for (int m = 0; m < mark_count; m++)
		fprintf(out, "left\t%d\t%d\n", (int)marks[m].pid, marks[m].fd);
	for (int o = 0; o < object_count; o++)
		fputs(objects[o], out);
	mark_count = object_count = 0;
}

/* The chosen processes (in_set), with their names and the marks, on out. */
static void print_chosen(FILE *out, const struct proc_list *l, const bool *in_set,
			 const pid_t *roots, const char *const *names, size_t count)
{
	int shown = 0;

	for (int i = 0; i < l->count && shown < MAX_SHOWN; i++)
		if (in_set[i]) {
			for (size_t r = 0; names && r < count; r++)
				if (names[r] && roots[r] == l->procs[i].pid) {
					fprintf(out, "role\t%d", (int)roots[r]);
					put_field(out, names[r]);
					fputc('\n', out);
				}
			put_process(out, &l->procs[i]);
			shown++;
		}
	print_pending(out);
}

/*
 * Writes text, whole lines up to the limit, as the item's snapshot,
 * unless the item has one already: the first hang is the one the hint
 * names.
 */
static void write_snapshot(const char *text, size_t len)
{
	char path[sizeof grader_ctx.tmpdir + 16];
	int fd;

	snapshot_path(path, sizeof path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	if (len > SNAPSHOT_MAX_BYTES) {
		len = SNAPSHOT_MAX_BYTES;
		while (len > 0 && text[len - 1] != '\n')
			len--;
	}
	if (write(fd, text, len) < 0)
		(void)0;	/* a picture lost; the verdict stands */
	close(fd);
}

/* The chosen processes, written as the item's snapshot. */
static void write_chosen(const struct proc_list *l, const bool *in_set,
			 const pid_t *roots, const char *const *names, size_t count)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);

	if (mem == NULL)
		return;
	print_chosen(mem, l, in_set, roots, names, count);
	if (fclose(mem) == 0)
		write_snapshot(text, len);
	free(text);
}

void snapshot_forget(void)
{
	char path[sizeof grader_ctx.tmpdir + 16];

	snapshot_path(path, sizeof path);
	unlink(path);
}

void snapshot_take_lines(const char *lines)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);

	if (mem == NULL)
		return;
	fputs(lines, mem);
	print_pending(mem);
	if (fclose(mem) == 0)
		write_snapshot(text, len);
	free(text);
}

/* Every process, and which of them the snapshot shows; false without memory. */
static bool choose(struct proc_list *l, bool **in_set, const pid_t *roots, size_t count,
		   pid_t pgrp)
{
	l->procs = calloc(MAX_PROCS, sizeof *l->procs);
	l->count = 0;
	*in_set = calloc(MAX_PROCS, sizeof **in_set);
	if (l->procs == NULL || *in_set == NULL)
		return false;
	l->count = proc_collect(l->procs, MAX_PROCS);
	if (pgrp > 0)
		for (int i = 0; i < l->count; i++)
			(*in_set)[i] = l->procs[i].pgid == pgrp;
	else
		for (size_t r = 0; r < count; r++)
			if (roots[r] > 0)
				proc_mark_tree(l->procs, l->count, roots[r], *in_set);
	return true;
}

void snapshot_take(const pid_t *roots, const char *const *names, size_t count, pid_t pgrp)
{
	struct proc_list l;
	bool *in_set;

	if (choose(&l, &in_set, roots, count, pgrp))
		write_chosen(&l, in_set, roots, names, count);
	free(l.procs);
	free(in_set);
}

void snapshot_group_left(pid_t pgrp)
{
	struct proc_list l;
	bool *in_set;

	if (choose(&l, &in_set, NULL, 0, pgrp)) {
		for (int i = 0; i < l.count; i++)
			if (in_set[i])
				snapshot_mark_left(l.procs[i].pid, -1);
		write_chosen(&l, in_set, NULL, NULL, 0);
	}
	free(l.procs);
	free(in_set);
}

void snapshot_print(FILE *out, const pid_t *roots, const char *const *names, size_t count)
{
	struct proc_list l;
	bool *in_set;

	if (choose(&l, &in_set, roots, count, 0))
		print_chosen(out, &l, in_set, roots, names, count);
	free(l.procs);
	free(in_set);
}

void snapshot_read(char *buf, size_t size)
{
	char path[sizeof grader_ctx.tmpdir + 16];
	struct stat st;
	int fd;
	ssize_t n;

	buf[0] = '\0';
	snapshot_path(path, sizeof path);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return;
	}
	n = read(fd, buf, size - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
}
