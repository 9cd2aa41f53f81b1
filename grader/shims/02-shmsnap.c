/*
 * 02-shmsnap.c - LD_PRELOAD shim for lab 02: copies the program's
 * /proc/self/maps to the file GRADER_MAPS_OUT names, once, at the first of
 * two moments: just before its first shmdt(), or at exit() (or the return
 * from main) if it never detaches.
 *
 * A program that tidily detaches its segment before it ends would
 * otherwise have no System V mapping left in an exit-time copy, and the
 * grader could not check the address it printed for the segment.
 * Only the original process writes the file.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/shm.h>
#include <unistd.h>

static pid_t original_pid;
static bool dumped;

__attribute__((constructor)) static void remember_pid(void)
{
	original_pid = getpid();
}

static void dump_maps_once(void)
{
	const char *out = getenv("GRADER_MAPS_OUT");
	char chunk[8192];
	ssize_t n;
	int in_fd, out_fd;
	int saved_errno = errno;

	if (dumped || out == NULL || getpid() != original_pid)
		return;
	dumped = true;
	in_fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	if (in_fd < 0)
		goto done;
	out_fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out_fd >= 0) {
		while ((n = read(in_fd, chunk, sizeof chunk)) > 0)
			if (write(out_fd, chunk, (size_t)n) != n)
				break;
		close(out_fd);
	}
	close(in_fd);
done:
	errno = saved_errno;
}

int shmdt(const void *addr)
{
	static int (*real_shmdt)(const void *);

	dump_maps_once();
	if (real_shmdt == NULL)
		real_shmdt = (int (*)(const void *))dlsym(RTLD_NEXT, "shmdt");
	if (real_shmdt == NULL) {
		errno = ENOSYS;
		return -1;
	}
	return real_shmdt(addr);
}

__attribute__((destructor)) static void dump_at_exit(void)
{
	dump_maps_once();
}
