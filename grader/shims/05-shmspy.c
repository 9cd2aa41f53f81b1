/*
 * 05-shmspy.c - LD_PRELOAD shim for lab 05: appends one line per
 * shm_open() and shm_unlink() call to the file GRADER_SHMSPY_LOG names:
 *
 *     shm_open <pid> <flags, octal> <mode, octal> <result> <name>
 *     shm_unlink <pid> <result> <name>
 *
 * The listing's object lives only while the program runs; this is how the
 * grader sees the mode and flags it was created with.  Without the
 * variable the shim only passes the calls on.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static void log_line(const char *fmt, ...)
{
	const char *path = getenv("GRADER_SHMSPY_LOG");
	int saved_errno = errno;
	char line[512];
	va_list ap;
	int fd, len;

	if (path == NULL)
		return;
	va_start(ap, fmt);
	len = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (len > 0 && (size_t)len < sizeof line) {
		/* O_APPEND: parent and child may both write lines. */
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
		if (fd >= 0) {
			/* A failed write shows as a missing line in the grader. */
			ssize_t written = write(fd, line, (size_t)len);

			(void)written;
			close(fd);
		}
	}
	errno = saved_errno;
}

int shm_open(const char *name, int oflag, mode_t mode)
{
	static int (*real_shm_open)(const char *, int, mode_t);
	int fd;

	if (real_shm_open == NULL)
		real_shm_open = (int (*)(const char *, int, mode_t))
			dlsym(RTLD_NEXT, "shm_open");
	fd = real_shm_open(name, oflag, mode);
	log_line("shm_open %ld %o %o %d %s\n", (long)getpid(), (unsigned)oflag,
		 (unsigned)mode, fd, name);
	return fd;
}

int shm_unlink(const char *name)
{
	static int (*real_shm_unlink)(const char *);
	int result;

	if (real_shm_unlink == NULL)
		real_shm_unlink = (int (*)(const char *))dlsym(RTLD_NEXT, "shm_unlink");
	result = real_shm_unlink(name);
	log_line("shm_unlink %ld %d %s\n", (long)getpid(), result, name);
	return result;
}
