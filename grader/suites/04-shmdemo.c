/*
 * 04-shmdemo.c - the grader for lab 04: the lecture's ftok/shmget/shmat
 * demo, between unrelated processes.
 *
 * Every test makes its own key file under the run's private folder, so its
 * key is its own; the programs run in that folder, where the file is also
 * named shmdemo.c, so that the lecture's original (which hard-codes
 * ftok("shmdemo.c", 'R')) finds the same key and can be graded too.
 * Each test removes its segments before it reports, pass or fail.
 */
#include "grader.h"
#include "segment.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

/* The lab's contract, written out: a student's header cannot move it. */
#define DEMO_SIZE 1024
#define DEMO_MODE 0600

/* One key file of a test, in a folder of its own. */
struct keyfile {
	char dir[512];
	char path[600];
	key_t key;
};

static struct keyfile keyfiles[2];
static int keyfile_count;

static void remove_segment_of(key_t key)
{
	int shmid = shmget(key, 0, 0);

	if (shmid >= 0)
		shmctl(shmid, IPC_RMID, NULL);
}

/*
 * Makes <tmpdir>/04-<tag>-<n>/<filename> and its key.  A key that some
 * other segment on the machine already uses is refused: the next folder
 * gets a new inode, hence a new key.
 */
static struct keyfile *make_keyfile(const char *tag, const char *filename)
{
	struct keyfile *kf = &keyfiles[keyfile_count];
	struct sysv_shm seg;
	char name[128], dir[512];

	ck_assert(keyfile_count < 2);
	for (int attempt = 0; attempt < 16; attempt++) {
		int fd;

		snprintf(name, sizeof name, "04-%s-%d", tag, attempt);
		grader_tmp_path(dir, sizeof dir, name);
		if (mkdir(dir, 0700) == -1)
			continue;
		snprintf(kf->dir, sizeof kf->dir, "%s", dir);
		snprintf(kf->path, sizeof kf->path, "%s/%s", dir, filename);
		fd = open(kf->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd == -1) {
			rmdir(kf->dir);
			continue;
		}
		close(fd);
		kf->key = ftok(kf->path, 'R');
		if (kf->key != -1 && !sysv_shm_find_key((long)kf->key, &seg)) {
			keyfile_count++;
			tidy_path(kf->dir); /* removed last: the file, then the segment, first */
			tidy_path(kf->path);
			tidy_sysv_key(kf->key);
			return kf;
		}
		unlink(kf->path);
		rmdir(kf->dir);
	}
	tidy_now();
	ck_abort_msg("grader: could not make a key file with a free key in %s",
		     grader_tmpdir());
	return NULL;
}

/* Runs shmdemo in folder cwd with SHMDEMO_KEYFILE=keyfile. */
static void run_demo(struct run_result *res, const char *cwd,
		     const char *keyfile, const char *const args[])
{
	char env_keyfile[700];
	const char *env[] = { env_keyfile, NULL };
	struct run_opts opts = { .timeout = 1.5, .cwd = cwd, .env = env };

	snprintf(env_keyfile, sizeof env_keyfile, "SHMDEMO_KEYFILE=%s", keyfile);
	memset(res, 0, sizeof *res);
	if (run_program("shmdemo", args, &opts, res) == -1) {
		int error = res->spawn_error;

		run_result_free(res);
		tidy_now();
		ck_abort_msg("shmdemo did not start (%s): was it built?", strerror(error));
	}
}

/* The usual case: in the key file's folder, with the variable naming it. */
static void run_in(struct run_result *res, const struct keyfile *kf,
		   const char *const args[])
{
	run_demo(res, kf->dir, kf->path, args);
}

/* Fails unless the run exited 0 and printed exactly expected. */
static void require_output(struct run_result *res, const char *command,
			   const char *expected)
{
	char how[80], err[128], seen[128], want[128];

	if (!res->exited || res->exit_code != 0) {
		run_describe(res, how, sizeof how);
		grader_excerpt(err, sizeof err, res->err, res->err_len);
		run_result_free(res);
		require(0, "'%s' should exit 0; it ended with %s, stderr %s",
			command, how, err);
	}
	if (strcmp(res->out, expected) != 0) {
		size_t at = grader_first_difference(res->out, res->out_len, expected,
						   strlen(expected), NULL);
		size_t from = at > 20 ? at - 20 : 0;

		grader_excerpt(seen, sizeof seen, res->out + from, strlen(res->out + from));
		grader_excerpt(want, sizeof want, expected + from, strlen(expected + from));
		run_result_free(res);
		require(0, "'%s' printed %s%s, expected %s%s (they differ at character %zu)",
			command, from ? "..." : "", seen, from ? "..." : "", want, at);
	}
	run_result_free(res);
}

/* Random text for the command line: no leading '-', which would be an option. */
static void random_argument(char *buf, size_t len)
{
	grader_random_text(buf, len);
	if (buf[0] == '-')
		buf[0] = 'x';
}

/* The line the program should print: prefix"TEXT"\n (one at a time). */
static const char *format_line(const char *prefix, const char *text, size_t len)
{
	static char line[4 * DEMO_SIZE];

	snprintf(line, sizeof line, "%s\"%.*s\"\n", prefix, (int)len, text);
	return line;
}

static bool segment_exists(key_t key)
{
	struct sysv_shm seg;

	return sysv_shm_find_key((long)key, &seg);
}

/* Creates a segment of key directly (the test's own), mode 0600. */
static int make_segment(key_t key, size_t size)
{
	int shmid = shmget(key, size, DEMO_MODE | IPC_CREAT | IPC_EXCL);

	require(shmid != -1, "grader: shmget(%zu bytes) failed: %s", size, strerror(errno));
	return shmid;
}

/* True when text holds the decimal number n, not as part of a longer one. */
static bool mentions_number(const char *text, size_t n)
{
	char digits[32];
	size_t len = (size_t)snprintf(digits, sizeof digits, "%zu", n);

	for (const char *p = strstr(text, digits); p; p = strstr(p + 1, digits)) {
		bool before = p > text && p[-1] >= '0' && p[-1] <= '9';
		bool after = p[len] >= '0' && p[len] <= '9';

		if (!before && !after)
			return true;
	}
	return false;
}

/* ---- the functions ---- */

START_TEST(fn_key_from_keyfile)
{
	struct keyfile *kf = make_keyfile("key", "keyfile");
	char missing[700];
	const char *chosen;
	key_t key;

	errno = 0;
	key = segment_key(kf->path);
	require(key == kf->key, "segment_key(file) returned 0x%08x (%s), expected "
		"ftok(file, 'R') = 0x%08x: use ftok with SHM_PROJ 'R'",
		(unsigned)key, grader_errno_name(errno), (unsigned)kf->key);

	unsetenv(SHMDEMO_KEYFILE_ENV);
	chosen = segment_keyfile();
	require(chosen != NULL && strcmp(chosen, "shmdemo.c") == 0,
		"without SHMDEMO_KEYFILE segment_keyfile() should give \"shmdemo.c\", "
		"as the lecture's demo; it gave %s%s%s", chosen ? "\"" : "",
		chosen ? chosen : "NULL", chosen ? "\"" : "");

	setenv(SHMDEMO_KEYFILE_ENV, kf->path, 1);
	chosen = segment_keyfile();
	require(chosen != NULL && strcmp(chosen, kf->path) == 0,
		"with SHMDEMO_KEYFILE set, segment_keyfile() should return its value; "
		"it returned %s: read it with getenv", chosen ? "another path" : "NULL");

	snprintf(missing, sizeof missing, "%s/missing", kf->dir);
	errno = 0;
	key = segment_key(missing);
	require(key == -1 && errno == ENOENT, "segment_key(missing file) should fail "
		"with ENOENT; it returned 0x%08x (%s)", (unsigned)key, grader_errno_name(errno));
	tidy_now();
}
END_TEST

/* ---- every call failing in turn (failsweep.h) ---- */

struct attach_attempt {
	key_t key;
	char *data;
};

static bool attach_attempt(void *ctx)
{
	struct attach_attempt *a = ctx;

	a->data = segment_attach(a->key, DEMO_SIZE);
	return a->data != NULL;
}

static void attach_undo(void *ctx)
{
	shmdt(((struct attach_attempt *)ctx)->data);
}

/*
 * segment_attach of key's existing segment with each call failing in
 * turn: NULL with that call's errno and nothing left attached.
 */
static void sweep_segment_attach(key_t key)
{
	static const struct sweep_call calls[] = {
		/* Whether it checks the size with shmctl is another item's. */
		{ .call = FAULT_shmget, .error = EACCES }, { .call = FAULT_shmctl, .error = EACCES, .optional = true },
		{ .call = FAULT_shmat, .error = ENOMEM },
	};
	struct attach_attempt a = { key, NULL };
	const struct sweep sweep = {
		.what = "segment_attach", .attempt = attach_attempt,
		.undo = attach_undo, .undo_what = "shmdt", .ctx = &a,
	};

	sweep_faults(&sweep, calls, 3);
}

START_TEST(fn_attach_creates)
{
	struct keyfile *kf = make_keyfile("attach", "keyfile");
	struct map_region region = { 0 };
	struct sysv_shm seg;
	char text[DEMO_SIZE];
	char *data, *again;
	int shmid;

	errno = 0;
	data = segment_attach(kf->key, DEMO_SIZE);
	require(data != NULL, "segment_attach(key, 1024) returned NULL (%s): shmget "
		"with IPC_CREAT, then shmat", grader_errno_name(errno));
	require(sysv_shm_find_key((long)kf->key, &seg), "segment_attach returned an "
		"address but /proc/sysvipc/shm has no segment with the key: shmget(key, ...)");
	shmid = seg.shmid;
	require(seg.size == DEMO_SIZE, "the segment has %zu bytes, expected 1024: pass "
		"size to shmget", seg.size);
	require((seg.mode & 0777) == DEMO_MODE, "the segment's mode is %04o, expected 0600: "
		"%s", seg.mode & 0777, (seg.mode & 0077) ? "other users can get at it"
		: "the owner must read and write it");
	require(seg.nattch == 1, "the segment is attached %lu times after one "
		"segment_attach, expected once", seg.nattch);
	require(maps_find(0, (uintptr_t)data, &region) && region.perms[0] == 'r' &&
		region.perms[1] == 'w' && region.perms[3] == 's',
		"the address returned is not a shared read-write mapping (%s): shmat(shmid, "
		"NULL, 0)", region.perms);

	grader_random_text(text, grader_random_between(1, DEMO_SIZE - 1));
	memcpy(data, text, strlen(text) + 1);
	errno = 0;
	require(segment_detach(data) == 0, "segment_detach failed (%s): shmdt(data)",
		grader_errno_name(errno));
	require(!maps_find(0, (uintptr_t)data, &region), "the segment is still mapped "
		"after segment_detach: call shmdt");
	require(sysv_shm_find_key((long)kf->key, &seg), "the segment is gone after "
		"segment_detach: detaching must not remove it");
	require(seg.nattch == 0, "nattch is %lu after segment_detach, expected 0", seg.nattch);

	again = segment_attach(kf->key, DEMO_SIZE);
	require(again != NULL, "a second segment_attach of the same key failed (%s): "
		"IPC_CREAT without IPC_EXCL reuses the segment", grader_errno_name(errno));
	require(sysv_shm_find_key((long)kf->key, &seg) && seg.shmid == shmid,
		"the second segment_attach made a new segment instead of reusing the key's");
	require(strcmp(again, text) == 0, "the text written before detaching is gone "
		"after attaching again: a segment outlives its attachments");
	shmdt(again);
	sweep_segment_attach(kf->key);
	tidy_now();
}
END_TEST

/* Two sizes a key's segment of DEMO_SIZE bytes must be refused with. */
struct wrong_sizes {
	size_t size[2];		/* larger, then smaller */
};

static struct wrong_sizes pick_wrong_sizes(void)
{
	return (struct wrong_sizes){ .size = {
		grader_random_between(DEMO_SIZE + 1, 8 * DEMO_SIZE),
		grader_random_between(1, DEMO_SIZE - 1),
	} };
}

START_TEST(fn_attach_rejects_wrong_size)
{
	struct keyfile *kf = make_keyfile("size", "keyfile");
	const struct wrong_sizes wrong = pick_wrong_sizes();
	const size_t *sizes = wrong.size;
	struct sysv_shm seg;
	char *data;

	for (int i = 0; i < 2; i++) {
		int shmid = make_segment(kf->key, sizes[i]);

		errno = 0;
		data = segment_attach(kf->key, DEMO_SIZE);
		if (data != NULL)
			shmdt(data);
		require(data == NULL, "segment_attach(key, 1024) accepted the key's existing "
			"%zu-byte segment: shmget only checks it is big enough; compare "
			"shm_segsz (IPC_STAT)", sizes[i]);
		require(errno == EINVAL, "segment_attach of a %zu-byte segment should fail "
			"with EINVAL; errno was %s", sizes[i], grader_errno_name(errno));
		require(sysv_shm_find_key((long)kf->key, &seg) && seg.shmid == shmid &&
			seg.size == sizes[i], "segment_attach removed or replaced the "
			"wrong-sized segment: report it and leave it alone");
		remove_segment_of(kf->key);
	}
	data = segment_attach(kf->key, DEMO_SIZE);
	require(data != NULL, "segment_attach failed (%s) once the wrong-sized segment "
		"was removed", grader_errno_name(errno));
	shmdt(data);
	tidy_now();
}
END_TEST

START_TEST(fn_remove)
{
	struct keyfile *kf = make_keyfile("remove", "keyfile");
	int result;

	make_segment(kf->key, DEMO_SIZE);
	errno = 0;
	result = segment_remove(kf->key);
	require(result == 0, "segment_remove returned %d (%s): shmget(key, 0, 0), then "
		"shmctl(shmid, IPC_RMID, NULL)", result, grader_errno_name(errno));
	require(!segment_exists(kf->key), "the segment is still in "
		"/proc/sysvipc/shm after segment_remove: shmctl(IPC_RMID) removes it");
	errno = 0;
	result = segment_remove(kf->key);
	require(result == -1 && errno == ENOENT, "segment_remove with no segment should "
		"fail with ENOENT; it returned %d (%s)%s", result, grader_errno_name(errno),
		segment_exists(kf->key) ? " and created one: no IPC_CREAT" : "");
	tidy_now();
}
END_TEST

START_TEST(fn_store_terminates)
{
	enum { CANARY = 16 };
	const size_t size = grader_random_between(2, 64);
	char area[64 + CANARY];
	char text[3 * 64 + 1];
	size_t len, stored;

	len = grader_random_between(1, (uint32_t)size - 1);
	grader_random_text(text, len);
	memset(area, '#', sizeof area);
	stored = segment_store(area, size, text);
	require(stored == len && memcmp(area, text, len + 1) == 0,
		"segment_store of %zu characters into %zu bytes should store them and a "
		"NUL and return %zu; it returned %zu", len, size, len, stored);

	len = grader_random_between((uint32_t)size, 3 * (uint32_t)size);
	grader_random_text(text, len);
	memset(area, '#', sizeof area);
	stored = segment_store(area, size, text);
	for (size_t i = size; i < size + CANARY; i++)
		require(area[i] == '#', "segment_store of %zu characters into %zu bytes "
			"wrote past the end, at byte %zu", len, size, i);
	require(area[size - 1] == '\0', "segment_store of %zu characters into %zu bytes "
		"left byte %zu as '%c', not NUL: strncpy does not terminate text that "
		"fills the space", len, size, size - 1, area[size - 1]);
	require(stored == size - 1 && memcmp(area, text, size - 1) == 0,
		"segment_store of %zu characters into %zu bytes should keep the first %zu "
		"and return %zu; it returned %zu", len, size, size - 1, size - 1, stored);
}
END_TEST

/* ---- the program ---- */

START_TEST(demo_write_then_read)
{
	struct keyfile *kf = make_keyfile("rw", "shmdemo.c");
	char env_keyfile[700];
	const char *env[] = { env_keyfile, NULL };
	const size_t len = grader_random_between(1, 200);
	char text[201];
	struct run_result res;

	random_argument(text, len);
	run_in(&res, kf, (const char *[]){ text, NULL });
	require_output(&res, "shmdemo TEXT", format_line("writing to segment: ", text, len));
	require(segment_exists(kf->key), "'shmdemo TEXT' left no segment "
		"with the key of $SHMDEMO_KEYFILE: ftok(keyfile, 'R'), then shmget with "
		"IPC_CREAT");

	/* A second, unrelated process finds the segment by the same key. */
	run_in(&res, kf, (const char *[]){ NULL });
	require_output(&res, "shmdemo", format_line("segment contains: ", text, len));

	/* A failed shmdt is an error too. */
	snprintf(env_keyfile, sizeof env_keyfile, "SHMDEMO_KEYFILE=%s", kf->path);
	sweep_program_opts("shmdemo", (const char *[]){ text, NULL },
			   &(struct run_opts){ .cwd = kf->dir, .env = env }, "'shmdemo TEXT'",
			   FAULT_shmdt, 1, EINVAL, "check segment_detach's -1", &res);
	run_result_free(&res);
	tidy_now();
}
END_TEST

START_TEST(demo_keyfile)
{
	struct keyfile *here = make_keyfile("kfhere", "shmdemo.c");
	struct keyfile *named = make_keyfile("kfnamed", "keyfile");
	char text[41], missing[700], err[128];
	struct run_result res;

	random_argument(text, grader_random_between(1, 40));
	run_demo(&res, here->dir, named->path, (const char *[]){ text, NULL });
	require_output(&res, "shmdemo TEXT", format_line("writing to segment: ", text,
							 strlen(text)));
	require(segment_exists(named->key), "no segment with the key of "
		"the file SHMDEMO_KEYFILE names%s: take the key file from SHMDEMO_KEYFILE",
		segment_exists(here->key) ? " (one with ./shmdemo.c's key)" : "");
	require(!segment_exists(here->key), "a segment with ./shmdemo.c's "
		"key appeared although SHMDEMO_KEYFILE names another file");

	snprintf(missing, sizeof missing, "%s/no-such-keyfile", named->dir);
	run_demo(&res, here->dir, missing, (const char *[]){ NULL });
	grader_excerpt(err, sizeof err, res.err, res.err_len);
	{
		bool failed = res.exited && res.exit_code != 0;
		bool named_file = strstr(res.err, "no-such-keyfile") != NULL;
		bool quiet = res.out_len == 0;

		run_result_free(&res);
		require(failed, "with SHMDEMO_KEYFILE naming a missing file, shmdemo should "
			"fail (exit 1); it did not: check ftok's result");
		require(named_file && quiet, "with a missing key file, stderr should name "
			"the file and stdout stay empty; stderr was %s", err);
	}
	tidy_now();
}
END_TEST

START_TEST(demo_truncates_long_text)
{
	struct keyfile *kf = make_keyfile("long", "shmdemo.c");
	const size_t len = grader_random_between(DEMO_SIZE + 1, 3 * DEMO_SIZE);
	char *text = malloc(len + 1);
	struct run_result res;
	char how[80], err[128];
	const char *data;
	int shmid;

	ck_assert(text != NULL);
	random_argument(text, len);
	run_in(&res, kf, (const char *[]){ text, NULL });
	run_describe(&res, how, sizeof how);
	grader_excerpt(err, sizeof err, res.err, res.err_len);
	{
		bool ok = res.exited && res.exit_code == 0;

		run_result_free(&res);
		require(ok, "'shmdemo TEXT' with %zu characters should store the first "
			"1023 and exit 0; it ended with %s, stderr %s", len, how, err);
	}

	/* Read the segment at its source, not through the student's reader. */
	shmid = shmget(kf->key, 0, 0);
	require(shmid != -1, "no segment with the key after writing long text");
	data = shmat(shmid, NULL, SHM_RDONLY);
	require(data != (void *)-1, "grader: shmat failed: %s", strerror(errno));
	{
		bool kept = memcmp(data, text, DEMO_SIZE - 1) == 0;
		char last = data[DEMO_SIZE - 1];

		shmdt(data);
		require(last == '\0', "after %zu characters, the segment's last byte is "
			"'%c', not NUL: strncpy(data, text, SHM_SIZE) leaves long text "
			"unterminated; store 1023 and a NUL", len, last);
		require(kept, "the segment does not start with the first 1023 characters "
			"of the text");
	}

	run_in(&res, kf, (const char *[]){ NULL });
	require_output(&res, "shmdemo", format_line("segment contains: ", text, DEMO_SIZE - 1));
	free(text);
	tidy_now();
}
END_TEST

START_TEST(demo_reader_stays_in_segment)
{
	struct keyfile *kf = make_keyfile("bounded", "shmdemo.c");
	const size_t page = (size_t)sysconf(_SC_PAGESIZE);
	char text[DEMO_SIZE + 1];
	struct run_result res;
	int shmid = make_segment(kf->key, DEMO_SIZE);
	char *data = shmat(shmid, NULL, 0);

	require(data != (void *)-1, "grader: shmat failed: %s", strerror(errno));
	/*
	 * A full segment with no NUL, as another writer (the lecture's strncpy)
	 * leaves it, and the rest of its page not zero: a reader that trusts
	 * the NUL prints past the segment's end.
	 */
	grader_random_text(text, DEMO_SIZE);
	memcpy(data, text, DEMO_SIZE);
	memset(data + DEMO_SIZE, '#', page - DEMO_SIZE - 1);
	data[page - 1] = '\0';
	shmdt(data);

	run_in(&res, kf, (const char *[]){ NULL });
	if (res.exited && res.exit_code == 0 && res.out_len > DEMO_SIZE + 21) {
		size_t printed = res.out_len - 21;

		run_result_free(&res);
		require(0, "'shmdemo' printed %zu characters from a full 1024-byte segment: "
			"the text has no NUL, so print at most SHM_SIZE bytes (%%.*s, strnlen)",
			printed);
	}
	require_output(&res, "shmdemo", format_line("segment contains: ", text, DEMO_SIZE));
	tidy_now();
}
END_TEST

START_TEST(demo_segment_private)
{
	struct keyfile *kf = make_keyfile("mode", "shmdemo.c");
	char text[41];
	struct run_result res;
	struct sysv_shm seg;

	random_argument(text, grader_random_between(1, 40));
	run_in(&res, kf, (const char *[]){ text, NULL });
	require_output(&res, "shmdemo TEXT", format_line("writing to segment: ", text,
							 strlen(text)));
	require(sysv_shm_find_key((long)kf->key, &seg), "'shmdemo TEXT' left no segment "
		"with the key of $SHMDEMO_KEYFILE");
	require(seg.size == DEMO_SIZE, "the segment has %zu bytes, expected 1024 "
		"(SHM_SIZE)", seg.size);
	require((seg.mode & 0777) == DEMO_MODE, "the segment's mode is %04o: %s; create "
		"it with mode 0600", seg.mode & 0777, (seg.mode & 0077) ?
		"other users can read it (ipcs shows it to all)" : "expected 0600");
	tidy_now();
}
END_TEST

START_TEST(demo_remove_command)
{
	struct keyfile *kf = make_keyfile("rm", "shmdemo.c");
	char text[41], err[128], how[80];
	struct run_result res;
	bool ok;

	random_argument(text, grader_random_between(1, 40));
	run_in(&res, kf, (const char *[]){ text, NULL });
	require_output(&res, "shmdemo TEXT", format_line("writing to segment: ", text,
							 strlen(text)));
	require(segment_exists(kf->key), "'shmdemo TEXT' left no segment "
		"with the key of $SHMDEMO_KEYFILE");

	run_in(&res, kf, (const char *[]){ "-r", NULL });
	run_describe(&res, how, sizeof how);
	grader_excerpt(err, sizeof err, res.out, res.out_len);
	ok = res.exited && res.exit_code == 0;
	run_result_free(&res);
	require(ok, "'shmdemo -r' should remove the segment and exit 0; it ended with %s",
		how);
	require(!segment_exists(kf->key), "the segment is still there "
		"after 'shmdemo -r' (which printed %s): remove it with shmctl(IPC_RMID)", err);

	run_in(&res, kf, (const char *[]){ "-r", NULL });
	run_describe(&res, how, sizeof how);
	grader_excerpt(err, sizeof err, res.err, res.err_len);
	ok = res.exited && res.exit_code == 1 && res.err_len > 0;
	run_result_free(&res);
	require(ok, "'shmdemo -r' with no segment should say so on stderr and exit 1; it "
		"ended with %s, stderr %s", how, err);
	require(!segment_exists(kf->key), "'shmdemo -r' with no segment "
		"created one: look it up without IPC_CREAT");
	tidy_now();
}
END_TEST

START_TEST(demo_rejects_wrong_size)
{
	struct keyfile *kf = make_keyfile("wrongsize", "shmdemo.c");
	const struct wrong_sizes wrong = pick_wrong_sizes();
	const size_t *sizes = wrong.size;
	const char *const reader[] = { NULL };
	const char *const writer[] = { "overwrite", NULL };
	struct run_result res;
	struct sysv_shm seg;
	char err[128], how[80];

	/* The happy path first: the program works on a fresh key. */
	run_in(&res, kf, writer);
	require_output(&res, "shmdemo TEXT", "writing to segment: \"overwrite\"\n");
	remove_segment_of(kf->key);

	for (int i = 0; i < 2; i++) {
		const char *command = i == 0 ? "shmdemo" : "shmdemo TEXT";
		int shmid = make_segment(kf->key, sizes[i]);
		bool failed, explained, quiet;

		run_in(&res, kf, i == 0 ? reader : writer);
		run_describe(&res, how, sizeof how);
		grader_excerpt(err, sizeof err, res.err, res.err_len);
		failed = res.exited && res.exit_code != 0;
		explained = mentions_number(res.err, sizes[i]);
		quiet = res.out_len == 0;
		run_result_free(&res);
		require(failed, "'%s' with a %zu-byte segment at its key should refuse it "
			"(exit 1); it ended with %s: check shm_segsz (IPC_STAT)", command,
			sizes[i], how);
		require(explained && quiet, "'%s' refused a %zu-byte segment, but its error "
			"should give that size; stderr was %s", command, sizes[i], err);
		require(sysv_shm_find_key((long)kf->key, &seg) && seg.shmid == shmid &&
			seg.size == sizes[i], "'%s' removed or replaced the wrong-sized "
			"segment: report it and leave it alone", command);
		remove_segment_of(kf->key);
	}
	tidy_now();
}
END_TEST

START_TEST(demo_usage)
{
	struct keyfile *kf = make_keyfile("usage", "shmdemo.c");
	const char *const *bad[] = {
		(const char *[]){ "one", "two", NULL },
		(const char *[]){ "-x", NULL },
		(const char *[]){ "-r", "extra", NULL },
	};
	const char *shown[] = { "shmdemo A B", "shmdemo -x", "shmdemo -r A" };
	char text[41], err[128], how[80];
	struct run_result res;

	random_argument(text, grader_random_between(1, 40));
	run_in(&res, kf, (const char *[]){ text, NULL });
	require_output(&res, "shmdemo TEXT", format_line("writing to segment: ", text,
							 strlen(text)));

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		bool ok, getopt_first;

		run_in(&res, kf, bad[i]);
		run_describe(&res, how, sizeof how);
		grader_excerpt(err, sizeof err, res.err, res.err_len);
		ok = res.exited && res.exit_code == 2 && res.out_len == 0 &&
		     strncmp(res.err, "usage:", 6) == 0;
		getopt_first = run_getopt_spoke_first(res.err);
		run_result_free(&res);
		require(ok, "'%s' should print a usage line on stderr and exit 2; it ended "
			"with %s, stderr %s%s", shown[i], how, err, getopt_first
			? ": getopt printed a message of its own before yours: set "
			  "opterr = 0" : "");
	}
	tidy_now();
}
END_TEST

#include GRADER_HIDDEN_TESTS	/* this lab's hidden items, if any (grader.h) */

static const struct graded_item graded_items[] = {
#include "04-shmdemo.def"
#include GRADER_HIDDEN_ITEMS
};
GRADER_MAIN("04-shmdemo")
