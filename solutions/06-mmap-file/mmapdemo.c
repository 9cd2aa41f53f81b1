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

/* BEGIN SOLUTION */
/* Explains why FILE cannot be mapped (errno from mapfile.h), then exits. */
static _Noreturn void file_error(const char *path)
{
	if (errno == ERANGE)
		fail("%s: shorter than the %d bytes to map: run \"mmapdemo %s write\" first",
		     path, MAX_INPUT_LENGTH, path);
	if (errno == ENODEV)
		fail("%s: not a regular file", path);
	die("%s", path);
}

/*
 * Stores one line in the mapping as fgets would: its text, a newline and a
 * NUL.  A line too long for the mapping is cut, with a warning, so that no
 * byte past the mapping is ever written.
 */
static void store_line(char *map, size_t size, const char *line, size_t len,
		       unsigned long lineno)
{
	const size_t room = size - 2;  /* for the newline and the NUL */

	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (len > room) {
		fprintf(stderr, "mmapdemo: line %lu cut to %zu characters\n",
			lineno, room);
		len = room;
	}
	memcpy(map, line, len);
	map[len] = '\n';
	map[len + 1] = '\0';
}

/* END SOLUTION */
static void run_writer(const char *path)
{
	/* BEGIN SOLUTION */
	const size_t size = (size_t)MAX_INPUT_LENGTH;
	char *map = map_file_shared(path, size);
	char *line = NULL;
	size_t capacity = 0;
	ssize_t len;
	unsigned long lineno = 0;

	if (map == NULL)
		file_error(path);
	while ((len = getline(&line, &capacity, stdin)) >= 0) {
		store_line(map, size, line, (size_t)len, ++lineno);
		/* On disk before the next line: the file outlives us. */
		if (msync(map, size, MS_SYNC) < 0)
			die("msync");
	}
	if (ferror(stdin))
		die("standard input");
	free(line);
	if (unmap_file(map, size) < 0)
		die("%s", path);
	/* ELSE STUB
	(void)path;
	fail("TODO(lab 06 §3): map %d bytes of FILE, copy each line of stdin into them",
	     MAX_INPUT_LENGTH);
	END SOLUTION */
}

/* BEGIN SOLUTION */
static unsigned long parse_count(const char *arg)
{
	char *end;
	unsigned long count;

	errno = 0;
	count = strtoul(arg, &end, 10);
	if (arg[0] < '0' || arg[0] > '9' || *end != '\0' || errno != 0 || count == 0)
		usage_error("-n wants a whole number of times, 1 or more, not", arg);
	return count;
}

static double parse_interval(const char *arg)
{
	char *end;
	double seconds;

	errno = 0;
	seconds = strtod(arg, &end);
	if (end == arg || *end != '\0' || errno != 0 || !isfinite(seconds) ||
	    seconds < 0 || seconds > 86400)
		usage_error("-i wants a number of seconds from 0 to 86400, not", arg);
	return seconds;
}

struct reader_options {
	unsigned long count;  /* how many times to print; 0: for ever */
	double interval;      /* seconds between two prints */
};

/* Parses the options after "read"; argv[0] is "read". */
static void parse_reader_options(int argc, char **argv,
				 struct reader_options *opt)
{
	int c;

	opt->count = 0;
	opt->interval = 1.0;
	opterr = 0;  /* our own one-line messages */
	optind = 1;
	while ((c = getopt(argc, argv, ":n:i:")) != -1) {
		char name[3] = { '-', (char)optopt, '\0' };

		switch (c) {
		case 'n':
			opt->count = parse_count(optarg);
			break;
		case 'i':
			opt->interval = parse_interval(optarg);
			break;
		case ':':
			usage_error("missing value for option", name);
		default:
			usage_error("unknown option", name);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument", argv[optind]);
}

static void pause_for(double seconds)
{
	struct timespec left;

	left.tv_sec = (time_t)seconds;
	left.tv_nsec = (long)((seconds - (double)left.tv_sec) * 1e9);
	while (nanosleep(&left, &left) < 0)
		if (errno != EINTR)
			die("nanosleep");
}

/* Prints the line the mapping holds, as the lecture's reader did. */
static void print_line(const char *map, size_t size)
{
	/* The writer's NUL ends the text; never read past the mapping. */
	size_t len = strnlen(map, size - 1);

	if (fwrite(map, 1, len, stdout) != len || fflush(stdout) == EOF)
		die("standard output");
}

/* END SOLUTION */
/*
 * "mmapdemo FILE read [-n COUNT] [-i SECONDS]": argv starts at "read"
 * (argv[0] is "read", the options follow), so getopt can parse it as is.
 */
static void run_reader(const char *path, int argc, char **argv)
{
	/* BEGIN SOLUTION */
	const size_t size = (size_t)MAX_INPUT_LENGTH;
	struct reader_options opt;
	const char *map;

	parse_reader_options(argc, argv, &opt);
	map = map_file_readonly(path, size);
	if (map == NULL)
		file_error(path);
	for (unsigned long i = 0; opt.count == 0 || i < opt.count; i++) {
		if (i > 0)
			pause_for(opt.interval);
		print_line(map, size);
	}
	if (unmap_file(map, size) < 0)
		die("%s", path);
	/* ELSE STUB
	(void)path;
	(void)argc;
	(void)argv;
	fail("TODO(lab 06 §5): parse -n/-i, map %d bytes of FILE read-only, print them",
	     MAX_INPUT_LENGTH);
	END SOLUTION */
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
