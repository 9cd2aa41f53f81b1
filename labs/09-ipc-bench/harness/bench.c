/*
 * bench.c - see bench.h.
 *
 * Process tree of one run:
 *
 *   caller --fork--> side A --fork--> side B
 *
 * The caller only waits, with a deadline.  Side A opens the channel,
 * forks side B, measures, waits for side B and closes the channel.  Both
 * sides write what went wrong into a shared page the caller reads.  Each
 * side dies with its parent, so killing side A (or the caller) ends all.
 */
#include "bench.h"

#include <errno.h>
#include <signal.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "payload.h"
#include "pin.h"
#include "stats.h"

#define READY_TOKEN UINT32_C(0x52454459)   /* side B is attached */
#define STOP_TOKEN UINT32_C(0)             /* latency: the last token */
#define NOTE_SIZE 200

#define LINE_STOP UINT64_MAX                /* cache line: the last throw */
#define LINE_BATCHES 200
#define LINE_TRIPS 50                       /* round trips per batch: short, to see the deadline */

enum job_kind { JOB_LATENCY, JOB_THROUGHPUT, JOB_CACHE_LINE };

struct job {
	enum job_kind kind;
	const struct mechanism *m;
	const struct bench_config *cfg;
	size_t message;
};

/* The page both sides share with the caller. */
struct outcome {
	char a_note[NOTE_SIZE];   /* side A's error, the one reported */
	char b_note[NOTE_SIZE];   /* side B's error */
	struct latency_result latency;
	struct throughput_result throughput;
	double line_ns;
	/* Cache line: a counter the two sides pass back and forth, on a line of its own. */
	alignas(64) _Atomic uint64_t ball;
};

/* What side B sends back at the end of a throughput run. */
struct b_report {
	uint64_t received;        /* messages */
	uint64_t intact;          /* with the right stamp at both ends */
	uint64_t first_bad;       /* index of the first that was not, or UINT64_MAX */
	uint64_t checksum;        /* verify: of every byte received */
};

/* Writes "what: strerror(errno)" into note and returns -1. */
static int note_errno(char *note, const char *what)
{
	snprintf(note, NOTE_SIZE, "%s: %s", what, strerror(errno));
	return -1;
}

/*
 * A side whose parent is gone has no one to report to: have the kernel
 * kill it then, so no measurement outlives the program that started it.
 */
static void die_with_parent(pid_t parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 || getppid() != parent)
		_exit(1);
}

/*
 * A message buffer that starts on a page.  Where it starts matters: on
 * some CPUs (AMD Zen 3 among them) memcpy() of a few KiB or more runs
 * twenty times slower when the destination lies 1 to 31 bytes past the
 * source, counted modulo 4 KiB, and two plain malloc() blocks can lie
 * just so.  Page-aligned buffers measure the mechanism, not that accident.
 */
static void *message_buffer(size_t size)
{
	size_t page = 4096;

	return aligned_alloc(page, (size + page - 1) / page * page);
}

/* ---- side B: echo tokens, or receive and check a stream of messages ---- */

static int b_latency(const struct job *j, struct channel *ch, struct outcome *o)
{
	uint32_t token = READY_TOKEN;

	if (j->m->send(ch, &token, sizeof token) != 0)
		return note_errno(o->b_note, "send");
	for (;;) {
		if (j->m->recv(ch, &token, sizeof token) != 0)
			return note_errno(o->b_note, "recv");
		if (token == STOP_TOKEN)
			return 0;
		token = ~token;         /* proof that side B, not an echo, replied */
		if (j->m->send(ch, &token, sizeof token) != 0)
			return note_errno(o->b_note, "send");
	}
}

static int b_throughput(const struct job *j, struct channel *ch, struct outcome *o)
{
	struct b_report report = { 0, 0, UINT64_MAX, CHECKSUM_START };
	uint32_t token = READY_TOKEN;
	unsigned char *buf = message_buffer(j->message);
	int result = -1;

	if (buf == NULL)
		return note_errno(o->b_note, "aligned_alloc");
	if (j->m->send(ch, &token, sizeof token) != 0) {
		note_errno(o->b_note, "send");
		goto out;
	}
	for (;;) {
		uint64_t seq;
		bool last;

		memset(buf, 0, PAYLOAD_MIN);    /* a recv that copies nothing shows */
		memset(buf + j->message - 8, 0, 8);
		if (j->m->recv(ch, buf, j->message) != 0) {
			note_errno(o->b_note, "recv");
			goto out;
		}
		bool ok = read_stamp(buf, j->message, &seq, &last) && seq == report.received;

		if (ok)
			report.intact++;
		else if (report.first_bad == UINT64_MAX)
			report.first_bad = report.received;
		report.received++;
		if (j->cfg->verify)
			report.checksum = checksum_update(report.checksum, buf, j->message);
		/* A fixed count ends the run even if the last stamp came garbled. */
		if (last || report.received == j->cfg->max_messages)
			break;
	}
	if (j->m->send(ch, &report, sizeof report) != 0) {
		note_errno(o->b_note, "send");
		goto out;
	}
	result = 0;
out:
	free(buf);
	return result;
}

/* Hands the ball back each time side A throws it: odd in, the next even out. */
static int b_cache_line(struct outcome *o)
{
	for (;;) {
		uint64_t ball = atomic_load_explicit(&o->ball, memory_order_acquire);

		if (ball == LINE_STOP)
			return 0;
		if (ball % 2 == 1)
			atomic_store_explicit(&o->ball, ball + 1, memory_order_release);
	}
}

static int side_b(const struct job *j, struct channel *ch, struct outcome *o)
{
	int result;

	if (j->cfg->pin && pin_to_cpu(j->cfg->cpu[1]) != 0)
		return note_errno(o->b_note, "sched_setaffinity");
	if (j->m->attach(ch, SIDE_B, getppid()) != 0) {
		note_errno(o->b_note, "attach");
		j->m->close(ch);
		return -1;
	}
	switch (j->kind) {
	case JOB_LATENCY:
		result = b_latency(j, ch, o);
		break;
	case JOB_THROUGHPUT:
		result = b_throughput(j, ch, o);
		break;
	default:
		result = b_cache_line(o);
		break;
	}
	if (j->m->close(ch) != 0 && result == 0)
		result = note_errno(o->b_note, "close");
	return result;
}

/* ---- side A: measure ---- */

static int a_wait_ready(const struct job *j, struct channel *ch, struct outcome *o)
{
	uint32_t token;

	if (j->m->recv(ch, &token, sizeof token) != 0)
		return note_errno(o->a_note, "recv");
	if (token != READY_TOKEN) {
		snprintf(o->a_note, NOTE_SIZE,
			 "recv: side B's first token reads %#lx, not %#lx",
			 (unsigned long)token, (unsigned long)READY_TOKEN);
		return -1;
	}
	return 0;
}

static int a_latency(const struct job *j, struct channel *ch, struct outcome *o)
{
	const struct bench_config *cfg = j->cfg;
	unsigned max = cfg->max_samples > 0 ? cfg->max_samples : 1;
	unsigned enough = max < 100 ? max : 100;   /* for a p99 worth the name */
	double *samples = malloc(max * sizeof *samples);
	unsigned counted = 0;
	uint32_t token;
	struct rng g;
	int result = -1;

	if (samples == NULL)
		return note_errno(o->a_note, "malloc");
	if (a_wait_ready(j, ch, o) != 0)
		goto out;
	rng_seed(&g, cfg->seed);
	double deadline = now_seconds() + cfg->seconds;

	for (unsigned i = 0;; i++) {
		uint32_t echo;

		token = (uint32_t)rng_next(&g) | 1;     /* never STOP_TOKEN */
		double t0 = now_seconds();

		if (j->m->send(ch, &token, sizeof token) != 0) {
			note_errno(o->a_note, "send");
			goto out;
		}
		if (j->m->recv(ch, &echo, sizeof echo) != 0) {
			note_errno(o->a_note, "recv");
			goto out;
		}
		double t1 = now_seconds();

		if (echo != (uint32_t)~token) {
			snprintf(o->a_note, NOTE_SIZE,
				 "round trip %u: sent %#lx, got back %#lx, not its complement %#lx",
				 i, (unsigned long)token, (unsigned long)echo,
				 (unsigned long)(uint32_t)~token);
			goto out;
		}
		if (i >= cfg->warmup)
			samples[counted++] = (t1 - t0) * 1e6;
		if (counted == max || (counted >= enough && t1 >= deadline))
			break;
	}
	token = STOP_TOKEN;
	if (j->m->send(ch, &token, sizeof token) != 0) {
		note_errno(o->a_note, "send");
		goto out;
	}
	o->latency.samples = counted;
	o->latency.p99_us = quantile(samples, counted, 0.99);
	o->latency.median_us = quantile(samples, counted, 0.5);
	o->latency.min_us = samples[0];                 /* sorted now */
	o->latency.max_us = samples[counted - 1];
	result = 0;
out:
	free(samples);
	return result;
}

static int a_throughput(const struct job *j, struct channel *ch, struct outcome *o)
{
	const struct bench_config *cfg = j->cfg;
	/* Looking at the clock costs about as much as a 64-byte ring copy. */
	uint64_t check_every = j->message <= 4096 ? 64 : 1;
	uint64_t sum = CHECKSUM_START, sent = 0;
	unsigned char *buf = message_buffer(j->message);
	struct b_report report;
	struct rng g;
	int result = -1;

	if (buf == NULL)
		return note_errno(o->a_note, "aligned_alloc");
	rng_seed(&g, cfg->seed);
	rng_fill(&g, buf, j->message);
	if (a_wait_ready(j, ch, o) != 0)
		goto out;
	double t0 = now_seconds();
	double deadline = t0 + cfg->seconds;

	for (;;) {
		bool last = (cfg->max_messages > 0 && sent + 1 >= cfg->max_messages) ||
			    (sent >= 1 && sent % check_every == 0 && now_seconds() >= deadline);

		if (cfg->verify)
			rng_fill(&g, buf, j->message);  /* new bytes in every message */
		stamp_message(buf, j->message, sent, last);
		if (cfg->verify)
			sum = checksum_update(sum, buf, j->message);
		if (j->m->send(ch, buf, j->message) != 0) {
			note_errno(o->a_note, "send");
			goto out;
		}
		sent++;
		if (last)
			break;
	}
	if (j->m->recv(ch, &report, sizeof report) != 0) {
		note_errno(o->a_note, "recv");
		goto out;
	}
	double t1 = now_seconds();

	if (report.received != sent || report.intact != sent) {
		snprintf(o->a_note, NOTE_SIZE,
			 "side B received %llu of %llu messages, %llu intact (first bad: #%llu)",
			 (unsigned long long)report.received, (unsigned long long)sent,
			 (unsigned long long)report.intact,
			 (unsigned long long)report.first_bad);
		goto out;
	}
	if (cfg->verify && report.checksum != sum) {
		snprintf(o->a_note, NOTE_SIZE,
			 "checksum of the bytes received %016llx, of the bytes sent %016llx",
			 (unsigned long long)report.checksum, (unsigned long long)sum);
		goto out;
	}
	o->throughput.message = j->message;
	o->throughput.messages = sent;
	o->throughput.bytes = sent * j->message;
	o->throughput.seconds = t1 - t0;
	o->throughput.bytes_per_second = (double)o->throughput.bytes / (t1 - t0);
	o->throughput.checksum_sent = cfg->verify ? sum : 0;
	o->throughput.checksum_received = cfg->verify ? report.checksum : 0;
	result = 0;
out:
	free(buf);
	return result;
}

/*
 * Throws the ball to side B and waits for it to come back, in batches:
 * the time a cache line takes to go from one CPU to the other and back,
 * the least any shared-memory hand-off can cost.  No system call, no
 * pause instruction: both sides spin, briefly.
 */
static int a_cache_line(const struct job *j, struct outcome *o)
{
	double batch_ns[LINE_BATCHES];
	double deadline = now_seconds() + j->cfg->seconds;
	uint64_t ball = 0;
	size_t batches = 0;

	/* Batch 0 is a warm-up: side B may not be running yet. */
	for (size_t b = 0; b <= LINE_BATCHES; b++) {
		double t0 = now_seconds();

		for (int i = 0; i < LINE_TRIPS; i++) {
			atomic_store_explicit(&o->ball, ++ball, memory_order_release);
			while (atomic_load_explicit(&o->ball, memory_order_acquire) == ball)
				continue;
			ball++;
		}
		double t1 = now_seconds();

		if (b > 0)
			batch_ns[batches++] = (t1 - t0) / LINE_TRIPS * 1e9;
		if (batches >= 3 && t1 >= deadline)
			break;
	}
	atomic_store(&o->ball, LINE_STOP);
	o->line_ns = quantile(batch_ns, batches, 0.5);
	return 0;
}

static int side_a(const struct job *j, struct outcome *o)
{
	struct sigaction ignore = { .sa_handler = SIG_IGN };
	struct channel ch;
	int result, status;
	pid_t b;

	/* A peer gone away is an EPIPE to report, not a death by SIGPIPE. */
	sigemptyset(&ignore.sa_mask);
	if (sigaction(SIGPIPE, &ignore, NULL) != 0)
		return note_errno(o->a_note, "sigaction");
	if (j->cfg->pin && pin_to_cpu(j->cfg->cpu[0]) != 0)
		return note_errno(o->a_note, "sched_setaffinity");
	channel_init(&ch);
	if (j->m->open(&ch, j->cfg->dir) != 0) {
		note_errno(o->a_note, "open");
		j->m->close(&ch);
		return -1;
	}
	pid_t self = getpid();

	b = fork();
	if (b < 0) {
		note_errno(o->a_note, "fork");
		j->m->close(&ch);
		return -1;
	}
	if (b == 0) {
		die_with_parent(self);
		_exit(side_b(j, &ch, o) == 0 ? 0 : 1);
	}

	if (j->m->attach(&ch, SIDE_A, b) != 0)
		result = note_errno(o->a_note, "attach");
	else if (j->kind == JOB_LATENCY)
		result = a_latency(j, &ch, o);
	else if (j->kind == JOB_THROUGHPUT)
		result = a_throughput(j, &ch, o);
	else
		result = a_cache_line(j, o);
	if (result != 0)
		kill(b, SIGKILL);       /* it may be waiting for us for ever */
	while (waitpid(b, &status, 0) < 0)
		if (errno != EINTR) {
			status = 0;
			break;
		}
	/* Side B's own account of a failure says more than side A's EPIPE. */
	if (o->b_note[0] != '\0' && (result != 0 || status != 0)) {
		char note[NOTE_SIZE];

		snprintf(note, sizeof note, "side B: %.*s", NOTE_SIZE - 10, o->b_note);
		memcpy(o->a_note, note, NOTE_SIZE);
		result = -1;
	} else if (result == 0 && status != 0) {
		if (WIFSIGNALED(status))
			snprintf(o->a_note, NOTE_SIZE, "side B killed by signal %d (%s)",
				 WTERMSIG(status), strsignal(WTERMSIG(status)));
		else
			snprintf(o->a_note, NOTE_SIZE, "side B exited with status %d",
				 WEXITSTATUS(status));
		result = -1;
	}
	if (j->m->close(&ch) != 0 && result == 0)
		result = note_errno(o->a_note, "close");
	return result;
}

/* ---- the caller: fork side A, wait with a deadline, collect ---- */

/* Waits for pid until the deadline; true if it is still running then. */
static bool wait_with_deadline(pid_t pid, double seconds, const sigset_t *chld, int *status)
{
	double end = now_seconds() + seconds;

	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid)
			return false;
		if (r < 0 && errno != EINTR) {
			*status = 0;    /* reaped by someone else: nothing to wait for */
			return false;
		}
		double left = end - now_seconds();

		if (left <= 0)
			return true;
		struct timespec ts = { (time_t)left, (long)((left - (double)(time_t)left) * 1e9) };

		sigtimedwait(chld, NULL, &ts);  /* a SIGCHLD, or the deadline */
	}
}

static int run_job(const struct job *j, char *err, size_t errsize,
		   struct outcome *result)
{
	struct outcome *o = mmap(NULL, sizeof *o, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	sigset_t chld, saved;
	int status = 0, rc = -1;
	bool timed_out;
	pid_t a;

	if (o == MAP_FAILED) {
		snprintf(err, errsize, "mmap: %s", strerror(errno));
		return -1;
	}
	memset(o, 0, sizeof *o);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &saved);
	/* Side B, orphaned when side A is killed, comes back to us to reap. */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	fflush(NULL);                   /* or both sides would print it again */
	pid_t self = getpid();

	a = fork();
	if (a < 0) {
		snprintf(err, errsize, "fork: %s", strerror(errno));
		goto out;
	}
	if (a == 0) {
		die_with_parent(self);
		sigprocmask(SIG_SETMASK, &saved, NULL);
		_exit(side_a(j, o) == 0 ? 0 : 1);
	}
	timed_out = wait_with_deadline(a, j->cfg->timeout, &chld, &status);
	if (timed_out) {
		kill(a, SIGKILL);       /* side B follows it: die_with_parent() */
		while (waitpid(a, &status, 0) < 0 && errno == EINTR)
			continue;
	}
	/* Reap side B too if it was orphaned: it comes back to us, the subreaper. */
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		continue;
	if (timed_out)
		snprintf(err, errsize,
			 "timed out after %.1f s: a side waits for a message or a wake-up that never comes",
			 j->cfg->timeout);
	else if (WIFSIGNALED(status))
		snprintf(err, errsize, "side A killed by signal %d (%s)",
			 WTERMSIG(status), strsignal(WTERMSIG(status)));
	else if (WEXITSTATUS(status) != 0)
		snprintf(err, errsize, "%s", o->a_note[0] ? o->a_note : "side A failed");
	else {
		*result = *o;
		rc = 0;
	}
out:
	sigprocmask(SIG_SETMASK, &saved, NULL);
	munmap(o, sizeof *o);
	return rc;
}

int bench_latency(const struct mechanism *m, const struct bench_config *cfg,
		  struct latency_result *out, char *err, size_t errsize)
{
	struct job j = { JOB_LATENCY, m, cfg, LATENCY_TOKEN_BYTES };
	struct outcome o;

	if (run_job(&j, err, errsize, &o) != 0)
		return -1;
	*out = o.latency;
	return 0;
}

int bench_throughput(const struct mechanism *m, size_t message,
		     const struct bench_config *cfg, struct throughput_result *out,
		     char *err, size_t errsize)
{
	struct job j = { JOB_THROUGHPUT, m, cfg, message };
	struct outcome o;

	if (message < PAYLOAD_MIN || message > m->max_message) {
		snprintf(err, errsize, "%s cannot carry %zu-byte messages", m->name, message);
		return -1;
	}
	if (run_job(&j, err, errsize, &o) != 0)
		return -1;
	*out = o.throughput;
	return 0;
}

/* The cache-line job needs no channel: its two sides share the outcome page. */
static int no_open(struct channel *ch, const char *dir)
{
	(void)ch;
	(void)dir;
	return 0;
}

static int no_attach(struct channel *ch, enum side side, pid_t peer)
{
	ch->side = side;
	ch->peer = peer;
	return 0;
}

static int no_close(struct channel *ch)
{
	(void)ch;
	return 0;
}

static const struct mechanism no_channel = {
	.name = "cache line", .what = "a counter in the shared page, passed by spinning",
	.open = no_open, .attach = no_attach, .close = no_close,
};

int bench_cache_line(const struct bench_config *cfg, double *ns, char *err, size_t errsize)
{
	struct job j = { JOB_CACHE_LINE, &no_channel, cfg, 0 };
	struct outcome o;

	if (run_job(&j, err, errsize, &o) != 0)
		return -1;
	*ns = o.line_ns;
	return 0;
}

double bench_memcpy(size_t message, double seconds)
{
	/* Through a volatile pointer, so the compiler cannot drop the copies. */
	void *(*volatile copy)(void *, const void *, size_t) = memcpy;
	unsigned char *src = message_buffer(message), *dst = message_buffer(message);
	size_t batch = message >= (1u << 20) ? 1 : (1u << 20) / message;
	uint64_t copies = 0;
	double t0, t;

	if (src == NULL || dst == NULL) {
		free(src);
		free(dst);
		return 0;
	}
	memset(src, 0x5a, message);
	memset(dst, 0, message);
	t0 = now_seconds();
	do {
		for (size_t i = 0; i < batch; i++)
			copy(dst, src, message);
		copies += batch;
		t = now_seconds();
	} while (t - t0 < seconds);
	free(src);
	free(dst);
	return (double)copies * (double)message / (t - t0);
}
