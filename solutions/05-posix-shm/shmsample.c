/*
 * shmsample.c - the Speaking UNIX listing: parent and child share a POSIX
 * shared memory object; the child writes a number into it, the parent
 * waits for the child and prints what it finds.
 *
 *   shmsample [NAME [VALUE]]      by default /sample and 0xdbeebee
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errors.h"
#include "region.h"
#include "report.h"

/* BEGIN SOLUTION */
#define USAGE "[NAME [VALUE]]"
#define DEFAULT_NAME "/sample"
#define DEFAULT_VALUE 0xdbeebeeUL

static int parse_value(const char *text, unsigned long *value)
{
	char *end;

	errno = 0;
	*value = strtoul(text, &end, 0);
	return errno != 0 || end == text || *end != '\0' || text[0] == '-' ? -1 : 0;
}

/* Removes the object, then ends like die(what): nothing is left behind. */
static _Noreturn void abandon(const char *name, const char *what)
{
	int error = errno;

	region_destroy(name);
	errno = error;
	die("%s", what);
}

/* END SOLUTION */
int main(int argc, char *argv[])
{
	/* BEGIN SOLUTION */
	const char *name = argc > 1 ? argv[1] : DEFAULT_NAME;
	unsigned long value = DEFAULT_VALUE;
	long page_size = sysconf(_SC_PAGE_SIZE);
	struct region shared;
	int status;
	pid_t pid;

	if (argc > 3 || (argc > 2 && parse_value(argv[2], &value) < 0))
		usage(USAGE);
	if (page_size < 0)
		die("sysconf(_SC_PAGE_SIZE)");
	if (region_create(name, (size_t)page_size, &shared) < 0)
		fail_object(name);

	fflush(stdout); /* nothing buffered may be printed twice */
	pid = fork();
	if (pid < 0)
		abandon(name, "fork");
	if (pid == 0) {
		*(unsigned long *)shared.addr = value;
		/* _exit: the child must not go on into the parent's clean-up. */
		_exit(0);
	}

	/* Read only once the child is gone: then its write is complete. */
	if (waitpid(pid, &status, 0) < 0)
		abandon(name, "waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		region_destroy(name);
		fail("the child did not finish its write (status %#x)", status);
	}
	printf("child wrote %#lx\n", *(unsigned long *)shared.addr);

	if (region_detach(&shared) < 0)
		abandon(name, "munmap");
	if (region_destroy(name) < 0)
		die("shm_unlink");
	return 0;
	/* ELSE STUB
	(void)argc;
	(void)argv;
	fprintf(stderr, "shmsample: TODO(lab 05 §1): create, fork, child writes, parent waits and prints\n");
	return 1;
	END SOLUTION */
}
