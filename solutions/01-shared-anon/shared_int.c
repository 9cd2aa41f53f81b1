/* shared_int.c - see shared_int.h. */
#include "shared_int.h"

#include <errno.h>
#include <stddef.h>
#include <sys/mman.h>

/* The kernel hands out whole pages: sizeof(int) becomes one page (4 KiB). */
static int *map_int(int flags, int initial)
{
	/* BEGIN SOLUTION */
	int *value = mmap(NULL, sizeof *value, PROT_READ | PROT_WRITE,
			  flags | MAP_ANONYMOUS, -1, 0);

	if (value == MAP_FAILED)
		return NULL;
	*value = initial;
	return value;
	/* ELSE STUB
	(void)flags;
	(void)initial;
	errno = ENOSYS; // TODO(lab 01 §2): mmap one int, anonymous, with these flags
	return NULL;
	END SOLUTION */
}

int *shared_int_create(int initial)
{
	return map_int(MAP_SHARED, initial);
}

int *private_int_create(int initial)
{
	return map_int(MAP_PRIVATE, initial);
}

int int_release(int *value)
{
	/* BEGIN SOLUTION */
	if (value == NULL) {
		errno = EINVAL;
		return -1;
	}
	return munmap(value, sizeof *value);
	/* ELSE STUB
	(void)value;
	errno = ENOSYS; // TODO(lab 01 §4): munmap the int (EINVAL for NULL)
	return -1;
	END SOLUTION */
}
