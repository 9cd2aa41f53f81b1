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
	/* BEGIN SOLUTION */
	int shmid; /* a local: its address is on the stack */
	char *ptr, *shmptr;

	(void)argv;
	if (argc != 1)
		usage("(takes no arguments)");

	printf("array[] from %lx to %lx\n", (unsigned long)&array[0],
	       (unsigned long)&array[ARRAY_SIZE]);
	printf("stack around %lx\n", (unsigned long)&shmid);

	ptr = malloc(MALLOC_SIZE);
	if (ptr == NULL)
		die("malloc");
	printf("malloced from %lx to %lx\n", (unsigned long)ptr,
	       (unsigned long)ptr + MALLOC_SIZE);

	shmid = segment_create(SHM_SIZE);
	if (shmid < 0)
		die("shmget");
	shmptr = segment_attach(shmid);
	if (shmptr == NULL) {
		/* The segment exists already: remove it before giving up. */
		int saved = errno;

		if (segment_remove(shmid) < 0)
			perror("layout: shmctl(IPC_RMID)");
		errno = saved;
		die("shmat");
	}
	/*
	 * Mark the segment for removal as soon as it is attached: it stays
	 * usable until the last detach, and no exit path can leak it.
	 */
	if (segment_remove(shmid) < 0)
		die("shmctl(IPC_RMID)");
	printf("shared memory attached from %lx to %lx\n",
	       (unsigned long)shmptr, (unsigned long)shmptr + SHM_SIZE);

	/* Report a failed write (a full disk, a closed pipe) as an error. */
	if (fflush(stdout) == EOF)
		die("stdout");
	if (segment_detach(shmptr) < 0)
		die("shmdt");
	free(ptr);
	return 0;
	/* ELSE STUB
	(void)argc;
	(void)argv;
	// TODO(lab 02 §4): print the four lines; create, attach and remove a segment
	fail("TODO(lab 02 §4): print where array, stack, malloc and a segment live");
	END SOLUTION */
}
