/*
 * layout - where a process keeps its data: prints the address range of an
 * uninitialised global array (bss), an address on the stack, a malloc'd
 * block and an attached System V shared memory segment, in the four lines
 * of APUE figure 15.31.  The segment is removed before the program ends.
 *
 * usage: layout
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "errors.h"
#include "segment.h"

#define ARRAY_SIZE  40000
#define MALLOC_SIZE 100000
#define SHM_SIZE    100000

char array[ARRAY_SIZE]; /* uninitialised data: bss */

int main(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	// TODO(lab 02 §4): print the four lines; create, attach and remove a segment
	fail("TODO(lab 02 §4): print where array, stack, malloc and a segment live");
}
