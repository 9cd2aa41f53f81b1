/* errors.c - see errors.h. */
#define _GNU_SOURCE /* program_invocation_short_name */
#include "errors.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The longest line written; a longer message is cut. */
#define LINE_MAX_BYTES 4096

struct line {
	char text[LINE_MAX_BYTES];
	size_t len; /* < sizeof text - 1: there is always room for '\n' */
};

static void vappend(struct line *l, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void vappend(struct line *l, const char *fmt, va_list ap)
{
	size_t room = sizeof l->text - 1 - l->len; /* the last byte: '\n' */
	int n = vsnprintf(l->text + l->len, room, fmt, ap);

	if (n > 0)
		l->len += (size_t)n < room ? (size_t)n : room - 1;
}

static void append(struct line *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void append(struct line *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vappend(l, fmt, ap);
	va_end(ap);
}

/*
 * Writes the line and a newline on stderr with one write() (more only if
 * stderr takes part of it), without stdio: nothing of stdio's buffers is
 * touched, which is what a forked child needs.
 */
static void put_line(struct line *l)
{
	const char *p = l->text;
	size_t left;

	l->text[l->len++] = '\n';
	left = l->len;
	while (left > 0) {
		ssize_t n = write(STDERR_FILENO, p, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* nowhere to report it */
		p += n;
		left -= (size_t)n;
	}
}

/* "prog: fmt...", then ": strerror(errnum)" unless errnum is 0. */
static void report(int errnum, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void report(int errnum, const char *fmt, va_list ap)
{
	struct line l = { .len = 0 };

	append(&l, "%s: ", program_invocation_short_name);
	vappend(&l, fmt, ap);
	if (errnum != 0)
		append(&l, ": %s", strerror(errnum));
	put_line(&l);
}

void die(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	fflush(stdout); /* what was printed comes out before the error */
	va_start(ap, fmt);
	report(saved, fmt, ap);
	va_end(ap);
	exit(1);
}

void die_child(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	report(saved, fmt, ap);
	va_end(ap);
	_exit(1);
}

void fail(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	va_start(ap, fmt);
	report(0, fmt, ap);
	va_end(ap);
	exit(1);
}

void fail_child(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(0, fmt, ap);
	va_end(ap);
	_exit(1);
}

void usage(const char *args)
{
	struct line l = { .len = 0 };

	fflush(stdout);
	append(&l, "usage: %s %s", program_invocation_short_name, args);
	put_line(&l);
	exit(2);
}
