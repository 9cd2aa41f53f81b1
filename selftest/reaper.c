/*
 * reaper.c - runs a command as a child subreaper.
 *
 *   reaper COMMAND [ARG...]
 *
 * With PR_SET_CHILD_SUBREAPER (kept across execve), an orphan among the
 * command's descendants is reparented to the command instead of to init:
 * whatever the command starts stays in its process tree until it ends.
 * selftest/run runs itself under it where it cannot have a PID namespace
 * of its own (see selftest/leftovers.sh).
 */
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: reaper COMMAND [ARG...]\n");
		return 2;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		perror("reaper: prctl(PR_SET_CHILD_SUBREAPER)");
		return 2;
	}
	execvp(argv[1], argv + 1);
	perror(argv[1]);
	return 127;
}
