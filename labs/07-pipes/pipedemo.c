/*
 * pipedemo.c - the lecture's pipe example: a child writes a message into a
 * pipe, the parent reads it and prints it.
 *
 *   pipedemo [MESSAGE]      MESSAGE defaults to the lecture's "test"
 *
 * Prints, as the lecture's version does:
 *    CHILD: writing to pipe
 *    CHILD: exiting
 *   PARENT: reading from pipe
 *   PARENT: read "test"
 * Each line is flushed as it is printed, so the lines of each process come
 * out in the order they happened, whether stdout is a terminal or a pipe.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child_fds.h"
#include "errors.h"
#include "io_all.h"

/*
 * Prints one line of the demo at once.  When stdout is a pipe or a file,
 * stdio holds lines back until exit, and the two processes' lines come out
 * in the order the processes end, not the order they were printed.
 * Returns 0, or -1 with errno set.
 */
static int say(const char *line)
{
	return fputs(line, stdout) == EOF || fflush(stdout) == EOF ? -1 : 0;
}

int main(int argc, char *argv[])
{
	const char *message = argc > 1 ? argv[1] : "test";

	if (argc > 2)
		usage("[MESSAGE]");
	(void)message;
	(void)say;
	fail("TODO(lab 07 §2): pipe, fork, the child writes MESSAGE, the parent reads and prints it");
}
