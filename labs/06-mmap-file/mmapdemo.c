/*
 * mmapdemo.c - the lecture's reader and writer of a memory-mapped file.
 *
 *   mmapdemo FILE write                          copy each line of standard
 *                                                input into FILE
 *   mmapdemo FILE read [-n COUNT] [-i SECONDS]   print FILE's line COUNT
 *                                                times (default: for ever),
 *                                                SECONDS apart (default: 1)
 *
 * Both map the first MAX_INPUT_LENGTH bytes of FILE with MAP_SHARED, so a
 * reader sees every line a writer stores without reading the file again.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "errors.h"
#include "mapfile.h"

/* As in the lecture: one line of up to 18 characters, its newline, a NUL. */
static const int MAX_INPUT_LENGTH = 20;

#define USAGE "FILE write | FILE read [-n COUNT] [-i SECONDS]"

/* A bad command line: one line on stderr, exit status 2. */
static _Noreturn void usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "mmapdemo: %s \"%s\"\n", what, arg);
	exit(2);
}

static void run_writer(const char *path)
{
	(void)path;
	fail("TODO(lab 06 §3): map %d bytes of FILE, copy each line of stdin into them",
	     MAX_INPUT_LENGTH);
}

/*
 * "mmapdemo FILE read [-n COUNT] [-i SECONDS]": argv starts at "read"
 * (argv[0] is "read", the options follow), so getopt can parse it as is.
 */
static void run_reader(const char *path, int argc, char **argv)
{
	(void)path;
	(void)argc;
	(void)argv;
	fail("TODO(lab 06 §5): parse -n/-i, map %d bytes of FILE read-only, print them",
	     MAX_INPUT_LENGTH);
}

int main(int argc, char **argv)
{
	if (argc < 3)
		usage(USAGE);
	/* Decide what to do before touching FILE: a typo creates nothing. */
	if (strcmp(argv[2], "write") == 0) {
		if (argc != 3)
			usage(USAGE);
		run_writer(argv[1]);
	} else if (strcmp(argv[2], "read") == 0) {
		run_reader(argv[1], argc - 2, argv + 2);
	} else {
		usage_error("Unrecognized command", argv[2]);
	}
	return 0;
}
