/*
 * ipcbench - the IPC table of "Speaking UNIX", measured.
 *
 * For every mechanism: round-trip latency of a 4-byte token (median and
 * p99 after a warm-up) and one-way throughput at several message sizes,
 * with CPU pinning off and on; memcpy bandwidth as the ceiling.  Prints
 * a Markdown table; writes a CSV file and an SVG chart on request.
 * --verify instead moves a few messages of random bytes through every
 * mechanism and compares checksums.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "errors.h"
#include "payload.h"
#include "pin.h"
#include "report.h"

#define USAGE "[--all] [--quick | --verify] [--mech NAME,...] [--sizes 64,4K,64K,1M]\n" \
	"       [--pin off|on|both] [--runs N] [--seconds S] [--timeout S] [--dir DIR]\n" \
	"       [--seed N] [--csv FILE] [--svg FILE]"

struct options {
	bool verify;
	bool mech_chosen[REPORT_MAX_MECHS];
	bool any_mech_chosen;
	const char *base_dir;
	const char *csv_path;
	const char *svg_path;
	struct bench_config cfg;
	struct report report;
};

/* A bad value on the command line: one line, then exit 2 like usage(). */
static _Noreturn __attribute__((format(printf, 1, 2))) void bad_value(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "ipcbench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* "64", "4K", "1M" -> bytes; 0 when it is not a size. */
static size_t parse_size(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || s[0] == '-')
		return 0;
	if (*end == 'K' || *end == 'k') {
		v <<= 10;
		end++;
	} else if (*end == 'M' || *end == 'm') {
		v <<= 20;
		end++;
	}
	if (*end != '\0' || v < PAYLOAD_MIN || v > (64u << 20))
		return 0;
	return (size_t)v;
}

static double parse_seconds(const char *s, const char *option)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end != '\0' || !(v >= 0 && v <= 3600))
		bad_value("%s wants a number of seconds from 0 to 3600, not '%s'", option, s);
	return v;
}

static void parse_sizes(struct report *r, const char *list)
{
	char copy[256], *save = NULL;

	if (strlen(list) >= sizeof copy)
		usage(USAGE);
	strcpy(copy, list);
	r->nsizes = 0;
	for (char *t = strtok_r(copy, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
		if (r->nsizes == REPORT_MAX_SIZES)
			bad_value("--sizes: at most %d sizes", REPORT_MAX_SIZES);
		r->sizes[r->nsizes] = parse_size(t);
		if (r->sizes[r->nsizes] == 0)
			bad_value("--sizes: '%s' is not a size from %d bytes to 64M (suffix K or M)",
			     t, PAYLOAD_MIN);
		r->nsizes++;
	}
	if (r->nsizes == 0)
		usage(USAGE);
}

static void parse_mechs(struct options *o, const char *list)
{
	char copy[256], *save = NULL;

	if (strlen(list) >= sizeof copy)
		usage(USAGE);
	strcpy(copy, list);
	for (char *t = strtok_r(copy, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
		const struct mechanism *m = mechanism_find(t);

		if (m == NULL) {
			fprintf(stderr, "ipcbench: no mechanism '%s'; there are:", t);
			for (size_t i = 0; i < mechanism_count; i++)
				fprintf(stderr, " %s", mechanisms[i].name);
			fprintf(stderr, "\n");
			exit(2);
		}
		o->mech_chosen[m - mechanisms] = true;
		o->any_mech_chosen = true;
	}
}

static void parse_pin(struct report *r, const char *s)
{
	if (strcmp(s, "off") == 0) {
		r->npins = 1;
		r->pinned[0] = false;
	} else if (strcmp(s, "on") == 0) {
		r->npins = 1;
		r->pinned[0] = true;
	} else if (strcmp(s, "both") == 0) {
		r->npins = 2;
		r->pinned[0] = false;
		r->pinned[1] = true;
	} else {
		bad_value("--pin wants off, on or both, not '%s'", s);
	}
}

static void parse_args(int argc, char **argv, struct options *o)
{
	struct bench_config *c = &o->cfg;

	/* Defaults: a full measurement, pinning off. */
	o->report.runs = 5;
	c->seconds = 0.1;
	c->timeout = 10;
	c->warmup = 200;
	c->max_samples = 20000;
	c->seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	o->base_dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	parse_sizes(&o->report, "64,4K,64K,1M");
	parse_pin(&o->report, "off");

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		/* Options with a value take the next argument. */
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		bool takes_value = true;

		if (strcmp(a, "--all") == 0) {
			parse_pin(&o->report, "both");
			takes_value = false;
		} else if (strcmp(a, "--quick") == 0) {
			o->report.runs = 1;
			c->seconds = 0.02;
			c->warmup = 10;
			c->max_samples = 200;
			takes_value = false;
		} else if (strcmp(a, "--verify") == 0) {
			o->verify = true;
			takes_value = false;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			printf("usage: ipcbench %s\n", USAGE);
			exit(0);
		} else if (v == NULL) {
			usage(USAGE);
		} else if (strcmp(a, "--mech") == 0) {
			parse_mechs(o, v);
		} else if (strcmp(a, "--sizes") == 0) {
			parse_sizes(&o->report, v);
		} else if (strcmp(a, "--pin") == 0) {
			parse_pin(&o->report, v);
		} else if (strcmp(a, "--runs") == 0) {
			char *end;
			long n = strtol(v, &end, 10);

			if (end == v || *end != '\0' || n < 1 || n > REPORT_MAX_RUNS)
				bad_value("--runs wants a number from 1 to %d, not '%s'",
					  REPORT_MAX_RUNS, v);
			o->report.runs = (unsigned)n;
		} else if (strcmp(a, "--seconds") == 0) {
			c->seconds = parse_seconds(v, a);
		} else if (strcmp(a, "--timeout") == 0) {
			c->timeout = parse_seconds(v, a);
		} else if (strcmp(a, "--dir") == 0) {
			o->base_dir = v;
		} else if (strcmp(a, "--seed") == 0) {
			char *end;

			errno = 0;
			c->seed = strtoull(v, &end, 0);
			if (errno != 0 || end == v || *end != '\0')
				bad_value("--seed wants a number, not '%s'", v);
		} else if (strcmp(a, "--csv") == 0) {
			o->csv_path = v;
		} else if (strcmp(a, "--svg") == 0) {
			o->svg_path = v;
		} else {
			usage(USAGE);
		}
		if (takes_value)
			i++;
	}
	if (o->verify) {
		/* A few messages of fresh random bytes, every byte checksummed. */
		c->verify = true;
		o->report.runs = 1;
		c->max_messages = 8;
		c->seconds = 5;         /* max_messages ends the run first */
		c->warmup = 5;
		c->max_samples = 50;
	}
	o->report.seconds = c->seconds;
}

/* "2 CPUs (AMD EPYC), Linux 6.1.0, 2026-01-31, load average 0.12 at the start" */
static void describe_machine(char *buf, size_t size)
{
	char model[128] = "unknown CPU", line[256], day[32] = "";
	FILE *cpuinfo = fopen("/proc/cpuinfo", "r");
	struct utsname u;
	time_t now = time(NULL);
	struct tm tm;

	if (cpuinfo != NULL) {
		while (fgets(line, sizeof line, cpuinfo) != NULL) {
			char *colon = strchr(line, ':');

			if (strncmp(line, "model name", 10) == 0 && colon != NULL) {
				snprintf(model, sizeof model, "%s", colon + 2);
				model[strcspn(model, "\n")] = '\0';
				break;
			}
		}
		fclose(cpuinfo);
	}
	FILE *loadavg = fopen("/proc/loadavg", "r");
	double load = -1;

	if (loadavg != NULL) {
		if (fscanf(loadavg, "%lf", &load) != 1)
			load = -1;
		fclose(loadavg);
	}
	if (uname(&u) != 0)
		strcpy(u.release, "(unknown)");
	if (gmtime_r(&now, &tm) != NULL)
		strftime(day, sizeof day, "%Y-%m-%d", &tm);
	snprintf(buf, size, "%ld CPUs (%.80s), Linux %.60s, %s, load average %.2f at the start",
		 sysconf(_SC_NPROCESSORS_ONLN), model, u.release, day, load);
}

/* Removes what a kernel left in the run's directory; true if it was clean. */
static bool remove_run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool clean = true;
	char path[800];  /* a run directory (< 512) and a name (< 256) */

	if (d == NULL)
		die("%s", dir);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		fprintf(stderr, "ipcbench: left behind by a kernel: %s\n", e->d_name);
		clean = false;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (unlink(path) != 0)
			perror(path);
	}
	closedir(d);
	if (rmdir(dir) != 0)
		die("%s", dir);
	return clean;
}

static void progress(const struct report *r, unsigned run, const char *mech,
		     const char *what, bool pinned)
{
	if (!isatty(STDERR_FILENO))
		return;
	fprintf(stderr, "\r\033[Kipcbench: ");
	if (r->runs > 1)
		fprintf(stderr, "round %u of %u, ", run + 1, r->runs);
	fprintf(stderr, "%s, %s%s ", mech, what, pinned ? ", pinned" : "");
}

/* Reports a failed run on stderr and, with --verify, on stdout. */
static void report_failure(const struct options *o, const char *mech, const char *what,
			   const char *err)
{
	fprintf(stderr, "%sipcbench: %s: %s: %s\n", isatty(STDERR_FILENO) ? "\r\033[K" : "",
		mech, what, err);
	if (o->verify)
		printf("verify %s %s: FAILED: %s\n", mech, what, err);
}

/*
 * One run of every figure of one row.  A figure that failed once is not
 * measured again: its kernel is broken, and a hang would cost its
 * timeout in every round.  Returns the failures.
 */
static int measure_row(struct options *o, struct mech_row *row, unsigned run)
{
	struct report *r = &o->report;
	const struct mechanism *m = row->m;
	char err[256], size[32];
	int failures = 0;

	if (row->latency_cell != CELL_FAILED) {
		struct latency_result *l = &row->latency_run[run];

		progress(r, run, m->name, "latency", o->cfg.pin);
		if (bench_latency(m, &o->cfg, l, err, sizeof err) == 0) {
			row->latency_cell = CELL_OK;
			if (o->verify)
				printf("verify %s latency: %u round trips, every echo right\n",
				       m->name, l->samples);
		} else {
			row->latency_cell = CELL_FAILED;
			report_failure(o, m->name, "latency", err);
			if (o->verify)
				return 1;       /* the first failure says enough */
			failures++;
		}
	}
	for (size_t s = 0; s < r->nsizes; s++) {
		struct throughput_result *t = &row->throughput_run[s][run];

		if (r->sizes[s] > m->max_message || row->throughput_cell[s] == CELL_FAILED)
			continue;       /* a signal carries no message that big */
		size_name(r->sizes[s], size, sizeof size);
		progress(r, run, m->name, size, o->cfg.pin);
		if (bench_throughput(m, r->sizes[s], &o->cfg, t, err, sizeof err) == 0) {
			row->throughput_cell[s] = CELL_OK;
			if (o->verify)
				printf("verify %s %s: %llu messages, %llu bytes, "
				       "checksum %016llx, matches\n", m->name, size,
				       (unsigned long long)t->messages,
				       (unsigned long long)t->bytes,
				       (unsigned long long)t->checksum_received);
		} else {
			row->throughput_cell[s] = CELL_FAILED;
			report_failure(o, m->name, size, err);
			if (o->verify)
				return 1;
			failures++;
		}
	}
	return failures;
}

/* A cache line's round trip between the two pinned CPUs, into round run. */
static int measure_cache_line(struct options *o, unsigned run)
{
	struct report *r = &o->report;
	char err[256];

	if (o->verify || r->cpu[0] == r->cpu[1] || r->line_failed)
		return 0;
	progress(r, run, "cache line", "round trip", true);
	if (bench_cache_line(&o->cfg, &r->line_run_ns[run], err, sizeof err) == 0)
		return 0;
	r->line_failed = true;
	report_failure(o, "cache line", "round trip", err);
	return 1;
}

/*
 * Runs every chosen measurement into o->report, round after round; in
 * each round, pinned and not, every mechanism in turn.  Returns the
 * failures.
 */
static int measure(struct options *o)
{
	struct report *r = &o->report;
	int failures = 0;

	for (unsigned run = 0; run < r->runs; run++) {
		/* memcpy in every round too: the ceiling moves with the machine's load. */
		if (!o->verify)
			for (size_t s = 0; s < r->nsizes; s++)
				r->memcpy_run_bps[run][s] = bench_memcpy(r->sizes[s],
									  o->cfg.seconds / 2);
		for (size_t pin = 0; pin < r->npins; pin++) {
			o->cfg.pin = r->pinned[pin];
			if (o->cfg.pin)
				failures += measure_cache_line(o, run);
			for (size_t i = 0; i < r->nmechs; i++) {
				failures += measure_row(o, &r->rows[pin][i], run);
				if (o->verify && failures > 0)
					return failures;
			}
		}
	}
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\r\033[K");
	report_choose_medians(r);
	return failures;
}

static void write_file(const char *path, void (*writer)(FILE *, const struct report *),
		       const struct report *r)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		die("%s", path);
	writer(f, r);
	if (fclose(f) != 0)
		die("%s", path);
}

int main(int argc, char **argv)
{
	static struct options o;            /* big: not on the stack */
	struct report *r = &o.report;
	char dir[512];
	int failures;
	bool clean;

	parse_args(argc, argv, &o);
	for (size_t i = 0; i < mechanism_count && r->nmechs < REPORT_MAX_MECHS; i++)
		if (!o.any_mech_chosen || o.mech_chosen[i]) {
			for (size_t pin = 0; pin < 2; pin++)
				r->rows[pin][r->nmechs].m = &mechanisms[i];
			r->nmechs++;
		}
	if (choose_cpus(o.cfg.cpu) != 0)
		die("sched_getaffinity");
	if (r->pinned[r->npins - 1] && o.cfg.cpu[0] == o.cfg.cpu[1])
		fprintf(stderr, "ipcbench: one CPU only: pinned runs share it\n");
	r->cpu[0] = o.cfg.cpu[0];
	r->cpu[1] = o.cfg.cpu[1];
	describe_machine(r->machine, sizeof r->machine);

	if (snprintf(dir, sizeof dir, "%s/ipcbench-XXXXXX", o.base_dir) >= (int)sizeof dir)
		fail("--dir: '%s' is too long", o.base_dir);
	if (mkdtemp(dir) == NULL)
		die("%s", o.base_dir);
	o.cfg.dir = dir;

	failures = measure(&o);
	clean = remove_run_dir(dir);

	if (o.verify) {
		printf("verify: %s (seed %llu)\n", failures == 0 && clean ? "all ok" : "FAILED",
		       (unsigned long long)o.cfg.seed);
	} else {
		report_markdown(stdout, r);
	}
	if (o.csv_path != NULL)
		write_file(o.csv_path, report_csv, r);
	if (o.svg_path != NULL)
		write_file(o.svg_path, report_svg, r);
	if (fflush(stdout) != 0)
		die("stdout");
	return failures == 0 && clean ? 0 : 1;
}
