/*
 * shmcreate.c - creates a named shared memory object for unrelated
 * processes to share; it stays until shmdestroy removes it.
 *
 *   shmcreate NAME SIZE
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "errors.h"
#include "region.h"
#include "report.h"

/* BEGIN SOLUTION */
#define USAGE "NAME SIZE"
/* A sane upper bound for a lab: 1 GiB. */
#define MAX_SIZE (1UL << 30)

static int parse_size(const char *text, size_t *size)
{
	unsigned long long value;
	char *end;

	errno = 0;
	value = strtoull(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || text[0] == '-' ||
	    value == 0 || value > MAX_SIZE)
		return -1;
	*size = (size_t)value;
	return 0;
}

/* END SOLUTION */
int main(int argc, char *argv[])
{
	/* BEGIN SOLUTION */
	struct region created;
	size_t size;

	if (argc != 3 || parse_size(argv[2], &size) < 0)
		usage(USAGE);
	if (region_create(argv[1], size, &created) < 0)
		fail_object(argv[1]);
	if (region_detach(&created) < 0)
		die("munmap");
	printf("created %s (%zu bytes)\n", argv[1], size);
	return 0;
	/* ELSE STUB
	(void)argc;
	(void)argv;
	fprintf(stderr, "shmcreate: TODO(lab 05 §7): create the object with region_create\n");
	return 1;
	END SOLUTION */
}
