/* region.c - see region.h. */
#include "region.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* BEGIN SOLUTION */
/* Maps size bytes of fd shared and read-write into *r; closes fd either way. */
static int map_and_close(int fd, size_t size, struct region *r)
{
	void *addr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	int error = errno;

	/* The mapping keeps the object alive: the descriptor is no longer needed. */
	if (close(fd) < 0 && addr != MAP_FAILED) {
		error = errno;
		munmap(addr, size);
		addr = MAP_FAILED;
	}
	if (addr == MAP_FAILED) {
		errno = error;
		return -1;
	}
	r->addr = addr;
	r->size = size;
	return 0;
}

/* END SOLUTION */
int region_create(const char *name, size_t size, struct region *r)
{
	/* BEGIN SOLUTION */
	int fd, error;

	/* O_EXCL: never take over (or truncate) an object someone else made. */
	fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, REGION_MODE);
	if (fd < 0)
		return -1;
	if (ftruncate(fd, (off_t)size) < 0) {
		error = errno;
		close(fd);
		goto undo;
	}
	if (map_and_close(fd, size, r) < 0) {
		error = errno;
		goto undo;
	}
	return 0;
undo:
	/* A half-made object would outlive us: remove it. */
	shm_unlink(name);
	errno = error;
	return -1;
	/* ELSE STUB
	(void)name;
	(void)size;
	(void)r;
	errno = ENOSYS; // TODO(lab 05 §3): shm_open with O_EXCL, ftruncate, mmap, close
	return -1;
	END SOLUTION */
}

int region_attach(const char *name, struct region *r)
{
	/* BEGIN SOLUTION */
	struct stat info;
	int fd = shm_open(name, O_RDWR, 0);

	if (fd < 0)
		return -1;
	if (fstat(fd, &info) < 0) {
		int error = errno;

		close(fd);
		errno = error;
		return -1;
	}
	/* An object nobody has sized yet has nothing to map. */
	if (info.st_size == 0) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	return map_and_close(fd, (size_t)info.st_size, r);
	/* ELSE STUB
	(void)name;
	(void)r;
	errno = ENOSYS; // TODO(lab 05 §3): shm_open without O_CREAT, fstat for the size, mmap
	return -1;
	END SOLUTION */
}

int region_detach(struct region *r)
{
	/* BEGIN SOLUTION */
	if (r->addr == NULL)	/* detached already: nothing to unmap */
		return 0;
	if (munmap(r->addr, r->size) < 0)
		return -1;
	r->addr = NULL;
	return 0;
	/* ELSE STUB
	(void)r;
	errno = ENOSYS; // TODO(lab 05 §3): munmap
	return -1;
	END SOLUTION */
}

int region_destroy(const char *name)
{
	/* BEGIN SOLUTION */
	return shm_unlink(name);
	/* ELSE STUB
	(void)name;
	errno = ENOSYS; // TODO(lab 05 §3): shm_unlink
	return -1;
	END SOLUTION */
}
