/* region.c - see region.h. */
#include "region.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int region_create(const char *name, size_t size, struct region *r)
{
	(void)name;
	(void)size;
	(void)r;
	errno = ENOSYS; // TODO(lab 05 §3): shm_open with O_EXCL, ftruncate, mmap, close
	return -1;
}

int region_attach(const char *name, struct region *r)
{
	(void)name;
	(void)r;
	errno = ENOSYS; // TODO(lab 05 §3): shm_open without O_CREAT, fstat for the size, mmap
	return -1;
}

int region_detach(struct region *r)
{
	(void)r;
	errno = ENOSYS; // TODO(lab 05 §3): munmap
	return -1;
}

int region_destroy(const char *name)
{
	(void)name;
	errno = ENOSYS; // TODO(lab 05 §3): shm_unlink
	return -1;
}
