/* payload.c - see payload.h. */
#include "payload.h"

#include <string.h>

#define FNV_PRIME UINT64_C(0x100000001b3)
#define LAST_MARK (UINT64_C(1) << 63)

void rng_seed(struct rng *g, uint64_t seed)
{
	uint64_t z = seed + UINT64_C(0x9e3779b97f4a7c15);

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	z ^= z >> 31;
	g->state = z != 0 ? z : 1;      /* xorshift must not start at 0 */
}

uint64_t rng_next(struct rng *g)
{
	uint64_t x = g->state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	g->state = x;
	return x * UINT64_C(0x2545f4914f6cdd1d);
}

void rng_fill(struct rng *g, void *buf, size_t len)
{
	unsigned char *p = buf;

	while (len >= 8) {
		uint64_t v = rng_next(g);

		memcpy(p, &v, 8);
		p += 8;
		len -= 8;
	}
	if (len > 0) {
		uint64_t v = rng_next(g);

		memcpy(p, &v, len);
	}
}

void stamp_message(void *buf, size_t len, uint64_t seq, bool last)
{
	uint64_t head = seq | (last ? LAST_MARK : 0);
	uint64_t tail = ~head;

	memcpy(buf, &head, 8);
	memcpy((char *)buf + len - 8, &tail, 8);
}

bool read_stamp(const void *buf, size_t len, uint64_t *seq, bool *last)
{
	uint64_t head, tail;

	memcpy(&head, buf, 8);
	memcpy(&tail, (const char *)buf + len - 8, 8);
	*seq = head & ~LAST_MARK;
	*last = (head & LAST_MARK) != 0;
	return tail == ~head;
}

uint64_t checksum_update(uint64_t sum, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	while (len >= 8) {
		uint64_t word;

		memcpy(&word, p, 8);
		sum = (sum ^ word) * FNV_PRIME;
		p += 8;
		len -= 8;
	}
	while (len-- > 0)
		sum = (sum ^ *p++) * FNV_PRIME;
	return sum;
}
