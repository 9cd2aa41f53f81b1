/* results.c - see results.h. */
#include "results.h"

#include <string.h>

static const char *const status_names[] = {
	[RESULT_PASS] = "pass",
	[RESULT_FAIL] = "fail",
	[RESULT_TIMEOUT] = "timeout",
	[RESULT_CRASH] = "crash",
	[RESULT_ERROR] = "error",
};

const char *result_status_name(enum result_status s)
{
	return status_names[s];
}

int result_status_parse(const char *word, enum result_status *s)
{
	for (size_t i = 0; i < sizeof status_names / sizeof status_names[0]; i++) {
		if (strcmp(word, status_names[i]) == 0) {
			*s = (enum result_status)i;
			return 0;
		}
	}
	return -1;
}

void results_write_header(FILE *f, const char *lab, uint64_t seed)
{
	fprintf(f, "lab\t%s\tseed\t%llu\n", lab, (unsigned long long)seed);
}

void results_write_start(FILE *f, const char *test)
{
	fprintf(f, "start\t%s\n", test);
}

/* One line, no tabs: the hint is a field of a tab-separated line. */
static void put_clean(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
}

/* One field, many lines: backslash, newline and tab written as \\, \n and \t. */
static void put_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else if (*s == '\t')
			fputs("\\t", f);
		else if (*s != '\r')
			fputc(*s, f);
	}
}

void results_unescape(char *s)
{
	char *out = s;

	for (const char *in = s; *in; in++) {
		if (*in == '\\' && (in[1] == 'n' || in[1] == 't' || in[1] == '\\')) {
			*out++ = in[1] == 'n' ? '\n' : in[1] == 't' ? '\t' : '\\';
			in++;
		} else {
			*out++ = *in;
		}
	}
	*out = '\0';
}

void results_write_item(FILE *f, const struct result *r)
{
	fprintf(f, "item\t%s\t%s\t%d\t%d\t%.3f\t", r->name,
		result_status_name(r->status), r->score, r->max, r->seconds);
	put_clean(f, r->hint);
	fputc('\t', f);
	put_clean(f, r->integrity);
	fputc('\t', f);
	put_escaped(f, r->transcript);
	fputc('\t', f);
	put_escaped(f, r->snapshot);
	fputc('\t', f);
	put_escaped(f, r->figures);
	fputc('\n', f);
}

void results_print_item(FILE *f, const struct result *r)
{
	fprintf(f, "%-7s %-40s %3d/%-3d %6.2fs", result_status_name(r->status),
		r->name, r->score, r->max, r->seconds);
	if (r->hint[0]) {
		fputs("  ", f);
		put_clean(f, r->hint);
	}
	if (r->integrity[0]) {
		fputs("  integrity: ", f);
		put_clean(f, r->integrity);
	}
	fputc('\n', f);
}
