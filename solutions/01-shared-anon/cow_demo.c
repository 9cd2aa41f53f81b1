/*
 * cow_demo - the same program over a private mapping: the child's write
 * lands in its own copy of the page, and the parent still sees 0:
 *
 *     Child setting anInt to 1
 *     anInt is 0 in parent
 */
#include <stdio.h>

#include "child_write.h"
#include "errors.h"
#include "shared_int.h"

int main(int argc, char *argv[])
{
	(void)argv;
	if (argc != 1)
		usage("(no arguments)");
	/* BEGIN SOLUTION */
	int *anInt = private_int_create(0);

	if (anInt == NULL)
		die("private_int_create");
	if (child_sets_to_one(anInt) < 0)
		die("child_sets_to_one");
	printf("anInt is %d in parent\n", *anInt);
	if (int_release(anInt) < 0)
		die("int_release");
	return 0;
	/* ELSE STUB
	fail("TODO(lab 01 §5): as anon_share, over private_int_create");
	END SOLUTION */
}
