/* report.c - the Markdown table and the CSV file; see report.h. */
#include "report.h"

#include <string.h>

#include "stats.h"

const char *size_name(size_t bytes, char *buf, size_t size)
{
	if (bytes >= (1u << 20) && bytes % (1u << 20) == 0)
		snprintf(buf, size, "%zu MiB", bytes >> 20);
	else if (bytes >= 1024 && bytes % 1024 == 0)
		snprintf(buf, size, "%zu KiB", bytes >> 10);
	else
		snprintf(buf, size, "%zu B", bytes);
	return buf;
}

const struct mech_row *row_named(const struct report *r, size_t pin, const char *name)
{
	for (size_t i = 0; i < r->nmechs; i++)
		if (strcmp(r->rows[pin][i].m->name, name) == 0)
			return &r->rows[pin][i];
	return NULL;
}

const struct mech_row *pipe_row(const struct report *r, size_t pin)
{
	return row_named(r, pin, "pipe");
}

/* A table's size columns: their names, then the rule under the header. */
static void size_columns(FILE *f, const struct report *r, const char *rule)
{
	char name[32];

	for (size_t s = 0; s < r->nsizes; s++)
		fprintf(f, " %s |", size_name(r->sizes[s], name, sizeof name));
	fprintf(f, "\n%s", rule);
	for (size_t s = 0; s < r->nsizes; s++)
		fprintf(f, " ---: |");
	fprintf(f, "\n");
}

void report_choose_medians(struct report *r)
{
	double v[REPORT_MAX_RUNS];
	size_t n;

	for (size_t pin = 0; pin < r->npins; pin++)
		for (size_t i = 0; i < r->nmechs; i++) {
			struct mech_row *row = &r->rows[pin][i];

			if (row->latency_cell == CELL_OK) {
				for (n = 0; n < r->runs; n++)
					v[n] = row->latency_run[n].median_us;
				row->latency = row->latency_run[median_index(v, n)];
			}
			for (size_t s = 0; s < r->nsizes; s++) {
				if (row->throughput_cell[s] != CELL_OK)
					continue;
				for (n = 0; n < r->runs; n++)
					v[n] = row->throughput_run[s][n].bytes_per_second;
				row->throughput[s] = row->throughput_run[s][median_index(v, n)];
			}
		}
	for (size_t s = 0; s < r->nsizes; s++) {
		n = 0;
		for (size_t run = 0; run < r->runs; run++)
			if (r->memcpy_run_bps[run][s] > 0)
				v[n++] = r->memcpy_run_bps[run][s];
		r->memcpy_bps[s] = n > 0 ? v[median_index(v, n)] : 0;
	}
	n = 0;
	for (size_t run = 0; run < r->runs; run++)
		if (r->line_run_ns[run] > 0)
			v[n++] = r->line_run_ns[run];
	r->line_ns = n > 0 ? v[median_index(v, n)] : 0;
}

/* The least and the most of the n values of v that are above 0. */
static void range(const double *v, size_t n, double *lo, double *hi)
{
	*lo = *hi = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i] > 0) {
			if (*lo == 0 || v[i] < *lo)
				*lo = v[i];
			if (v[i] > *hi)
				*hi = v[i];
		}
}

static void pin_title(FILE *f, const struct report *r, bool pinned)
{
	if (!pinned)
		fprintf(f, "The scheduler places both sides where it likes.\n\n");
	else if (r->cpu[0] != r->cpu[1]) {
		fprintf(f, "Side A pinned to CPU %d, side B to CPU %d.", r->cpu[0], r->cpu[1]);
		if (r->line_ns > 0) {
			double lo, hi;

			range(r->line_run_ns, r->runs, &lo, &hi);
			fprintf(f, " A cache line passed from one to the other and back in "
				"%.0f ns", r->line_ns);
			if (r->runs > 1)
				fprintf(f, " (median of %u rounds, from %.0f to %.0f ns)", r->runs,
					lo, hi);
			fprintf(f, ": no shared-memory hand-off can be faster.");
		}
		fprintf(f, "\n\n");
	} else
		fprintf(f, "Both sides pinned to CPU %d, the only one there is.\n\n", r->cpu[0]);
}

/* The pipe's throughput at size index s, or 0. */
static double pipe_bps(const struct report *r, size_t pin, size_t s)
{
	const struct mech_row *p = pipe_row(r, pin);

	return p && p->throughput_cell[s] == CELL_OK ? p->throughput[s].bytes_per_second : 0;
}

static void latency_table(FILE *f, const struct report *r, size_t pin)
{
	const struct mech_row *p = pipe_row(r, pin);
	double pipe_median = p && p->latency_cell == CELL_OK ? p->latency.median_us : 0;

	fprintf(f, "Round-trip latency of a %d-byte token, microseconds:\n\n",
		LATENCY_TOKEN_BYTES);
	fprintf(f, "| mechanism | median | p99 | round trips | median vs pipe |\n");
	fprintf(f, "| --- | ---: | ---: | ---: | ---: |\n");
	for (size_t i = 0; i < r->nmechs; i++) {
		const struct mech_row *row = &r->rows[pin][i];

		if (row->latency_cell == CELL_NONE)
			continue;
		if (row->latency_cell == CELL_FAILED) {
			fprintf(f, "| %s | failed | | | |\n", row->m->name);
			continue;
		}
		fprintf(f, "| %s | %.2f | %.2f | %u |", row->m->name, row->latency.median_us,
			row->latency.p99_us, row->latency.samples);
		if (pipe_median > 0)
			fprintf(f, " %.2f× |\n", row->latency.median_us / pipe_median);
		else
			fprintf(f, " |\n");
	}
	fprintf(f, "\n");
}

static void throughput_cell(FILE *f, const struct report *r, size_t pin, size_t s,
			    const struct mech_row *row)
{
	double bps, pipe = pipe_bps(r, pin, s);

	if (row->throughput_cell[s] == CELL_NONE) {
		fprintf(f, " — |");
		return;
	}
	if (row->throughput_cell[s] == CELL_FAILED) {
		fprintf(f, " failed |");
		return;
	}
	bps = row->throughput[s].bytes_per_second;
	fprintf(f, " %.0f", bps / 1e6);
	if (pipe > 0)
		fprintf(f, " · %.2f×", bps / pipe);
	if (r->memcpy_bps[s] > 0)
		fprintf(f, " · %.0f%%", 100 * bps / r->memcpy_bps[s]);
	fprintf(f, " |");
}

static void throughput_table(FILE *f, const struct report *r, size_t pin)
{
	fprintf(f, "One-way throughput, MB/s (10^6 bytes per second) · times the pipe · "
		"percent of memcpy:\n\n| mechanism |");
	size_columns(f, r, "| --- |");
	for (size_t i = 0; i < r->nmechs; i++) {
		const struct mech_row *row = &r->rows[pin][i];

		fprintf(f, "| %s |", row->m->name);
		for (size_t s = 0; s < r->nsizes; s++)
			throughput_cell(f, r, pin, s, row);
		fprintf(f, "\n");
	}
	fprintf(f, "| memcpy (ceiling) |");
	for (size_t s = 0; s < r->nsizes; s++) {
		double pipe = pipe_bps(r, pin, s);

		if (r->memcpy_bps[s] <= 0) {
			fprintf(f, " — |");
			continue;
		}
		fprintf(f, " %.0f", r->memcpy_bps[s] / 1e6);
		if (pipe > 0)
			fprintf(f, " · %.2f×", r->memcpy_bps[s] / pipe);
		fprintf(f, " |");
	}
	fprintf(f, "\n\n");
}

/*
 * One line of the speed goals: the ratio of the medians, "met" or "NOT
 * met", and in how many rounds the ratio of that round's own runs met it.
 */
static void goal(FILE *f, const char *what, double value, double target, const char *unit,
		 unsigned rounds_met, unsigned rounds)
{
	fprintf(f, "- %s: %.2f%s (goal: at least %.2f%s): %s", what, value, unit,
		target, unit, value >= target ? "met" : "NOT met");
	if (rounds > 1)
		fprintf(f, "; met in %u of %u rounds", rounds_met, rounds);
	fprintf(f, "\n");
}

/* In how many rounds row's runs at size index s reached target times ref's. */
static unsigned rounds_reaching(const struct report *r, const struct mech_row *row,
				size_t s, const double *ref, double target)
{
	unsigned met = 0;

	for (size_t run = 0; run < r->runs; run++)
		if (row->throughput_run[s][run].bytes_per_second >= target * ref[run])
			met++;
	return met;
}

static void speed_goals(FILE *f, const struct report *r, size_t pin, const char *name)
{
	const struct mech_row *row = row_named(r, pin, name), *p = pipe_row(r, pin);
	char label[96], size[32];
	double pipe_run[REPORT_MAX_RUNS], memcpy_run[REPORT_MAX_RUNS];

	if (row == NULL || p == NULL)
		return;
	fprintf(f, "Speed goals of %s (a benchmark, not a test):\n\n", name);
	for (size_t s = 0; s < r->nsizes; s++) {
		double pipe = pipe_bps(r, pin, s), bps, target;

		if (row->throughput_cell[s] != CELL_OK || pipe <= 0)
			continue;
		bps = row->throughput[s].bytes_per_second;
		for (size_t run = 0; run < r->runs; run++) {
			pipe_run[run] = p->throughput_run[s][run].bytes_per_second;
			memcpy_run[run] = r->memcpy_run_bps[run][s];
		}
		size_name(r->sizes[s], size, sizeof size);
		if (r->sizes[s] >= 64 * 1024 || r->sizes[s] == 4096) {
			target = r->sizes[s] == 4096 ? 1 : 8;
			snprintf(label, sizeof label, "%s, times the pipe", size);
			goal(f, label, bps / pipe, target, "×",
			     rounds_reaching(r, row, s, pipe_run, target), r->runs);
		}
		if (r->sizes[s] == (1u << 20) && r->memcpy_bps[s] > 0) {
			snprintf(label, sizeof label, "%s, share of memcpy", size);
			goal(f, label, 100 * bps / r->memcpy_bps[s], 50, "%",
			     rounds_reaching(r, row, s, memcpy_run, 0.5), r->runs);
		}
	}
	fprintf(f, "\n");
}

/*
 * Pinned, with several rounds: each round's cache-line round trip next
 * to what name moved in that round, in MB/s and as a multiple of the
 * pipe's run of the same round.  It shows how much one figure moves
 * from round to round, and whether the cache line explains it.
 */
static void rounds_table(FILE *f, const struct report *r, size_t pin, const char *name)
{
	const struct mech_row *row = row_named(r, pin, name), *p = pipe_row(r, pin);

	if (row == NULL || p == NULL || !r->pinned[pin] || r->runs < 2 || r->line_ns <= 0)
		return;
	fprintf(f, "Round by round: the cache line's round trip, and %s in MB/s · times "
		"the pipe in the same round:\n\n| round | cache line, ns |", name);
	size_columns(f, r, "| ---: | ---: |");
	for (size_t run = 0; run < r->runs; run++) {
		fprintf(f, "| %zu | %.0f |", run + 1, r->line_run_ns[run]);
		for (size_t s = 0; s < r->nsizes; s++) {
			double bps = row->throughput_run[s][run].bytes_per_second;

			if (row->throughput_cell[s] != CELL_OK || p->throughput_cell[s] != CELL_OK) {
				fprintf(f, " — |");
				continue;
			}
			fprintf(f, " %.0f · %.2f× |", bps / 1e6,
				bps / p->throughput_run[s][run].bytes_per_second);
		}
		fprintf(f, "\n");
	}
	fprintf(f, "\n");
}

void report_markdown(FILE *f, const struct report *r)
{
	fprintf(f, "# IPC benchmark\n\nMeasured on %s.\n\n", r->machine);
	if (r->runs > 1)
		fprintf(f, "Every figure is the median of %u runs of up to %.2f s each, "
			"one per round; each round measures every mechanism in turn.\n\n",
			r->runs, r->seconds);
	for (size_t pin = 0; pin < r->npins; pin++) {
		fprintf(f, "## %s\n\n", r->pinned[pin] ? "Pinned" : "Not pinned");
		pin_title(f, r, r->pinned[pin]);
		latency_table(f, r, pin);
		throughput_table(f, r, pin);
		speed_goals(f, r, pin, "shm-sem");
		rounds_table(f, r, pin, "shm-sem");
	}
	fprintf(f, "Legend:\n\n");
	for (size_t i = 0; i < r->nmechs; i++)
		fprintf(f, "- %s: %s\n", r->rows[0][i].m->name, r->rows[0][i].m->what);
	fprintf(f, "- memcpy: one process copying a buffer of the message's size, "
		"the most any mechanism can move\n");
}

static void csv_number(FILE *f, double v)
{
	if (v > 0)
		fprintf(f, ",%.6g", v);
	else
		fprintf(f, ",");
}

void report_csv(FILE *f, const struct report *r)
{
	fprintf(f, "pinned,mechanism,kind,message_bytes,count,bytes,seconds,"
		"median_us,p99_us,min_us,max_us,mb_per_s,vs_pipe,vs_memcpy,status\n");
	for (size_t pin = 0; pin < r->npins; pin++) {
		const char *pinned = r->pinned[pin] ? "yes" : "no";
		const struct mech_row *p = pipe_row(r, pin);
		double pipe_median = p && p->latency_cell == CELL_OK ? p->latency.median_us : 0;

		for (size_t i = 0; i < r->nmechs; i++) {
			const struct mech_row *row = &r->rows[pin][i];

			if (row->latency_cell != CELL_NONE) {
				const struct latency_result *l = &row->latency;
				bool ok = row->latency_cell == CELL_OK;

				fprintf(f, "%s,%s,latency,%d", pinned, row->m->name,
					LATENCY_TOKEN_BYTES);
				if (ok) {
					fprintf(f, ",%u,%llu,", l->samples,
						(unsigned long long)l->samples * 2 * LATENCY_TOKEN_BYTES);
					csv_number(f, l->median_us);
					csv_number(f, l->p99_us);
					csv_number(f, l->min_us);
					csv_number(f, l->max_us);
					fprintf(f, ",");
					csv_number(f, pipe_median > 0 ? l->median_us / pipe_median : 0);
					fprintf(f, ",,ok\n");
				} else {
					fprintf(f, ",,,,,,,,,,,failed\n");
				}
			}
			for (size_t s = 0; s < r->nsizes; s++) {
				const struct throughput_result *t = &row->throughput[s];
				double pipe = pipe_bps(r, pin, s);

				if (row->throughput_cell[s] == CELL_NONE)
					continue;
				fprintf(f, "%s,%s,throughput,%zu", pinned, row->m->name, r->sizes[s]);
				if (row->throughput_cell[s] == CELL_FAILED) {
					fprintf(f, ",,,,,,,,,,,failed\n");
					continue;
				}
				fprintf(f, ",%llu,%llu", (unsigned long long)t->messages,
					(unsigned long long)t->bytes);
				csv_number(f, t->seconds);
				fprintf(f, ",,,,");
				csv_number(f, t->bytes_per_second / 1e6);
				csv_number(f, pipe > 0 ? t->bytes_per_second / pipe : 0);
				csv_number(f, r->memcpy_bps[s] > 0
					      ? t->bytes_per_second / r->memcpy_bps[s] : 0);
				fprintf(f, ",ok\n");
			}
		}
	}
	for (size_t s = 0; s < r->nsizes; s++)
		if (r->memcpy_bps[s] > 0)
			fprintf(f, "no,memcpy,throughput,%zu,,,,,,,,%.6g,,1,ok\n",
				r->sizes[s], r->memcpy_bps[s] / 1e6);
}
