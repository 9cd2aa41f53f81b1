/*
 * ringget - writes every message of a named ring to its standard output,
 * as it is, until the stream ends.
 *
 *   ringget /NAME
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>

#include "errors.h"
#include "ring.h"

/*
 * Writes each message of r to out until the end of the stream.  Returns 0,
 * or the errno of what failed, with *what naming it.
 */
static int copy_messages(struct ring *r, FILE *out, const char **what)
{
	(void)r;
	(void)out;
	(void)what;
	fail("TODO(lab 08 §8): write each message to stdout until ring_get returns 0");
}

int main(int argc, char **argv)
{
	const char *what = NULL;
	struct ring *r;
	int err;

	if (argc != 2 || !ring_name_valid(argv[1]))
		usage("/NAME");
	r = ring_open(argv[1]);
	if (r == NULL && errno == EINVAL)
		fail("%s: not a ring", argv[1]);
	if (r == NULL)
		die("%s", argv[1]);
	err = copy_messages(r, stdout, &what);
	if (ring_close(r) < 0)
		die("munmap");
	if (err != 0) {
		errno = err;
		die("%s", what);
	}
	return 0;
}
