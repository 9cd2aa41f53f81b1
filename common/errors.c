/* errors.c - see errors.h. */
#define _GNU_SOURCE /* program_invocation_short_name */
#include "errors.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void die(const char *what)
{
	int saved = errno;

	fflush(stdout);
	fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, what,
		strerror(saved));
	exit(1);
}

void fail(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", program_invocation_short_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void usage(const char *args)
{
	fflush(stdout);
	fprintf(stderr, "usage: %s %s\n", program_invocation_short_name, args);
	exit(2);
}
