/*
 * picture.c - a failing item's processes, drawn.
 *
 * An item that hung, or whose call left a descriptor open or a child
 * unreaped, brings back a snapshot of its processes (see
 * grader/core/snapshot.h).  From it this file makes the same picture
 * twice: a graphviz graph (NN-item.dot, and NN-item.svg when dot is
 * installed) in the tree's build folder, and an indented text tree for
 * VERBOSE=1 and the JSON output.  Processes are boxes (pid, command,
 * state, the call it sleeps in), pipes, sockets, FIFOs and files are
 * ellipses or notes, shared memory is a cylinder, descriptors are edges
 * labelled "fd 4, write end".  The culprits are worked out here, from the
 * state alone: a process asleep reading a pipe or FIFO waits for whoever
 * holds its write end (those edges are red, "could write, never does or
 * never closes"); the edge it waits on is blue.  What the code under test
 * left behind (snapshot.h's "left" and "obj": a descriptor, a child, a
 * name in /dev/shm, a FIFO) is red too.  A process in state E is a probed
 * command, drawn with the descriptors it started with (probe.h).
 *
 * The snapshot passed through the test process, where the code under
 * test runs: it is parsed strictly, and every label is escaped.
 */
#include "driver.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum { MAX_PROCS = 24, MAX_FDS = 256, MAX_MAPS = 64, MAX_OBJECTS = 128, MAX_LEFTS = 8,
       SNAPSHOT_TEXT_MAX = 64 * 1024 };

struct pic_proc {
	int pid, ppid;
	char state;
	char comm[32], call[48];
	char role[32];            /* "the parent", or "" */
	bool left;                /* a child the code under test left behind */
	long fd;                  /* the descriptor it reads or writes, or -1 */
	bool waits;               /* asleep on a descriptor or a lock */
};

struct pic_fd {
	int pid, fd;
	char mode;                /* 'r', 'w', 'b' or '?' */
	char kind;                /* 'p' pipe or FIFO, 's' socket, 'f' file, 'c', 'o' */
	char target[160];
	int object;               /* index in objects */
	char culprit;             /* 'w': a write end a reader waits on; 'r': a read
				     end a writer waits on; 'l': left open when the
				     code under test returned; 0: none of these */
	bool waited_on;
};

struct pic_map {
	int pid;
	int object;
	bool waited_on;           /* its process sleeps on a lock or semaphore in it */
};

/* An object the test left behind: a name in /dev/shm, a FIFO, a System V id. */
struct pic_left {
	int object;
	char kind[16];            /* shm, sem, fifo, socket, file, sysv-shm... */
	char note[160];           /* its size and mode, and why it is a leak */
};

struct picture {
	struct pic_proc procs[MAX_PROCS];
	struct pic_fd fds[MAX_FDS];
	struct pic_map maps[MAX_MAPS];
	struct pic_left lefts[MAX_LEFTS];
	char objects[MAX_OBJECTS][160];
	int nprocs, nfds, nmaps, nobjects, nlefts;
};

/* ---- reading the snapshot ---- */

static bool whole(const char *s, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	return *s && *end == '\0' && errno == 0 && *v >= -1 && *v < 1L << 30;
}

static int object_of(struct picture *p, const char *name)
{
	for (int i = 0; i < p->nobjects; i++)
		if (strcmp(p->objects[i], name) == 0)
			return i;
	if (p->nobjects == MAX_OBJECTS)
		return -1;
	snprintf(p->objects[p->nobjects], sizeof p->objects[0], "%s", name);
	return p->nobjects++;
}

static const struct pic_proc *proc_of(const struct picture *p, int pid)
{
	for (int i = 0; i < p->nprocs; i++)
		if (p->procs[i].pid == pid)
			return &p->procs[i];
	return NULL;
}

/* A descriptor (fd >= 0) or a process (fd -1) left behind. */
static void mark_left(struct picture *p, int pid, int fd)
{
	for (int i = 0; i < p->nprocs && fd < 0; i++)
		p->procs[i].left = p->procs[i].left || p->procs[i].pid == pid;
	for (int i = 0; i < p->nfds && fd >= 0; i++)
		if (p->fds[i].pid == pid && p->fds[i].fd == fd)
			p->fds[i].culprit = 'l';
}

/* The object a left-behind name is: a name in /dev/shm is the memory its mappings show. */
static void add_left(struct picture *p, const char *kind, const char *name, const char *note)
{
	struct pic_left *l = &p->lefts[p->nlefts];
	char key[170];

	snprintf(key, sizeof key, "%s%s", strcmp(kind, "shm") == 0 || strcmp(kind, "sem") == 0
		 ? "map:" : "", name);
	l->object = object_of(p, key);
	snprintf(l->kind, sizeof l->kind, "%s", kind);
	snprintf(l->note, sizeof l->note, "%s", note);
	p->nlefts += l->object >= 0;
}

/* The left-behind entry of object o, or NULL. */
static const struct pic_left *left_of(const struct picture *p, int o)
{
	for (int i = 0; i < p->nlefts; i++)
		if (p->lefts[i].object == o)
			return &p->lefts[i];
	return NULL;
}

/* Parses the snapshot; false when it holds neither a process nor an object left. */
static bool parse(const char *snapshot, struct picture *p)
{
	char *copy = strdup(snapshot), *save = NULL, role_of[32] = "";
	int role_pid = 0;

	memset(p, 0, sizeof *p);
	if (copy == NULL)
		return false;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[8];
		int n = split_tabs(line, f, 8);
		long a, b, c;

		if (n == 7 && strcmp(f[0], "proc") == 0 && p->nprocs < MAX_PROCS &&
		    whole(f[1], &a) && whole(f[2], &b) && whole(f[6], &c) && strlen(f[3]) == 1 &&
		    a > 0 && a != b && !proc_of(p, (int)a)) {
			struct pic_proc *pr = &p->procs[p->nprocs++];

			*pr = (struct pic_proc){ .pid = (int)a, .ppid = (int)b, .state = f[3][0],
						 .fd = c };
			snprintf(pr->comm, sizeof pr->comm, "%s", f[4]);
			snprintf(pr->call, sizeof pr->call, "%s", f[5]);
			pr->waits = pr->call[0] != '\0';
			if (pr->pid == role_pid)
				snprintf(pr->role, sizeof pr->role, "%s", role_of);
		} else if (n == 6 && strcmp(f[0], "fd") == 0 && p->nfds < MAX_FDS &&
			   whole(f[1], &a) && whole(f[2], &b) && strlen(f[3]) == 1 &&
			   strlen(f[4]) == 1 && proc_of(p, (int)a)) {
			struct pic_fd *d = &p->fds[p->nfds];

			*d = (struct pic_fd){ .pid = (int)a, .fd = (int)b, .mode = f[3][0],
					      .kind = f[4][0] };
			snprintf(d->target, sizeof d->target, "%s", f[5]);
			d->object = object_of(p, d->target);
			p->nfds += d->object >= 0;
		} else if (n == 3 && strcmp(f[0], "role") == 0 && whole(f[1], &a) &&
			   strlen(f[2]) >= 4) {
			snprintf(role_of, sizeof role_of, "%s", f[2]);
			role_pid = (int)a;
		} else if (n == 3 && strcmp(f[0], "left") == 0 && whole(f[1], &a) &&
			   whole(f[2], &b)) {
			mark_left(p, (int)a, (int)b);
		} else if (n == 4 && strcmp(f[0], "obj") == 0 && p->nlefts < MAX_LEFTS &&
			   strlen(f[1]) < sizeof p->lefts[0].kind && f[2][0]) {
			add_left(p, f[1], f[2], f[3]);
		} else if (n == 3 && strcmp(f[0], "map") == 0 && p->nmaps < MAX_MAPS &&
			   whole(f[1], &a) && proc_of(p, (int)a)) {
			struct pic_map *m = &p->maps[p->nmaps];
			char name[170];

			snprintf(name, sizeof name, "map:%s", f[2]);
			m->pid = (int)a;
			m->object = object_of(p, name);
			p->nmaps += m->object >= 0;
		}
	}
	free(copy);
	return p->nprocs > 0 || p->nlefts > 0;
}

/* ---- who waits for whom ---- */

/* A pipe, or a FIFO: it has a read end and a write end. */
static bool is_pipe_like(const struct pic_fd *d)
{
	return d->kind == 'p';
}

/*
 * A process asleep reading a pipe or FIFO waits for its write end: the
 * holders of that end are the culprits (one of them should write, or
 * close it so that the reader sees end of file).  A process asleep
 * writing waits for a reader: the holders of the read end are named.
 */
static void find_culprits(struct picture *p)
{
	for (int w = 0; w < p->nprocs; w++) {
		const struct pic_proc *pr = &p->procs[w];
		const bool reading = strncmp(pr->call, "read", 4) == 0;
		const bool writing = strncmp(pr->call, "write", 5) == 0;
		int object = -1;

		/* A futex (a semaphore, a lock) lives in shared memory: it waits on that. */
		if (strncmp(pr->call, "futex", 5) == 0)
			for (int i = 0; i < p->nmaps; i++)
				p->maps[i].waited_on = p->maps[i].waited_on ||
						       p->maps[i].pid == pr->pid;

		if (pr->fd < 0 || !(reading || writing))
			continue;
		for (int i = 0; i < p->nfds; i++)
			if (p->fds[i].pid == pr->pid && p->fds[i].fd == pr->fd) {
				p->fds[i].waited_on = true;
				if (is_pipe_like(&p->fds[i]))
					object = p->fds[i].object;
			}
		for (int i = 0; i < p->nfds && object >= 0; i++) {
			struct pic_fd *d = &p->fds[i];

			if (d->object == object && !d->waited_on && !d->culprit &&
			    (d->mode == 'b' || d->mode == (reading ? 'w' : 'r')))
				d->culprit = reading ? 'w' : 'r';
		}
	}
}

/* ---- the graph ---- */

/* s in a graphviz string: quotes and backslashes escaped, bytes past ASCII as '?'. */
static void dot_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fputc('\\', f);
		fputc(c < 32 || c > 126 ? '?' : c, f);
	}
}

/* How a descriptor is open: "read end" of a pipe, "for writing" of a file. */
static const char *end_name(const struct pic_fd *d)
{
	const bool pipe = is_pipe_like(d);

	switch (d->mode) {
	case 'r': return pipe ? "read end" : "for reading";
	case 'w': return pipe ? "write end" : "for writing";
	case 'b': return "read and write";
	default: return "open";
	}
}

/* How an object is called: "pipe 12345", "socket 77", "/tmp/x/fifo". */
static void object_label(const char *name, char *out, size_t size)
{
	unsigned long inode;

	if (sscanf(name, "pipe:[%lu]", &inode) == 1)
		snprintf(out, size, "pipe %lu", inode);
	else if (sscanf(name, "socket:[%lu]", &inode) == 1)
		snprintf(out, size, "socket %lu", inode);
	else if (strncmp(name, "map:/dev/zero", 13) == 0 ||
		 strcmp(name, "map:(shared, no name)") == 0)
		snprintf(out, size, "shared memory (/dev/zero or MAP_ANONYMOUS)");
	else if (strncmp(name, "map:/SYSV", 9) == 0)
		snprintf(out, size, "System V segment, key 0x%.8s", name + 9);
	else if (strncmp(name, "map:", 4) == 0)
		snprintf(out, size, "shared: %s", name + 4);
	else if (strstr(name, "/item-") && strchr(strstr(name, "/item-") + 1, '/'))
		snprintf(out, size, "%s (in the test's folder)",
			 strchr(strstr(name, "/item-") + 1, '/') + 1);
	else
		snprintf(out, size, "%s", name);
}

/* What kind of object was left: "POSIX shared memory". */
static const char *left_kind_words(const char *kind)
{
	static const char *const words[][2] = {
		{ "shm", "POSIX shared memory" }, { "sem", "POSIX named semaphore" },
		{ "fifo", "FIFO" }, { "socket", "socket file" }, { "file", "file" },
		{ "sysv-shm", "System V segment, id" }, { "sysv-sem", "System V semaphore set, id" },
		{ "sysv-msg", "System V message queue, id" },
	};

	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcmp(kind, words[i][0]) == 0)
			return words[i][1];
	return "object";
}

/* "POSIX shared memory /dev/shm/x", "System V segment, id 32770". */
static void left_label(const struct picture *p, const struct pic_left *l, char *out,
		       size_t size)
{
	const char *name = p->objects[l->object];

	if (strncmp(name, "map:", 4) == 0)
		name += 4;
	snprintf(out, size, "%s %s", left_kind_words(l->kind), name);
}

/* "the parent (suite)" or "wc". */
static void proc_name(const struct pic_proc *pr, char *out, size_t size)
{
	if (pr->role[0] && strcmp(pr->role, pr->comm) != 0)
		snprintf(out, size, "%s (%s)", pr->role, pr->comm);
	else
		snprintf(out, size, "%s", pr->comm);
}

static const char *object_shape(const char *name)
{
	if (strncmp(name, "map:", 4) == 0)
		return "cylinder";
	if (strncmp(name, "pipe:", 5) == 0 || strncmp(name, "socket:", 7) == 0)
		return "ellipse";
	return "note";	/* a file, a FIFO by its name, a device */
}

static void proc_line(const struct pic_proc *pr, char *out, size_t size)
{
	if (pr->state == 'T' || pr->state == 't')
		snprintf(out, size, "stopped");
	else if (pr->state == 'E')
		snprintf(out, size, "as the command started");
	else if (pr->state == 'Z')
		snprintf(out, size, "ended, never waited for");
	else if (pr->call[0] && pr->fd >= 0)
		snprintf(out, size, "asleep in %s on fd %ld", pr->call, pr->fd);
	else if (pr->call[0])
		snprintf(out, size, "asleep in %s", pr->call);
	else if (pr->state == 'R')
		snprintf(out, size, "running");
	else if (pr->state == 'S')
		snprintf(out, size, "asleep");
	else
		snprintf(out, size, "state %c", pr->state);
}

/*
 * A process's node: by its pid, or, for a stable drawing (the same for
 * every run), by its place in the snapshot.
 */
static int node_of(const struct picture *p, int pid, bool stable)
{
	for (int i = 0; i < p->nprocs && stable; i++)
		if (p->procs[i].pid == pid)
			return i;
	return pid;
}

/* An object's label; a stable one numbers pipes and sockets 1, 2... for pid-free text. */
static void object_text(const struct picture *p, int o, bool stable, char *out, size_t size)
{
	const char *name = p->objects[o];
	int same = 1;

	if (!stable || (strncmp(name, "pipe:", 5) != 0 && strncmp(name, "socket:", 7) != 0)) {
		object_label(name, out, size);
		return;
	}
	for (int i = 0; i < o; i++)
		same += strncmp(p->objects[i], name, 5) == 0;
	snprintf(out, size, "%s %d", strncmp(name, "pipe:", 5) == 0 ? "pipe" : "socket", same);
}

static void write_dot(FILE *f, const struct picture *p, const char *title, bool stable)
{
	int culprits = 0, waits = 0;

	bool marked = false;

	for (int i = 0; i < p->nfds; i++)
		marked = marked || p->fds[i].culprit || p->fds[i].waited_on;
	for (int i = 0; i < p->nmaps; i++)
		marked = marked || p->maps[i].waited_on;
	fprintf(f, "digraph item {\n  label=\"");
	dot_text(f, title);
	if (marked)
		fprintf(f, "\\nred: the end a sleeping process waits for someone to use or "
			"close, or a descriptor left open; blue: what a process sleeps on");
	if (p->nlefts > 0)
		fprintf(f, "\\nred: what the test left behind");
	fprintf(f, "\"; labelloc=t; rankdir=LR; fontname=\"Helvetica\";\n"
		"  node [fontname=\"Helvetica\", fontsize=10];\n"
		"  edge [fontname=\"Helvetica\", fontsize=9];\n");
	for (int i = 0; i < p->nprocs; i++) {
		const struct pic_proc *pr = &p->procs[i];
		char how[96], name[80];

		proc_line(pr, how, sizeof how);
		proc_name(pr, name, sizeof name);
		fprintf(f, "  p%d [id=\"process-%d\", shape=box, style=\"rounded,filled\", "
			"fillcolor=\"%s\", label=\"", node_of(p, pr->pid, stable),
			node_of(p, pr->pid, stable),
			pr->left ? "#f9d0cc" : pr->waits ? "#dbe8fb"
			: pr->state == 'Z' ? "#eeeeee" : "#fff4d6");
		dot_text(f, name);
		if (stable)
			fprintf(f, "\\n");
		else
			fprintf(f, "\\npid %d\\n", pr->pid);
		dot_text(f, how);
		fprintf(f, "\"%s];\n", pr->left ? ", color=\"#d62728\", penwidth=2.5" : "");
		if (proc_of(p, pr->ppid))
			fprintf(f, "  p%d -> p%d [style=dashed, color=\"#888888\", label=\"child\"];\n",
				node_of(p, pr->ppid, stable), node_of(p, pr->pid, stable));
	}
	for (int o = 0; o < p->nobjects; o++) {
		const struct pic_left *l = left_of(p, o);
		char label[200];

		if (l != NULL) {
			left_label(p, l, label, sizeof label);
			fprintf(f, "  o%d [id=\"left-%d\", shape=%s, style=filled, "
				"fillcolor=\"#f9d0cc\", color=\"#d62728\", penwidth=2.5, label=\"",
				o, (int)(l - p->lefts) + 1, object_shape(p->objects[o]));
			dot_text(f, label);
			fprintf(f, "\\nleft behind: ");
			dot_text(f, l->note);
			fprintf(f, "\"];\n");
			continue;
		}
		object_text(p, o, stable, label, sizeof label);
		fprintf(f, "  o%d [shape=%s, label=\"", o, object_shape(p->objects[o]));
		dot_text(f, label);
		fprintf(f, "\"];\n");
	}
	for (int i = 0; i < p->nfds; i++) {
		const struct pic_fd *d = &p->fds[i];
		const bool into_object = d->mode == 'w';

		fprintf(f, "  %c%d -> %c%d [label=\"fd %d, %s\"", into_object ? 'p' : 'o',
			into_object ? node_of(p, d->pid, stable) : d->object, into_object ? 'o' : 'p',
			into_object ? d->object : node_of(p, d->pid, stable), d->fd, end_name(d));
		if (d->mode == 'b' || d->mode == '?')
			fprintf(f, ", dir=both");
		if (d->culprit)
			fprintf(f, ", id=\"culprit-%d\", color=\"#d62728\", fontcolor=\"#d62728\", "
				"penwidth=2.5", ++culprits);
		else if (d->waited_on)
			fprintf(f, ", id=\"waits-%d\", color=\"#1f5fbf\", fontcolor=\"#1f5fbf\", "
				"penwidth=2", ++waits);
		fprintf(f, "];\n");
	}
	for (int i = 0; i < p->nmaps; i++) {
		fprintf(f, "  p%d -> o%d [style=dotted, arrowhead=none, label=\"mapped\"",
			node_of(p, p->maps[i].pid, stable), p->maps[i].object);
		if (p->maps[i].waited_on)
			fprintf(f, ", id=\"waits-%d\", color=\"#1f5fbf\", fontcolor=\"#1f5fbf\", "
				"penwidth=2", ++waits);
		fprintf(f, "];\n");
	}
	fprintf(f, "}\n");
}

/* ---- the text tree ---- */

static void append(char *out, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void append(char *out, size_t size, const char *fmt, ...)
{
	size_t used = strlen(out);
	va_list ap;

	if (used + 1 >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(out + used, size - used, fmt, ap);
	va_end(ap);
}

static void tree_of(const struct picture *p, int at, int depth, char *out, size_t size)
{
	const struct pic_proc *pr = &p->procs[at];
	char how[96], label[200], name[80];

	proc_line(pr, how, sizeof how);
	proc_name(pr, name, sizeof name);
	append(out, size, "%*s%s, pid %d: %s%s\n", depth * 4, "", name, pr->pid, how,
	       !pr->left ? "" : pr->state == 'Z' ? "   <-- left behind, never waited for"
	       : "   <-- left behind, still running");
	for (int i = 0; i < p->nfds; i++) {
		const struct pic_fd *d = &p->fds[i];

		if (d->pid != pr->pid)
			continue;
		object_label(d->target, label, sizeof label);
		append(out, size, "%*s  fd %d -> %s, %s%s\n", depth * 4, "", d->fd, label,
		       end_name(d),
		       d->culprit == 'l' && pr->state == 'E'
		       ? "   <-- still open here: it reached the command through exec"
		       : d->culprit == 'l' ? "   <-- still open here after the call returned"
		       : d->culprit == 'w' ? "   <-- still open here: the reader waits for it"
		       : d->culprit == 'r' ? "   <-- the writer waits for this end to read"
		       : d->waited_on ? "   <-- waits on this" : "");
	}
	for (int i = 0; i < p->nmaps; i++)
		if (p->maps[i].pid == pr->pid) {
			object_label(p->objects[p->maps[i].object], label, sizeof label);
			append(out, size, "%*s  maps %s%s\n", depth * 4, "", label,
			       p->maps[i].waited_on ? "   <-- waits on a semaphore or lock in it"
						    : "");
		}
	for (int c = 0; c < p->nprocs && depth < 8; c++)
		if (p->procs[c].ppid == pr->pid && c != at)
			tree_of(p, c, depth + 1, out, size);
}

/* Only ASCII in the tree: it goes into every format. */
static void ascii_only(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s > 126 || ((unsigned char)*s < 32 && *s != '\n'))
			*s = '?';
}

bool picture_tree(const char *snapshot, char *out, size_t size)
{
	struct picture *p = malloc(sizeof *p);

	out[0] = '\0';
	if (p == NULL || !parse(snapshot, p)) {
		free(p);
		return false;
	}
	find_culprits(p);
	for (int i = 0; i < p->nprocs; i++)
		if (!proc_of(p, p->procs[i].ppid))
			tree_of(p, i, 0, out, size);
	for (int i = 0; i < p->nlefts; i++) {
		char label[200];

		left_label(p, &p->lefts[i], label, sizeof label);
		append(out, size, "%s: %s   <-- left behind\n", label, p->lefts[i].note);
	}
	ascii_only(out);
	free(p);
	return true;
}

/* ---- the files ---- */

/* The pictures' folder: batch mode keeps them beside each submission's report. */
static void pictures_dir(const struct grading *g, char *out, size_t size)
{
	if (g->pictures)
		snprintf(out, size, "%s", g->pictures);
	else
		snprintf(out, size, "%s/pictures", g->build);
}

void picture_path(const struct grading *g, const struct catalogue_lab *lab,
		  const struct result *r, const char *ext, char *out, size_t size)
{
	char dir[4400];

	pictures_dir(g, dir, sizeof dir);
	snprintf(out, size, "%s/%.2s-%s.%s", dir, lab->name, r->name, ext);
}

/* A folder of our own for the pictures: never one a link leads to. */
static bool pictures_folder(const struct grading *g)
{
	char dir[4400];
	struct stat st;

	pictures_dir(g, dir, sizeof dir);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return false;
	return lstat(dir, &st) == 0 && S_ISDIR(st.st_mode);
}

bool picture_write(const struct grading *g, const struct catalogue_lab *lab,
		   const struct result *r)
{
	struct picture *p = malloc(sizeof *p);
	char dot[4400], svg[4400], txt[4400], title[300], tree[4096];
	struct command_outcome *o = NULL;
	bool drawn = false;
	int fd;
	FILE *f;

	if (p == NULL || !r->snapshot[0] || !parse(r->snapshot, p) || !pictures_folder(g)) {
		free(p);
		return false;
	}
	find_culprits(p);
	picture_path(g, lab, r, "dot", dot, sizeof dot);
	picture_path(g, lab, r, "svg", svg, sizeof svg);
	unlink(svg);
	fd = open(dot, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	f = fd < 0 ? NULL : fdopen(fd, "w");
	if (f != NULL) {
		snprintf(title, sizeof title, "%s: %s, its processes when it failed", lab->name,
			 r->name);
		write_dot(f, p, title, false);
		drawn = fclose(f) == 0;
	} else if (fd >= 0) {
		close(fd);
	}
	free(p);
	/* The text tree beside it: what VERBOSE=1 and the JSON show. */
	picture_path(g, lab, r, "txt", txt, sizeof txt);
	fd = open(txt, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd >= 0 && picture_tree(r->snapshot, tree, sizeof tree) &&
	    write(fd, tree, strlen(tree)) < 0)
		drawn = false;
	if (fd >= 0)
		close(fd);
	if (drawn && (o = calloc(1, sizeof *o)) != NULL) {
		char *const argv[] = { "dot", "-Tsvg", "-o", svg, dot, NULL };
		struct command c = { .argv = argv, .deadline = monotonic_seconds() + 10 };

		/* No dot: the .dot file and the text tree remain. */
		if (command_run(&c, o) < 0 || !WIFEXITED(o->status) || WEXITSTATUS(o->status) != 0)
			unlink(svg);
	}
	free(o);
	return drawn;
}

bool picture_draw_file(const char *path, const char *title, FILE *out)
{
	size_t len;
	char *text = read_file(path, SNAPSHOT_TEXT_MAX, &len);
	struct picture *p = malloc(sizeof *p);
	bool drawn = text != NULL && p != NULL && memchr(text, '\0', len) == NULL &&
		     parse(text, p);

	if (drawn) {
		find_culprits(p);
		write_dot(out, p, title, true);
	}
	free(text);
	free(p);
	return drawn;
}
