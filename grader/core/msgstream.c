/* msgstream.c - see msgstream.h. */
#include "msgstream.h"
#include "context.h"
#include "grader.h"
#include "sysutil.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Every producer and consumer asleep for good this long, nothing moving: a stall. */
#define MSGSTREAM_SETTLE 0.3

/* The head of every message. */
struct msg_head {
	uint32_t producer;
	uint32_t seq;
	uint32_t len;           /* payload bytes after the head */
	uint32_t sum;           /* FNV-1a of the above and the payload, low half */
};

_Static_assert(sizeof(struct msg_head) == MSGSTREAM_HEAD, "MSGSTREAM_HEAD is the head");

static uint32_t message_sum(const struct msg_head *h, const unsigned char *payload)
{
	uint64_t sum = grader_fnv1a(GRADER_FNV_START, h, offsetof(struct msg_head, sum));

	return (uint32_t)grader_fnv1a(sum, payload, h->len);
}

/* Writes message seq of producer into buf (max_len bytes); its length. */
static size_t make_message(unsigned char *buf, size_t max_len, uint32_t producer,
			   uint32_t seq, uint64_t *rng)
{
	struct msg_head h = { producer, seq, 0, 0 };

	h.len = (uint32_t)(grader_replay_next(rng) % (max_len - MSGSTREAM_HEAD + 1));
	grader_replay_fill(rng, buf + MSGSTREAM_HEAD, h.len);
	h.sum = message_sum(&h, buf + MSGSTREAM_HEAD);
	memcpy(buf, &h, MSGSTREAM_HEAD);
	return MSGSTREAM_HEAD + h.len;
}

/* NULL when buf holds a whole, intact message of n bytes; else what is wrong. */
static const char *check_message(const unsigned char *buf, ssize_t n,
				 struct msg_head *h, uint32_t producers)
{
	if (n < (ssize_t)MSGSTREAM_HEAD)
		return "shorter than its header";
	memcpy(h, buf, MSGSTREAM_HEAD);
	if ((size_t)n != MSGSTREAM_HEAD + h->len)
		return "of the wrong length";
	if (h->producer >= producers || message_sum(h, buf + MSGSTREAM_HEAD) != h->sum)
		return "corrupted (bad checksum)";
	return NULL;
}

/* What each child is given: the stream and its number among its kind. */
struct msgstream_child {
	struct msgstream *st;
	uint32_t index;
};

static _Noreturn void leave(struct msgstream *st, void *buf)
{
	free(buf);
	child_exit(st->ops->close == NULL || st->ops->close(st->channel) == 0 ? 0 : 2);
}

static void producer(void *arg)
{
	const struct msgstream_child *me = arg;
	struct msgstream *st = me->st;
	unsigned char *buf = malloc(st->max_len);
	uint64_t rng = st->seeds[me->index];

	if (buf == NULL)
		_exit(3);
	for (uint32_t seq = 0; seq < st->per_producer; seq++) {
		size_t len = make_message(buf, st->max_len, me->index, seq, &rng);

		if (st->ops->put(st->channel, buf, len) < 0) {
			child_problem(&st->got, "producer %u: %s of message #%u failed: %s",
				      me->index, st->ops->put_name, seq, grader_errno_name(errno));
			_exit(1);
		}
		child_add_done(&st->sent, 1);
	}
	/* The last producer to finish ends the stream. */
	if (atomic_fetch_add(&st->ended, 1) + 1 == st->producers &&
	    st->ops->end(st->channel) < 0) {
		child_problem(&st->got, "%s after the last put failed: %s",
			      st->ops->end_name, grader_errno_name(errno));
		_exit(1);
	}
	leave(st, buf);
}

/* True when message h may come next to consumer me; else a problem is recorded. */
static bool in_order(struct msgstream *st, uint32_t me, const struct msg_head *h,
		     int64_t *last)
{
	const bool one_to_one = st->producers == 1 && st->consumers == 1;

	if (one_to_one && h->seq != (uint32_t)(last[0] + 1)) {
		child_problem(&st->got, "expected message #%lld next, got #%u",
			      (long long)last[0] + 1, h->seq);
		return false;
	}
	if ((int64_t)h->seq <= last[h->producer]) {
		child_problem(&st->got, "consumer %u got producer %u's #%u after its #%lld",
			      me, h->producer, h->seq, (long long)last[h->producer]);
		return false;
	}
	last[h->producer] = h->seq;
	if (h->seq >= st->per_producer ||
	    atomic_fetch_add_explicit(&st->seen[(size_t)h->producer * st->per_producer + h->seq],
				      1, memory_order_relaxed) != 0) {
		child_problem(&st->got, "producer %u's message #%u arrived twice",
			      h->producer, h->seq);
		return false;
	}
	return true;
}

static void consumer(void *arg)
{
	const struct msgstream_child *me = arg;
	struct msgstream *st = me->st;
	unsigned char *buf = malloc(st->max_len);
	int64_t last[MSGSTREAM_MAX];
	const double start = monotonic_seconds();
	size_t count = 0;
	struct msg_head h;
	ssize_t n;

	if (buf == NULL)
		_exit(3);
	for (uint32_t p = 0; p < MSGSTREAM_MAX; p++)
		last[p] = -1; /* the last sequence number seen of producer p */
	while (!atomic_load(&st->go) && monotonic_seconds() - start < 5.0)
		sleep_seconds(0.001);
	while ((n = st->ops->get(st->channel, buf, st->max_len)) != 0) {
		const char *bad = n < 0 ? NULL : check_message(buf, n, &h, st->producers);

		if (n < 0) {
			child_problem(&st->got, "%s failed after %zu messages: %s",
				      st->ops->get_name, count, grader_errno_name(errno));
			_exit(1);
		}
		if (bad != NULL) {
			child_problem(&st->got, "consumer %u: message %zu was %s", me->index,
				      count, bad);
			_exit(1);
		}
		if (!in_order(st, me->index, &h, last))
			_exit(1);
		count++;
		child_add_done(&st->got, 1);
	}
	atomic_store(&st->finished[me->index], 1);
	leave(st, buf);
}

struct msgstream *msgstream_new(const struct msgstream_ops *ops, void *channel,
				uint32_t producers, uint32_t consumers, size_t max_len,
				uint32_t messages)
{
	const uint32_t per = (messages + producers - 1) / producers;
	struct msgstream *st;

	ck_assert_msg(producers >= 1 && producers <= MSGSTREAM_MAX && consumers >= 1 &&
		      consumers <= MSGSTREAM_MAX && max_len > MSGSTREAM_HEAD,
		      "grader: a stream of %u producers, %u consumers, %zu bytes",
		      producers, consumers, max_len);
	st = child_shared(sizeof *st + (size_t)per * producers);
	*st = (struct msgstream){
		.ops = ops, .channel = channel, .max_len = max_len,
		.producers = producers, .consumers = consumers, .per_producer = per,
	};
	for (uint32_t p = 0; p < producers; p++)
		st->seeds[p] = ((uint64_t)grader_random() << 32 | grader_random()) | 1;
	return st;
}

void msgstream_start(struct msgstream *st, pid_t *pids)
{
	/* Each child reads its own entry after the fork: a copy is enough. */
	struct msgstream_child kid;

	for (uint32_t i = 0; i < st->producers + st->consumers; i++) {
		const bool producing = i < st->producers;

		kid = (struct msgstream_child){ st, producing ? i : i - st->producers };
		pids[i] = child_start(producing ? producer : consumer, &kid, NULL);
	}
}

void msgstream_release(struct msgstream *st)
{
	atomic_store(&st->go, 1);
}

size_t msgstream_sent(struct msgstream *st) { return child_done_count(&st->sent); }
size_t msgstream_received(struct msgstream *st) { return child_done_count(&st->got); }

size_t msgstream_total(const struct msgstream *st)
{
	return (size_t)st->per_producer * st->producers;
}

static size_t progress(void *arg)
{
	return msgstream_sent(arg) + msgstream_received(arg);
}

enum watch_end msgstream_watch(struct msgstream *st, pid_t *pids, double stall,
			       double deadline, char *why, size_t size)
{
	int status[2 * MSGSTREAM_MAX];
	char labels[2 * MSGSTREAM_MAX][24];
	const char *names[2 * MSGSTREAM_MAX];
	struct child_watch watch = {
		.pids = pids, .status = status, .count = st->producers + st->consumers,
		.names = names, .progress = progress, .arg = st, .failed = &st->got.failed,
		.stall = stall, .deadline = deadline, .settle = MSGSTREAM_SETTLE,
	};
	enum watch_end end;
	char how[64];

	for (size_t i = 0; i < watch.count; i++) {
		const bool producing = i < st->producers;

		snprintf(labels[i], sizeof labels[i], "the %s %zu", producing ? "producer"
			 : "consumer", producing ? i : i - st->producers);
		names[i] = labels[i];
	}
	end = child_watch(&watch);

	if (end == WATCH_CRASHED) {
		const bool producing = watch.crashed < st->producers;

		snprintf(why, size, "%s %zu was %s", producing ? "producer" : "consumer",
			 producing ? watch.crashed : watch.crashed - st->producers,
			 grader_describe_status(status[watch.crashed], how, sizeof how));
	}
	return end;
}

uint32_t msgstream_unfinished(struct msgstream *st)
{
	uint32_t waiting = 0;

	for (uint32_t c = 0; c < st->consumers; c++)
		waiting += !atomic_load(&st->finished[c]);
	return waiting;
}

bool msgstream_complete(struct msgstream *st, char *why, size_t size)
{
	const size_t total = msgstream_total(st);

	for (size_t i = 0; i < total; i++)
		if (atomic_load(&st->seen[i]) != 1) {
			snprintf(why, size, "the stream ended, but producer %zu's message #%zu "
				 "never arrived (%zu of %zu did)", i / st->per_producer,
				 i % st->per_producer, msgstream_received(st), total);
			return false;
		}
	return true;
}
