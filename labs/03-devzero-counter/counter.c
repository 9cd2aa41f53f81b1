/* counter.c - see counter.h. */
#include "counter.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/mman.h>
#include <unistd.h>

long *counter_map_devzero(void)
{
	errno = ENOSYS; // TODO(lab 03 §2): open /dev/zero, map one long MAP_SHARED, close the fd
	return NULL;
}

long *counter_map_anon(void)
{
	errno = ENOSYS; // TODO(lab 03 §2): map one long MAP_ANON | MAP_SHARED, no file
	return NULL;
}

int counter_unmap(long *counter)
{
	(void)counter;
	errno = ENOSYS; // TODO(lab 03 §2): undo the mapping
	return -1;
}

long update(long *counter)
{
	(void)counter;
	errno = ENOSYS; // TODO(lab 03 §2): increment *counter, return the value it had before
	return -1;
}
