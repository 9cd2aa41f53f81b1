/*
 * 05-posix-shm.c - the grader for lab 05: the Speaking UNIX shm_open
 * listing, then named objects shared by unrelated processes.
 *
 * Object names come from grader_shm_name, so they are this run's own.
 * Every test removes its objects before it reports, pass or fail.  The
 * listing's object lives only while the program runs: the 05-shmspy shim
 * records the flags and mode it is created with.
 */
#include "grader.h"
#include "region.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* The lab's contract, written out: a student's header cannot move it. */
#define OBJECT_MODE 0600
#define LISTING_VALUE 0xdbeebeeUL
#define EXPECTED_MAX 1400 /* the longest output a test expects, and more */

static char names[4][160];
static int name_count;

/* A fresh object name of this run, removed again by tidy_now(). */
static const char *new_name(const char *what)
{
	char *name = names[name_count];

	ck_assert(name_count < 4);
	grader_shm_name(name, sizeof names[0], what);
	shm_unlink(name);
	tidy_shm_name(name);
	name_count++;
	return name;
}


/* Makes the object itself, size bytes of random text; returns its content. */
static char *make_object(const char *name, size_t size)
{
	char *content = malloc(size + 1);
	int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, OBJECT_MODE);

	require(content != NULL && fd != -1, "grader: cannot make %s: %s", name,
		strerror(errno));
	grader_random_text(content, size);
	require(ftruncate(fd, (off_t)size) == 0 &&
		pwrite(fd, content, size, 0) == (ssize_t)size,
		"grader: cannot fill %s: %s", name, strerror(errno));
	close(fd);
	return content;
}

/* Reads the object's bytes with pread, not through any mapping. */
static void read_object(const char *name, char *buf, size_t len, off_t offset)
{
	int fd = shm_open(name, O_RDONLY, 0);
	ssize_t got = fd == -1 ? -1 : pread(fd, buf, len, offset);

	if (fd != -1)
		close(fd);
	require(got == (ssize_t)len, "grader: cannot read %s back: %s", name,
		strerror(errno));
}

static int open_descriptors(void)
{
	int fds[512];

	return fds_list(0, fds, 512);
}

static bool is_shared_rw(void *addr, struct map_region *m)
{
	return maps_find(0, (uintptr_t)addr, m) && m->perms[0] == 'r' &&
	       m->perms[1] == 'w' && m->perms[3] == 's';
}

/* ---- running the programs ---- */

static void run(struct run_result *res, const char *prog, const char *const args[],
		const char *preload, const char *const env[])
{
	struct run_opts opts = { .timeout = 2.0, .preload = preload, .env = env };

	memset(res, 0, sizeof *res);
	fflush(NULL);
	if (run_program(prog, args, &opts, res) == -1) {
		int error = res->spawn_error;

		run_result_free(res);
		tidy_now();
		ck_abort_msg("%s did not start (%s): was it built?", prog, strerror(error));
	}
}

/* Fails unless the run exited 0 and printed exactly expected. */
static void require_output(struct run_result *res, const char *command,
			   const char *expected)
{
	char how[80], err[128], seen[128], want[128];
	bool exited_0 = res->exited && res->exit_code == 0;
	size_t at = grader_first_difference(res->out, res->out_len, expected,
						   strlen(expected), NULL);
	size_t from = at > 20 ? at - 20 : 0;
	bool same = strcmp(res->out, expected) == 0;

	run_describe(res, how, sizeof how);
	grader_excerpt(err, sizeof err, res->err, res->err_len);
	grader_excerpt(seen, sizeof seen, res->out + from, strlen(res->out + from));
	grader_excerpt(want, sizeof want, expected + from, strlen(expected + from));
	run_result_free(res);
	require(exited_0, "'%s' should exit 0; it ended with %s, stderr %s", command,
		how, err);
	require(same, "'%s' printed %s%s, expected %s%s (they differ at character %zu)",
		command, from ? "..." : "", seen, from ? "..." : "", want, at);
}

/*
 * Runs prog with args and requires exit 0 and exactly the output fmt
 * formats; command names the run in hints.
 */
static void expect_run(const char *command, const char *prog,
		       const char *const args[], const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void expect_run(const char *command, const char *prog,
		       const char *const args[], const char *fmt, ...)
{
	char expected[EXPECTED_MAX];
	struct run_result res;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(expected, sizeof expected, fmt, ap);
	va_end(ap);
	run(&res, prog, args, NULL, NULL);
	require_output(&res, command, expected);
}

/* Fails unless the run exited with status code, quiet on stdout, and its
 * one-line error contains every string of must (NULL-ended). */
static void require_error(struct run_result *res, const char *command, int code,
			  const char *const must[], const char *advice)
{
	char how[80], err[128];
	bool status_ok = res->exited && res->exit_code == code;
	bool quiet = res->out_len == 0;
	bool said = true;

	for (int i = 0; must[i] != NULL; i++)
		said = said && strstr(res->err, must[i]) != NULL;
	run_describe(res, how, sizeof how);
	grader_excerpt(err, sizeof err, res->err, res->err_len);
	run_result_free(res);
	require(status_ok && quiet, "'%s' should fail with exit %d and print nothing on "
		"stdout; it ended with %s, stderr %s", command, code, how, err);
	require(said, "'%s' failed, but stderr %s should name %s%s", command, err,
		must[0], advice);
}

/*
 * The listing's line, "child wrote 0x...": only the output is checked
 * here (the exit status has an item of its own), with a hint on a 0.
 */
static void require_child_line(struct run_result *res, const char *command,
			       unsigned long value)
{
	char expected[64], seen[128], want[128], err[128], how[80];
	bool zero = strcmp(res->out, "child wrote 0\n") == 0;
	bool same;

	run_describe(res, how, sizeof how);
	snprintf(expected, sizeof expected, "child wrote %#lx\n", value);
	same = strcmp(res->out, expected) == 0;
	grader_excerpt(seen, sizeof seen, res->out, res->out_len);
	grader_excerpt(want, sizeof want, expected, strlen(expected));
	grader_excerpt(err, sizeof err, res->err, res->err_len);
	run_result_free(res);
	require(!zero, "'%s' printed \"child wrote 0\": the parent read before the "
		"child wrote; waitpid for the child before reading", command);
	require(same || value == LISTING_VALUE || strcmp(seen, "\"child wrote 0xdbeebee\\n\"")
		!= 0, "'%s' printed the listing's fixed 0xdbeebee, not %#lx: take NAME and "
		"VALUE from the command line", command, value);
	require(same, "'%s' printed %s, expected %s; it ended with %s, stderr %s",
		command, seen, want, how, err);
}

/* For the items about something else: the listing ran and printed its line. */
static void require_listing_ran(struct run_result *res, const char *command)
{
	char how[80], err[128];
	bool printed = strncmp(res->out, "child wrote ", 12) == 0;

	run_describe(res, how, sizeof how);
	grader_excerpt(err, sizeof err, res->err, res->err_len);
	run_result_free(res);
	require(printed, "'%s' should print \"child wrote ...\"; it ended with %s, "
		"stderr %s", command, how, err);
}

static unsigned long random_value(void)
{
	unsigned long value = grader_random_between(0x10000000u, 0xffffffffu);

	if (sizeof value > 4)
		value = (value << 16 << 16) | grader_random();
	return value;
}

/* The listing runs with every forked child slowed down: a parent that
 * does not wait reads before the child's write, on every run. */
static void run_sample(struct run_result *res, const char *const args[])
{
	static const char *const env[] = { "GRADER_SLOW_CHILD_MS=150", NULL };

	run(res, "shmsample", args, "slowchild", env);
}

/* ---- every call failing in turn (failsweep.h) ---- */

/* One region_create or region_attach of name, undone by the grader itself. */
struct region_attempt {
	const char *name;
	size_t size;            /* 0: region_attach */
	struct region r;
};

static bool region_attempt(void *ctx)
{
	struct region_attempt *a = ctx;

	a->r = (struct region){ NULL, 0 };
	return (a->size > 0 ? region_create(a->name, a->size, &a->r)
		: region_attach(a->name, &a->r)) == 0;
}

static void region_undo(void *ctx)
{
	struct region_attempt *a = ctx;

	if (a->r.addr != NULL)
		munmap(a->r.addr, a->r.size);
	if (a->size > 0)
		shm_unlink(a->name);
}

/*
 * region_create (size > 0) or region_attach of name with each call failing
 * in turn: -1 with that call's errno, no descriptor, mapping or (for
 * region_create) object left; and descriptor 0 taken like any other.
 */
static void sweep_region(const char *name, size_t size)
{
	static const struct sweep_call create_calls[] = {
		{ .call = FAULT_shm_open, .error = EACCES }, { .call = FAULT_ftruncate, .error = EFBIG },
		{ .call = FAULT_mmap, .error = ENOMEM }, { .call = FAULT_close, .error = EIO },
	};
	static const struct sweep_call attach_calls[] = {
		{ .call = FAULT_shm_open, .error = EACCES }, { .call = FAULT_mmap, .error = ENOMEM }, { .call = FAULT_close, .error = EIO },
	};
	struct region_attempt a = { name, size, { NULL, 0 } };
	const struct sweep sweep = {
		.what = size > 0 ? "region_create" : "region_attach",
		.attempt = region_attempt, .undo = region_undo, .undo_what = "munmap",
		.ctx = &a, .object = size > 0 ? name : NULL,
	};

	if (size > 0)
		sweep_faults(&sweep, create_calls, 4);
	else
		sweep_faults(&sweep, attach_calls, 3);
	sweep_with_stdin_closed(&sweep);
}

/* ---- the functions ---- */

START_TEST(fn_create)
{
	const char *name = new_name("create");
	const size_t page = (size_t)sysconf(_SC_PAGESIZE);
	const size_t size = grader_random_between(1, 5 * (uint32_t)page);
	struct region r = { NULL, 0 };
	struct map_region m = { 0 };
	const int before = open_descriptors();
	struct stat st;
	char sample[32], back[32];
	size_t offset;
	int rc;

	umask(0); /* a wrong mode shows in full */
	errno = 0;
	rc = region_create(name, size, &r);
	require(rc == 0, "region_create(name, %zu) returned %d (%s): shm_open(name, "
		"O_RDWR | O_CREAT | O_EXCL, 0600), ftruncate, mmap", size, rc,
		grader_errno_name(errno));
	require(r.addr != NULL && r.size == size, "region_create succeeded but the "
		"region is {addr %p, size %zu}; expected size %zu", r.addr, r.size, size);
	require(shm_object_stat(name, &st) == 0, "region_create returned 0 but there is no "
		"/dev/shm%s: shm_open the name you were given", name);
	require((size_t)st.st_size == size, "the object has %lld bytes, expected %zu: "
		"ftruncate(fd, size)", (long long)st.st_size, size);
	require((st.st_mode & 0777) == OBJECT_MODE, "the object's mode is %04o: %s; "
		"pass mode 0600 to shm_open", (unsigned)(st.st_mode & 0777),
		(st.st_mode & 0077) ? "other users can get at it" : "expected 0600");
	require(is_shared_rw(r.addr, &m), "the region is not a shared read-write "
		"mapping (%s): mmap(PROT_READ | PROT_WRITE, MAP_SHARED)", m.perms);
	require(open_descriptors() == before, "region_create left %d descriptor(s) "
		"open: close the shm_open descriptor once the object is mapped",
		open_descriptors() - before);

	/* The mapping must be the object: read the bytes back without it. */
	grader_random_text(sample, size < sizeof sample - 1 ? size : sizeof sample - 1);
	offset = grader_random_between(0, (uint32_t)(size - strlen(sample)));
	memcpy((char *)r.addr + offset, sample, strlen(sample));
	read_object(name, back, strlen(sample), (off_t)offset);
	require(memcmp(back, sample, strlen(sample)) == 0, "bytes written through the "
		"region are not in the object: map the shm_open descriptor MAP_SHARED");
	munmap(r.addr, r.size);
	sweep_region(new_name("swept"), grader_random_between(1, 3 * (uint32_t)page));
	tidy_now();
}
END_TEST

START_TEST(fn_create_exclusive)
{
	const char *name = new_name("taken");
	const size_t size = grader_random_between(64, 8192);
	char *content = make_object(name, size);
	char *back = malloc(size);
	struct region r = { NULL, 0 };
	struct stat st;
	int rc;

	ck_assert(back != NULL);
	/* What the caller had in r: a failed call leaves it (region.h). */
	r = (struct region){ back, 7 };
	errno = 0;
	rc = region_create(name, 2 * size, &r);
	if (rc == 0)
		munmap(r.addr, r.size);
	require(rc == -1, "region_create of a taken name succeeded: it took over "
		"someone's object; O_EXCL makes shm_open fail with EEXIST");
	require(errno == EEXIST, "region_create of a taken name should fail with "
		"EEXIST; errno was %s", grader_errno_name(errno));
	require(r.addr == back && r.size == 7, "region_create failed and changed *r "
		"all the same: region.h promises *r as it was; fill it in only once all "
		"has worked");
	require(shm_object_stat(name, &st) == 0 && (size_t)st.st_size == size,
		"region_create changed the existing object (%lld bytes, was %zu): O_TRUNC "
		"or ftruncate before knowing it is yours", (long long)st.st_size, size);
	read_object(name, back, size, 0);
	require(memcmp(back, content, size) == 0, "region_create changed the content "
		"of an object it did not create");

	/* Once the name is free, it works. */
	shm_unlink(name);
	errno = 0;
	rc = region_create(name, size, &r);
	require(rc == 0, "region_create of a free name failed (%s)", grader_errno_name(errno));
	munmap(r.addr, r.size);
	free(back);
	free(content);
	tidy_now();
}
END_TEST

START_TEST(fn_create_rejects_bad_input)
{
	const char *good = new_name("good");
	const char *empty = new_name("empty");
	char bad[200];
	struct region r = { NULL, 0 };
	int rc;

	errno = 0;
	rc = region_create(good, 100, &r);
	require(rc == 0, "region_create(name, 100) failed (%s)", grader_errno_name(errno));
	munmap(r.addr, r.size);

	/* A slash after the first: not a valid name. */
	snprintf(bad, sizeof bad, "%s/x", good);
	errno = 0;
	rc = region_create(bad, 100, &r);
	if (rc == 0)
		munmap(r.addr, r.size);
	require(rc == -1 && errno == EINVAL, "region_create(\"/name/x\") should fail "
		"with EINVAL; it returned %d (%s)", rc, grader_errno_name(errno));

	errno = 0;
	rc = region_create(empty, 0, &r);
	if (rc == 0)
		munmap(r.addr, r.size);
	require(rc == -1 && errno == EINVAL, "region_create(name, 0) should fail with "
		"EINVAL (mmap of 0 bytes); it returned %d (%s)%s", rc, grader_errno_name(errno),
		rc == 0 && errno == EINVAL ? ": mmap failed, and its failure was taken for "
		"an address: mmap reports failure as MAP_FAILED, not NULL (§3)" : "");
	require(!shm_object_exists(empty), "region_create(name, 0) failed but left "
		"/dev/shm%s behind: shm_unlink the object when a later step fails", empty);
	tidy_now();
}
END_TEST

START_TEST(fn_attach)
{
	const char *name = new_name("attach");
	const size_t page = (size_t)sysconf(_SC_PAGESIZE);
	const size_t size = grader_random_between(1, 3 * (uint32_t)page + 200);
	char *content = make_object(name, size);
	struct region r = { NULL, 0 };
	struct map_region m = { 0 };
	const int before = open_descriptors();
	char back;
	size_t offset;
	int rc;

	errno = 0;
	rc = region_attach(name, &r);
	require(rc == 0, "region_attach of an existing object returned %d (%s): "
		"shm_open(name, O_RDWR, 0), fstat, mmap", rc, grader_errno_name(errno));
	require(r.addr != NULL && r.size == size, "region_attach gave size %zu for a "
		"%zu-byte object: take the size from fstat's st_size", r.size, size);
	require(memcmp(r.addr, content, size) == 0, "the attached region does not hold "
		"the object's bytes");
	require(is_shared_rw(r.addr, &m), "the region is not a shared read-write "
		"mapping (%s): mmap(PROT_READ | PROT_WRITE, MAP_SHARED)", m.perms);
	require(open_descriptors() == before, "region_attach left %d descriptor(s) "
		"open: close the shm_open descriptor once the object is mapped",
		open_descriptors() - before);

	offset = grader_random_between(0, (uint32_t)size - 1);
	((char *)r.addr)[offset] = '#';
	read_object(name, &back, 1, (off_t)offset);
	require(back == '#', "a byte written through the region is not in the object: "
		"map it MAP_SHARED");
	munmap(r.addr, r.size);
	free(content);
	sweep_region(name, 0);
	tidy_now();
}
END_TEST

START_TEST(fn_attach_missing)
{
	const char *name = new_name("there");
	const char *missing = new_name("missing");
	const char *empty = new_name("unsized");
	struct region r = { NULL, 0 };
	const int before = open_descriptors();
	int rc, fd;

	free(make_object(name, 64));
	errno = 0;
	rc = region_attach(name, &r);
	require(rc == 0, "region_attach of an existing object failed (%s)",
		grader_errno_name(errno));
	munmap(r.addr, r.size);

	errno = 0;
	rc = region_attach(missing, &r);
	if (rc == 0)
		munmap(r.addr, r.size);
	require(!shm_object_exists(missing), "region_attach of a missing name created "
		"the object: open it without O_CREAT");
	require(rc == -1 && errno == ENOENT, "region_attach of a missing name should "
		"fail with ENOENT; it returned %d (%s)", rc, grader_errno_name(errno));

	/* Created but never sized: nothing to map. */
	fd = shm_open(empty, O_RDWR | O_CREAT | O_EXCL, OBJECT_MODE);
	require(fd != -1, "grader: cannot make %s: %s", empty, strerror(errno));
	close(fd);
	errno = 0;
	rc = region_attach(empty, &r);
	if (rc == 0)
		munmap(r.addr, r.size);
	require(rc == -1 && errno == EINVAL, "region_attach of a 0-byte object should "
		"fail with EINVAL; it returned %d (%s)", rc, grader_errno_name(errno));
	require(open_descriptors() == before, "after failed region_attach calls %d "
		"descriptor(s) are still open: close it on every path",
		open_descriptors() - before);
	tidy_now();
}
END_TEST

START_TEST(fn_detach_destroy)
{
	const char *name = new_name("destroy");
	const size_t size = grader_random_between(1, 20000);
	struct map_region m;
	struct region r;
	void *addr;
	int fd, rc;

	free(make_object(name, size));
	fd = shm_open(name, O_RDWR, 0);
	require(fd != -1, "grader: cannot open %s: %s", name, strerror(errno));
	addr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	require(addr != MAP_FAILED, "grader: cannot map %s: %s", name, strerror(errno));

	r.addr = addr;
	r.size = size;
	errno = 0;
	rc = region_detach(&r);
	require(rc == 0, "region_detach returned %d (%s): munmap(r->addr, r->size)", rc,
		grader_errno_name(errno));
	require(!maps_find(0, (uintptr_t)addr, &m), "the object is still mapped after "
		"region_detach: munmap it");
	require(r.addr == NULL, "region_detach should set r->addr to NULL");
	errno = 0;
	rc = region_detach(&r);
	require(rc == 0 && r.addr == NULL, "region_detach of a region already detached "
		"returned %d (%s): region.h says there is nothing to unmap: 0",
		rc, grader_errno_name(errno));

	errno = 0;
	rc = region_destroy(name);
	require(rc == 0, "region_destroy returned %d (%s): shm_unlink(name)", rc,
		grader_errno_name(errno));
	require(!shm_object_exists(name), "/dev/shm%s is still there after region_destroy: "
		"shm_unlink(name)", name);
	errno = 0;
	rc = region_destroy(name);
	require(rc == -1 && errno == ENOENT, "region_destroy of a missing name should "
		"fail with ENOENT; it returned %d (%s)", rc, grader_errno_name(errno));
	tidy_now();
}
END_TEST

/* ---- the listing ---- */

START_TEST(sample_prints_child_value)
{
	/* A name for each run: how the object is removed is another item's. */
	const char *name = new_name("sample");
	const char *second = new_name("sample-value");
	const char *third = new_name("sample-usage");
	const unsigned long value = random_value();
	char decimal[32];
	struct run_result res;

	run_sample(&res, (const char *[]){ name, NULL });
	require_child_line(&res, "shmsample NAME", LISTING_VALUE);

	/* A value given in decimal is still printed in hex. */
	snprintf(decimal, sizeof decimal, "%lu", value);
	run_sample(&res, (const char *[]){ second, decimal, NULL });
	require_child_line(&res, "shmsample NAME VALUE", value);

	run_sample(&res, (const char *[]){ third, "12zz", NULL });
	require_error(&res, "shmsample NAME 12zz", 2, (const char *[]){ "usage:", NULL },
		      ": a VALUE that is not a number is a usage error");

	/*
	 * No arguments: the listing's own /sample.  Tried only when no such
	 * object exists (the sandbox's /dev/shm is the grader's own; without
	 * one, /sample may be the student's).
	 */
	if (!shm_object_exists("/sample")) {
		tidy_shm_name("/sample");
		run_sample(&res, (const char *[]){ NULL });
		require_child_line(&res, "shmsample", LISTING_VALUE);
	}
	tidy_now();
}
END_TEST

/*
 * shmsample NAME with one call failing: it stops with the error and still
 * removes the object it made.
 */
static void sample_fault(const char *name, enum fault_call call, int error,
			 const char *advice)
{
	struct run_result res;

	shm_unlink(name);   /* what an earlier run left is another item's */
	sweep_program("shmsample", (const char *[]){ name, NULL }, "'shmsample NAME'",
		      call, 1, error, advice, &res);
	run_result_free(&res);
	require(!shm_object_exists(name), "'shmsample NAME', whose %s failed, left "
		"/dev/shm%s behind: remove the object before exiting on an error",
		fault_name(call), name);
}

START_TEST(sample_exits_cleanly)
{
	const char *name = new_name("clean");
	struct run_result res;
	char how[80], err[128];
	bool ok, enoent;

	run_sample(&res, (const char *[]){ name, NULL });
	run_describe(&res, how, sizeof how);
	grader_excerpt(err, sizeof err, res.err, res.err_len);
	ok = res.exited && res.exit_code == 0 && res.err_len == 0;
	enoent = strstr(res.err, "ENOENT") || strstr(res.err, "No such file");
	run_result_free(&res);
	require(ok || !enoent, "'shmsample NAME' ended with %s, stderr %s: the child ran "
		"on into the parent's clean-up and removed the object first; end it with "
		"_exit(0)", how, err);
	require(ok, "'shmsample NAME' should exit 0 with nothing on stderr; it ended "
		"with %s, stderr %s", how, err);
	/* A failed fork or munmap: one line, exit 1, and the object removed. */
	sample_fault(name, FAULT_fork, EAGAIN, "fork's -1 is no child: check it");
	sample_fault(name, FAULT_munmap, EINVAL, "check region_detach's result");
	tidy_now();
}
END_TEST

START_TEST(sample_parent_waits)
{
	const char *name = new_name("waits");
	struct run_result res;
	bool left;

	run_sample(&res, (const char *[]){ name, NULL });
	left = res.left_processes;
	require_child_line(&res, "shmsample NAME", LISTING_VALUE);
	require(!left, "the child was still running when shmsample ended: waitpid for it");
	tidy_now();
}
END_TEST

START_TEST(sample_object_private)
{
	const char *name = new_name("spied");
	char spy_log[600], env_log[700], line[400];
	const char *env[] = { env_log, NULL };
	struct run_result res;
	unsigned flags = 0, mode = 0;
	bool created = false;
	FILE *log;

	grader_tmp_path(spy_log, sizeof spy_log, "05-shmspy.log");
	unlink(spy_log);
	tidy_path(spy_log);
	snprintf(env_log, sizeof env_log, "GRADER_SHMSPY_LOG=%s", spy_log);
	run(&res, "shmsample", (const char *[]){ name, NULL }, "05-shmspy", env);
	require_listing_ran(&res, "shmsample NAME");

	/* The first shm_open that may create: its flags and requested mode. */
	log = fopen(spy_log, "r");
	require(log != NULL, "shmsample printed its line, but never called shm_open");
	while (!created && fgets(line, sizeof line, log) != NULL) {
		long pid;
		int fd;

		created = sscanf(line, "shm_open %ld %o %o %d", &pid, &flags, &mode, &fd) == 4
			  && (flags & O_CREAT);
	}
	fclose(log);
	require(created, "shmsample never called shm_open with O_CREAT");
	require((mode & 0777) == OBJECT_MODE, "shm_open created the object with mode "
		"%04o: %s; use 0600", mode & 0777, (mode & 0066) ? "any user may read and "
		"rewrite it" : "expected 0600");
	require(flags & O_EXCL, "shm_open creates without O_EXCL: it would take over "
		"(and O_TRUNC empty) an object someone else made");
	tidy_now();
}
END_TEST

START_TEST(sample_removes_object)
{
	const char *name = new_name("removed");
	struct run_result res;

	run_sample(&res, (const char *[]){ name, NULL });
	require_listing_ran(&res, "shmsample NAME");
	require(!shm_object_exists(name), "/dev/shm%s is still there after shmsample ended: "
		"shm_unlink it (munmap alone does not remove it)", name);
	tidy_now();
}
END_TEST

/* ---- unrelated processes, by name ---- */

START_TEST(programs_share_by_name)
{
	const char *name = new_name("shared");
	const size_t size = grader_random_between(16, 600);
	const size_t len = grader_random_between(1, (uint32_t)size - 1);
	const size_t long_len = grader_random_between((uint32_t)size, 2 * (uint32_t)size);
	char text[601], long_text[1201], size_arg[16], back[601];
	struct run_result res;
	struct stat st;

	umask(0); /* a wrong mode shows in full */
	grader_random_text(text, len);
	grader_random_text(long_text, long_len);
	snprintf(size_arg, sizeof size_arg, "%zu", size);

	expect_run("shmcreate NAME SIZE", "shmcreate",
		   (const char *[]){ name, size_arg, NULL },
		   "created %s (%zu bytes)\n", name, size);
	require(shm_object_stat(name, &st) == 0, "no /dev/shm%s after shmcreate", name);
	require((size_t)st.st_size == size, "after 'shmcreate NAME %zu' the object has "
		"%lld bytes", size, (long long)st.st_size);
	require((st.st_mode & 0777) == OBJECT_MODE, "shmcreate made the object with mode "
		"%04o: %s; use 0600", (unsigned)(st.st_mode & 0777), (st.st_mode & 0066) ?
		"any user may read and rewrite it" : "expected 0600");

	expect_run("shmattach NAME TEXT", "shmattach",
		   (const char *[]){ name, text, NULL },
		   "writing to %s: \"%s\"\n", name, text);
	read_object(name, back, len + 1, 0);
	require(memcmp(back, text, len + 1) == 0, "after 'shmattach NAME TEXT' the "
		"object does not start with TEXT and a NUL");

	expect_run("shmattach NAME", "shmattach",
		   (const char *[]){ name, NULL },
		   "%s contains: \"%s\"\n", name, text);

	/* Text longer than the object: cut to fit, and terminated. */
	run(&res, "shmattach", (const char *[]){ name, long_text, NULL }, NULL, NULL);
	{
		bool ok = res.exited && res.exit_code == 0;

		run_result_free(&res);
		require(ok, "'shmattach NAME TEXT' with TEXT longer than the object "
			"should cut it to fit and exit 0");
	}
	expect_run("shmattach NAME (after long text)", "shmattach",
		   (const char *[]){ name, NULL },
		   "%s contains: \"%.*s\"\n", name, (int)(size - 1), long_text);

	expect_run("shmdestroy NAME", "shmdestroy",
		   (const char *[]){ name, NULL },
		   "removed %s\n", name);
	require(!shm_object_exists(name), "/dev/shm%s is still there after shmdestroy: "
		"shm_unlink", name);
	tidy_now();
}
END_TEST

START_TEST(programs_name_errors)
{
	const char *name = new_name("errors");
	const char *missing = new_name("nothere");
	char bad[200];
	struct run_result res;
	struct stat st;

	expect_run("shmcreate NAME 100", "shmcreate",
		   (const char *[]){ name, "100", NULL },
		   "created %s (100 bytes)\n", name);

	run(&res, "shmcreate", (const char *[]){ name, "200", NULL }, NULL, NULL);
	require_error(&res, "shmcreate TAKEN 200", 1, (const char *[]){ "EEXIST", name,
		      NULL }, ": say which name is taken");
	require(shm_object_stat(name, &st) == 0 && st.st_size == 100, "'shmcreate TAKEN' "
		"changed the existing object: O_EXCL");

	snprintf(bad, sizeof bad, "%s/x", name);
	run(&res, "shmcreate", (const char *[]){ bad, "100", NULL }, NULL, NULL);
	require_error(&res, "shmcreate /name/x 100", 1, (const char *[]){ "EINVAL",
		      NULL }, ": a name has one slash, at the start");

	run(&res, "shmattach", (const char *[]){ missing, NULL }, NULL, NULL);
	require_error(&res, "shmattach MISSING", 1, (const char *[]){ "ENOENT", missing,
		      NULL }, ": no such object");
	require(!shm_object_exists(missing), "'shmattach MISSING' created the object: no "
		"O_CREAT when attaching");

	run(&res, "shmdestroy", (const char *[]){ missing, NULL }, NULL, NULL);
	require_error(&res, "shmdestroy MISSING", 1, (const char *[]){ "ENOENT",
		      missing, NULL }, ": no such object");
	tidy_now();
}
END_TEST

START_TEST(programs_usage)
{
	const char *name = new_name("usage");
	const struct {
		const char *prog, *shown;
		const char *args[4];
	} bad[] = {
		{ "shmcreate", "shmcreate NAME", { name, NULL } },
		{ "shmcreate", "shmcreate NAME 12x", { name, "12x", NULL } },
		{ "shmcreate", "shmcreate NAME 0", { name, "0", NULL } },
		{ "shmcreate", "shmcreate NAME -5", { name, "-5", NULL } },
		{ "shmattach", "shmattach", { NULL } },
		{ "shmattach", "shmattach NAME A B", { name, "a", "b", NULL } },
		{ "shmdestroy", "shmdestroy", { NULL } },
	};
	struct run_result res;

	expect_run("shmcreate NAME 10", "shmcreate",
		   (const char *[]){ name, "10", NULL },
		   "created %s (10 bytes)\n", name);
	shm_unlink(name);
	/* A failed munmap is an error, in both programs. */
	sweep_program("shmcreate", (const char *[]){ name, "10", NULL },
		      "'shmcreate NAME SIZE'", FAULT_munmap, 1, EINVAL,
		      "check region_detach's result", &res);
	run_result_free(&res);
	shm_unlink(name);
	expect_run("shmcreate NAME 10", "shmcreate",
		   (const char *[]){ name, "10", NULL },
		   "created %s (10 bytes)\n", name);
	sweep_program("shmattach", (const char *[]){ name, NULL }, "'shmattach NAME'",
		      FAULT_munmap, 1, EINVAL, "check region_detach's result", &res);
	run_result_free(&res);
	shm_unlink(name);

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		run(&res, bad[i].prog, bad[i].args, NULL, NULL);
		require_error(&res, bad[i].shown, 2, (const char *[]){ "usage:", NULL },
			      ": check the arguments before anything else");
		require(!shm_object_exists(name), "'%s' created the object although its "
			"arguments are wrong", bad[i].shown);
	}
	tidy_now();
}
END_TEST

#include GRADER_HIDDEN_TESTS	/* this lab's hidden items, if any (grader.h) */

static const struct graded_item graded_items[] = {
#include "05-posix-shm.def"
#include GRADER_HIDDEN_ITEMS
};
GRADER_MAIN("05-posix-shm")
