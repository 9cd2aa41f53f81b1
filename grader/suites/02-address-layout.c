/*
 * 02-address-layout.c - the grader for lab 02.
 *
 * The four segment_* functions are checked at their source, in
 * /proc/sysvipc/shm (key, size, mode, attachments, removal) and in
 * /proc/self/maps (where the segment is attached).  The program layout is
 * run under the 02-shmsnap shim, which saves the program's own
 * /proc/self/maps (before its first shmdt, or at exit): each address it
 * prints must lie in the mapping that should hold it.  Every address is
 * new on each run (ASLR), so no printed constant can pass.
 */
#include "grader.h"
#include "segment.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

#ifndef SHM_DEST
#define SHM_DEST 01000 /* Linux: "marked for removal", in the mode bits */
#endif

/* The sizes of APUE figure 15.31, which layout must keep. */
enum { ARRAY_SIZE = 40000, MALLOC_SIZE = 100000, SHM_SIZE = 100000 };

/* Deadline for one run of layout: it does a few system calls. */
#define LAYOUT_DEADLINE 1.5

/* ---- segments made by the test itself ---- */

static void remove_quietly(int shmid)
{
	if (shmid >= 0)
		shmctl(shmid, IPC_RMID, NULL);
}

/* A segment made without the student's code, for the other functions. */
static int make_segment(size_t size)
{
	int shmid = shmget(IPC_PRIVATE, size, 0600);

	ck_assert_msg(shmid >= 0, "the grader could not create a segment: %s",
		      strerror(errno));
	tidy_shmid(shmid);
	return shmid;
}

static void *attach_directly(int shmid)
{
	void *addr = shmat(shmid, NULL, 0);

	require(addr != (void *)-1,
		"the grader could not attach segment %d: %s", shmid,
		strerror(errno));
	return addr;
}

static size_t random_size(void)
{
	/* Rarely a page multiple, so a rounded size shows. */
	return grader_random_between(1, 256 * 1024);
}

static bool is_sysv_mapping(const struct map_region *r)
{
	return strncmp(r->path, "/SYSV", 5) == 0 && r->perms[3] == 's';
}

/* ---- segment_create ---- */

START_TEST(segment_create_makes_private_segment)
{
	size_t size = random_size(), size2 = random_size();
	struct sysv_shm s = { 0 };
	int shmid, shmid2;

	errno = 0;
	shmid = segment_create(size);
	tidy_shmid(shmid);
	ck_assert_msg(shmid >= 0,
		      "segment_create(%zu) returned %d (%s): expected the id of a new "
		      "segment from shmget(IPC_PRIVATE, size, 0600)",
		      size, shmid, strerror(errno));
	require(sysv_shm_find(shmid, &s),
		"segment_create returned %d, but /proc/sysvipc/shm has no such "
		"segment: return shmget's result", shmid);
	require(s.key == IPC_PRIVATE,
		"the segment's key is 0x%lx, expected IPC_PRIVATE (0): pass "
		"IPC_PRIVATE, not a fixed key or ftok's", (unsigned long)s.key);
	require(s.size == size,
		"the segment has %zu bytes, expected the %zu asked for: pass size "
		"to shmget unchanged", s.size, size);
	require(s.nattch == 0,
		"nattch is %lu for a new segment, expected 0: segment_create must "
		"not attach it", s.nattch);

	shmid2 = segment_create(size2);
	remove_quietly(shmid2);
	require(shmid2 >= 0 && shmid2 != shmid,
		"a second segment_create(%zu) returned %d after %d: expected a new "
		"segment each time (IPC_PRIVATE)", size2, shmid2, shmid);
	remove_quietly(shmid);
}
END_TEST

START_TEST(segment_create_mode_is_0600)
{
	size_t size = random_size();
	struct sysv_shm s = { 0 };
	unsigned mode;
	int shmid;

	errno = 0;
	shmid = segment_create(size);
	tidy_shmid(shmid);
	ck_assert_msg(shmid >= 0, "segment_create(%zu) returned %d (%s): expected "
		      "a new segment's id", size, shmid, strerror(errno));
	require(sysv_shm_find(shmid, &s),
		"segment %d is not in /proc/sysvipc/shm: return shmget's result",
		shmid);
	mode = s.mode & 0777;
	remove_quietly(shmid);
	ck_assert_msg(mode == 0600,
		      "the segment's mode is 0%03o, expected 0600 (owner only): %s", mode,
		      mode & 077 ? "0666 or 0644 lets other users read or change it"
				 : "pass 0600 as shmget's flag");
}
END_TEST

/* ---- segment_attach ---- */

START_TEST(segment_attach_maps_segment)
{
	size_t size = random_size();
	int shmid = make_segment(size);
	unsigned char *p, *q;
	struct map_region r = { 0 };
	struct sysv_shm s = { 0 };

	errno = 0;
	p = segment_attach(shmid);
	require(p != NULL && p != (void *)-1,
		"segment_attach(%d) returned %p (%s): expected the address from "
		"shmat(shmid, NULL, 0)", shmid, (void *)p, strerror(errno));
	require(sysv_shm_find(shmid, &s) && s.nattch == 1,
		"nattch is %lu after segment_attach, expected 1: call shmat once",
		s.nattch);
	require(maps_find(0, (uintptr_t)p, &r) && is_sysv_mapping(&r),
		"segment_attach's address %p is not in the segment's /SYSV mapping "
		"(found '%s'): return what shmat returned", (void *)p, r.path);
	require(strncmp(r.perms, "rw", 2) == 0,
		"the segment is mapped %s, expected rw-s: attached with SHM_RDONLY?",
		r.perms);

	/* Every byte written through p is seen through a second attachment. */
	q = attach_directly(shmid);
	grader_random_bytes(p, size);
	require(memcmp(p, q, size) == 0,
		"bytes written through segment_attach's address are not in the "
		"segment: return shmat's address itself");
	shmdt(q);
	shmdt(p);
	remove_quietly(shmid);
}
END_TEST

START_TEST(segment_attach_returns_null_on_error)
{
	int shmid = make_segment(random_size());
	void *p;

	/* The happy path first: a stub fails here. */
	errno = 0;
	p = segment_attach(shmid);
	require(p != NULL && p != (void *)-1,
		"segment_attach(%d) returned %p (%s) for a valid segment: expected "
		"shmat's address", shmid, p, strerror(errno));
	shmdt(p);
	remove_quietly(shmid); /* nothing attached: gone at once */

	errno = 0;
	p = segment_attach(shmid);
	if (p != NULL && p != (void *)-1)
		shmdt(p);
	ck_assert_msg(p != (void *)-1,
		      "segment_attach of a removed segment returned (void *)-1: that "
		      "is shmat's error value; return NULL instead");
	ck_assert_msg(p == NULL,
		      "segment_attach of a removed segment returned %p, expected NULL",
		      p);
	ck_assert_msg(errno == EINVAL || errno == EIDRM,
		      "segment_attach failed with errno %d (%s), expected shmat's "
		      "EINVAL: keep shmat's errno", errno, strerror(errno));
}
END_TEST

/* ---- segment_detach ---- */

START_TEST(segment_detach_unmaps_segment)
{
	int shmid = make_segment(random_size());
	void *p = attach_directly(shmid);
	struct map_region r = { 0 };
	struct sysv_shm s = { 0 };
	int rc;

	errno = 0;
	rc = segment_detach(p);
	require(rc == 0,
		"segment_detach(%p) returned %d (%s), expected 0 from shmdt(addr)",
		p, rc, strerror(errno));
	require(sysv_shm_find(shmid, &s),
		"segment %d is gone after segment_detach: detaching must not remove "
		"it (IPC_RMID belongs in segment_remove)", shmid);
	require(s.nattch == 0,
		"nattch is %lu after segment_detach, expected 0: call shmdt(addr)",
		s.nattch);
	require(!(maps_find(0, (uintptr_t)p, &r) && is_sysv_mapping(&r)),
		"%p is still mapped after segment_detach: call shmdt(addr)", p);

	rc = segment_detach(p);
	require(rc == -1,
		"segment_detach of an address with nothing attached returned %d, "
		"expected -1: return shmdt's result", rc);
	remove_quietly(shmid);
}
END_TEST

/* ---- segment_remove ---- */

START_TEST(segment_remove_deletes_segment)
{
	int shmid = make_segment(random_size());
	struct sysv_shm s = { 0 };
	int rc;

	errno = 0;
	rc = segment_remove(shmid);
	require(rc == 0,
		"segment_remove(%d) returned %d (%s), expected 0 from "
		"shmctl(shmid, IPC_RMID, NULL)", shmid, rc, strerror(errno));
	require(!sysv_shm_find(shmid, &s),
		"segment %d is still in /proc/sysvipc/shm after segment_remove: call "
		"shmctl(shmid, IPC_RMID, NULL)", shmid);

	rc = segment_remove(shmid);
	ck_assert_msg(rc == -1,
		      "removing segment %d a second time returned %d, expected -1: "
		      "return shmctl's result", shmid, rc);
}
END_TEST

START_TEST(segment_remove_while_attached)
{
	size_t size = random_size();
	int shmid = make_segment(size);
	unsigned char *p = attach_directly(shmid);
	unsigned char *copy = malloc(size);
	struct map_region r = { 0 };
	struct sysv_shm s = { 0 };
	int rc;

	require(copy != NULL, "the grader ran out of memory");
	grader_random_bytes(p, size);
	memcpy(copy, p, size);

	errno = 0;
	rc = segment_remove(shmid);
	require(rc == 0,
		"segment_remove(%d) of an attached segment returned %d (%s), expected "
		"0 from shmctl IPC_RMID", shmid, rc, strerror(errno));
	require(maps_find(0, (uintptr_t)p, &r) && is_sysv_mapping(&r),
		"segment_remove detached the caller's mapping: IPC_RMID alone leaves "
		"attachments in place (do not call shmdt there)");
	require(sysv_shm_find(shmid, &s),
		"an attached segment vanished from /proc/sysvipc/shm at once: it "
		"should live, marked for removal, until the last detach");
	require(s.mode & SHM_DEST,
		"the attached segment is not marked for removal (mode %o lacks "
		"SHM_DEST 01000): call shmctl(shmid, IPC_RMID, NULL)", s.mode);
	require(memcmp(p, copy, size) == 0,
		"the segment's contents changed when it was removed while attached");
	free(copy);

	/* Still usable until the last detach, then gone. */
	p[size - 1] ^= 0xff;
	shmdt(p);
	ck_assert_msg(!sysv_shm_find(shmid, &s),
		      "segment %d is still listed after its last detach: it was not "
		      "marked for removal", shmid);
}
END_TEST

/* ---- the program layout ---- */

struct layout_output {
	unsigned long array_from, array_to;
	unsigned long stack;
	unsigned long malloc_from, malloc_to;
	unsigned long shm_from, shm_to;
	bool have_array, have_stack, have_malloc, have_shm;
	int lines;
};

/*
 * Reads layout's four lines.  Lenient on purpose (it takes a 0x prefix
 * and any spacing): layout_prints_four_lines checks the exact text, the
 * other items only the addresses.
 */
static void parse_layout(const char *out, struct layout_output *lo)
{
	const char *line = out;

	memset(lo, 0, sizeof *lo);
	while (*line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char buf[256];

		snprintf(buf, sizeof buf, "%.*s", (int)(len < 255 ? len : 255), line);
		lo->lines++;
		if (sscanf(buf, "array[] from %lx to %lx", &lo->array_from,
			   &lo->array_to) == 2)
			lo->have_array = true;
		else if (sscanf(buf, "stack around %lx", &lo->stack) == 1)
			lo->have_stack = true;
		else if (sscanf(buf, "malloced from %lx to %lx", &lo->malloc_from,
				&lo->malloc_to) == 2)
			lo->have_malloc = true;
		else if (sscanf(buf, "shared memory attached from %lx to %lx",
				&lo->shm_from, &lo->shm_to) == 2)
			lo->have_shm = true;
		line += len + (end != NULL);
	}
}

/*
 * Segments created by process pid and still present (a pid of the test's
 * own program is never reused while the test runs).  Removes them and
 * returns how many there were; *first gets the first one.
 */
static int remove_segments_of(pid_t pid, struct sysv_shm *first)
{
	FILE *f = fopen("/proc/sysvipc/shm", "re");
	char line[512];
	int found = 0;

	if (f == NULL)
		return 0;
	if (fgets(line, sizeof line, f) != NULL) { /* the header */
		while (fgets(line, sizeof line, f) != NULL) {
			struct sysv_shm s;
			unsigned long size;
			int cpid;

			if (sscanf(line, "%ld %d %o %lu %d", &s.key, &s.shmid, &s.mode,
				   &size, &cpid) != 5 || cpid != pid)
				continue;
			s.size = size;
			if (found++ == 0 && first != NULL)
				*first = s;
			shmctl(s.shmid, IPC_RMID, NULL);
		}
	}
	fclose(f);
	return found;
}

struct layout_run {
	struct run_result res;
	struct layout_output lo;
	char maps[PATH_MAX];      /* the saved /proc/self/maps, or "" */
	char exe[PATH_MAX];       /* the program's path as the kernel shows it */
	int leaked;               /* segments it left behind (now removed) */
	struct sysv_shm leak;
};

/*
 * Runs layout with args, under preload (NULL: none) with env, and removes
 * whatever segment it left, so that only layout_removes_segment is about
 * leaks.  Fails the test if the program could not be started.
 */
static void run_layout(struct layout_run *lr, const char *const args[],
		       const char *preload, const char *const env[])
{
	struct run_opts opts = { .timeout = LAYOUT_DEADLINE, .preload = preload,
				 .env = env };
	const char *const no_args[] = { NULL };
	char path[PATH_MAX];
	struct running *r;

	memset(lr, 0, sizeof *lr);
	snprintf(path, sizeof path, "%s/layout", grader_bindir());
	if (realpath(path, lr->exe) == NULL)
		snprintf(lr->exe, sizeof lr->exe, "%s", path);
	r = run_start("layout", args ? args : no_args, &opts);
	ck_assert_msg(r != NULL, "could not start layout: %s", strerror(errno));
	pid_t pid = run_pid(r);
	run_finish(r, &lr->res);
	ck_assert_msg(lr->res.spawn_error == 0, "could not start layout: %s",
		      strerror(lr->res.spawn_error));
	lr->leaked = remove_segments_of(pid, &lr->leak);
	parse_layout(lr->res.out, &lr->lo);
}

/* Runs layout under 02-shmsnap and requires a clean exit with output. */
static void run_layout_with_maps(struct layout_run *lr)
{
	char maps[PATH_MAX], env_maps[PATH_MAX + 32], how[64], err[64];
	const char *env[] = { env_maps, NULL };

	grader_tmp_path(maps, sizeof maps, "layout.maps");
	unlink(maps);
	snprintf(env_maps, sizeof env_maps, "GRADER_MAPS_OUT=%s", maps);
	run_layout(lr, NULL, "02-shmsnap", env);
	ck_assert_msg(lr->res.exited && lr->res.exit_code == 0,
		      "layout ended with %s, expected exit 0 (stderr: %s)",
		      run_describe(&lr->res, how, sizeof how),
		      grader_excerpt(err, sizeof err, lr->res.err, lr->res.err_len));
	ck_assert_msg(access(maps, R_OK) == 0,
		      "layout's address space could not be saved: end it with exit() "
		      "or a return from main, not _exit()");
	snprintf(lr->maps, sizeof lr->maps, "%s", maps);
}

/* The program's bss: anonymous memory right after its last file mapping. */
static bool is_bss(const struct layout_run *lr, const struct map_region *r)
{
	struct map_region before;

	if (r->path[0] != '\0' && strcmp(r->path, "[heap]") != 0)
		return false;
	return r->start > 0 && maps_find_in_file(lr->maps, r->start - 1, &before) &&
	       strcmp(before.path, lr->exe) == 0 && before.end == r->start;
}

/* The program's writable data: its rw-p file mapping, or the bss after it. */
static bool is_data(const struct layout_run *lr, const struct map_region *r)
{
	if (strncmp(r->perms, "rw", 2) != 0 || r->perms[3] != 'p')
		return false;
	return strcmp(r->path, lr->exe) == 0 || is_bss(lr, r);
}

/* What a mapping is, in a few words, for a hint. */
static const char *describe_region(const struct layout_run *lr,
				   const struct map_region *r, bool found)
{
	if (!found)
		return "no mapping at all";
	if (strcmp(r->path, lr->exe) == 0)
		return r->perms[1] == 'w' ? "the program's data" : "the program's code";
	if (strcmp(r->path, "[stack]") == 0)
		return "the stack";
	if (is_bss(lr, r))
		return "the program's bss";
	if (strcmp(r->path, "[heap]") == 0)
		return "the heap";
	if (strncmp(r->path, "/SYSV", 5) == 0)
		return "a System V segment";
	if (r->path[0] == '\0')
		return "anonymous memory";
	return strrchr(r->path, '/') ? strrchr(r->path, '/') + 1 : r->path;
}

START_TEST(layout_prints_four_lines)
{
	static const char *const formats[4] = {
		"array[] from %lx to %lx", "stack around %lx",
		"malloced from %lx to %lx", "shared memory attached from %lx to %lx",
	};
	struct layout_run lr;
	struct layout_output *lo = &lr.lo;
	char how[64], seen[64], expect[4][128];
	const char *line;

	run_layout(&lr, NULL, NULL, NULL);
	ck_assert_msg(lr.res.exited && lr.res.exit_code == 0,
		      "layout ended with %s, expected exit 0 (stderr: %s)",
		      run_describe(&lr.res, how, sizeof how),
		      grader_excerpt(seen, sizeof seen, lr.res.err, lr.res.err_len));
	ck_assert_msg(lo->have_array && lo->have_stack && lo->have_malloc &&
			      lo->have_shm,
		      "layout printed %s: expected APUE's four lines, 'array[] from', "
		      "'stack around', 'malloced from', 'shared memory attached from'",
		      grader_excerpt(seen, sizeof seen, lr.res.out, lr.res.out_len));

	/* The exact text, line by line. */
	snprintf(expect[0], sizeof expect[0], formats[0], lo->array_from, lo->array_to);
	snprintf(expect[1], sizeof expect[1], formats[1], lo->stack);
	snprintf(expect[2], sizeof expect[2], formats[2], lo->malloc_from, lo->malloc_to);
	snprintf(expect[3], sizeof expect[3], formats[3], lo->shm_from, lo->shm_to);
	line = lr.res.out;
	for (int i = 0; i < 4; i++) {
		size_t len = strlen(expect[i]);

		ck_assert_msg(strncmp(line, expect[i], len) == 0 && line[len] == '\n',
			      "line %d is %s, expected '%s' (APUE's text, %%lx: no 0x, "
			      "one line each, in this order)", i + 1,
			      grader_excerpt(seen, sizeof seen, line, strcspn(line, "\n")),
			      formats[i]);
		line += len + 1;
	}
	ck_assert_msg(*line == '\0', "after the four lines layout printed %s: "
		      "expected nothing more",
		      grader_excerpt(seen, sizeof seen, line, strlen(line)));

	/* The sizes of APUE's figure. */
	ck_assert_msg(lo->array_to - lo->array_from == ARRAY_SIZE,
		      "array[] spans %ld bytes, expected %d: print &array[0] and "
		      "&array[ARRAY_SIZE], ARRAY_SIZE 40000",
		      (long)(lo->array_to - lo->array_from), ARRAY_SIZE);
	ck_assert_msg(lo->malloc_to - lo->malloc_from == MALLOC_SIZE,
		      "the malloced range spans %ld bytes, expected %d: print ptr and "
		      "ptr + MALLOC_SIZE, MALLOC_SIZE 100000",
		      (long)(lo->malloc_to - lo->malloc_from), MALLOC_SIZE);
	ck_assert_msg(lo->shm_to - lo->shm_from == SHM_SIZE,
		      "the shared memory range spans %ld bytes, expected %d: print "
		      "shmptr and shmptr + SHM_SIZE, SHM_SIZE 100000",
		      (long)(lo->shm_to - lo->shm_from), SHM_SIZE);
	run_result_free(&lr.res);
}
END_TEST

/* A range one line of layout's output names, and the mappings holding its ends. */
struct printed_range {
	struct map_region first, last;
	bool found_first, found_last;
};

/*
 * Requires the line (its pattern in line) and a non-empty range from..to,
 * whose ends layout should print as start_expr and end_expr, then finds
 * the mappings that hold the first and the last byte.
 */
static void locate_range(const struct layout_run *lr, bool have, const char *line,
			 unsigned long from, unsigned long to, const char *start_expr,
			 const char *end_expr, struct printed_range *pr)
{
	char seen[64];

	ck_assert_msg(have, "no line '%s' in layout's output %s", line,
		      grader_excerpt(seen, sizeof seen, lr->res.out, lr->res.out_len));
	ck_assert_msg(to > from, "'%s' names an empty or reversed range, %lx to "
		      "%lx: print %s, then %s", line, from, to, start_expr, end_expr);
	memset(pr, 0, sizeof *pr);
	pr->found_first = maps_find_in_file(lr->maps, from, &pr->first);
	pr->found_last = maps_find_in_file(lr->maps, to - 1, &pr->last);
}

/*
 * Requires the range's first byte where ok says it belongs (expected, in
 * words).  The hint names a printed &pointer when the byte is on the
 * stack (on_stack_fix), what to print otherwise (fix).
 */
static void require_start(const struct layout_run *lr, const struct printed_range *pr,
			  bool ok, const char *what, unsigned long from,
			  const char *expected, const char *on_stack_fix, const char *fix)
{
	bool on_stack = pr->found_first && strcmp(pr->first.path, "[stack]") == 0;

	ck_assert_msg(ok, "%s starts at %lx, in %s, expected %s: %s", what, from,
		      describe_region(lr, &pr->first, pr->found_first), expected,
		      on_stack ? on_stack_fix : fix);
}

/* Requires the range's last byte in the mapping that holds its first. */
static void require_one_mapping(const struct layout_run *lr,
				const struct printed_range *pr, const char *what,
				unsigned long to, const char *beyond, const char *fix)
{
	ck_assert_msg(pr->found_last && pr->last.start == pr->first.start,
		      "%s ends at %lx, in %s, %s: %s", what, to,
		      describe_region(lr, &pr->last, pr->found_last), beyond, fix);
}

START_TEST(layout_array_in_bss)
{
	struct layout_run lr;
	struct printed_range pr;

	run_layout_with_maps(&lr);
	locate_range(&lr, lr.lo.have_array, "array[] from X to Y", lr.lo.array_from,
		     lr.lo.array_to, "&array[0]", "&array[ARRAY_SIZE]", &pr);
	require_start(&lr, &pr, pr.found_first && is_data(&lr, &pr.first), "array[]",
		      lr.lo.array_from, "the program's bss",
		      "declare array outside main, uninitialised",
		      "print &array[0] of a global char array[ARRAY_SIZE]");
	ck_assert_msg(pr.found_last && is_data(&lr, &pr.last),
		      "array[] ends at %lx, in %s, expected the program's bss: "
		      "print &array[ARRAY_SIZE] of a global array",
		      lr.lo.array_to, describe_region(&lr, &pr.last, pr.found_last));
	run_result_free(&lr.res);
}
END_TEST

START_TEST(layout_stack_address_on_stack)
{
	struct layout_run lr;
	struct map_region r = { 0 };
	bool found;
	char seen[64];

	run_layout_with_maps(&lr);
	ck_assert_msg(lr.lo.have_stack,
		      "no line 'stack around X' in layout's output %s",
		      grader_excerpt(seen, sizeof seen, lr.res.out, lr.res.out_len));
	found = maps_find_in_file(lr.maps, lr.lo.stack, &r);
	ck_assert_msg(found && strcmp(r.path, "[stack]") == 0,
		      "'stack around %lx' lies in %s, expected [stack]: %s",
		      lr.lo.stack, describe_region(&lr, &r, found),
		      found && is_data(&lr, &r)
			      ? "print the address of a local of main, not a global or static"
			      : "print the address of a local variable of main (&shmid)");
	run_result_free(&lr.res);
}
END_TEST

START_TEST(layout_malloc_in_heap)
{
	struct layout_run lr;
	struct printed_range pr;
	bool heap_like;

	run_layout_with_maps(&lr);
	locate_range(&lr, lr.lo.have_malloc, "malloced from X to Y", lr.lo.malloc_from,
		     lr.lo.malloc_to, "ptr", "ptr + MALLOC_SIZE", &pr);
	/* glibc's heap, or anonymous memory from mmap (large blocks, ASan). */
	heap_like = pr.found_first && strcmp(pr.first.perms, "rw-p") == 0 &&
		    (strcmp(pr.first.path, "[heap]") == 0 ||
		     (pr.first.path[0] == '\0' && !is_bss(&lr, &pr.first)));
	require_start(&lr, &pr, heap_like, "the malloced block", lr.lo.malloc_from,
		      "the heap", "printed &ptr instead of ptr?",
		      "print the pointer malloc returned");
	require_one_mapping(&lr, &pr, "the malloced block", lr.lo.malloc_to,
			    "outside the heap mapping that holds its start",
			    "print ptr + MALLOC_SIZE");
	run_result_free(&lr.res);
}
END_TEST

START_TEST(layout_shm_in_sysv_mapping)
{
	struct layout_run lr;
	struct printed_range pr;

	run_layout_with_maps(&lr);
	locate_range(&lr, lr.lo.have_shm, "shared memory attached from X to Y",
		     lr.lo.shm_from, lr.lo.shm_to, "shmptr", "shmptr + SHM_SIZE", &pr);
	require_start(&lr, &pr, pr.found_first && is_sysv_mapping(&pr.first),
		      "the shared memory", lr.lo.shm_from, "the /SYSV mapping",
		      "printed &shmptr instead of shmptr?", "print the address shmat returned");
	require_one_mapping(&lr, &pr, "the shared memory", lr.lo.shm_to,
			    "past the segment",
			    "print shmptr + SHM_SIZE and attach a segment of SHM_SIZE bytes");
	run_result_free(&lr.res);
}
END_TEST

START_TEST(layout_removes_segment)
{
	struct layout_run lr;
	char how[64], seen[64];

	run_layout(&lr, NULL, NULL, NULL);
	ck_assert_msg(lr.res.exited && lr.res.exit_code == 0 && lr.lo.have_shm,
		      "layout ended with %s and printed %s: expected exit 0 after the "
		      "'shared memory attached' line",
		      run_describe(&lr.res, how, sizeof how),
		      grader_excerpt(seen, sizeof seen, lr.res.out, lr.res.out_len));
	ck_assert_msg(lr.leaked == 0,
		      "layout left segment %d (%zu bytes) behind after it ended: remove "
		      "it with segment_remove, shmctl(IPC_RMID)", lr.leak.shmid,
		      lr.leak.size);
	run_result_free(&lr.res);
}
END_TEST

START_TEST(layout_cleans_up_when_shmat_fails)
{
	struct layout_run lr;
	char log_path[PATH_MAX], env_log[PATH_MAX + 32], how[64], shown[128];
	const char *env[] = { env_log, NULL };
	const char *newline;
	int logged_id = -1;
	FILE *log;

	grader_tmp_path(log_path, sizeof log_path, "shmat.log");
	unlink(log_path);
	snprintf(env_log, sizeof env_log, "GRADER_SHMAT_LOG=%s", log_path);
	run_layout(&lr, NULL, "02-noshmat", env);

	log = fopen(log_path, "r");
	if (log != NULL) {
		if (fscanf(log, "shmat %d", &logged_id) != 1)
			logged_id = -1;
		fclose(log);
	}
	ck_assert_msg(logged_id >= 0,
		      "layout never called shmat (it ended with %s): create the "
		      "segment, then attach it", run_describe(&lr.res, how, sizeof how));
	ck_assert_msg(!(lr.res.exited && lr.res.exit_code == 0),
		      "shmat failed (ENOMEM) but layout exited 0: check "
		      "segment_attach's NULL and end with die(\"shmat\")");
	ck_assert_msg(lr.res.exited && lr.res.err_len > 0,
		      "when shmat failed layout ended with %s and printed nothing on "
		      "stderr: expected one line and exit 1, e.g. die(\"shmat\")",
		      run_describe(&lr.res, how, sizeof how));
	ck_assert_msg(lr.leaked == 0,
		      "when shmat failed, layout left segment %d behind: remove it "
		      "(shmctl IPC_RMID) before dying, or mark it for removal as soon "
		      "as it is attached",
		      lr.leak.shmid);
	newline = memchr(lr.res.err, '\n', lr.res.err_len);
	ck_assert_msg(newline == lr.res.err + lr.res.err_len - 1, "when shmat failed "
		      "layout wrote %s on stderr: expected one line, the shmat error; "
		      "a removal that worked is no error (segment_remove returns 0)",
		      grader_excerpt(shown, sizeof shown, lr.res.err, lr.res.err_len));
	run_result_free(&lr.res);

	/* The segment's other calls failing: shmget first, shmdt last. */
	sweep_program("layout", NULL, "layout", FAULT_shmget, 1, ENOSPC,
		      "check segment_create's -1", &lr.res);
	run_result_free(&lr.res);
	sweep_program("layout", NULL, "layout", FAULT_shmdt, 1, EINVAL,
		      "check segment_detach's -1", &lr.res);
	run_result_free(&lr.res);
}
END_TEST

START_TEST(layout_rejects_arguments)
{
	char arg[16], how[64], seen[64];
	const char *args[] = { arg, NULL };
	struct layout_run lr;

	grader_random_text(arg, grader_random_between(1, sizeof arg - 1));
	run_layout(&lr, args, NULL, NULL);
	ck_assert_msg(lr.res.exited && lr.res.exit_code == 2,
		      "layout '%s' ended with %s, expected exit 2 with a usage line: "
		      "check argc, call usage()", arg,
		      run_describe(&lr.res, how, sizeof how));
	ck_assert_msg(strncmp(lr.res.err, "usage: ", 7) == 0,
		      "layout '%s' wrote %s on stderr, expected 'usage: layout ...'",
		      arg, grader_excerpt(seen, sizeof seen, lr.res.err, lr.res.err_len));
	ck_assert_msg(lr.res.out_len == 0,
		      "layout '%s' printed %s before refusing: check the arguments first",
		      arg, grader_excerpt(seen, sizeof seen, lr.res.out, lr.res.out_len));
	ck_assert_msg(lr.leaked == 0,
		      "layout '%s' left segment %d behind: check the arguments before "
		      "creating anything", arg, lr.leak.shmid);
	run_result_free(&lr.res);
}
END_TEST

#include GRADER_HIDDEN_TESTS	/* this lab's hidden items, if any (grader.h) */

static const struct graded_item graded_items[] = {
#include "02-address-layout.def"
#include GRADER_HIDDEN_ITEMS
};
GRADER_MAIN("02-address-layout")
