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
	(void)argc;
	(void)argv;
	fprintf(stderr, "shmdestroy: TODO(lab 05 §7): remove the object with region_destroy\n");
	return 1;
}
