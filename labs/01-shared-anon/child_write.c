/* child_write.c - see child_write.h. */
#include "child_write.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int child_sets_to_one(int *anInt)
{
	(void)anInt;
	errno = ENOSYS; // TODO(lab 01 §3): fork; the child prints and sets 1; the parent waits
	return -1;
}
