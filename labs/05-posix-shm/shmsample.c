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

int main(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "shmsample: TODO(lab 05 §1): create, fork, child writes, parent waits and prints\n");
	return 1;
}
