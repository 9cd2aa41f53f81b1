/*
 * bench.h - one measurement of one mechanism: a round-trip latency run or
 * a one-way throughput run.
 *
 * Each runs in a process of its own (side A) with a child (side B), which
 * are killed if the run outlives its timeout, so a kernel that hangs
 * costs one line in the report, not the whole run.
 * The caller must have no other child processes while a run lasts.
 */
#ifndef IPCBENCH_BENCH_H
#define IPCBENCH_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "channel.h"

/* The round-trip token: 4 bytes, the most a queued signal can carry. */
#define LATENCY_TOKEN_BYTES 4

struct bench_config {
	const char *dir;          /* where FIFOs, sockets and files are made */
	bool pin;                 /* side A on cpu[0], side B on cpu[1] */
	int cpu[2];               /* from choose_cpus(), before anything is pinned */
	bool verify;              /* random bytes in every message, checksummed */
	double seconds;           /* time budget of one measurement */
	double timeout;           /* a run still going after this is killed */
	uint64_t seed;
	unsigned warmup;          /* latency: round trips not counted */
	unsigned max_samples;     /* latency: at most this many counted */
	uint64_t max_messages;    /* throughput: at most this many (0: no limit) */
};

struct latency_result {
	unsigned samples;         /* round trips counted */
	double median_us, p99_us, min_us, max_us;
};

struct throughput_result {
	size_t message;           /* bytes per message */
	uint64_t messages;        /* messages side B received intact */
	uint64_t bytes;           /* messages * message */
	double seconds;           /* from the first send to side B's reply */
	double bytes_per_second;
	uint64_t checksum_sent;   /* verify: of every byte side A sent */
	uint64_t checksum_received; /* verify: of every byte side B received */
};

/* 0, or -1 with one line saying what went wrong in err. */
int bench_latency(const struct mechanism *m, const struct bench_config *cfg,
		  struct latency_result *out, char *err, size_t errsize);
int bench_throughput(const struct mechanism *m, size_t message,
		     const struct bench_config *cfg, struct throughput_result *out,
		     char *err, size_t errsize);

/*
 * Nanoseconds a cache line takes to go from side A's CPU to side B's and
 * back (the median of batches of round trips): the floor under any
 * shared-memory hand-off.  Meant for cfg->pin set and two CPUs.
 */
int bench_cache_line(const struct bench_config *cfg, double *ns, char *err, size_t errsize);

/* memcpy(3) bandwidth in bytes per second, for messages of this size. */
double bench_memcpy(size_t message, double seconds);

#endif
