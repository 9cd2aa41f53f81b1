/*
 * anon_share - the child sets an int in shared anonymous memory, and the
 * parent prints what it sees:
 *
 *     Child setting anInt to 1
 *     anInt is 1 in parent
 *
 * Unlike the original, the parent waits for the child before it reads
 * (child_sets_to_one): without waitpid() it may read before the write.
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
	fail("TODO(lab 01 §3): a shared int, child_sets_to_one, print it, release it");
}
