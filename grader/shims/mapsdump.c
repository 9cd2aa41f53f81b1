/*
 * mapsdump.c - LD_PRELOAD shim: when the program calls exit() (or returns
 * from main), copy its /proc/self/maps to the file GRADER_MAPS_OUT names,
 * so the grader can check every address the program printed against the
 * mappings it really had.  Only the original process writes the file.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

static pid_t original_pid;

__attribute__((constructor)) static void remember_pid(void)
{
	original_pid = getpid();
}

__attribute__((destructor)) static void dump_maps(void)
{
	const char *out = getenv("GRADER_MAPS_OUT");
	char chunk[8192];
	ssize_t n;
	int in_fd, out_fd;

	if (out == NULL || getpid() != original_pid)
		return;
	in_fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	if (in_fd < 0)
		return;
	out_fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out_fd >= 0) {
		while ((n = read(in_fd, chunk, sizeof chunk)) > 0)
			if (write(out_fd, chunk, (size_t)n) != n)
				break;
		close(out_fd);
	}
	close(in_fd);
}
