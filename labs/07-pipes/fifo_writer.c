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
	(void)argv;
	fail("TODO(lab 07 §5): open the FIFO for writing, send stdin's lines, one write each");
}
