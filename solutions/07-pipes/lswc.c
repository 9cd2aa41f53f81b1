/*
 * lswc.c - the lecture's "pipe dream": ls | wc -l, built with pipe, fork,
 * dup2 and exec (in pipe_commands).  Prints exactly what the shell prints
 * for "ls | wc -l" in the current directory, and exits with wc's status.
 */
#include <stdio.h>

#include "errors.h"
#include "pipeline.h"

int main(int argc, char *argv[])
{
	if (argc != 1) {
		fprintf(stderr, "usage: lswc (it takes no arguments, not \"%s\")\n", argv[1]);
		return 2;
	}
	/* BEGIN SOLUTION */
	char *ls[] = { "ls", NULL };
	char *wc[] = { "wc", "-l", NULL };
	int status;

	/* Nothing of ours may sit in stdio's buffer while the children write. */
	if (fflush(stdout) == EOF)
		die("stdout");
	status = pipe_commands(ls, wc);
	if (status < 0)
		die("ls | wc -l");
	return status;
	/* ELSE STUB
	fail("TODO(lab 07 §3): run ls | wc -l with pipe, fork, dup2 and exec");
	END SOLUTION */
}
