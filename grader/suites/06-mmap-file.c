/*
 * 06-mmap-file.c - the grader of lab 06: the lecture's mmap reader/writer.
 *
 * The library's mapping functions are called directly; the program
 * mmapdemo is run as a child, on files this suite prepares in the item's
 * own working folder.  What ends up in a file is always read back with
 * plain read(2), never through a mapping of the grader's own.
 */
#include "grader.h"
#include "mapfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>

/* mmapdemo maps this many bytes, as the lecture's MAX_INPUT_LENGTH. */
enum { MAPPED = 20, LONGEST_TEXT = MAPPED - 2 };

enum { PAGE = 4096 };

/* ---- files, read and written without mmap ---- */

/* An absolute path in the item's working folder (the test's cwd). */
static char *work_path(char *buf, size_t size, const char *name)
{
	char cwd[PATH_MAX];

	ck_assert_msg(getcwd(cwd, sizeof cwd) != NULL, "grader: getcwd: %s",
		      strerror(errno));
	ck_assert_msg((size_t)snprintf(buf, size, "%s/%s", cwd, name) < size,
		      "grader: the working folder's path is too long");
	return buf;
}

static void write_file(const char *path, const void *data, size_t len,
		       mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	const char *p = data;

	ck_assert_msg(fd >= 0, "grader: cannot create %s: %s", path,
		      strerror(errno));
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		ck_assert_msg(n > 0, "grader: cannot write %s: %s", path,
			      strerror(errno));
		p += n;
		len -= (size_t)n;
	}
	ck_assert_msg(close(fd) == 0, "grader: close %s: %s", path,
		      strerror(errno));
}

/* Writes len bytes of data to a new file name in the work folder, mode 0600. */
static void work_file(char path[PATH_MAX], const char *name, const void *data,
		      size_t len)
{
	write_file(work_path(path, PATH_MAX, name), data, len, 0600);
}

/* The whole file, NUL-terminated, or NULL (errno) when it cannot be read. */
static char *read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf = NULL;
	size_t used = 0, cap = 0;

	*len = 0;
	if (fd < 0)
		return NULL;
	for (;;) {
		ssize_t n;

		if (used + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			ck_assert_msg(buf != NULL, "grader: out of memory");
		}
		n = read(fd, buf + used, cap - used - 1);
		if (n < 0 && errno == EINTR)
			continue;
		ck_assert_msg(n >= 0, "grader: read %s: %s", path, strerror(errno));
		if (n == 0)
			break;
		used += (size_t)n;
	}
	close(fd);
	buf[used] = '\0';
	*len = used;
	return buf;
}

static bool file_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static off_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_size : -1;
}

/* A random line of printable text, len characters, no newline. */
static void random_line(char *buf, size_t len)
{
	grader_random_text(buf, len);
}

/* ---- mappings ---- */

/* A mapping to touch, page by page. */
struct mapping {
	char *map;
	size_t size;
};

static void touch_pages(void *arg)
{
	const struct mapping *m = arg;
	volatile char *p = m->map;

	for (size_t i = 0; i < m->size; i += PAGE)
		p[i] = p[i];
	p[m->size - 1] = p[m->size - 1];
}

/*
 * Touches every page of a mapping (and its last byte) in a child, so that
 * a SIGBUS becomes a hint instead of killing the test.  Returns its status.
 */
static int probe_mapping(char *map, size_t size)
{
	struct mapping m = { map, size };
	pid_t pid = child_start(touch_pages, &m, NULL);
	int status;

	if (!child_wait_until(pid, 2.0, &status)) {
		child_stop(&pid);
		ck_abort_msg("grader: the probe of the mapping did not end");
	}
	return status;
}

/* Finds how pid (0: this process) maps path; false if it does not. */
static bool maps_of_file(pid_t pid, const char *path, struct map_region *out)
{
	char maps[64];
	char line[1024];
	FILE *f;
	bool found = false;

	if (pid == 0)
		snprintf(maps, sizeof maps, "/proc/self/maps");
	else
		snprintf(maps, sizeof maps, "/proc/%d/maps", (int)pid);
	f = fopen(maps, "re");
	if (f == NULL)
		return false;
	while (!found && fgets(line, sizeof line, f) != NULL) {
		unsigned long start, end, offset;
		int at = 0;

		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%lx-%lx %4s %lx %*s %*s %n", &start, &end,
			   out->perms, &offset, &at) >= 4 && at > 0 &&
		    strcmp(line + at, path) == 0) {
			out->start = start;
			out->end = end;
			out->offset = offset;
			snprintf(out->path, sizeof out->path, "%s", path);
			found = true;
		}
	}
	fclose(f);
	return found;
}

static int count_open_fds(void)
{
	int fds[1024];

	return fds_list(0, fds, 1024);
}

/* Asserts that a mapping function returned a mapping. */
#define ASSERT_MAPPED(map, call, path)                                         \
	ck_assert_msg((map) != NULL,                                           \
		      "%s returned NULL (errno %s) for %s: expected a mapping",\
		      call, strerrorname_np(errno) ? strerrorname_np(errno) : "?", \
		      path)

/* ---- running mmapdemo ---- */

static char *describe(const struct run_result *res)
{
	static char buf[96];

	return (char *)run_describe(res, buf, sizeof buf);
}

/* Runs mmapdemo with stdin (may be NULL) and a deadline. */
static void run_mmapdemo(const char *const args[], const char *input,
			 double timeout, struct run_result *res)
{
	struct run_opts opts = { .input = input, .timeout = timeout };

	/* A program that quits before reading its input: EPIPE, not death. */
	signal(SIGPIPE, SIG_IGN);
	run_program("mmapdemo", args, &opts, res);
	ck_assert_msg(res->spawn_error == 0, "could not start mmapdemo: %s "
		      "(does the lab build the program mmapdemo?)",
		      strerror(res->spawn_error));
}

/* Input for the writer: n random lines; returns the last line's text. */
static char *writer_input(char *input, size_t size, int n, char *last,
			  size_t last_len)
{
	size_t used = 0;

	input[0] = '\0';
	for (int i = 0; i < n; i++) {
		char line[64];
		size_t len = i == n - 1 ? last_len
				       : grader_random_between(1, LONGEST_TEXT);

		random_line(line, len);
		if (i == n - 1)
			memcpy(last, line, len + 1);
		used += (size_t)snprintf(input + used, size - used, "%s\n", line);
	}
	return last;
}

/*
 * After a writer ran: it must not have died of a signal (SIGBUS: the
 * mapping went past the end of the file) nor failed.  A writer still
 * running at its deadline is judged later, after what it wrote.
 */
static void assert_writer_ran(const struct run_result *res, const char *what)
{
	char err[64];

	ck_assert_msg(res->term_signal != SIGBUS,
		      "mmapdemo FILE write on %s was killed by SIGBUS: the mapping "
		      "reaches past the end of the file; ftruncate the file to the "
		      "mapping's size first", what);
	ck_assert_msg(res->timed_out || (res->exited && res->exit_code == 0),
		      "mmapdemo FILE write on %s: %s, expected exit 0; stderr %s", what,
		      describe(res), grader_excerpt(err, sizeof err, res->err,
						    res->err_len));
}

/* After a writer ran: it stopped at the end of its input, with status 0. */
static void assert_writer_exited(const struct run_result *res)
{
	char err[64];

	ck_assert_msg(!res->timed_out,
		      "mmapdemo FILE write was still running %.1f s after its input "
		      "ended: stop at end of input (getline/fgets return EOF) "
		      "instead of looping", res->seconds);
	ck_assert_msg(res->exited && res->exit_code == 0,
		      "mmapdemo FILE write: %s, expected exit 0; stderr %s",
		      describe(res), grader_excerpt(err, sizeof err, res->err,
						    res->err_len));
}

/* Whether the file's first MAPPED bytes are still what they were before. */
static bool unchanged(const char *data, size_t len, const char *before,
		      size_t before_len)
{
	for (size_t i = 0; i < MAPPED; i++) {
		char was = i < before_len ? before[i] : '\0';

		if ((i < len ? data[i] : '\0') != was)
			return false;
	}
	return true;
}

/*
 * The first MAPPED bytes of a file the writer left: the last line, its
 * newline, a NUL.  before: what the file held (before_len bytes).
 */
static void assert_holds_line(const char *data, size_t len, const char *line,
			      const char *what, const char *before,
			      size_t before_len)
{
	char seen[64], want[64];
	size_t n = strlen(line);
	char expected[MAPPED];

	memcpy(expected, line, n);
	expected[n] = '\n';
	expected[n + 1] = '\0';
	ck_assert_msg(len >= n + 2 && memcmp(data, expected, n + 2) == 0,
		      "after the writer, the %s should start with its last line %s "
		      "+ NUL; read(2) gives %s%s", what,
		      grader_excerpt(want, sizeof want, expected, n + 1),
		      grader_excerpt(seen, sizeof seen, data, len < MAPPED ? len : MAPPED),
		      unchanged(data, len, before, before_len)
		      ? ": no write reached the file (MAP_PRIVATE?)" : "");
}

/* One line of stderr naming the file, nothing that looks like a crash. */
static void assert_one_line_error(const struct run_result *res,
				  const char *case_name, const char *path)
{
	char err[64];
	const char *nl = memchr(res->err, '\n', res->err_len);

	ck_assert_msg(!res->timed_out,
		      "mmapdemo on %s was still running after %.1f s: expected an "
		      "error at once", case_name, res->seconds);
	ck_assert_msg(res->term_signal == 0,
		      "mmapdemo on %s was %s: check what open/mmap return and "
		      "report the error instead", case_name, describe(res));
	ck_assert_msg(res->exit_code != 0,
		      "mmapdemo on %s exited 0 (stderr %s): expected a non-zero "
		      "status", case_name,
		      grader_excerpt(err, sizeof err, res->err, res->err_len));
	ck_assert_msg(!run_getopt_spoke_first(res->err), "mmapdemo on %s printed %s on "
		      "stderr: getopt printed a message of its own before yours: set "
		      "opterr = 0 and print one line", case_name,
		      grader_excerpt(err, sizeof err, res->err, res->err_len));
	ck_assert_msg(res->err_len > 1 && nl == res->err + res->err_len - 1,
		      "mmapdemo on %s: expected exactly one line on stderr, saw %s",
		      case_name, grader_excerpt(err, sizeof err, res->err,
						res->err_len));
	ck_assert_msg(path == NULL || strstr(res->err, path) != NULL,
		      "mmapdemo on %s: the error %s should name the file %s",
		      case_name, grader_excerpt(err, sizeof err, res->err,
						res->err_len), path);
}

/* Runs mmapdemo with args (and input) and requires assert_one_line_error's refusal. */
static void expect_refusal(const char *const args[], const char *input,
			   const char *case_name, const char *path)
{
	struct run_result res;

	run_mmapdemo(args, input, 2.0, &res);
	assert_one_line_error(&res, case_name, path);
	run_result_free(&res);
}

/* ================= the library: map_file_shared ================= */

START_TEST(map_new_file)
{
	char path[PATH_MAX], text[3 * PAGE + 200];
	const size_t size = grader_random_between(1, 3 * PAGE + 100);
	char *map, *data;
	size_t len;
	int status;

	work_path(path, sizeof path, "new.dat");
	map = map_file_shared(path, size);
	ASSERT_MAPPED(map, "map_file_shared", "a new file");
	status = probe_mapping(map, size);
	ck_assert_msg(!WIFSIGNALED(status) || WTERMSIG(status) != SIGBUS,
		      "touching the %zu-byte mapping of a new file raised SIGBUS: "
		      "the file is still empty; ftruncate it to the mapping's size",
		      size);
	ck_assert_msg(status == 0, "touching the %zu-byte mapping of a new file: "
		      "%s", size, grader_describe_status(status, text, 64));
	random_line(text, size - 1);
	memcpy(map, text, size);  /* with its NUL as the last byte */
	ck_assert_msg(unmap_file(map, size) == 0,
		      "unmap_file returned -1 (errno %s): expected 0",
		      strerrorname_np(errno) ? strerrorname_np(errno) : "?");
	ck_assert_msg(file_size(path) == (off_t)size,
		      "the new file is %lld bytes after mapping %zu: expected %zu "
		      "(ftruncate to the size)", (long long)file_size(path), size, size);
	data = read_file(path, &len);
	ck_assert_msg(data && len == size && memcmp(data, text, size) == 0,
		      "what was written through the mapping is not in the file "
		      "(read(2) sees other bytes): map it MAP_SHARED, not MAP_PRIVATE");
	free(data);
	/* A size of 0 is refused before anything is opened or created. */
	work_path(path, sizeof path, "never.dat");
	errno = 0;
	ck_assert_msg(map_file_shared(path, 0) == NULL && errno == EINVAL,
		      "map_file_shared(path, 0) should fail with EINVAL (errno %s)",
		      grader_errno_name(errno));
	ck_assert_msg(!file_exists(path), "map_file_shared(path, 0) failed but created "
		      "the file: check the size first, as mapfile.h says");
}
END_TEST

START_TEST(map_shared_visible)
{
	char path[PATH_MAX], old[2 * PAGE], text[2 * PAGE], seen[2 * PAGE];
	const size_t size = grader_random_between(MAPPED, 2 * PAGE);
	struct map_region region;
	char *map;
	int fd;

	grader_random_bytes(old, size);
	work_file(path, "shared.dat", old, size);
	map = map_file_shared(path, size);
	ASSERT_MAPPED(map, "map_file_shared", "an existing file");
	ck_assert_msg(maps_of_file(0, path, &region),
		      "/proc/self/maps shows no mapping of the file: mmap the file's "
		      "descriptor, not anonymous memory");
	ck_assert_msg(region.perms[3] == 's',
		      "/proc/self/maps shows the file mapped \"%s\": expected "
		      "\"rw-s\", a MAP_SHARED mapping", region.perms);
	ck_assert_msg(region.perms[0] == 'r' && region.perms[1] == 'w',
		      "/proc/self/maps shows the file mapped \"%s\": expected "
		      "PROT_READ | PROT_WRITE", region.perms);
	/* Both ways, without unmapping: one page cache behind both. */
	random_line(text, size - 1);
	memcpy(map, text, size);
	fd = open(path, O_RDWR | O_CLOEXEC);
	ck_assert_msg(fd >= 0, "grader: open %s: %s", path, strerror(errno));
	ck_assert_msg(pread(fd, seen, size, 0) == (ssize_t)size,
		      "grader: pread: %s", strerror(errno));
	ck_assert_msg(memcmp(seen, text, size) == 0,
		      "read(2) does not see a write made through the mapping: "
		      "the mapping must be MAP_SHARED");
	random_line(text, size - 1);
	ck_assert_msg(pwrite(fd, text, size, 0) == (ssize_t)size,
		      "grader: pwrite: %s", strerror(errno));
	close(fd);
	ck_assert_msg(memcmp(map, text, size) == 0,
		      "the mapping does not show a write(2) made to the file: "
		      "the mapping must be MAP_SHARED");
	munmap(map, size);
}
END_TEST

START_TEST(map_mode_0600)
{
	char path[PATH_MAX];
	const size_t size = grader_random_between(1, 2 * PAGE);
	struct stat st;
	char *map;

	umask(0);  /* shows the mode exactly as open() was asked for it */
	work_path(path, sizeof path, "mode.dat");
	map = map_file_shared(path, size);
	ASSERT_MAPPED(map, "map_file_shared", "a new file");
	munmap(map, size);
	ck_assert_msg(stat(path, &st) == 0, "grader: stat %s: %s", path,
		      strerror(errno));
	ck_assert_msg((st.st_mode & 07777) == 0600,
		      "the new file has mode %04o (with umask 0): expected 0600, "
		      "read and write for its owner only; pass 0600 to open()",
		      (unsigned)(st.st_mode & 07777));
}
END_TEST

START_TEST(map_short_file)
{
	char path[PATH_MAX], old[2 * PAGE];
	const size_t size = grader_random_between(2, 2 * PAGE);
	const size_t kept = grader_random_between(1, (uint32_t)size - 1);
	char *map;
	int status;

	grader_random_bytes(old, kept);
	work_file(path, "short.dat", old, kept);
	map = map_file_shared(path, size);
	ASSERT_MAPPED(map, "map_file_shared", "a file shorter than the mapping");
	status = probe_mapping(map, size);
	ck_assert_msg(!WIFSIGNALED(status) || WTERMSIG(status) != SIGBUS,
		      "touching a %zu-byte mapping of a %zu-byte file raised SIGBUS: "
		      "grow the file with ftruncate first", size, kept);
	ck_assert_msg(memcmp(map, old, kept) == 0,
		      "the file's first %zu bytes are not in the mapping: the file "
		      "was emptied (O_TRUNC?); keep what it holds", kept);
	ck_assert_msg(file_size(path) == (off_t)size,
		      "a %zu-byte file mapped for %zu bytes is %lld bytes long: "
		      "expected %zu (ftruncate); bytes past the end of a file are "
		      "not saved", kept, size, (long long)file_size(path), size);
	munmap(map, size);
}
END_TEST

START_TEST(map_long_file)
{
	char path[PATH_MAX], *old, *data;
	const size_t size = grader_random_between(1, 2 * PAGE);
	const size_t extra = grader_random_between(1, 3 * PAGE);
	char *map;
	size_t len;

	old = malloc(size + extra);
	ck_assert_msg(old != NULL, "grader: out of memory");
	grader_random_bytes(old, size + extra);
	work_file(path, "long.dat", old, size + extra);
	map = map_file_shared(path, size);
	ASSERT_MAPPED(map, "map_file_shared", "a file longer than the mapping");
	ck_assert_msg(memcmp(map, old, size) == 0,
		      "the mapping does not hold the file's first %zu bytes: the file "
		      "was emptied (O_TRUNC?)", size);
	memset(map, 'x', size);
	munmap(map, size);
	data = read_file(path, &len);
	ck_assert_msg(data && len == size + extra,
		      "a %zu-byte file mapped for %zu bytes is now %zu bytes: never "
		      "shrink the file, ftruncate only when it is shorter",
		      size + extra, size, len);
	ck_assert_msg(memcmp(data + size, old + size, extra) == 0,
		      "the file's bytes past the %zu mapped ones changed: they are not "
		      "the mapping's to touch", size);
	free(data);
	free(old);
}
END_TEST

/* One call of map_file_shared or map_file_readonly, for the fault sweeps. */
struct mapping_attempt {
	const char *path;
	size_t size;
	bool readonly;
	void *map;
};

static bool map_attempt(void *ctx)
{
	struct mapping_attempt *a = ctx;

	if (a->readonly)
		a->map = (void *)map_file_readonly(a->path, a->size);
	else
		a->map = map_file_shared(a->path, a->size);
	return a->map != NULL;  /* MAP_FAILED too: a failure must be NULL */
}

static void map_undo(void *ctx)
{
	struct mapping_attempt *a = ctx;

	if (a->map != MAP_FAILED)
		munmap(a->map, a->size);
	if (!a->readonly)
		unlink(a->path);   /* so that every attempt creates and grows it */
}

/*
 * Each call the two functions make fails in turn: each must return NULL
 * with that call's errno and leave no descriptor or mapping behind.  And
 * a descriptor 0 (standard input closed) is a descriptor like any other.
 */
static void sweep_mapping_functions(const char *path, const char *existing, size_t size)
{
	static const struct sweep_call shared_calls[] = {
		/* A file never grown is map_short_file's business. */
		{ .call = FAULT_open, .error = EACCES }, { .call = FAULT_ftruncate, .error = EFBIG, .optional = true },
		{ .call = FAULT_mmap, .error = ENOMEM }, { .call = FAULT_close, .error = EIO },
	};
	static const struct sweep_call readonly_calls[] = {
		{ .call = FAULT_open, .error = EACCES }, { .call = FAULT_mmap, .error = ENOMEM }, { .call = FAULT_close, .error = EIO },
	};
	struct mapping_attempt shared = { path, size, false, NULL };
	struct mapping_attempt readonly = { existing, size, true, NULL };
	const struct sweep shared_sweep = {
		.what = "map_file_shared", .attempt = map_attempt, .undo = map_undo,
		.undo_what = "munmap", .ctx = &shared,
	};
	const struct sweep readonly_sweep = {
		.what = "map_file_readonly", .attempt = map_attempt, .undo = map_undo,
		.undo_what = "munmap", .ctx = &readonly,
	};

	sweep_faults(&shared_sweep, shared_calls, 4);
	sweep_faults(&readonly_sweep, readonly_calls, 3);
	sweep_with_stdin_closed(&shared_sweep);
	sweep_with_stdin_closed(&readonly_sweep);
}

START_TEST(map_closes_descriptor)
{
	char path[PATH_MAX], dir[PATH_MAX];
	const size_t size = grader_random_between(MAPPED, 2 * PAGE);
	const int before = count_open_fds();
	char *map;
	const char *view;
	char *zeros = calloc(1, size);

	/* Of the right size already: this item is about descriptors only. */
	ck_assert_msg(zeros != NULL, "grader: out of memory");
	work_path(path, sizeof path, "fds.dat");
	write_file(path, zeros, size, 0600);
	free(zeros);
	map = map_file_shared(path, size);
	ASSERT_MAPPED(map, "map_file_shared", "an existing file");
	ck_assert_msg(count_open_fds() == before,
		      "map_file_shared left %d descriptor(s) open: close the file "
		      "after mmap, the mapping keeps it open", count_open_fds() - before);
	view = map_file_readonly(path, size);
	ASSERT_MAPPED(view, "map_file_readonly", "a file of the right size");
	ck_assert_msg(count_open_fds() == before,
		      "map_file_readonly left %d descriptor(s) open: close the file "
		      "after mmap", count_open_fds() - before);
	munmap(map, size);
	munmap((void *)view, size);
	/* The error paths close what they opened, too. */
	work_path(dir, sizeof dir, "a-directory");
	ck_assert_msg(mkdir(dir, 0700) == 0, "grader: mkdir: %s", strerror(errno));
	ck_assert_msg(map_file_readonly(dir, size) == NULL,
		      "map_file_readonly mapped a directory: expected NULL");
	ck_assert_msg(count_open_fds() == before,
		      "map_file_readonly on a directory failed but left %d "
		      "descriptor(s) open: close it on every error path",
		      count_open_fds() - before);
	write_file(path, "", 0, 0600);
	ck_assert_msg(map_file_readonly(path, size) == NULL,
		      "map_file_readonly mapped an empty file for %zu bytes: expected "
		      "NULL with ERANGE: a reader checks with fstat that the file holds "
		      "all size bytes before mapping them (§5)", size);
	ck_assert_msg(count_open_fds() == before,
		      "map_file_readonly on an empty file failed but left %d "
		      "descriptor(s) open: close it on every error path",
		      count_open_fds() - before);
	work_path(dir, sizeof dir, "swept.dat");
	zeros = calloc(1, size);
	ck_assert_msg(zeros != NULL, "grader: out of memory");
	write_file(path, zeros, size, 0600);
	free(zeros);
	sweep_mapping_functions(dir, path, size);
}
END_TEST

/* ================= the library: map_file_readonly ================= */

START_TEST(unmap_file_syncs)
{
	char path[PATH_MAX], text[MAPPED];
	struct map_region region;
	char *map;
	int rc, saved;
	bool fired;

	random_line(text, MAPPED - 1);
	work_file(path, "sync.dat", text, MAPPED);
	map = map_file_shared(path, MAPPED);
	ASSERT_MAPPED(map, "map_file_shared", "an existing file");
	fault_arm(FAULT_msync, 1, EIO);
	rc = unmap_file(map, MAPPED);
	saved = errno;
	fired = fault_disarm();
	ck_assert_msg(fired, "unmap_file never called msync: msync(MS_SYNC) before "
		      "munmap, or what was written may never reach the disk");
	ck_assert_msg(rc == -1 && saved == EIO, "unmap_file returned %d (errno %s) "
		      "when msync failed with EIO: return -1 with msync's errno: the "
		      "data may not be on the disk", rc, grader_errno_name(saved));
	ck_assert_msg(!maps_of_file(0, path, &region), "after unmap_file, whose msync "
		      "failed, the file is still mapped (%s): munmap even when msync "
		      "fails", region.perms);
}
END_TEST

START_TEST(map_readonly)
{
	char path[PATH_MAX], old[3 * PAGE], text[2 * PAGE];
	const size_t size = grader_random_between(MAPPED, 2 * PAGE);
	const size_t extra = grader_random_between(0, PAGE);
	struct map_region region;
	const char *view;
	int fd;

	grader_random_bytes(old, size + extra);
	work_file(path, "view.dat", old, size + extra);
	view = map_file_readonly(path, size);
	ASSERT_MAPPED(view, "map_file_readonly", "an existing file");
	ck_assert_msg(memcmp(view, old, size) == 0,
		      "map_file_readonly's mapping does not hold the file's bytes");
	ck_assert_msg(maps_of_file(0, path, &region),
		      "/proc/self/maps shows no mapping of the file");
	ck_assert_msg(region.perms[3] == 's',
		      "/proc/self/maps shows the file mapped \"%s\": expected "
		      "\"r--s\"; POSIX does not promise a MAP_PRIVATE mapping sees "
		      "later changes", region.perms);
	ck_assert_msg(region.perms[1] == '-',
		      "/proc/self/maps shows the file mapped \"%s\": a reader maps "
		      "PROT_READ only", region.perms);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	ck_assert_msg(fd >= 0, "grader: open: %s", strerror(errno));
	random_line(text, size - 1);
	ck_assert_msg(pwrite(fd, text, size, 0) == (ssize_t)size,
		      "grader: pwrite: %s", strerror(errno));
	close(fd);
	ck_assert_msg(memcmp(view, text, size) == 0,
		      "the read-only mapping does not show a later write(2) to the file");
	munmap((void *)view, size);
	/* A reader never creates a file, nor maps past the end of one. */
	work_path(path, sizeof path, "missing.dat");
	errno = 0;
	view = map_file_readonly(path, size);
	ck_assert_msg(!file_exists(path),
		      "map_file_readonly created the missing file: no O_CREAT for a reader");
	ck_assert_msg(view == NULL && errno == ENOENT,
		      "map_file_readonly on a missing file: expected NULL with ENOENT, "
		      "saw errno %s", strerrorname_np(errno) ? strerrorname_np(errno) : "0");
}
END_TEST

/* ================= the program: mmapdemo FILE write ================= */

START_TEST(writer_new_file)
{
	char path[PATH_MAX], input[1024], last[MAPPED], *data;
	const int lines = (int)grader_random_between(2, 6);
	const char *args[] = { path, "write", NULL };
	struct run_result res;
	size_t len;

	work_path(path, sizeof path, "new.txt");
	writer_input(input, sizeof input, lines, last,
		     grader_random_between(1, LONGEST_TEXT));
	run_mmapdemo(args, input, 2.5, &res);
	assert_writer_ran(&res, "a new file");
	ck_assert_msg(file_exists(path), "mmapdemo FILE write (%s) did not create "
		      "FILE: open it with O_CREAT", describe(&res));
	data = read_file(path, &len);
	ck_assert_msg(data && len == MAPPED,
		      "after mmapdemo FILE write, the new file is %zu bytes: expected "
		      "%d, the size of the mapping (ftruncate)", len, MAPPED);
	assert_holds_line(data, len, last, "new FILE", NULL, 0);
	assert_writer_exited(&res);
	free(data);
	run_result_free(&res);
}
END_TEST

/*
 * Runs mmapdemo with its munmap failing (EINVAL): the program must notice
 * unmap_file's -1 and exit non-zero with one line saying why.
 */
static void expect_unmap_failure_reported(const char *const args[], const char *input,
					  const char *role)
{
	char fault[64], err[64];
	const char *env[] = { fault_env(fault, sizeof fault, FAULT_munmap, 1, EINVAL), NULL };
	struct run_opts opts = { .input = input, .timeout = 2.5, .preload = "faults",
				 .env = env };
	struct run_result res;

	signal(SIGPIPE, SIG_IGN);
	run_program("mmapdemo", args, &opts, &res);
	ck_assert_msg(res.spawn_error == 0, "could not start mmapdemo: %s",
		      strerror(res.spawn_error));
	ck_assert_msg(strstr(res.err, "faults: never called munmap") == NULL,
		      "the %s never called munmap: unmap_file the mapping before "
		      "exiting", role);
	ck_assert_msg(res.exited && res.exit_code != 0 &&
		      strstr(res.err, strerror(EINVAL)) != NULL, "the %s, whose munmap "
		      "failed with EINVAL, %s (stderr %s): check unmap_file's result "
		      "and exit 1 with a line ending in \"%s\"", role, describe(&res),
		      grader_excerpt(err, sizeof err, res.err, res.err_len),
		      strerror(EINVAL));
	run_result_free(&res);
}

START_TEST(writer_syncs_each_line)
{
	char path[PATH_MAX], first[MAPPED], line[MAPPED], input[3 * MAPPED + 4];
	char fault[64], err[64], *data;
	const char *env[] = { fault_env(fault, sizeof fault, FAULT_msync, 1, EIO), NULL };
	const char *args[] = { path, "write", NULL };
	struct run_opts opts = { .input = input, .timeout = 2.5, .preload = "faults",
				 .env = env };
	struct run_result res;
	size_t len, first_len = grader_random_between(1, LONGEST_TEXT);

	/* Three lines; the first msync fails: after the first, if per line. */
	random_line(first, first_len);
	snprintf(input, sizeof input, "%s\n", first);
	for (int i = 0; i < 2; i++) {
		random_line(line, grader_random_between(1, LONGEST_TEXT));
		snprintf(input + strlen(input), sizeof input - strlen(input), "%s\n", line);
	}
	work_path(path, sizeof path, "sync.txt");
	signal(SIGPIPE, SIG_IGN);
	run_program("mmapdemo", args, &opts, &res);
	ck_assert_msg(res.spawn_error == 0, "could not start mmapdemo: %s",
		      strerror(res.spawn_error));
	ck_assert_msg(res.term_signal != SIGBUS, "mmapdemo FILE write was killed by "
		      "SIGBUS: the mapping reaches past the end of the file; ftruncate "
		      "the file to the mapping's size first");
	ck_assert_msg(res.exited && res.exit_code != 0, "mmapdemo FILE write, whose "
		      "msync failed with EIO, %s: it should stop at once, with one line "
		      "on stderr and exit 1 (stderr %s); check msync's result, or call "
		      "msync at all (§3, §6)", describe(&res),
		      grader_excerpt(err, sizeof err, res.err, res.err_len));
	data = read_file(path, &len);
	ck_assert_msg(data != NULL, "mmapdemo FILE write, whose msync failed, left no "
		      "FILE (stderr %s): create and map it before reading input",
		      grader_excerpt(err, sizeof err, res.err, res.err_len));
	ck_assert_msg(len < MAPPED || !unchanged(data, len, "", 0), "FILE is all zero "
		      "bytes after the writer stored a line: its stores never reached "
		      "the file: map it MAP_SHARED (§4)");
	ck_assert_msg(len >= first_len + 1 && memcmp(data, first, first_len) == 0 &&
		      data[first_len] == '\n', "FILE holds %s, not the first line, "
		      "whose msync failed: the writer went on storing lines, with its "
		      "first msync later: msync(MS_SYNC) once a line is stored, before "
		      "reading the next (§3)", grader_excerpt(err, sizeof err, data, len));
	ck_assert_msg(strstr(res.err, strerror(EIO)) != NULL, "mmapdemo FILE write, "
		      "whose msync failed with EIO, wrote %s on stderr: expected a line "
		      "ending with \"%s\"", grader_excerpt(err, sizeof err, res.err,
							res.err_len), strerror(EIO));
	free(data);
	run_result_free(&res);
	expect_unmap_failure_reported(args, input, "writer");
}
END_TEST

START_TEST(writer_cuts_long_lines)
{
	char path[PATH_MAX], first[MAPPED], longer[64], input[128], cut[MAPPED];
	char want[64], seen[64], *data;
	const char *args[] = { path, "write", NULL };
	struct run_result res;
	size_t len, long_len = grader_random_between(LONGEST_TEXT + 1, 60);

	/* A line that just fits, then one that does not: the file ends with its cut. */
	random_line(first, LONGEST_TEXT);
	random_line(longer, long_len);
	snprintf(input, sizeof input, "%s\n%s\n", first, longer);
	memcpy(cut, longer, LONGEST_TEXT);
	cut[LONGEST_TEXT] = '\0';
	work_path(path, sizeof path, "cut.txt");
	run_mmapdemo(args, input, 2.5, &res);
	assert_writer_ran(&res, "a line of more than 18 characters");
	data = read_file(path, &len);
	ck_assert_msg(data != NULL && len == MAPPED, "after a line of %zu characters, "
		      "FILE is %zu bytes: expected %d; nothing is written past the "
		      "mapping's 20th byte", long_len, data ? len : 0, MAPPED);
	assert_holds_line(data, len, cut, "FILE, after a line of more than 18 "
			  "characters cut to 18,", NULL, 0);
	ck_assert_msg(strstr(res.err, "line 2 cut to 18 characters") != NULL,
		      "the writer cut line 2 (%zu characters) without saying so: "
		      "expected \"mmapdemo: line 2 cut to 18 characters\" on stderr, "
		      "it wrote %s", long_len,
		      grader_excerpt(seen, sizeof seen, res.err, res.err_len));
	ck_assert_msg(strstr(res.err, "line 1 ") == NULL, "the writer warned about "
		      "line 1, of exactly 18 characters, which fits: only lines of more "
		      "than 18 characters are cut (stderr %s)", grader_excerpt(want, sizeof want, res.err,
							res.err_len));
	free(data);
	run_result_free(&res);
}
END_TEST

START_TEST(writer_mode_0600)
{
	char path[PATH_MAX], input[256], last[MAPPED];
	const char *args[] = { path, "write", NULL };
	struct run_result res;
	struct stat st;

	umask(0);  /* the program inherits it: the mode shows as requested */
	work_path(path, sizeof path, "mode.txt");
	writer_input(input, sizeof input, 1, last,
		     grader_random_between(1, LONGEST_TEXT));
	run_mmapdemo(args, input, 2.5, &res);
	ck_assert_msg(stat(path, &st) == 0,
		      "mmapdemo FILE write (%s) did not create FILE", describe(&res));
	ck_assert_msg((st.st_mode & 07777) == 0600,
		      "mmapdemo created FILE with mode %04o (umask 0): expected 0600, "
		      "read and write for its owner only: %s",
		      (unsigned)(st.st_mode & 07777), (st.st_mode & 07111) != 0
		      ? "bits no one asks for are set, the sign of open() with O_CREAT "
		      "and no mode argument, which takes whatever is on the stack: "
		      "pass 0600 as open()'s third argument" : (st.st_mode & 0066) != 0
		      ? "other users may read or rewrite it: pass 0600, not 0644 or 0666"
		      : "pass 0600 as open()'s third argument");
	run_result_free(&res);
}
END_TEST

START_TEST(writer_short_file)
{
	char path[PATH_MAX], input[256], last[MAPPED], old[MAPPED], *data;
	const size_t kept = grader_random_between(1, MAPPED - 2);
	const char *args[] = { path, "write", NULL };
	struct run_result res;
	size_t len;

	random_line(old, kept);
	work_file(path, "short.txt", old, kept);
	/* Longer than the file: bytes land past its end. */
	writer_input(input, sizeof input, (int)grader_random_between(1, 3), last,
		     grader_random_between((uint32_t)kept, LONGEST_TEXT));
	run_mmapdemo(args, input, 2.5, &res);
	assert_writer_ran(&res, "a short file");
	data = read_file(path, &len);
	ck_assert_msg(data && len == MAPPED,
		      "a %zu-byte FILE is %zu bytes after mmapdemo FILE write: expected "
		      "%d; what a mapping holds past the end of a file is never saved: "
		      "ftruncate", kept, len, MAPPED);
	assert_holds_line(data, len, last, "short FILE",
			  old, kept);
	assert_writer_exited(&res);
	free(data);
	run_result_free(&res);
}
END_TEST

START_TEST(writer_long_file)
{
	char path[PATH_MAX], input[1024], last[MAPPED], *old, *data, *p;
	const size_t extra = grader_random_between(1, 2 * PAGE);
	const size_t total = MAPPED + extra;
	const char *args[] = { path, "write", NULL };
	struct run_result res;
	char seen[64];
	size_t len, used;

	old = malloc(total);
	ck_assert_msg(old != NULL, "grader: out of memory");
	random_line(old, total - 1);
	work_file(path, "long.txt", old, total);
	/* A line too long for the mapping first, then the last, short one. */
	p = input;
	used = grader_random_between(MAPPED + 1, 60);
	random_line(p, used);
	p[used++] = '\n';
	writer_input(p + used, sizeof input - used, 1, last,
		     grader_random_between(1, LONGEST_TEXT));
	run_mmapdemo(args, input, 2.5, &res);
	assert_writer_ran(&res, "a long file");
	data = read_file(path, &len);
	ck_assert_msg(data && len == total,
		      "a %zu-byte FILE is %zu bytes after mmapdemo FILE write: the "
		      "bytes past the %d mapped ones belong to the file; never shrink "
		      "it (no O_TRUNC, ftruncate only when shorter)", total, len, MAPPED);
	ck_assert_msg(memcmp(data + MAPPED, old + MAPPED, extra) == 0,
		      "FILE's bytes past the %d mapped ones changed (now %s): a line "
		      "too long for the mapping was copied whole; copy at most %d bytes",
		      MAPPED, grader_excerpt(seen, sizeof seen, data + MAPPED,
					     extra < 24 ? extra : 24), MAPPED);
	assert_holds_line(data, len, last, "long FILE",
			  old, total);
	assert_writer_exited(&res);
	free(data);
	free(old);
	run_result_free(&res);
}
END_TEST

/* ================= the program: mmapdemo FILE read ================= */

/* A file as the writer leaves it: text, newline, NUL, then more bytes. */
static void prepare_line_file(const char *path, const char *text, size_t extra)
{
	char data[MAPPED + 2 * PAGE];
	size_t n = strlen(text);

	random_line(data, MAPPED + extra);  /* what is past the NUL never shows */
	memcpy(data, text, n);
	data[n] = '\n';
	data[n + 1] = '\0';
	write_file(path, data, MAPPED + extra, 0600);
}

/* A FILE with no NUL in its 20 bytes: the reader prints 19 and stops. */
static void assert_prints_at_most_19(const char *path)
{
	char data[MAPPED + 1], seen[64];
	const char *args[] = { path, "read", "-n", "1", "-i", "0", NULL };
	struct run_result res;

	random_line(data, MAPPED);
	for (char *c = data; *c != '\0'; c++)
		if (*c == ' ')
			*c = '_';     /* nothing the eye could miss */
	write_file(path, data, MAPPED, 0600);
	run_mmapdemo(args, NULL, 2.0, &res);
	ck_assert_msg(res.exited && res.exit_code == 0 && res.out_len == MAPPED - 1 &&
		      memcmp(res.out, data, MAPPED - 1) == 0, "on a FILE whose 20 bytes "
		      "hold no NUL, mmapdemo FILE read -n 1 -i 0 printed %zu bytes (%s): "
		      "expected the first 19: the last byte is the NUL's place, and no "
		      "byte past it is printed", res.out_len,
		      grader_excerpt(seen, sizeof seen, res.out, res.out_len));
	run_result_free(&res);
}

START_TEST(reader_prints)
{
	char path[PATH_MAX], text[MAPPED], count[16], expected[MAPPED * 8];
	char seen[64], want[64];
	const unsigned times = grader_random_between(3, 4);
	/* A fraction of a second: an int sleep would make it 0 or 1 s. */
	const double interval = 0.05, least = (times - 1) * interval * 0.9;
	const char *args[] = { path, "read", "-n", count, "-i", "0.05", NULL };
	struct run_result res;
	size_t n = 0;

	work_path(path, sizeof path, "line.txt");
	random_line(text, grader_random_between(1, LONGEST_TEXT));
	prepare_line_file(path, text, grader_random_between(0, PAGE));
	snprintf(count, sizeof count, "%u", times);
	for (unsigned i = 0; i < times; i++)
		n += (size_t)snprintf(expected + n, sizeof expected - n, "%s\n", text);
	/* Long enough for prints a second apart, to say so; within the item's 5 s. */
	run_mmapdemo(args, NULL, 3.5, &res);
	ck_assert_msg(!res.timed_out,
		      "mmapdemo FILE read -n %u -i 0.05 was still running after %.1f s: "
		      "stop after COUNT prints", times, res.seconds);
	ck_assert_msg(res.exited && res.exit_code == 0,
		      "mmapdemo FILE read -n %u -i 0.05: %s, expected exit 0; stderr %s",
		      times, describe(&res),
		      grader_excerpt(seen, sizeof seen, res.err, res.err_len));
	ck_assert_msg(res.out_len == n && memcmp(res.out, expected, n) == 0,
		      "mmapdemo FILE read -n %u printed %s: expected the line %s %u "
		      "times, up to its NUL, nothing else", times,
		      grader_excerpt(seen, sizeof seen, res.out, res.out_len),
		      grader_excerpt(want, sizeof want, expected, strlen(text) + 1),
		      times);
	ck_assert_msg(res.seconds >= least, "mmapdemo FILE read -n %u -i 0.05 printed "
		      "%u times in %.3f s: %.2f s apart, the prints take at least %.2f s: "
		      "-i is in seconds with a fraction; an int sleep(0) does not wait: "
		      "sleep with nanosleep", times, times, res.seconds, interval, least);
	ck_assert_msg(res.seconds < (times - 1) * 0.6 + 0.5 * grader_scale(),
		      "mmapdemo FILE read -n %u -i 0.05 took %.1f s: the prints were about "
		      "a second apart, not 0.05 s: -i is in seconds with a fraction (parse "
		      "it with strtod, sleep with nanosleep)", times, res.seconds);
	run_result_free(&res);
	assert_prints_at_most_19(path);
	expect_unmap_failure_reported((const char *[]){ path, "read", "-n", "1", "-i",
							"0", NULL }, NULL, "reader");
}
END_TEST

/*
 * Without -i the prints are 1 s apart.  When the reader sleeps in
 * nanosleep or clock_nanosleep (sleep and usleep do), the second it asks
 * for is read from the call at once; any other way of waiting is timed.
 */
static void check_default_interval(const char *path, const char *text)
{
	const char *twice[] = { path, "read", "-n", "2", NULL };
	const struct run_opts twice_opts = { .timeout = 4.0 };
	struct running *r = run_start("mmapdemo", twice, &twice_opts);
	double asked = -1;
	struct run_result res;
	char seen[64];
	pid_t pid;

	ck_assert_msg(r != NULL, "could not start mmapdemo: %s", strerror(errno));
	pid = run_pid(r);
	for (double end = monotonic_seconds() + 2.0 * grader_scale();
	     asked < 0 && process_running(pid) && monotonic_seconds() < end;) {
		asked = proc_sleep_request(pid);
		if (asked < 0)
			sleep_seconds(0.005);
	}
	if (asked >= 0.95 && asked <= 1.05) {
		kill(pid, SIGKILL);
		run_finish(r, &res);
		run_result_free(&res);
		return;
	}
	run_finish(r, &res);
	ck_assert_msg(res.spawn_error == 0, "could not start mmapdemo: %s",
		      strerror(res.spawn_error));
	ck_assert_msg(res.exited && res.exit_code == 0,
		      "mmapdemo FILE read -n 2: %s, expected exit 0", describe(&res));
	ck_assert_msg(res.out_len == 2 * (strlen(text) + 1),
		      "mmapdemo FILE read -n 2 printed %s: expected the line twice",
		      grader_excerpt(seen, sizeof seen, res.out, res.out_len));
	/* A lower bound only: sleeping never ends early. */
	ck_assert_msg(res.seconds >= 0.9,
		      "mmapdemo FILE read -n 2 took %.2f s: without -i the prints are "
		      "1 s apart, as in the lecture", res.seconds);
	run_result_free(&res);
}

/* How many lines a reader without -n must print, still running. */
enum { FOREVER_LINES = 20 };

/* Whether out is the line and its newline over and over, 3 times at least. */
static bool line_again_and_again(const char *out, size_t len, const char *text)
{
	const size_t unit = strlen(text) + 1;

	if (len < 3 * unit)
		return false;
	for (size_t at = 0; at < len; at++)
		if (out[at] != (at % unit == unit - 1 ? '\n' : text[at % unit]))
			return false;
	return true;
}

START_TEST(reader_default_interval)
{
	char path[PATH_MAX], text[MAPPED], seen[64];
	const char *forever[] = { path, "read", "-i", "0.01", NULL };
	struct run_opts forever_opts = { .timeout = 1.5 };
	struct run_result endless;
	size_t unit;

	work_path(path, sizeof path, "line.txt");
	random_line(text, grader_random_between(1, LONGEST_TEXT));
	unit = strlen(text) + 1;
	prepare_line_file(path, text, 0);
	signal(SIGPIPE, SIG_IGN);
	check_default_interval(path, text);

	/*
	 * Stopped once FOREVER_LINES lines are in and it still runs: a fixed
	 * window would count the lines a loaded machine let it print.
	 */
	forever_opts.stop_at_output = FOREVER_LINES * unit;
	run_program("mmapdemo", forever, &forever_opts, &endless);
	ck_assert_msg(endless.spawn_error == 0, "could not start mmapdemo: %s",
		      strerror(endless.spawn_error));
	ck_assert_msg(endless.stopped_running || endless.timed_out,
		      "mmapdemo FILE read -i 0.01 without -n: %s after %.2f s: without -n "
		      "the reader prints for ever, as in the lecture",
		      describe(&endless), endless.seconds);
	ck_assert_msg(endless.out_len > 0, "mmapdemo FILE read -i 0.01 without -n printed "
		      "nothing in %.1f s: expected the line at once (fflush stdout after "
		      "each print)", endless.seconds);
	ck_assert_msg(line_again_and_again(endless.out, endless.out_len, text),
		      "mmapdemo FILE read -i 0.01 without -n printed %s in %.1f s: expected "
		      "the line, up to its NUL, again and again",
		      grader_excerpt(seen, sizeof seen, endless.out, endless.out_len),
		      endless.seconds);
	ck_assert_msg(endless.stopped_running,
		      "mmapdemo FILE read -i 0.01 without -n printed the line %zu times "
		      "in %.1f s: expected it every 0.01 s (-i is in seconds)",
		      endless.out_len / unit, endless.seconds);
	run_result_free(&endless);
}
END_TEST

enum wait_outcome { SEEN, NOT_SEEN, PROGRAM_ENDED };

/*
 * Waits until the file at path holds needle, while the program r keeps
 * running: a program that ended early is reported at once, not after
 * the deadline.
 */
static enum wait_outcome wait_for_text(const char *path, const char *needle,
				       double seconds, const struct running *r)
{
	const struct timespec pause = { 0, 5 * 1000 * 1000 };
	const int rounds = (int)(seconds * grader_scale() / 0.005);

	for (int i = 0; i <= rounds; i++) {
		bool running = process_running(run_pid(r));
		size_t len;
		char *data = read_file(path, &len);
		bool found = data && memmem(data, len, needle, strlen(needle));

		free(data);
		if (found)
			return SEEN;
		if (!running)
			return PROGRAM_ENDED;
		nanosleep(&pause, NULL);
	}
	return NOT_SEEN;
}

/*
 * The programs reader_sees_updates runs side by side.  They have process
 * groups of their own, which the end of the test does not reach: a failing
 * check stops them first, so that the hint is about the failure only.
 */
static struct running *live[2];

static void stop_live(void)
{
	for (int i = 0; i < 2; i++) {
		struct run_result res;

		if (live[i] == NULL)
			continue;
		kill(run_pid(live[i]), SIGKILL);
		run_finish(live[i], &res);
		run_result_free(&res);
		live[i] = NULL;
	}
}

#define LIVE_ASSERT(cond, ...)                                                 \
	do {                                                                   \
		if (!(cond)) {                                                 \
			stop_live();                                           \
			ck_abort_msg(__VA_ARGS__);                             \
		}                                                              \
	} while (0)

/* Fails the test for a program of reader_sees_updates that ended early. */
static void fail_ended(struct running **r, const char *role, int line)
{
	struct run_result res;
	char err[64];

	run_finish(*r, &res);
	*r = NULL;
	stop_live();
	ck_abort_msg("the %s ended (%s) while the test was at line %d: expected it "
		     "to keep running; stderr %s", role, describe(&res), line,
		     grader_excerpt(err, sizeof err, res.err, res.err_len));
}

START_TEST(reader_sees_updates)
{
	char path[PATH_MAX], out_path[PATH_MAX], bin[PATH_MAX];
	const int lines = (int)grader_random_between(3, 5);
	const char *sh_args[] = {
		"-c", "exec \"$0\" \"$1\" read -n 100000 -i 0.02 >\"$2\"",
		bin, path, out_path, NULL
	};
	const char *writer_args[] = { path, "write", NULL };
	struct run_opts writer_opts = { .timeout = 10.0, .keep_stdin_open = true };
	struct run_opts reader_opts = { .timeout = 10.0 };
	struct running **writer = &live[0], **reader = &live[1];
	struct run_result res;
	struct map_region region;
	char zeros[MAPPED] = { 0 };
	enum wait_outcome outcome;

	signal(SIGPIPE, SIG_IGN);  /* a writer that quit: EPIPE, not death */
	work_path(path, sizeof path, "live.txt");
	work_path(out_path, sizeof out_path, "reader.out");
	snprintf(bin, sizeof bin, "%s/mmapdemo", grader_bindir());
	/* Long enough already: this item is about sharing, not sizing. */
	write_file(path, zeros, MAPPED, 0600);
	*writer = run_start("mmapdemo", writer_args, &writer_opts);
	LIVE_ASSERT(*writer != NULL, "could not start mmapdemo: %s", strerror(errno));
	*reader = run_start("/bin/sh", sh_args, &reader_opts);
	LIVE_ASSERT(*reader != NULL, "grader: cannot start sh: %s", strerror(errno));
	for (int i = 0; i < lines; i++) {
		char text[MAPPED], line[MAPPED + 1];

		random_line(text, grader_random_between(4, LONGEST_TEXT));
		snprintf(line, sizeof line, "%s\n", text);
		if (run_feed(*writer, line, strlen(line)) != 0) {
			if (!process_running(run_pid(*writer)))
				fail_ended(writer, "writer", i + 1);
			stop_live();
			ck_abort_msg("mmapdemo FILE write stopped reading its input "
				     "after %d line(s)", i);
		}
		outcome = wait_for_text(path, line, 3.0, *writer);
		if (outcome == PROGRAM_ENDED)
			fail_ended(writer, "writer", i + 1);
		LIVE_ASSERT(outcome == SEEN,
			    "the writer was given line %d %s but FILE never held it: "
			    "copy each line into a MAP_SHARED mapping as it arrives",
			    i + 1, text);
		outcome = wait_for_text(out_path, line, 3.0, *reader);
		if (outcome == PROGRAM_ENDED)
			fail_ended(reader, "reader (read -n 100000 -i 0.02)", i + 1);
		LIVE_ASSERT(outcome == SEEN,
			    "FILE holds line %d %s but the running reader never printed "
			    "it in 3 s: map once with MAP_SHARED, print from the mapping, "
			    "fflush stdout", i + 1, text);
	}
	LIVE_ASSERT(process_running(run_pid(*reader)),
		    "the reader ended before it was stopped: -n 100000 -i 0.02 should "
		    "keep it printing");
	LIVE_ASSERT(maps_of_file(run_pid(*reader), path, &region),
		    "the running reader does not map FILE (/proc/PID/maps): read it "
		    "through mmap, not read(2)");
	LIVE_ASSERT(region.perms[3] == 's',
		    "the reader maps FILE \"%s\": expected MAP_SHARED (\"r--s\")",
		    region.perms);
	kill(run_pid(*reader), SIGTERM);
	run_finish(*reader, &res);
	*reader = NULL;
	run_result_free(&res);
	run_close_stdin(*writer);
	run_finish(*writer, &res);
	*writer = NULL;
	assert_writer_exited(&res);
	run_result_free(&res);
}
END_TEST

/* ================= bad input ================= */

/*
 * The happy path first, so that a program that does nothing fails: the
 * reader must print a good FILE's line and exit 0 -- or at least keep
 * running, which is reader_prints' concern, not bad input's.
 */
static void assert_reader_works(const char *path)
{
	char text[MAPPED], seen[64];
	const char *args[] = { path, "read", "-n", "1", "-i", "0", NULL };
	struct run_result res;

	random_line(text, grader_random_between(1, LONGEST_TEXT));
	prepare_line_file(path, text, 0);
	run_mmapdemo(args, NULL, 2.0, &res);
	ck_assert_msg(res.timed_out || (res.exited && res.exit_code == 0),
		      "mmapdemo FILE read -n 1 -i 0 on a good FILE: %s, expected exit 0; "
		      "stderr %s", describe(&res),
		      grader_excerpt(seen, sizeof seen, res.err, res.err_len));
	ck_assert_msg(res.timed_out || strncmp(res.out, text, strlen(text)) == 0,
		      "mmapdemo FILE read -n 1 -i 0 on a good FILE printed %s: expected "
		      "its line", grader_excerpt(seen, sizeof seen, res.out, res.out_len));
	run_result_free(&res);
}

START_TEST(bad_missing_file)
{
	char good[PATH_MAX], path[PATH_MAX];
	const char *args[] = { path, "read", "-n", "1", NULL };
	struct run_result res;

	work_path(good, sizeof good, "good.txt");
	assert_reader_works(good);
	work_path(path, sizeof path, "missing.txt");
	run_mmapdemo(args, NULL, 2.0, &res);
	ck_assert_msg(!file_exists(path),
		      "mmapdemo FILE read created the missing FILE (%s): a reader opens "
		      "an existing file, without O_CREAT", describe(&res));
	assert_one_line_error(&res, "a missing FILE to read", path);
	run_result_free(&res);
}
END_TEST

/* Runs the reader on a file of len random bytes: an error, nothing else. */
static void assert_short_file_refused(const char *path, size_t len)
{
	const char *args[] = { path, "read", "-n", "1", NULL };
	struct run_result res;
	char old[MAPPED], what[48], *data;
	size_t now;

	random_line(old, len);
	write_file(path, old, len, 0600);
	run_mmapdemo(args, NULL, 2.0, &res);
	ck_assert_msg(res.term_signal != SIGBUS,
		      "mmapdemo FILE read on a %zu-byte FILE was killed by SIGBUS: check "
		      "the size with fstat before touching the mapping", len);
	snprintf(what, sizeof what, "a %zu-byte FILE to read (%d mapped)", len,
		 MAPPED);
	assert_one_line_error(&res, what, path);
	data = read_file(path, &now);
	ck_assert_msg(data && now == len && memcmp(data, old, len) == 0,
		      "mmapdemo FILE read changed a %zu-byte FILE (now %zu bytes): a "
		      "reader never writes", len, now);
	free(data);
	run_result_free(&res);
}

START_TEST(bad_short_file_read)
{
	char good[PATH_MAX], path[PATH_MAX];

	work_path(good, sizeof good, "good.txt");
	assert_reader_works(good);
	work_path(path, sizeof path, "short.txt");
	assert_short_file_refused(path, 0);
	assert_short_file_refused(path, grader_random_between(1, MAPPED - 1));
}
END_TEST

/*
 * Whether a file of mode 0000 is unreadable for the programs this test
 * runs.  It is for any user but root; root ignores permissions while it
 * holds CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, so drop them from the
 * bounding set, for the programs this test process starts (and for them
 * only: the test process is thrown away after the item).
 */
static bool programs_obey_permissions(void)
{
	if (geteuid() != 0)
		return true;
	return prctl(PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, 0, 0, 0) == 0 &&
	       prctl(PR_CAPBSET_DROP, CAP_DAC_READ_SEARCH, 0, 0, 0) == 0;
}

START_TEST(bad_directory_or_unreadable)
{
	char good[PATH_MAX], dir[PATH_MAX], locked[PATH_MAX], zeros[MAPPED] = { 0 };
	const char *read_dir[] = { dir, "read", "-n", "1", NULL };
	const char *write_dir[] = { dir, "write", NULL };
	const char *read_locked[] = { locked, "read", "-n", "1", NULL };
	const char *write_locked[] = { locked, "write", NULL };
	char fifo[PATH_MAX];
	const char *read_fifo[] = { fifo, "read", "-n", "1", NULL };

	work_path(good, sizeof good, "good.txt");
	assert_reader_works(good);
	work_path(dir, sizeof dir, "a-directory");
	ck_assert_msg(mkdir(dir, 0700) == 0, "grader: mkdir: %s", strerror(errno));
	expect_refusal(read_dir, NULL, "a directory to read", dir);
	expect_refusal(write_dir, "line\n", "a directory to write", dir);

	work_path(locked, sizeof locked, "locked.txt");
	write_file(locked, zeros, MAPPED, 0000);
	ck_assert_msg(programs_obey_permissions(),
		      "grader: running as root and cannot drop CAP_DAC_OVERRIDE: %s",
		      strerror(errno));
	expect_refusal(read_locked, NULL, "an unreadable FILE to read", locked);
	expect_refusal(write_locked, "line\n", "an unwritable FILE to write", locked);

	/* Opening a FIFO waits for a writer, unless O_NONBLOCK says not to. */
	work_path(fifo, sizeof fifo, "a-fifo");
	ck_assert_msg(mkfifo(fifo, 0600) == 0, "grader: mkfifo: %s", strerror(errno));
	expect_refusal(read_fifo, NULL, "a FIFO to read (open with O_NONBLOCK: opening a "
			      "FIFO waits for a writer, then fstat says it is no file)", fifo);
}
END_TEST

/*
 * How many times line occurs in the len bytes of data, NULs and all
 * (reader_prints judges what is around it).
 */
static unsigned occurrences(const char *data, size_t len, const char *line)
{
	const size_t n = strlen(line);
	unsigned count = 0;

	for (const char *p = memmem(data, len, line, n); p != NULL;
	     p = memmem(p + 1, len - (size_t)(p + 1 - data), line, n))
		count++;
	return count;
}

/*
 * Runs a reader that must print FILE's line times times, at once (with
 * -n 1 there is no pause at all: the interval is between two prints).
 */
static void expect_prints(const char *path, const char *const args[], unsigned times)
{
	char text[MAPPED], expected[MAPPED + 2], seen[64], err[64], command[64] = "read";
	struct run_result res;

	for (int i = 2; args[i] != NULL; i++)
		snprintf(command + strlen(command), sizeof command - strlen(command),
			 " %s", args[i]);
	random_line(text, grader_random_between(1, LONGEST_TEXT));
	prepare_line_file(path, text, 0);
	snprintf(expected, sizeof expected, "%s\n", text);
	run_mmapdemo(args, NULL, 2.0, &res);
	ck_assert_msg(!res.timed_out, "mmapdemo FILE %s was still running after %.1f s: "
		      "it prints at once, and pauses only between two prints",
		      command, res.seconds);
	ck_assert_msg(res.exited && res.exit_code == 0 &&
		      occurrences(res.out, res.out_len, expected) == times, "mmapdemo FILE %s: %s, printed "
		      "%s, stderr %s: expected its line %u times and exit 0: %s is "
		      "within the bounds (1 or more, 0 to 86400 s)", command,
		      describe(&res), grader_excerpt(seen, sizeof seen, res.out, res.out_len),
		      grader_excerpt(err, sizeof err, res.err, res.err_len), times,
		      times == 9 ? "a count of 9" : "an interval of 86400");
	run_result_free(&res);
}

START_TEST(bad_command_line)
{
	char good[PATH_MAX], other[PATH_MAX], word[12], number[12], seen[64];
	const char *unknown[] = { other, word, NULL };
	const char *none[] = { NULL };
	const char *bad_count[] = { good, "read", "-n", number, NULL };
	const char *zero_count[] = { good, "read", "-n", "0", NULL };
	const char *bad_interval[] = { good, "read", "-n", "1", "-i", number, NULL };
	const char *negative[] = { good, "read", "-n", "1", "-i", "-1", NULL };
	const char *const *rejected[] = { bad_count, zero_count, bad_interval, negative };
	const char *unknown_option[] = { good, "read", "-z", NULL };
	const char *missing_value[] = { good, "read", "-n", NULL };
	struct run_result res;

	work_path(good, sizeof good, "good.txt");
	assert_reader_works(good);
	/* An unknown command: an error, and no file created. */
	work_path(other, sizeof other, "other.txt");
	grader_random_text(word, 8);
	for (char *c = word; *c; c++)
		if (*c == ' ' || *c == ',' || *c == '.' || *c == '-')
			*c = 'q';
	run_mmapdemo(unknown, NULL, 2.0, &res);
	assert_one_line_error(&res, "an unknown command", NULL);
	ck_assert_msg(res.out_len == 0,
		      "mmapdemo FILE %s printed %s on stdout: errors go to stderr",
		      word, grader_excerpt(seen, sizeof seen, res.out, res.out_len));
	ck_assert_msg(!file_exists(other),
		      "mmapdemo FILE %s created FILE: check the command before "
		      "opening anything", word);
	run_result_free(&res);
	expect_refusal(none, NULL, "no arguments", NULL);
	/* Counts and intervals that are not numbers, or out of range. */
	snprintf(number, sizeof number, "%cx%u", 'a' + (int)grader_random_between(0, 25),
		 grader_random_between(1, 999));
	for (size_t i = 0; i < sizeof rejected / sizeof rejected[0]; i++) {
		char what[64];

		snprintf(what, sizeof what, "\"read -n %s%s%s\"", rejected[i][3],
			 rejected[i][4] ? " -i " : "", rejected[i][4] ? rejected[i][5] : "");
		expect_refusal(rejected[i], NULL, what, NULL);
	}
	/* An option the reader does not know, and one without its value. */
	expect_refusal(unknown_option, NULL, "\"read -z\"", NULL);
	expect_refusal(missing_value, NULL, "\"read -n\" (no count)", NULL);
	/* The extremes are accepted: a count of 9, an interval of a day. */
	expect_prints(good, (const char *[]){ good, "read", "-n", "9", "-i", "0", NULL }, 9);
	expect_prints(good, (const char *[]){ good, "read", "-n", "1", "-i", "86400",
					      NULL }, 1);
}
END_TEST

#include GRADER_HIDDEN_TESTS	/* this lab's hidden items, if any (grader.h) */

static const struct graded_item graded_items[] = {
#include "06-mmap-file.def"
#include GRADER_HIDDEN_ITEMS
};
GRADER_MAIN("06-mmap-file")
