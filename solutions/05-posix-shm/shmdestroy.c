/*
 * shmdestroy.c - removes a named shared memory object.
 *
 *   shmdestroy NAME
 */
#include <stdio.h>

#include "errors.h"
#include "region.h"
#include "report.h"

int main(int argc, char *argv[])
{
	/* BEGIN SOLUTION */
	if (argc != 2)
		usage("NAME");
	if (region_destroy(argv[1]) < 0)
		fail_object(argv[1]);
	printf("removed %s\n", argv[1]);
	return 0;
	/* ELSE STUB
	(void)argc;
	(void)argv;
	fprintf(stderr, "shmdestroy: TODO(lab 05 §7): remove the object with region_destroy\n");
	return 1;
	END SOLUTION */
}
