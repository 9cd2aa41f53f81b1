/*
 * files.c - file handling for a driver that may run as root among files
 * that student code wrote: nothing here follows a symbolic link.
 */
#include "driver.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* mkdir -p; an existing component must be a real folder. */
int make_dirs(const char *path, int mode)
{
	char buf[4096];
	struct stat st;

	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *p = buf + 1;; p++) {
		const bool last = *p == '\0';

		if (*p != '/' && !last)
			continue;
		*p = '\0';
		if (mkdir(buf, (mode_t)mode) < 0 &&
		    (errno != EEXIST || lstat(buf, &st) < 0 || !S_ISDIR(st.st_mode))) {
			if (errno == EEXIST)
				errno = ENOTDIR;
			return -1;
		}
		if (last)
			return 0;
		*p = '/';
	}
}


int copy_regular_at(int from_dir, const char *name, const char *to_path, int mode,
		    long max)
{
	char chunk[65536];
	struct stat st;
	long total = 0;
	ssize_t n = 0;
	int in, out, saved;

	in = openat(from_dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (in < 0)
		return -1;
	if (fstat(in, &st) < 0) {
		saved = errno;
		close(in);
		errno = saved;
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > max) {
		close(in);
		errno = S_ISREG(st.st_mode) ? EFBIG : EINVAL;
		return -1;
	}
	out = open(to_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, (mode_t)mode);
	if (out < 0) {
		saved = errno;
		close(in);
		errno = saved;
		return -1;
	}
	while (total <= max && (n = read(in, chunk, sizeof chunk)) > 0) {
		total += n;
		if (write(out, chunk, (size_t)n) != n) {
			n = -1;
			break;
		}
	}
	saved = errno;
	close(in);
	if (close(out) < 0 || n < 0 || total > max) {
		unlink(to_path);
		errno = total > max ? EFBIG : saved;
		return -1;
	}
	return 0;
}

int write_file(const char *path, const void *data, size_t len, int mode)
{
	char tmp[4200];
	int fd;

	snprintf(tmp, sizeof tmp, "%s.new", path);
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, (mode_t)mode);
	if (fd < 0)
		return -1;
	if (write(fd, data, len) != (ssize_t)len || close(fd) < 0) {
		unlink(tmp);
		return -1;
	}
	return rename(tmp, path);
}

char *read_file(const char *path, size_t max, size_t *len)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	char *data;
	ssize_t n;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > max) {
		close(fd);
		return NULL;
	}
	data = malloc((size_t)st.st_size + 1);
	n = data ? read(fd, data, (size_t)st.st_size) : -1;
	close(fd);
	if (n != st.st_size) {
		free(data);
		return NULL;
	}
	data[n] = '\0';
	if (len)
		*len = (size_t)n;
	return data;
}

bool real_dir(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
	for (const unsigned char *p = data; len-- > 0; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return h;
}

/* Splits at tabs into at most max fields; the last keeps the rest. */
int split_tabs(char *line, char **fields, int max)
{
	int n = 0;

	fields[n++] = line;
	for (char *p = line; *p && n < max; p++) {
		if (*p == '\t') {
			*p = '\0';
			fields[n++] = p + 1;
		}
	}
	return n;
}
