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
	(void)argv;
	fail("TODO(lab 07 §5): make the FIFO, open it for reading, copy it to stdout, remove it");
}
