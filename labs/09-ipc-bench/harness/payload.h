/*
 * payload.h - what the harness puts in messages and how it checks them:
 * a seeded random generator, a stamp at both ends of every message, and
 * a 64-bit checksum.
 */
#ifndef IPCBENCH_PAYLOAD_H
#define IPCBENCH_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The smallest message the throughput runs accept: room for two stamps. */
#define PAYLOAD_MIN 16

/* xorshift64*, seeded through splitmix64 (any seed, even 0, is fine). */
struct rng {
	uint64_t state;
};

void rng_seed(struct rng *g, uint64_t seed);
uint64_t rng_next(struct rng *g);
void rng_fill(struct rng *g, void *buf, size_t len);

/*
 * Writes message number seq into the first and last 8 bytes of buf
 * (len >= PAYLOAD_MIN); last marks the final message of a run.
 */
void stamp_message(void *buf, size_t len, uint64_t seq, bool last);

/*
 * Reads the stamp back: true if both ends agree, with the number in *seq
 * and the end-of-run mark in *last.
 */
bool read_stamp(const void *buf, size_t len, uint64_t *seq, bool *last);

/* FNV-1a over 8-byte words (then the tail bytes), continued from sum. */
#define CHECKSUM_START UINT64_C(0xcbf29ce484222325)
uint64_t checksum_update(uint64_t sum, const void *buf, size_t len);

#endif
