/*
 * fifo_reader.c - the receiving side of a named pipe.
 *
 *   fifo_reader FIFO
 *
 * Creates FIFO (mode 0600) unless a FIFO is already there, waits for a
 * writer, copies everything written to standard output until the last
 * writer closes its end, then removes the FIFO if it created it.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "errors.h"
#include "fifo.h"
#include "io_all.h"

int main(int argc, char *argv[])
{
	if (argc != 2)
		usage("FIFO");
	/* BEGIN SOLUTION */
	const char *path = argv[1];
	int created = fifo_make(path);
	int fd;

	if (created < 0 && errno == EEXIST)
		fail("%s: exists and is not a FIFO", path);
	if (created < 0)
		die("%s", path);
	fd = fifo_open(path, 0); /* waits for a writer */
	if (fd < 0 || copy_all(fd, STDOUT_FILENO) < 0) {
		int saved = errno;

		if (created)
			unlink(path);
		errno = saved;
		die("%s", path);
	}
	close(fd);
	/* Made for this exchange, so removed after it: nothing left in the file system. */
	if (created && unlink(path) < 0)
		die("%s", path);
	return 0;
	/* ELSE STUB
	(void)argv;
	fail("TODO(lab 07 §5): make the FIFO, open it for reading, copy it to stdout, remove it");
	END SOLUTION */
}
