/*
 * fifo_writer.c - the sending side of a named pipe.
 *
 *   fifo_writer FIFO
 *
 * Opens the existing FIFO (waiting for a reader) and sends it the lines of
 * standard input, one write per line, so that lines of several writers at
 * the same time never mix.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "errors.h"
#include "fifo.h"

int main(int argc, char *argv[])
{
	if (argc != 2)
		usage("FIFO");
	/* BEGIN SOLUTION */
	const char *path = argv[1];
	int fd;

	fd = fifo_open(path, 1); /* waits for a reader */
	if (fd < 0 && errno == ENOENT)
		fail("%s: no such FIFO (start fifo_reader first)", path);
	if (fd < 0 && errno == EINVAL)
		fail("%s: not a FIFO", path);
	if (fd < 0)
		die("%s", path);
	/* A reader that goes away should give a message, not a silent SIGPIPE. */
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		die("signal");
	if (fifo_send_lines(stdin, fd) < 0)
		die("%s", path);
	if (close(fd) < 0)
		die("%s", path);
	return 0;
	/* ELSE STUB
	(void)argv;
	fail("TODO(lab 07 §5): open the FIFO for writing, send stdin's lines, one write each");
	END SOLUTION */
}
