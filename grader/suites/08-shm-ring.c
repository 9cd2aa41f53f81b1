/*
 * 08-shm-ring.c - the grader for lab 08.
 *
 * The ring is driven only through ring.h, from child processes of the
 * test: a ring that blocks when it should not (or never wakes up) then
 * costs a deadline and a precise hint, not the item's timeout.  Children
 * never assert: they report through a page of shared memory (a progress
 * count and the first problem they saw) and their exit status.
 *
 * Messages carry the producer's number, a sequence number, their length
 * and a checksum over all of it and a random payload, so a consumer can
 * tell a lost, duplicated, reordered or torn message from a good one.
 * Blocking is checked with the CPU time the waiting process uses
 * (/proc/PID/stat), over an interval, against a generous threshold.
 */
#include "grader.h"
#include "ring.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* How long a hand-off may take before the other side is called stuck. */
#define WAKE_DEADLINE 1.5
/* A stream with no progress for this long has stalled. */
#define STALL_SECONDS 2.0
/*
 * The longest a stream test may run: the solution takes 1-2 s on an idle
 * two-core machine, and up to 6 s at a load average of 12.
 */
#define STREAM_DEADLINE 20.0
/*
 * A waiting process may use at most this share of one CPU over the
 * interval.  A process asleep in sem_wait uses none; a spinning one got
 * 15-100% on a two-core machine, from a load average of 12 to idle.
 */
#define WAIT_CPU_SHARE 0.05
#define WAIT_CPU_INTERVAL 0.6

enum { MAX_PRODUCERS = 4, MAX_CONSUMERS = 4 };

//* A zeroed page (or more) shared with the children forked afterwards. */
static void *shared_area(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	ck_assert_msg(p != MAP_FAILED, "the grader could not map %zu bytes: %s",
		      size, strerror(errno));
	return p;
}

static void fill_random(unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (unsigned char)grader_random();
}

static const char *errno_name(int err)
{
	const char *name = strerrorname_np(err);

	return name ? name : "?";
}

/* The /dev/shm path of a POSIX shared memory name. */
static char *shm_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "/dev/shm/%s", name + 1);
	return buf;
}

static bool shm_exists(const char *name)
{
	char path[300];
	struct stat st;

	return stat(shm_path(path, sizeof path, name), &st) == 0;
}

/*
 * Any /dev/shm entry whose name contains base (the ring's name without
 * its slash): the object itself, or named semaphores derived from it.
 */
static bool shm_leftover(const char *base, char *found, size_t size)
{
	DIR *dir = opendir("/dev/shm");
	struct dirent *e;
	bool any = false;

	if (dir == NULL)
		return false;
	while (!any && (e = readdir(dir)) != NULL)
		if (strstr(e->d_name, base) != NULL) {
			snprintf(found, size, "%s", e->d_name);
			any = true;
		}
	closedir(dir);
	return any;
}

/*
 * A failing assertion ends the test at once: unlink the test's named ring
 * first, so that the hint is all the student sees.
 */
#define require(cond, name, ...)                         \
	do {                                             \
		if (!(cond)) {                           \
			shm_unlink(name);                \
			ck_abort_msg(__VA_ARGS__);       \
		}                                        \
	} while (0)

/* ---- child processes ---- */

/* What a child tells the test: how far it got, and what went wrong. */
struct report {
	size_t done;            /* operations completed (atomic) */
	int failed;             /* first problem claimed (atomic) */
	ssize_t result;         /* the last ring call's return */
	int err;                /* and its errno */
	char step[120];         /* what the child is doing now */
	char problem[200];
};

static void set_step(struct report *rep, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void set_step(struct report *rep, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rep->step, sizeof rep->step, fmt, ap);
	va_end(ap);
}

/* Records the first problem of any child sharing rep (others are dropped). */
static void problem(struct report *rep, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void problem(struct report *rep, const char *fmt, ...)
{
	va_list ap;

	if (__atomic_exchange_n(&rep->failed, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	va_start(ap, fmt);
	vsnprintf(rep->problem, sizeof rep->problem, fmt, ap);
	va_end(ap);
}

static void add_done(struct report *rep, size_t n)
{
	__atomic_add_fetch(&rep->done, n, __ATOMIC_RELAXED);
}

static size_t get_done(struct report *rep)
{
	return __atomic_load_n(&rep->done, __ATOMIC_RELAXED);
}

/* Forks a child that runs fn(arg) and ends with _exit, never returning. */
static pid_t start_child(void (*fn)(void *), void *arg)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	ck_assert_msg(pid >= 0, "the grader could not fork: %s", strerror(errno));
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	return pid;
}

/* Kills and reaps a child that may still run (pid 0: none). */
static void stop_child(pid_t *pid)
{
	if (*pid > 0) {
		kill(*pid, SIGKILL);
		while (waitpid(*pid, NULL, 0) == -1 && errno == EINTR)
			;
	}
	*pid = 0;
}

/* Reaps a child that has exited; false while it runs. */
static bool child_done(pid_t pid, int *status)
{
	pid_t r;

	while ((r = waitpid(pid, status, WNOHANG)) == -1 && errno == EINTR)
		;
	return r == pid;
}

/*
 * Waits for a child up to its deadline.  Returns true when it exited with
 * status 0; otherwise writes what happened into why.
 */
static bool child_finished(pid_t *pid, double seconds, const struct report *rep,
			   char *why, size_t size)
{
	char desc[64];
	int status;

	if (grader_wait(*pid, seconds, &status) == -1) {
		*pid = 0;
		snprintf(why, size, "still running after %.1f s at: %s", seconds,
			 rep->step);
		return false;
	}
	*pid = 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return true;
	if (WIFSIGNALED(status))
		snprintf(why, size, "%s at: %s",
			 grader_describe_status(status, desc, sizeof desc), rep->step);
	else
		snprintf(why, size, "%s", rep->problem[0] ? rep->problem : rep->step);
	return false;
}

/* CPU ticks (user + system) and state of a process, from /proc/PID/stat. */
static bool process_cpu(pid_t pid, unsigned long long *ticks, char *state)
{
	char path[64], buf[1024];
	unsigned long long user, sys;
	const char *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return false;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* the command name may hold spaces */
	if (p == NULL || sscanf(p + 2, "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
				state, &user, &sys) != 3)
		return false;
	*ticks = user + sys;
	return true;
}

static bool asleep_by(pid_t pid, double deadline);

/*
 * The share of one CPU that the processes pids used together over
 * WAIT_CPU_INTERVAL seconds, or -1 when one of them ended meanwhile.
 * Each gets up to half a second to fall asleep first, so that the CPU
 * it used on its way into the wait is not counted.
 */
static double cpu_share_of(const pid_t *pids, size_t count)
{
	unsigned long long before = 0, after = 0, ticks;
	const double hz = (double)sysconf(_SC_CLK_TCK);
	const double settle = monotonic_seconds() + 0.5 * grader_scale();
	double start;
	char state;

	for (size_t i = 0; i < count; i++)
		asleep_by(pids[i], settle);
	for (size_t i = 0; i < count; i++) {
		if (!process_cpu(pids[i], &ticks, &state))
			return -1;
		before += ticks;
	}
	start = monotonic_seconds();
	sleep_seconds(WAIT_CPU_INTERVAL);
	for (size_t i = 0; i < count; i++) {
		if (!process_cpu(pids[i], &ticks, &state) || state == 'Z')
			return -1;
		after += ticks;
	}
	return (double)(after - before) / hz / (monotonic_seconds() - start);
}

static double cpu_share(pid_t pid)
{
	return cpu_share_of(&pid, 1);
}

/*
 * Waits until pid has been asleep, using no CPU, for a few polls in a row
 * (true), or until the deadline of monotonic_seconds() passes (false).
 */
static bool asleep_by(pid_t pid, double deadline)
{
	unsigned long long ticks, last = 0;
	int calm = 0;
	char state;

	while (monotonic_seconds() < deadline) {
		if (!process_cpu(pid, &ticks, &state))
			return false;
		calm = state == 'S' && ticks == last ? calm + 1 : 0;
		last = ticks;
		if (calm >= 3)
			return true;
		sleep_seconds(0.02);
	}
	return false;
}

/* ---- messages with a sequence number and a checksum ---- */

struct msg_head {
	uint32_t producer;
	uint32_t seq;
	uint32_t len;           /* payload bytes after the head */
	uint32_t sum;           /* FNV-1a of the above and the payload */
};

enum { HEAD = sizeof(struct msg_head) };

static uint32_t fnv1a(uint32_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static uint32_t message_sum(const struct msg_head *h, const unsigned char *payload)
{
	uint32_t sum = fnv1a(2166136261u, h, offsetof(struct msg_head, sum));

	return fnv1a(sum, payload, h->len);
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Writes message seq of producer into buf (slot_size bytes); its length. */
static size_t make_message(unsigned char *buf, size_t slot_size, uint32_t producer,
			   uint32_t seq, uint64_t *rng)
{
	struct msg_head h = { producer, seq, 0, 0 };

	h.len = (uint32_t)(xorshift(rng) % (slot_size - HEAD + 1));
	for (size_t i = 0; i < h.len; i += 8) {
		uint64_t bits = xorshift(rng);

		memcpy(buf + HEAD + i, &bits, h.len - i < 8 ? h.len - i : 8);
	}
	h.sum = message_sum(&h, buf + HEAD);
	memcpy(buf, &h, HEAD);
	return HEAD + h.len;
}

/* NULL when buf holds a whole, intact message of n bytes; else what is wrong. */
static const char *check_message(const unsigned char *buf, ssize_t n,
				 struct msg_head *h, uint32_t producers)
{
	if (n < (ssize_t)HEAD)
		return "shorter than its header";
	memcpy(h, buf, HEAD);
	if ((size_t)n != HEAD + h->len)
		return "of the wrong length";
	if (h->producer >= producers || message_sum(h, buf + HEAD) != h->sum)
		return "corrupted (bad checksum)";
	return NULL;
}

/* ---- a stream of messages from producers to consumers ---- */

struct stream {
	struct ring *ring;
	size_t slot_count, slot_size;
	uint32_t producers, consumers;
	uint32_t per_producer;          /* messages each producer sends */
	uint64_t seeds[MAX_PRODUCERS];
	uint32_t ended;                 /* producers done (atomic) */
	uint32_t go;                    /* consumers may start (atomic) */
	struct report sent;             /* progress of the producers */
	struct report got;              /* progress and problems of consumers */
	uint32_t finished[MAX_CONSUMERS]; /* consumer i saw the end (atomic) */
	unsigned char seen[];           /* per message: times received */
};

struct stream_child {
	struct stream *st;
	uint32_t index;
};

static void stream_producer(void *arg)
{
	const struct stream_child *me = arg;
	struct stream *st = me->st;
	unsigned char *buf = malloc(st->slot_size);
	uint64_t rng = st->seeds[me->index];

	if (buf == NULL)
		_exit(3);
	for (uint32_t seq = 0; seq < st->per_producer; seq++) {
		size_t len = make_message(buf, st->slot_size, me->index, seq, &rng);

		if (ring_put(st->ring, buf, len) == -1) {
			problem(&st->got, "producer %u: ring_put of message #%u failed: %s",
				me->index, seq, errno_name(errno));
			_exit(1);
		}
		add_done(&st->sent, 1);
	}
	/* The last producer to finish ends the stream. */
	if (__atomic_add_fetch(&st->ended, 1, __ATOMIC_ACQ_REL) == st->producers &&
	    ring_end(st->ring) == -1) {
		problem(&st->got, "ring_end after the last put failed: %s",
			errno_name(errno));
		_exit(1);
	}
	free(buf);
	_exit(ring_close(st->ring) == 0 ? 0 : 2);
}

static void stream_consumer(void *arg)
{
	const struct stream_child *me = arg;
	struct stream *st = me->st;
	const bool one_to_one = st->producers == 1 && st->consumers == 1;
	unsigned char *buf = malloc(st->slot_size);
	int64_t last[MAX_PRODUCERS];
	const double start = monotonic_seconds();
	size_t count = 0;
	struct msg_head h;
	ssize_t n;

	if (buf == NULL)
		_exit(3);
	for (uint32_t p = 0; p < MAX_PRODUCERS; p++)
		last[p] = -1;
	/* The test lets the consumers start once the producers filled the ring. */
	while (!__atomic_load_n(&st->go, __ATOMIC_ACQUIRE) && monotonic_seconds() - start < 5.0)
		sleep_seconds(0.001);
	while ((n = ring_get(st->ring, buf, st->slot_size)) != 0) {
		const char *bad;
		size_t at;

		if (n < 0) {
			problem(&st->got, "ring_get failed after %zu messages: %s",
				count, errno_name(errno));
			_exit(1);
		}
		bad = check_message(buf, n, &h, st->producers);
		if (bad != NULL) {
			problem(&st->got, "consumer %u: message %zu was %s", me->index,
				count, bad);
			_exit(1);
		}
		if (one_to_one && h.seq != (uint32_t)(last[0] + 1)) {
			problem(&st->got, "expected message #%lld next, got #%u",
				(long long)last[0] + 1, h.seq);
			_exit(1);
		}
		if ((int64_t)h.seq <= last[h.producer]) {
			problem(&st->got, "consumer %u got producer %u's #%u after its #%lld",
				me->index, h.producer, h.seq, (long long)last[h.producer]);
			_exit(1);
		}
		last[h.producer] = h.seq;
		at = (size_t)h.producer * st->per_producer + h.seq;
		if (h.seq >= st->per_producer ||
		    __atomic_fetch_add(&st->seen[at], 1, __ATOMIC_RELAXED) != 0) {
			problem(&st->got, "producer %u's message #%u arrived twice",
				h.producer, h.seq);
			_exit(1);
		}
		count++;
		add_done(&st->got, 1);
	}
	__atomic_store_n(&st->finished[me->index], 1, __ATOMIC_RELEASE);
	free(buf);
	_exit(ring_close(st->ring) == 0 ? 0 : 2);
}

enum stream_outcome { STREAM_DONE, STREAM_PROBLEM, STREAM_STALLED, STREAM_OVERDUE,
		      STREAM_CRASHED, STREAM_NOT_FULL, STREAM_SPINS };

/*
 * Before the consumers start: the producers must fill the ring, then wait
 * for a free slot without using the CPU.  STREAM_DONE when they do.
 */
static enum stream_outcome fill_first(struct stream *st, const pid_t *producers,
				      char *why, size_t size)
{
	const double deadline = monotonic_seconds() + WAKE_DEADLINE * grader_scale();
	double share;

	while (get_done(&st->sent) < st->slot_count && monotonic_seconds() < deadline &&
	       !__atomic_load_n(&st->got.failed, __ATOMIC_ACQUIRE))
		sleep_seconds(0.002);
	if (__atomic_load_n(&st->got.failed, __ATOMIC_ACQUIRE))
		return STREAM_PROBLEM;
	if (get_done(&st->sent) < st->slot_count) {
		snprintf(why, size, "with no consumer yet, the producers put only %zu messages "
			 "into an empty ring of %zu slots: it must hold slot_count messages",
			 get_done(&st->sent), st->slot_count);
		return STREAM_NOT_FULL;
	}
	share = cpu_share_of(producers, st->producers);
	if (share > WAIT_CPU_SHARE) {
		snprintf(why, size, "the producers waiting on the full ring used %.0f%% of a "
			 "CPU for %.1f s: they spin; sleep in sem_wait instead", share * 100,
			 WAIT_CPU_INTERVAL);
		return STREAM_SPINS;
	}
	return STREAM_DONE;
}

/*
 * Runs the stream's children and watches them until they are done, one of
 * them reports a problem or crashes, or no message moves for
 * STALL_SECONDS.  Every child is reaped before it returns.
 */
static enum stream_outcome run_stream(struct stream *st, char *why, size_t size)
{
	struct stream_child kids[MAX_PRODUCERS + MAX_CONSUMERS];
	pid_t pids[MAX_PRODUCERS + MAX_CONSUMERS];
	const uint32_t total = st->producers + st->consumers;
	const double start = monotonic_seconds();
	double last_move = start;
	size_t last_progress = 0;
	enum stream_outcome outcome;
	uint32_t running = total;

	for (uint32_t i = 0; i < total; i++) {
		kids[i] = (struct stream_child){ st, i < st->producers ? i : i - st->producers };
		pids[i] = start_child(i < st->producers ? stream_producer : stream_consumer,
				      &kids[i]);
	}
	outcome = fill_first(st, pids, why, size);
	__atomic_store_n(&st->go, 1, __ATOMIC_RELEASE);
	while (outcome == STREAM_DONE && running > 0) {
		size_t progress = get_done(&st->sent) + get_done(&st->got);
		double now = monotonic_seconds();
		int status;

		for (uint32_t i = 0; i < total; i++) {
			char desc[64];

			if (pids[i] == 0 || !child_done(pids[i], &status))
				continue;
			pids[i] = 0;
			running--;
			if (WIFSIGNALED(status) && outcome == STREAM_DONE) {
				outcome = STREAM_CRASHED;
				snprintf(why, size, "%s %u was %s",
					 i < st->producers ? "producer" : "consumer",
					 kids[i].index,
					 grader_describe_status(status, desc, sizeof desc));
			}
		}
		if (outcome == STREAM_DONE && __atomic_load_n(&st->got.failed, __ATOMIC_ACQUIRE))
			outcome = STREAM_PROBLEM;
		if (progress != last_progress) {
			last_progress = progress;
			last_move = now;
		} else if (outcome == STREAM_DONE && running > 0 &&
			   now - last_move > STALL_SECONDS * grader_scale()) {
			outcome = STREAM_STALLED;
		}
		if (outcome == STREAM_DONE && now - start > STREAM_DEADLINE * grader_scale())
			outcome = STREAM_OVERDUE;
		if (outcome != STREAM_DONE)
			break;
		if (running > 0)
			sleep_seconds(0.005);
	}
	for (uint32_t i = 0; i < total; i++)
		stop_child(&pids[i]);
	return outcome;
}

/* A stream in shared memory over a fresh anonymous ring. */
static struct stream *new_stream(uint32_t producers, uint32_t consumers,
				 size_t slot_count, size_t slot_size, uint32_t messages)
{
	uint32_t per = (messages + producers - 1) / producers;
	size_t size = sizeof(struct stream) + (size_t)per * producers;
	struct stream *st = shared_area(size);

	st->slot_count = slot_count;
	st->slot_size = slot_size;
	st->producers = producers;
	st->consumers = consumers;
	st->per_producer = per;
	for (uint32_t p = 0; p < producers; p++)
		st->seeds[p] = ((uint64_t)grader_random() << 32 | grader_random()) | 1;
	st->ring = ring_create_anon(slot_count, slot_size);
	ck_assert_msg(st->ring != NULL, "ring_create_anon(%zu, %zu) failed: %s",
		      slot_count, slot_size, strerror(errno));
	return st;
}

/* Asserts that the stream ran to its end and every message arrived once. */
static void check_stream(struct stream *st, enum stream_outcome outcome,
			 const char *why, const char *suspect)
{
	const size_t total = (size_t)st->per_producer * st->producers;
	uint32_t waiting = 0;

	ck_assert_msg(outcome != STREAM_NOT_FULL && outcome != STREAM_SPINS, "%s", why);
	ck_assert_msg(outcome != STREAM_PROBLEM, "%s: %s", st->got.problem, suspect);
	ck_assert_msg(outcome != STREAM_CRASHED, "%s after %zu of %zu messages", why,
		      get_done(&st->got), total);
	for (uint32_t c = 0; c < st->consumers; c++)
		waiting += !__atomic_load_n(&st->finished[c], __ATOMIC_ACQUIRE);
	ck_assert_msg(!(outcome == STREAM_STALLED && get_done(&st->got) == total),
		      "all %zu messages arrived, but %u of %u consumers still waited "
		      "%.1f s later: ring_end must wake every consumer",
		      total, waiting, st->consumers, STALL_SECONDS);
	ck_assert_msg(outcome != STREAM_STALLED,
		      "the stream stalled %.1f s at %zu sent, %zu received of %zu: "
		      "a wake-up never reached the other process (pshared=1?) or a deadlock",
		      STALL_SECONDS, get_done(&st->sent), get_done(&st->got), total);
	ck_assert_msg(outcome != STREAM_OVERDUE,
		      "the stream still ran after %.0f s (%zu of %zu received): "
		      "a wait that spins starves the other processes",
		      STREAM_DEADLINE, get_done(&st->got), total);
	for (size_t i = 0; i < total; i++)
		if (st->seen[i] != 1)
			ck_abort_msg("the stream ended, but producer %zu's message #%zu never "
				     "arrived (%zu of %zu did): %s",
				     i / st->per_producer, i % st->per_producer,
				     get_done(&st->got), total, suspect);
	ck_assert_msg(ring_destroy(st->ring) == 0, "ring_destroy failed: %s",
		      strerror(errno));
}

/* ---- §4: one process puts and gets ---- */

struct round_trip {
	struct ring *ring;
	size_t slot_count, slot_size;
	uint32_t batches[64];
	uint32_t batch_count;
	size_t lens[16];                /* of the messages of a batch */
	struct report rep;
	unsigned char data[];           /* slot_count + 1 buffers of slot_size */
};

static void round_trip_child(void *arg)
{
	struct round_trip *rt = arg;
	unsigned char *expect = rt->data;
	unsigned char *got = expect + rt->slot_count * rt->slot_size;
	size_t *lens = rt->lens;
	size_t number = 0;

	for (uint32_t b = 0; b < rt->batch_count; b++) {
		uint32_t n = rt->batches[b];

		/* Fill n slots with fresh random messages, then empty them. */
		for (uint32_t i = 0; i < n; i++) {
			unsigned char *m = expect + i * rt->slot_size;

			lens[i] = i == 0 ? rt->slot_size : 1 + grader_random() % rt->slot_size;
			fill_random(m, lens[i]);
			set_step(&rt->rep, "ring_put of message %zu (%u of a batch of %u, ring of %zu slots)",
				 number + i, i + 1, n, rt->slot_count);
			if (ring_put(rt->ring, m, lens[i]) == -1) {
				problem(&rt->rep, "ring_put of message %zu (%zu bytes) failed: %s",
					number + i, lens[i], errno_name(errno));
				_exit(1);
			}
		}
		for (uint32_t i = 0; i < n; i++, number++) {
			ssize_t len;

			set_step(&rt->rep, "ring_get of message %zu", number);
			len = ring_get(rt->ring, got, rt->slot_size);
			if (len == (ssize_t)lens[i] &&
			    memcmp(got, expect + i * rt->slot_size, lens[i]) == 0)
				continue;
			for (uint32_t j = i + 1; j < n; j++)
				if (len == (ssize_t)lens[j] &&
				    memcmp(got, expect + j * rt->slot_size, lens[j]) == 0) {
					problem(&rt->rep, "message %u of a batch of %u came back as message %u: "
						"a put overwrote an unread slot: does the index wrap one slot early?",
						i, n, j);
					_exit(1);
				}
			if (len != (ssize_t)lens[i])
				problem(&rt->rep, "ring_get of message %zu returned %zd (%s), expected %zu bytes",
					number, len, len < 0 ? errno_name(errno) : "a length", lens[i]);
			else
				problem(&rt->rep, "message %zu came back with other bytes than were put "
					"(binary data: no string functions)", number);
			_exit(1);
		}
	}
	add_done(&rt->rep, number);
	_exit(0);
}

START_TEST(ring_round_trip_in_order)
{
	const size_t slots = grader_random_between(2, 16);
	const size_t size = grader_random_between(8, 512);
	struct round_trip *rt;
	char why[300];
	pid_t pid;

	rt = shared_area(sizeof *rt + (slots + 1) * size);
	rt->slot_count = slots;
	rt->slot_size = size;
	/* A full ring first, then batches of every size: the indexes wrap often. */
	rt->batch_count = 12;
	rt->batches[0] = (uint32_t)slots;
	for (uint32_t b = 1; b < rt->batch_count; b++)
		rt->batches[b] = grader_random_between(1, (uint32_t)slots);
	rt->ring = ring_create_anon(slots, size);
	ck_assert_msg(rt->ring != NULL, "ring_create_anon(%zu, %zu) failed: %s",
		      slots, size, strerror(errno));
	ck_assert_msg(ring_slot_count(rt->ring) == slots && ring_slot_size(rt->ring) == size,
		      "a ring of %zu slots of %zu bytes reports %zu slots of %zu bytes",
		      slots, size, ring_slot_count(rt->ring), ring_slot_size(rt->ring));
	pid = start_child(round_trip_child, rt);
	if (!child_finished(&pid, 2.0, &rt->rep, why, sizeof why)) {
		ring_destroy(rt->ring);
		ck_abort_msg("put and get in one process: %s", why);
	}
	ck_assert_msg(ring_destroy(rt->ring) == 0, "ring_destroy failed: %s",
		      strerror(errno));
}
END_TEST

/* ---- §4: sizes a ring refuses ---- */

struct bad_sizes {
	struct ring *ring;
	size_t slot_size;
	struct report rep;
};

static void bad_sizes_child(void *arg)
{
	struct bad_sizes *bs = arg;
	const size_t size = bs->slot_size;
	const size_t over = size + 1 + grader_random() % 64;
	unsigned char *msg = calloc(1, over), *got = calloc(1, size);
	int rc;

	if (msg == NULL || got == NULL)
		_exit(3);
	fill_random(msg, over);
	set_step(&bs->rep, "ring_put of %zu bytes into %zu-byte slots (expect EMSGSIZE)",
		 over, size);
	errno = 0;
	rc = ring_put(bs->ring, msg, over);
	if (rc != -1 || errno != EMSGSIZE) {
		problem(&bs->rep, "ring_put of %zu bytes into %zu-byte slots returned %d (%s): "
			"expected -1 with EMSGSIZE", over, size, rc, errno_name(errno));
		_exit(1);
	}
	set_step(&bs->rep, "ring_put of 0 bytes (expect EINVAL)");
	errno = 0;
	rc = ring_put(bs->ring, msg, 0);
	if (rc != -1 || errno != EINVAL) {
		problem(&bs->rep, "ring_put of 0 bytes returned %d (%s): expected -1 with EINVAL",
			rc, errno_name(errno));
		_exit(1);
	}
	set_step(&bs->rep, "ring_put of exactly %zu bytes", size);
	if (ring_put(bs->ring, msg, size) == -1) {
		problem(&bs->rep, "ring_put of exactly the slot size (%zu bytes) failed: %s",
			size, errno_name(errno));
		_exit(1);
	}
	set_step(&bs->rep, "ring_get into a buffer of %zu bytes (expect EMSGSIZE at once)",
		 size - 1);
	errno = 0;
	if (ring_get(bs->ring, got, size - 1) != -1 || errno != EMSGSIZE) {
		problem(&bs->rep, "ring_get into a %zu-byte buffer (slots of %zu) did not fail "
			"with EMSGSIZE (%s)", size - 1, size, errno_name(errno));
		_exit(1);
	}
	set_step(&bs->rep, "ring_get of the one message");
	if (ring_get(bs->ring, got, size) != (ssize_t)size || memcmp(got, msg, size) != 0) {
		problem(&bs->rep, "after the refused calls, ring_get did not return the one "
			"%zu-byte message put: a refused call changed the ring", size);
		_exit(1);
	}
	free(msg);
	free(got);
	_exit(0);
}

START_TEST(ring_rejects_bad_sizes)
{
	const size_t slots = grader_random_between(2, 16);
	const size_t size = grader_random_between(8, 300);
	struct bad_sizes *bs = shared_area(sizeof *bs);
	struct ring *none;
	char why[300];
	pid_t pid;

	bs->slot_size = size;
	bs->ring = ring_create_anon(slots, size);
	ck_assert_msg(bs->ring != NULL, "ring_create_anon(%zu, %zu) failed: %s",
		      slots, size, strerror(errno));
	pid = start_child(bad_sizes_child, bs);
	if (!child_finished(&pid, 1.5, &bs->rep, why, sizeof why)) {
		ring_destroy(bs->ring);
		ck_abort_msg("%s", why);
	}
	ck_assert_msg(ring_destroy(bs->ring) == 0, "ring_destroy failed: %s",
		      strerror(errno));
	errno = 0;
	none = ring_create_anon(0, size);
	ck_assert_msg(none == NULL && errno == EINVAL,
		      "ring_create_anon(0, %zu) returned %p (%s): expected NULL with EINVAL",
		      size, (void *)none, errno_name(errno));
	errno = 0;
	none = ring_create_anon(slots, 0);
	ck_assert_msg(none == NULL && errno == EINVAL,
		      "ring_create_anon(%zu, 0) returned %p (%s): expected NULL with EINVAL",
		      slots, (void *)none, errno_name(errno));
}
END_TEST

/* ---- §3: a named ring ---- */

struct named {
	struct ring *creator, *opener;
	size_t slot_size;
	struct report rep;
};

/* A message put through one mapping must come out of the other. */
static void named_child(void *arg)
{
	struct named *nr = arg;
	unsigned char *msg = malloc(nr->slot_size), *got = malloc(nr->slot_size);
	size_t len = 1 + grader_random() % nr->slot_size;

	if (msg == NULL || got == NULL)
		_exit(3);
	fill_random(msg, len);
	set_step(&nr->rep, "ring_put through the creator's handle");
	if (ring_put(nr->creator, msg, len) == -1) {
		problem(&nr->rep, "ring_put through the creator's handle failed: %s",
			errno_name(errno));
		_exit(1);
	}
	set_step(&nr->rep, "ring_get through the ring_open handle");
	if (ring_get(nr->opener, got, nr->slot_size) != (ssize_t)len ||
	    memcmp(got, msg, len) != 0) {
		problem(&nr->rep, "a message put through ring_create's handle did not come "
			"out of ring_open's: not the same shared object?");
		_exit(1);
	}
	free(msg);
	free(got);
	_exit(0);
}

/* Creates a shared memory object that is not a ring; false if it cannot. */
static bool make_impostor(const char *name)
{
	const size_t size = grader_random_between(64, 65536);
	unsigned char *junk = malloc(size);
	int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	bool ok = fd != -1 && junk != NULL;

	if (ok) {
		fill_random(junk, size);
		ok = write(fd, junk, size) == (ssize_t)size;
	}
	if (fd != -1)
		close(fd);
	free(junk);
	return ok;
}

START_TEST(ring_named_is_private_and_exclusive)
{
	const size_t slots = grader_random_between(2, 64);
	const size_t size = grader_random_between(8, 4096);
	struct named *nr = shared_area(sizeof *nr);
	char name[128], missing[128], impostor[128], path[300], why[300];
	const char *bad_names[3];
	char no_slash[128], two_slashes[160];
	struct ring *other;
	struct stat st;
	pid_t pid;
	int err;

	grader_shm_name(name, sizeof name, "ring");
	grader_shm_name(missing, sizeof missing, "missing");
	grader_shm_name(impostor, sizeof impostor, "impostor");
	nr->slot_size = size;
	nr->creator = ring_create(name, slots, size);
	ck_assert_msg(nr->creator != NULL, "ring_create(\"%s\", %zu, %zu) failed: %s",
		      name, slots, size, strerror(errno));

	require(stat(shm_path(path, sizeof path, name), &st) == 0, name,
		"ring_create returned a ring, but %s does not exist: use shm_open", path);
	require((st.st_mode & 0777) == 0600, name,
		"%s has mode 0%o: any user could read or rewrite the ring; create it 0600",
		path, (unsigned)(st.st_mode & 0777));
	require((size_t)st.st_size >= slots * size, name,
		"%s holds %lld bytes, less than %zu slots of %zu: size it before mapping",
		path, (long long)st.st_size, slots, size);

	errno = 0;
	other = ring_create(name, slots, size);
	err = errno;
	if (other != NULL)
		ring_close(other);
	require(other == NULL && err == EEXIST, name,
		"a second ring_create of the same name returned %s (%s): expected NULL "
		"with EEXIST (O_EXCL), not a takeover", other ? "a ring" : "NULL",
		errno_name(err));

	nr->opener = ring_open(name);
	require(nr->opener != NULL, name, "ring_open(\"%s\") of a fresh ring failed: %s",
		name, strerror(errno));
	require(ring_slot_count(nr->opener) == slots && ring_slot_size(nr->opener) == size, name,
		"ring_open sees %zu slots of %zu bytes, the creator made %zu of %zu",
		ring_slot_count(nr->opener), ring_slot_size(nr->opener), slots, size);
	pid = start_child(named_child, nr);
	require(child_finished(&pid, 1.5, &nr->rep, why, sizeof why), name, "%s", why);

	errno = 0;
	other = ring_open(missing);
	err = errno;
	require(other == NULL && err == ENOENT, name,
		"ring_open of a name nobody created returned %s (%s): expected ENOENT",
		other ? "a ring" : "NULL", errno_name(err));
	require(make_impostor(impostor), name, "the grader could not create %s: %s",
		impostor, strerror(errno));
	errno = 0;
	other = ring_open(impostor);
	err = errno;
	shm_unlink(impostor);
	if (other != NULL)
		ring_close(other);
	require(other == NULL && err == EINVAL, name,
		"ring_open of an object full of random bytes returned %s (%s): "
		"expected EINVAL (check a magic number and the size)",
		other ? "a ring" : "NULL", errno_name(err));

	snprintf(no_slash, sizeof no_slash, "%s", missing + 1);
	snprintf(two_slashes, sizeof two_slashes, "%s/x", missing);
	bad_names[0] = no_slash;
	bad_names[1] = two_slashes;
	bad_names[2] = "/";
	for (int i = 0; i < 3; i++) {
		errno = 0;
		other = ring_create(bad_names[i], slots, size);
		err = errno;
		if (other != NULL) {
			ring_close(other);
			shm_unlink(bad_names[i]);
		}
		require(other == NULL && err == EINVAL, name,
			"ring_create(\"%s\") returned %s (%s): a name is one slash and a "
			"word; expected EINVAL", bad_names[i], other ? "a ring" : "NULL",
			errno_name(err));
	}

	require(ring_close(nr->opener) == 0, name, "ring_close failed: %s", strerror(errno));
	require(ring_destroy(nr->creator) == 0, name, "ring_destroy failed: %s",
		strerror(errno));
	require(!shm_exists(name), name,
		"%s is still there after ring_destroy: shm_unlink the name", path);
}
END_TEST

/* ---- §4: waiting without spinning ---- */

struct handoff {
	struct ring *ring;
	size_t slot_count, slot_size;
	unsigned char msg[8][64];       /* what the test puts, by number */
	size_t len[8];
	struct report rep;
};

static void getter_child(void *arg)
{
	struct handoff *ho = arg;
	unsigned char got[512];
	ssize_t n;

	set_step(&ho->rep, "ring_get on an empty ring");
	n = ring_get(ho->ring, got, sizeof got);
	ho->rep.result = n;
	ho->rep.err = errno;
	if (n != (ssize_t)ho->len[0] || memcmp(got, ho->msg[0], ho->len[0]) != 0) {
		problem(&ho->rep, "the waiting ring_get returned %zd (%s), not the %zu-byte "
			"message put", n, n < 0 ? errno_name(errno) : "other bytes", ho->len[0]);
		_exit(1);
	}
	add_done(&ho->rep, 1);
	_exit(0);
}

static void putter_child(void *arg)
{
	struct handoff *ho = arg;

	set_step(&ho->rep, "ring_put of one message");
	if (ring_put(ho->ring, ho->msg[0], ho->len[0]) == -1) {
		problem(&ho->rep, "ring_put of one message into an empty ring failed: %s",
			errno_name(errno));
		_exit(1);
	}
	_exit(0);
}

static struct handoff *new_handoff(void)
{
	struct handoff *ho = shared_area(sizeof *ho);

	ho->slot_count = grader_random_between(2, 8);
	ho->slot_size = grader_random_between(16, 64);
	for (int i = 0; i < 8; i++) {
		ho->len[i] = grader_random_between(1, (uint32_t)ho->slot_size);
		fill_random(ho->msg[i], ho->len[i]);
	}
	ho->ring = ring_create_anon(ho->slot_count, ho->slot_size);
	ck_assert_msg(ho->ring != NULL, "ring_create_anon(%zu, %zu) failed: %s",
		      ho->slot_count, ho->slot_size, strerror(errno));
	return ho;
}

START_TEST(ring_get_blocks_when_empty)
{
	struct handoff *ho = new_handoff();
	pid_t getter, putter;
	char why[300];
	double share;

	getter = start_child(getter_child, ho);
	sleep_seconds(0.2);
	if (child_done(getter, NULL)) {
		ring_destroy(ho->ring);
		ck_abort_msg("ring_get on an empty ring returned %zd (%s) at once: it must "
			     "wait for a message", ho->rep.result,
			     ho->rep.result < 0 ? errno_name(ho->rep.err) : "a length");
	}
	share = cpu_share(getter);
	if (share > WAIT_CPU_SHARE) {
		stop_child(&getter);
		ring_destroy(ho->ring);
		ck_abort_msg("a consumer waiting on an empty ring used %.0f%% of a CPU for "
			     "%.1f s: it spins; sleep in sem_wait instead", share * 100,
			     WAIT_CPU_INTERVAL);
	}
	putter = start_child(putter_child, ho);
	if (!child_finished(&putter, WAKE_DEADLINE, &ho->rep, why, sizeof why)) {
		stop_child(&getter);
		ring_destroy(ho->ring);
		ck_abort_msg("putting the message: %s", why);
	}
	if (!child_finished(&getter, WAKE_DEADLINE, &ho->rep, why, sizeof why)) {
		ring_destroy(ho->ring);
		ck_abort_msg("the consumer never woke up for the message another process put "
			     "(%s): semaphores need pshared=1", why);
	}
	ck_assert_msg(ring_destroy(ho->ring) == 0, "ring_destroy failed: %s",
		      strerror(errno));
}
END_TEST

struct filler {
	struct handoff *ho;
	size_t from, count;             /* messages from..from+count-1 */
};

/* Message i of the full-ring test: the number in its first bytes. */
static size_t numbered(unsigned char *buf, const struct handoff *ho, size_t i)
{
	size_t len = ho->len[i % 8] < sizeof(uint32_t) ? sizeof(uint32_t) : ho->len[i % 8];
	uint32_t tag = (uint32_t)i;

	memcpy(buf, ho->msg[i % 8], len);
	memcpy(buf, &tag, sizeof tag);
	return len;
}

static void filler_child(void *arg)
{
	struct filler *f = arg;
	unsigned char buf[64];

	for (size_t i = f->from; i < f->from + f->count; i++) {
		size_t len = numbered(buf, f->ho, i);

		set_step(&f->ho->rep, "ring_put of message %zu into a ring of %zu slots", i,
			 f->ho->slot_count);
		if (ring_put(f->ho->ring, buf, len) == -1) {
			problem(&f->ho->rep, "ring_put of message %zu failed: %s", i,
				errno_name(errno));
			_exit(1);
		}
		add_done(&f->ho->rep, 1);
	}
	_exit(0);
}

static void drainer_child(void *arg)
{
	struct filler *f = arg;
	unsigned char want[64], got[64];

	for (size_t i = f->from; i < f->from + f->count; i++) {
		size_t len = numbered(want, f->ho, i);
		ssize_t n;
		uint32_t tag;

		set_step(&f->ho->rep, "ring_get of message %zu", i);
		n = ring_get(f->ho->ring, got, sizeof got);
		if (n < (ssize_t)sizeof tag) {
			problem(&f->ho->rep, "ring_get of message %zu returned %zd (%s)", i, n,
				n < 0 ? errno_name(errno) : "too short");
			_exit(1);
		}
		memcpy(&tag, got, sizeof tag);
		if (tag != i) {
			problem(&f->ho->rep, "message %zu out of a full ring of %zu was message %u: "
				"a put overwrote an unread slot: does the index wrap one slot early?",
				i, f->ho->slot_count, tag);
			_exit(1);
		}
		if (n != (ssize_t)len || memcmp(got, want, len) != 0) {
			problem(&f->ho->rep, "message %zu out of a full ring came back with other "
				"bytes or length (%zd, expected %zu)", i, n, len);
			_exit(1);
		}
	}
	_exit(0);
}

START_TEST(ring_put_blocks_when_full)
{
	struct handoff *ho = new_handoff();
	const size_t slots = ho->slot_count;
	struct filler fill = { ho, 0, slots }, extra = { ho, slots, 1 };
	struct filler first = { ho, 0, 1 }, rest = { ho, 1, slots };
	pid_t filler, waiter, drainer;
	char why[300];
	double share;

	filler = start_child(filler_child, &fill);
	if (!child_finished(&filler, WAKE_DEADLINE, &ho->rep, why, sizeof why)) {
		ring_destroy(ho->ring);
		ck_abort_msg("filling an empty ring of %zu slots: %s (%zu put): it must "
			     "hold slot_count messages", slots, why, get_done(&ho->rep));
	}
	waiter = start_child(filler_child, &extra);
	sleep_seconds(0.2);
	if (child_done(waiter, NULL)) {
		ring_destroy(ho->ring);
		ck_abort_msg("ring_put into a full ring of %zu slots returned at once "
			     "(%s): it must wait for a free slot", slots,
			     ho->rep.failed ? ho->rep.problem : "success");
	}
	share = cpu_share(waiter);
	if (share > WAIT_CPU_SHARE) {
		stop_child(&waiter);
		ring_destroy(ho->ring);
		ck_abort_msg("a producer waiting on a full ring used %.0f%% of a CPU for "
			     "%.1f s: it spins; sleep in sem_wait instead", share * 100,
			     WAIT_CPU_INTERVAL);
	}
	drainer = start_child(drainer_child, &first);
	if (!child_finished(&drainer, WAKE_DEADLINE, &ho->rep, why, sizeof why)) {
		stop_child(&waiter);
		ring_destroy(ho->ring);
		ck_abort_msg("%s", why);
	}
	if (!child_finished(&waiter, WAKE_DEADLINE, &ho->rep, why, sizeof why)) {
		ring_destroy(ho->ring);
		ck_abort_msg("after a get freed a slot, the waiting producer was %s: the get's "
			     "post never woke it (pshared=1?)", why);
	}
	drainer = start_child(drainer_child, &rest);
	if (!child_finished(&drainer, WAKE_DEADLINE, &ho->rep, why, sizeof why)) {
		ring_destroy(ho->ring);
		ck_abort_msg("emptying the ring: %s", why);
	}
	ck_assert_msg(ring_destroy(ho->ring) == 0, "ring_destroy failed: %s",
		      strerror(errno));
}
END_TEST

/* ---- §6: the end of the stream ---- */

struct ending {
	struct ring *ring;
	size_t slot_size;
	uint32_t consumers;
	uint32_t ended[MAX_CONSUMERS];  /* consumer i got 0 (atomic) */
	struct report rep;
};

struct ending_child {
	struct ending *en;
	uint32_t index;
};

static void end_waiter_child(void *arg)
{
	const struct ending_child *me = arg;
	struct ending *en = me->en;
	unsigned char *buf = malloc(en->slot_size);
	ssize_t n;

	if (buf == NULL)
		_exit(3);
	set_step(&en->rep, "ring_get waiting for the end of the stream");
	n = ring_get(en->ring, buf, en->slot_size);
	if (n != 0) {
		problem(&en->rep, "after ring_end on an empty ring, ring_get returned %zd (%s), "
			"expected 0", n, n < 0 ? errno_name(errno) : "a message");
		_exit(1);
	}
	__atomic_store_n(&en->ended[me->index], 1, __ATOMIC_RELEASE);
	/* The end stays: every later get returns 0 at once. */
	n = ring_get(en->ring, buf, en->slot_size);
	if (n != 0) {
		problem(&en->rep, "a second ring_get after the end returned %zd, expected 0", n);
		_exit(1);
	}
	free(buf);
	_exit(0);
}

static void ender_child(void *arg)
{
	struct ending *en = arg;
	unsigned char byte = 'x';

	set_step(&en->rep, "ring_end");
	if (ring_end(en->ring) == -1) {
		problem(&en->rep, "ring_end on an empty ring failed: %s", errno_name(errno));
		_exit(1);
	}
	set_step(&en->rep, "ring_put after ring_end (expect EPIPE)");
	errno = 0;
	if (ring_put(en->ring, &byte, 1) != -1 || errno != EPIPE) {
		problem(&en->rep, "ring_put after ring_end did not fail with EPIPE (%s)",
			errno_name(errno));
		_exit(1);
	}
	_exit(0);
}

START_TEST(ring_end_wakes_every_consumer)
{
	struct ending *en = shared_area(sizeof *en);
	struct ending_child kids[MAX_CONSUMERS];
	pid_t pids[MAX_CONSUMERS], ender;
	const size_t slots = grader_random_between(2, 8);
	uint32_t woken = 0;
	double deadline;
	char why[300];

	en->consumers = grader_random_between(2, MAX_CONSUMERS);
	en->slot_size = grader_random_between(1, 256);
	en->ring = ring_create_anon(slots, en->slot_size);
	ck_assert_msg(en->ring != NULL, "ring_create_anon(%zu, %zu) failed: %s", slots,
		      en->slot_size, strerror(errno));
	for (uint32_t c = 0; c < en->consumers; c++) {
		kids[c] = (struct ending_child){ en, c };
		pids[c] = start_child(end_waiter_child, &kids[c]);
	}
	sleep_seconds(0.2);
	ender = start_child(ender_child, en);
	if (!child_finished(&ender, WAKE_DEADLINE, &en->rep, why, sizeof why)) {
		for (uint32_t c = 0; c < en->consumers; c++)
			stop_child(&pids[c]);
		ring_destroy(en->ring);
		ck_abort_msg("ending the stream: %s", why);
	}
	/* One deadline for all: each had the same time to wake up. */
	deadline = monotonic_seconds() + WAKE_DEADLINE * grader_scale();
	for (uint32_t left = en->consumers; left > 0 && monotonic_seconds() < deadline;) {
		left = 0;
		for (uint32_t c = 0; c < en->consumers; c++) {
			int status;

			if (pids[c] != 0 && child_done(pids[c], &status)) {
				pids[c] = 0;
				woken += WIFEXITED(status) && WEXITSTATUS(status) == 0;
			}
			left += pids[c] != 0;
		}
		sleep_seconds(0.005);
	}
	for (uint32_t c = 0; c < en->consumers; c++)
		stop_child(&pids[c]);
	ring_destroy(en->ring);
	ck_assert_msg(!en->rep.failed, "%s", en->rep.problem);
	ck_assert_msg(woken == en->consumers,
		      "%u of %u consumers waiting on an empty ring were still waiting %.1f s "
		      "after ring_end: the end must wake every consumer (pshared=1?)",
		      en->consumers - woken, en->consumers, WAKE_DEADLINE);
}
END_TEST

/* ---- §4, §5: streams of 100 000 messages ---- */

START_TEST(ring_stream_one_to_one)
{
	const size_t slots = grader_random_between(4, 32);
	const size_t size = grader_random_between(HEAD + 8, 256);
	const uint32_t messages = grader_random_between(100000, 120000);
	struct stream *st = new_stream(1, 1, slots, size, messages);
	char why[200] = "";
	enum stream_outcome outcome = run_stream(st, why, sizeof why);

	check_stream(st, outcome, why, "does each index wrap at slot_count?");
}
END_TEST

START_TEST(ring_stream_many_to_many)
{
	const uint32_t producers = grader_random_between(3, MAX_PRODUCERS);
	const uint32_t consumers = grader_random_between(2, 3);
	const size_t slots = grader_random_between(4, 32);
	const size_t size = grader_random_between(128, 1024);
	const uint32_t messages = grader_random_between(100000, 120000);
	struct stream *st = new_stream(producers, consumers, slots, size, messages);
	char why[200] = "";
	enum stream_outcome outcome = run_stream(st, why, sizeof why);

	check_stream(st, outcome, why,
		     "one slot used twice: is each index updated under its lock, and wrapped at slot_count?");
}
END_TEST

/* ---- §7: a consumer killed mid-stream ---- */

struct victim {
	char name[128];
	size_t slot_size;
	struct report sent, got, cleanup;
};

static void victim_producer(void *arg)
{
	struct victim *v = arg;
	struct ring *r = ring_open(v->name);
	unsigned char *buf = malloc(v->slot_size);

	if (r == NULL || buf == NULL) {
		problem(&v->got, "the producer's ring_open(\"%s\") failed: %s", v->name,
			errno_name(errno));
		_exit(1);
	}
	fill_random(buf, v->slot_size);
	for (;;) {
		if (ring_put(r, buf, v->slot_size) == -1) {
			problem(&v->got, "ring_put failed: %s", errno_name(errno));
			_exit(1);
		}
		add_done(&v->sent, 1);
	}
}

static void victim_consumer(void *arg)
{
	struct victim *v = arg;
	struct ring *r = ring_open(v->name);
	unsigned char *buf = malloc(v->slot_size);

	if (r == NULL || buf == NULL) {
		problem(&v->got, "the consumer's ring_open(\"%s\") failed: %s", v->name,
			errno_name(errno));
		_exit(1);
	}
	for (;;) {
		if (ring_get(r, buf, v->slot_size) <= 0) {
			problem(&v->got, "ring_get failed: %s", errno_name(errno));
			_exit(1);
		}
		add_done(&v->got, 1);
	}
}

/* Opens the ring by name and destroys it, as a cleanup would. */
static void cleanup_child(void *arg)
{
	struct victim *v = arg;
	struct ring *r;

	set_step(&v->cleanup, "ring_open after the consumer was killed");
	r = ring_open(v->name);
	if (r == NULL) {
		problem(&v->cleanup, "ring_open after the consumer was killed failed: %s",
			errno_name(errno));
		_exit(1);
	}
	set_step(&v->cleanup, "ring_destroy after the consumer was killed");
	if (ring_destroy(r) == -1) {
		problem(&v->cleanup, "ring_destroy after the consumer was killed failed: %s",
			errno_name(errno));
		_exit(1);
	}
	_exit(0);
}

START_TEST(ring_killed_consumer_leaves_nothing)
{
	struct victim *v = shared_area(sizeof *v);
	const size_t slots = grader_random_between(2, 8);
	const size_t want = grader_random_between(100, 400);
	pid_t producer, consumer, cleaner;
	char why[300], left[300], path[300];
	struct ring *r;
	double deadline;

	grader_shm_name(v->name, sizeof v->name, "victim");
	v->slot_size = grader_random_between(16, 256);
	r = ring_create(v->name, slots, v->slot_size);
	ck_assert_msg(r != NULL, "ring_create(\"%s\", %zu, %zu) failed: %s", v->name, slots,
		      v->slot_size, strerror(errno));
	ck_assert_msg(ring_close(r) == 0, "ring_close of the creator's handle failed: %s",
		      strerror(errno));
	consumer = start_child(victim_consumer, v);
	producer = start_child(victim_producer, v);
	deadline = monotonic_seconds() + 2.0 * grader_scale();
	while (get_done(&v->got) < want && !v->got.failed && monotonic_seconds() < deadline)
		sleep_seconds(0.002);
	/* Mid-stream: the consumer may be inside ring_get, holding its lock. */
	stop_child(&consumer);
	sleep_seconds(0.05);
	stop_child(&producer);
	if (v->got.failed || get_done(&v->got) < want) {
		shm_unlink(v->name);
		ck_assert_msg(!v->got.failed, "%s", v->got.problem);
		ck_abort_msg("the consumer got %zu of %zu messages in 2 s (%zu put): a "
			     "wake-up did not reach it (pshared=1?)", get_done(&v->got), want,
			     get_done(&v->sent));
	}
	cleaner = start_child(cleanup_child, v);
	if (!child_finished(&cleaner, WAKE_DEADLINE, &v->cleanup, why, sizeof why)) {
		shm_unlink(v->name);
		ck_abort_msg("cleaning up after a killed consumer: %s: destroy must not wait "
			     "for a lock a dead process may hold", why);
	}
	if (shm_leftover(v->name + 1, left, sizeof left)) {
		shm_unlink(v->name);
		ck_abort_msg("after ring_destroy, %s is left behind: shm_unlink the name "
			     "(and any named semaphore)", shm_path(path, sizeof path, v->name));
	}
}
END_TEST

/* ---- §8: the programs, between unrelated processes ---- */

/*
 * Runs ringctl with args.  True when it exited 0; otherwise a hint about
 * it in why.
 */
static bool ringctl(const char *const args[], char *why, size_t size)
{
	struct run_result res;
	char desc[80], err[96];
	bool ok;

	run_program("ringctl", args, &(struct run_opts){ .timeout = 1.5 }, &res);
	ok = res.exited && res.exit_code == 0;
	if (!ok)
		snprintf(why, size, "ringctl %s %s: %s, stderr %s", args[0], args[1],
			 run_describe(&res, desc, sizeof desc),
			 grader_excerpt(err, sizeof err, res.err, res.err_len));
	run_result_free(&res);
	return ok;
}

/* Random lines of printable text, each at most max_line bytes with its newline. */
static char *random_lines(size_t count, size_t max_line, size_t *len)
{
	char *text = malloc(count * max_line + 1);
	size_t o = 0;

	ck_assert_msg(text != NULL, "the grader ran out of memory");
	for (size_t i = 0; i < count; i++) {
		size_t n = grader_random_between(0, (uint32_t)max_line - 1);

		grader_random_text(text + o, n);
		o += n;
		text[o++] = '\n';
	}
	text[o] = '\0';
	*len = o;
	return text;
}

/* The line number (from 1) where b first differs from a. */
static size_t first_different_line(const char *a, size_t a_len, const char *b,
				   size_t b_len, size_t *at)
{
	size_t line = 1;

	*at = 0;
	while (*at < a_len && *at < b_len && a[*at] == b[*at])
		line += a[(*at)++] == '\n';
	return line;
}

START_TEST(ring_programs_between_unrelated_processes)
{
	const size_t slots = grader_random_between(4, 8);
	const size_t size = grader_random_between(40, 96);
	const size_t count = grader_random_between(300, 600);
	char name[128], slots_arg[16], size_arg[16], path[300];
	char why[300], remove_why[300] = "", desc[80], out[96], err[96];
	struct run_opts put_opts = { .timeout = 5.0, .keep_stdin_open = true };
	struct run_result got, put;
	struct running *producer;
	bool removed, left_behind;
	size_t len, at, line;
	struct stat st;
	char *lines;

	grader_shm_name(name, sizeof name, "prog");
	shm_path(path, sizeof path, name);
	snprintf(slots_arg, sizeof slots_arg, "%zu", slots);
	snprintf(size_arg, sizeof size_arg, "%zu", size);
	ck_assert_msg(ringctl((const char *const[]){ "create", name, slots_arg, size_arg, NULL },
			      why, sizeof why), "%s", why);
	require(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, name,
		"after ringctl create, %s should exist with mode 0600", path);

	/* The producer first: it fills the ring, then waits for a consumer. */
	lines = random_lines(count, size, &len);
	producer = run_start("ringput", (const char *const[]){ name, NULL }, &put_opts);
	require(producer != NULL, name, "could not start ringput: %s", strerror(errno));
	run_feed(producer, lines, len);
	run_close_stdin(producer);
	asleep_by(run_pid(producer), monotonic_seconds() + 1.0 * grader_scale());
	run_program("ringget", (const char *const[]){ name, NULL },
		    &(struct run_opts){ .timeout = 3.0 }, &got);
	run_finish(producer, &put);
	removed = ringctl((const char *const[]){ "remove", name, NULL }, remove_why,
			  sizeof remove_why);
	left_behind = shm_exists(name);
	shm_unlink(name);

	ck_assert_msg(put.exited && put.exit_code == 0,
		      "ringput of %zu lines into a ring of %zu slots: %s, stderr %s%s", count,
		      slots, run_describe(&put, desc, sizeof desc),
		      grader_excerpt(err, sizeof err, put.err, put.err_len),
		      put.timed_out ? ": never woken by ringget (pshared=1?)" : "");
	ck_assert_msg(got.exited && got.exit_code == 0,
		      "ringget beside ringput: %s, stderr %s%s",
		      run_describe(&got, desc, sizeof desc),
		      grader_excerpt(err, sizeof err, got.err, got.err_len),
		      got.timed_out ? ": a lost wake-up (pshared=1?), or no end of stream" : "");
	line = first_different_line(lines, len, got.out, got.out_len, &at);
	ck_assert_msg(got.out_len == len && at == len,
		      "ringget printed %zu bytes for ringput's %zu; they differ from line %zu: "
		      "%s: does the index wrap at slot_count?", got.out_len, len, line,
		      grader_excerpt(out, sizeof out, got.out + at, got.out_len - at));
	ck_assert_msg(removed, "%s", remove_why);
	ck_assert_msg(!left_behind,
		      "after ringctl remove, %s is still there: shm_unlink the name", path);
	run_result_free(&got);
	run_result_free(&put);
	free(lines);
}
END_TEST

/*
 * Runs prog with args and input.  True when it exited with code and one
 * line on stderr; otherwise a hint in why.
 */
static bool refuses(const char *prog, const char *const args[], const char *input,
		    int code, const char *what, char *why, size_t size)
{
	struct run_result res;
	char desc[80], err[96];
	const char *nl;
	bool ok;

	run_program(prog, args, &(struct run_opts){ .timeout = 1.5, .input = input }, &res);
	nl = memchr(res.err, '\n', res.err_len);
	ok = res.exited && res.exit_code == code && nl != NULL &&
	     nl == res.err + res.err_len - 1;
	if (!ok)
		snprintf(why, size, "%s %s: expected exit %d and one line on stderr, got %s, "
			 "stderr %s", prog, what, code, run_describe(&res, desc, sizeof desc),
			 grader_excerpt(err, sizeof err, res.err, res.err_len));
	run_result_free(&res);
	return ok;
}

START_TEST(ring_programs_reject_bad_input)
{
	const size_t size = grader_random_between(16, 40);
	char name[128], missing[128], size_arg[16], *input, why[300], desc[80], out[96], err[96];
	const char *no_slash;
	struct run_result res;
	size_t ok_len;
	bool ok;

	grader_shm_name(name, sizeof name, "bad");
	grader_shm_name(missing, sizeof missing, "missing");
	no_slash = missing + 1;
	snprintf(size_arg, sizeof size_arg, "%zu", size);
	ck_assert_msg(ringctl((const char *const[]){ "create", name, "4", size_arg, NULL },
			      why, sizeof why), "%s", why);

	/* Two good lines, then one too long for a slot. */
	input = malloc(3 * size + 8);
	require(input != NULL, name, "the grader ran out of memory");
	grader_random_text(input, size / 2);
	input[size / 2] = '\n';
	grader_random_text(input + size / 2 + 1, size / 3);
	input[size / 2 + 1 + size / 3] = '\n';
	ok_len = size / 2 + 1 + size / 3 + 1;
	grader_random_text(input + ok_len, size + 1);
	strcat(input, "\n");

	ok = refuses("ringctl", (const char *const[]){ NULL }, NULL, 2, "with no arguments",
		     why, sizeof why) &&
	     refuses("ringctl", (const char *const[]){ "create", name, "0", "8", NULL }, NULL, 2,
		     "create with 0 slots", why, sizeof why) &&
	     refuses("ringctl", (const char *const[]){ "create", name, "4", "-8", NULL }, NULL, 2,
		     "create with slot size -8", why, sizeof why) &&
	     refuses("ringctl", (const char *const[]){ "create", no_slash, "4", "8", NULL }, NULL,
		     2, "create with a name without its slash", why, sizeof why) &&
	     refuses("ringctl", (const char *const[]){ "create", name, "4", size_arg, NULL }, NULL,
		     1, "create of a name that exists (O_EXCL)", why, sizeof why) &&
	     refuses("ringget", (const char *const[]){ missing, NULL }, NULL, 1,
		     "of a ring that does not exist", why, sizeof why) &&
	     refuses("ringput", (const char *const[]){ missing, NULL }, "x\n", 1,
		     "into a ring that does not exist", why, sizeof why) &&
	     refuses("ringput", (const char *const[]){ name, NULL }, input, 1,
		     "with a line longer than a slot", why, sizeof why);
	require(ok, name, "%s", why);

	/* ringput stopped, but must have ended the stream for the consumers. */
	run_program("ringget", (const char *const[]){ name, NULL },
		    &(struct run_opts){ .timeout = 1.5 }, &res);
	shm_unlink(name);
	ck_assert_msg(res.exited && res.exit_code == 0,
		      "ringget after ringput stopped at a too-long line: %s: ringput must "
		      "end the stream before it exits with an error",
		      run_describe(&res, desc, sizeof desc));
	ck_assert_msg(res.out_len == ok_len && memcmp(res.out, input, ok_len) == 0,
		      "ringget after ringput stopped at line 3 printed %s, expected the two "
		      "lines before it; stderr %s",
		      grader_excerpt(out, sizeof out, res.out, res.out_len),
		      grader_excerpt(err, sizeof err, res.err, res.err_len));
	run_result_free(&res);
	free(input);
}
END_TEST

static const struct graded_item graded_items[] = {
#include "08-shm-ring.def"
};
GRADER_MAIN("08-shm-ring")
