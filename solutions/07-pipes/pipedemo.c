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

/* BEGIN SOLUTION */
/*
 * The child's side.  It ends with _exit, and fails with die_child: exit
 * would flush stdio buffers copied from the parent a second time.
 */
static _Noreturn void child_writes(int write_end, const char *message)
{
	if (say(" CHILD: writing to pipe\n") < 0)
		die_child("stdout");
	if (write_all(write_end, message, strlen(message)) < 0)
		die_child("write");
	/*
	 * Print before closing: the parent sees end of file only after
	 * this line is out, so it cannot land in the middle of the
	 * parent's line (a long line goes out in several writes).
	 */
	if (say(" CHILD: exiting\n") < 0)
		die_child("stdout");
	if (close(write_end) < 0)
		die_child("close");
	_exit(0);
}

/* The parent's side.  Returns 0, or -1 with errno set if the read failed. */
static int parent_reads(int read_end, size_t expected)
{
	/* One byte more than expected, so that a longer message would show. */
	char *buf = malloc(expected + 2);
	ssize_t got;

	if (buf == NULL)
		die("malloc");
	if (say("PARENT: reading from pipe\n") < 0)
		die("stdout");
	got = read_all(read_end, buf, expected + 1);
	if (got >= 0) {
		buf[got] = '\0';
		if (printf("PARENT: read \"%s\"\n", buf) < 0 || fflush(stdout) == EOF)
			die("stdout");
	}
	free(buf);
	return got < 0 ? -1 : 0;
}
/* END SOLUTION */

int main(int argc, char *argv[])
{
	const char *message = argc > 1 ? argv[1] : "test";

	if (argc > 2)
		usage("[MESSAGE]");
	/* BEGIN SOLUTION */
	int pfds[2], status, read_error;
	pid_t child;

	if (pipe(pfds) < 0)
		die("pipe");
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		close(pfds[0]); /* the child only writes */
		child_writes(pfds[1], message);
	}
	close(pfds[1]); /* else the read below never sees end of file */
	read_error = parent_reads(pfds[0], strlen(message)) < 0 ? errno : 0;
	close(pfds[0]);
	/* Even when the read failed: no child is left behind. */
	if (reap_child(child, &status) < 0)
		die("waitpid");
	if (read_error != 0) {
		errno = read_error;
		die("read");
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail("the child failed to send the message");
	return 0;
	/* ELSE STUB
	(void)message;
	(void)say;
	fail("TODO(lab 07 §2): pipe, fork, the child writes MESSAGE, the parent reads and prints it");
	END SOLUTION */
}
