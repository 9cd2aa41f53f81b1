/*
 * ringput - puts each line of its standard input into a named ring, as
 * one message (the line with its newline), then ends the stream.
 *
 *   ringput [-k] /NAME
 *
 * -k keeps the stream open, for one of several producers: end it with
 * `ringctl end /NAME` once they are all done.  A line longer than a slot
 * stops ringput with an error, but the stream is ended all the same, so
 * that the consumers finish with what was sent.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

#include "errors.h"
#include "ring.h"

#define USAGE "[-k] /NAME"

/* Where and why put_lines stopped before the end of its input. */
struct stop {
	size_t line;            /* the line being sent, from 1; 0: reading failed */
	size_t len;             /* its length, newline included */
	int err;                /* errno of the failed call; 0: the line was too long */
};

/*
 * Puts each line of in into r as one message.  True at the end of the
 * input; false, with *stop filled in, when it had to stop.
 */
static bool put_lines(struct ring *r, FILE *in, struct stop *stop)
{
	/* BEGIN SOLUTION */
	char *line = NULL;
	size_t capacity = 0;
	ssize_t len;
	bool ok = true;

	stop->line = 0;
	while (ok && (len = getline(&line, &capacity, in)) != -1) {
		stop->line++;
		stop->len = (size_t)len;
		stop->err = 0;
		if ((size_t)len > ring_slot_size(r)) {
			ok = false;
		} else if (ring_put(r, line, (size_t)len) < 0) {
			stop->err = errno;
			ok = false;
		}
	}
	if (ok && ferror(in)) {
		stop->line = 0;
		stop->err = errno;
		ok = false;
	}
	free(line);
	return ok;
	/* ELSE STUB
	(void)r;
	(void)in;
	(void)stop;
	fail("TODO(lab 08 §8): put each line of stdin, newline included, as one message");
	END SOLUTION */
}

/* Tells why put_lines stopped, and ends the program. */
static _Noreturn void report(const struct stop *stop, const char *name, size_t slot_size)
{
	if (stop->line == 0) {
		errno = stop->err;
		die("stdin");
	}
	if (stop->err == 0)
		fail("line %zu is %zu bytes, longer than the ring's %zu-byte slots",
		     stop->line, stop->len, slot_size);
	if (stop->err == EPIPE)
		fail("%s: the stream has already ended", name);
	errno = stop->err;
	die("%s", name);
}

int main(int argc, char **argv)
{
	bool keep_open = false, sent;
	struct stop stop = { 0, 0, 0 };
	const char *name;
	size_t slot_size;
	struct ring *r;
	int opt, end_error = 0;

	while ((opt = getopt(argc, argv, "k")) != -1) {
		if (opt != 'k')
			usage(USAGE);
		keep_open = true;
	}
	if (optind != argc - 1 || !ring_name_valid(argv[optind]))
		usage(USAGE);
	name = argv[optind];
	r = ring_open(name);
	if (r == NULL && errno == EINVAL)
		fail("%s: not a ring", name);
	if (r == NULL)
		die("%s", name);
	slot_size = ring_slot_size(r);

	sent = put_lines(r, stdin, &stop);
	/* Even after an error: the consumers must learn that nothing more comes. */
	if (!keep_open && stop.err != EPIPE && ring_end(r) < 0)
		end_error = errno;
	if (ring_close(r) < 0)
		die("munmap");
	if (!sent)
		report(&stop, name, slot_size);
	if (end_error != 0) {
		errno = end_error;
		die("%s", name);
	}
	return 0;
}
