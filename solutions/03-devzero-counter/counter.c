/* counter.c - see counter.h. */
#include "counter.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/mman.h>
#include <unistd.h>

long *counter_map_devzero(void)
{
	/* BEGIN SOLUTION */
	int fd = open("/dev/zero", O_RDWR | O_CLOEXEC);
	void *area;
	int saved;

	if (fd < 0)
		return NULL;
	area = mmap(NULL, sizeof(long), PROT_READ | PROT_WRITE, MAP_SHARED,
		    fd, 0);
	saved = errno;
	/* The mapping keeps its own reference: the descriptor is not needed. */
	if (close(fd) < 0 && area != MAP_FAILED) {
		saved = errno;
		munmap(area, sizeof(long));
		area = MAP_FAILED;
	}
	if (area == MAP_FAILED) {
		errno = saved;
		return NULL;
	}
	return area;
	/* ELSE STUB
	errno = ENOSYS; // TODO(lab 03 §2): open /dev/zero, map one long MAP_SHARED, close the fd
	return NULL;
	END SOLUTION */
}

long *counter_map_anon(void)
{
	/* BEGIN SOLUTION */
	void *area = mmap(NULL, sizeof(long), PROT_READ | PROT_WRITE,
			  MAP_ANON | MAP_SHARED, -1, 0);

	return area == MAP_FAILED ? NULL : area;
	/* ELSE STUB
	errno = ENOSYS; // TODO(lab 03 §2): map one long MAP_ANON | MAP_SHARED, no file
	return NULL;
	END SOLUTION */
}

int counter_unmap(long *counter)
{
	/* BEGIN SOLUTION */
	return munmap(counter, sizeof *counter);
	/* ELSE STUB
	(void)counter;
	errno = ENOSYS; // TODO(lab 03 §2): undo the mapping
	return -1;
	END SOLUTION */
}

long update(long *counter)
{
	/* BEGIN SOLUTION */
	return (*counter)++;	/* the parentheses increment the long, not the pointer */
	/* ELSE STUB
	(void)counter;
	errno = ENOSYS; // TODO(lab 03 §2): increment *counter, return the value it had before
	return -1;
	END SOLUTION */
}
