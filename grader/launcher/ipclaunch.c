/*
 * ipclaunch - runs a lab's program one Landlock layer deeper than the test.
 *
 *   ipclaunch PATH ARGV0 [ARGS...]
 *
 * The test process lives in a Landlock domain; a program it starts through
 * this launcher lives in a domain nested inside it, and so cannot trace
 * the test process or open its /proc entries (its memory, its
 * descriptors).  The launcher is linked statically, so that the
 * LD_PRELOAD shims meant for the program do not run in it; it replaces
 * itself with the program, which keeps its process ID.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "landlock.h"

extern char **environ;

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: ipclaunch PATH ARGV0 [ARGS...]\n");
		return 2;
	}
	if (landlock_abi() > 0 && landlock_add_layer(false) < 0) {
		fprintf(stderr, "ipclaunch: cannot add a Landlock layer: %s\n", strerror(errno));
		return 126;
	}
	execve(argv[1], argv + 2, environ);
	fprintf(stderr, "ipclaunch: cannot run %s: %s\n", argv[1], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
