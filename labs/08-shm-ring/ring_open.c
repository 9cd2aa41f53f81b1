/*
 * ring_open.c - opening, by name, a ring another process created.
 */
#include "ring_layout.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct ring *ring_open(const char *name)
{
	(void)name;
	errno = ENOSYS; // TODO(lab 08 §3): shm_open, size from fstat, map, check the header
	return NULL;
}
