/* mapfile.c - see mapfile.h. */
#include "mapfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* BEGIN SOLUTION */
/* Closes fd without losing the errno of the failure being reported. */
static void close_keeping_errno(int fd)
{
	int saved = errno;

	close(fd);
	errno = saved;
}

/* 0 when fd is a regular file, else -1 with EISDIR or ENODEV. */
static int check_regular(const struct stat *st)
{
	if (S_ISREG(st->st_mode))
		return 0;
	errno = S_ISDIR(st->st_mode) ? EISDIR : ENODEV;
	return -1;
}

/*
 * The mapping keeps the file open by itself: closes fd and returns map,
 * or, if close fails, unmaps it and returns NULL with close's errno.
 */
static void *close_after_mapping(int fd, void *map, size_t size)
{
	if (close(fd) < 0) {
		int saved = errno;

		munmap(map, size);
		errno = saved;
		return NULL;
	}
	return map;
}

/* END SOLUTION */
char *map_file_shared(const char *path, size_t size)
{
	/* BEGIN SOLUTION */
	struct stat st;
	int fd;
	char *map;

	if (size == 0 || size > (size_t)INT64_MAX) {
		errno = EINVAL;
		return NULL;
	}
	/*
	 * The mode matters only when the file is created: 0600, so that no
	 * other user can read or rewrite what the processes share.
	 * O_NONBLOCK keeps open() from waiting for a partner if path names a
	 * FIFO; it changes nothing for a regular file.
	 */
	fd = open(path, O_RDWR | O_CREAT | O_NONBLOCK | O_CLOEXEC, 0600);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || check_regular(&st) < 0)
		goto fail;
	/*
	 * A page of the mapping past the end of the file has nothing behind
	 * it: touching it raises SIGBUS.  Grow the file to cover the whole
	 * mapping, but never shrink it: bytes past the mapping are not ours.
	 */
	if (st.st_size < (off_t)size && ftruncate(fd, (off_t)size) < 0)
		goto fail;
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		goto fail;
	return close_after_mapping(fd, map, size);
fail:
	close_keeping_errno(fd);
	return NULL;
	/* ELSE STUB
	(void)path;
	(void)size;
	errno = ENOSYS; // TODO(lab 06 §2): create mode 0600, ftruncate, mmap MAP_SHARED
	return NULL;
	END SOLUTION */
}

const char *map_file_readonly(const char *path, size_t size)
{
	/* BEGIN SOLUTION */
	struct stat st;
	int fd;
	void *map;

	if (size == 0 || size > (size_t)INT64_MAX) {
		errno = EINVAL;
		return NULL;
	}
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || check_regular(&st) < 0)
		goto fail;
	/* A reader must not grow the file (it may not even be allowed to). */
	if (st.st_size < (off_t)size) {
		errno = ERANGE;
		goto fail;
	}
	map = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		goto fail;
	return close_after_mapping(fd, map, size);
fail:
	close_keeping_errno(fd);
	return NULL;
	/* ELSE STUB
	(void)path;
	(void)size;
	errno = ENOSYS; // TODO(lab 06 §5): open read-only, check the size, mmap PROT_READ MAP_SHARED
	return NULL;
	END SOLUTION */
}

int unmap_file(const void *map, size_t size)
{
	/* BEGIN SOLUTION */
	/* msync and munmap take a plain pointer but write nothing through it. */
	void *addr = (void *)map;
	int synced = msync(addr, size, MS_SYNC);
	int saved = errno;

	if (munmap(addr, size) < 0)
		return -1;
	errno = saved;
	return synced;
	/* ELSE STUB
	(void)map;
	(void)size;
	errno = ENOSYS; // TODO(lab 06 §6): msync MS_SYNC, then munmap
	return -1;
	END SOLUTION */
}
