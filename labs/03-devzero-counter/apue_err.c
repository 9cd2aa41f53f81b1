/* apue_err.c - err_sys and err_quit of apue.h, in this workbook's style. */
#define _GNU_SOURCE	/* program_invocation_short_name */
#include "apue.h"

#include <errno.h>
#include <stdarg.h>

static _Noreturn void report(int errnum, const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: ", program_invocation_short_name);
	vfprintf(stderr, fmt, ap);
	if (errnum)
		fprintf(stderr, ": %s", strerror(errnum));
	fputc('\n', stderr);
	exit(1);
}

void err_sys(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	report(saved, fmt, ap);
}

void err_quit(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(0, fmt, ap);
}
