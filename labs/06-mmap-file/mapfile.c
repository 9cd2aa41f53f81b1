/* mapfile.c - see mapfile.h. */
#include "mapfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

char *map_file_shared(const char *path, size_t size)
{
	(void)path;
	(void)size;
	errno = ENOSYS; // TODO(lab 06 §2): create mode 0600, ftruncate, mmap MAP_SHARED
	return NULL;
}

const char *map_file_readonly(const char *path, size_t size)
{
	(void)path;
	(void)size;
	errno = ENOSYS; // TODO(lab 06 §5): open read-only, check the size, mmap PROT_READ MAP_SHARED
	return NULL;
}

int unmap_file(const void *map, size_t size)
{
	(void)map;
	(void)size;
	errno = ENOSYS; // TODO(lab 06 §6): msync MS_SYNC, then munmap
	return -1;
}
