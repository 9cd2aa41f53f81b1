/*
 * parentwait.h - for shims: whether a process's parent sleeps in wait4 or
 * waitid, read from /proc with async-signal-safe calls only (a shim runs
 * in children of fork, and on the way out of exit).
 */
#ifndef SHIMS_PARENTWAIT_H
#define SHIMS_PARENTWAIT_H

#include <fcntl.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

enum parent_state { PARENT_BUSY, PARENT_WAITS, PARENT_GONE };

/* The start of /proc/PID/NAME, NUL-terminated; "" when it cannot be read. */
static inline void parentwait_read(pid_t pid, const char *name, char *buf, size_t size)
{
	char path[64], digits[16];
	size_t n = 0, at = 0;
	ssize_t got = -1;
	int fd;

	do
		digits[n++] = (char)('0' + pid % 10);
	while ((pid /= 10) > 0 && n < sizeof digits);
	for (const char *p = "/proc/"; *p; p++)
		path[at++] = *p;
	while (n > 0)
		path[at++] = digits[--n];
	path[at++] = '/';
	for (const char *p = name; *p && at + 1 < sizeof path; p++)
		path[at++] = *p;
	path[at] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		got = read(fd, buf, size - 1);
		close(fd);
	}
	buf[got > 0 ? got : 0] = '\0';
}

/*
 * What parent, the parent this process had, is doing: sleeping in wait4
 * or waitid (for this child or another), gone (ended, or a zombie), or
 * anything else, which includes /proc not telling.
 */
static inline enum parent_state parentwait_state(pid_t parent)
{
	char line[256];
	const char *state = "";
	long nr = 0;

	if (getppid() != parent)
		return PARENT_GONE;
	parentwait_read(parent, "stat", line, sizeof line);
	for (const char *c = line; *c; c++)	/* the state follows the last ')' */
		if (c[0] == ')' && c[1] == ' ')
			state = c + 2;
	if (*state == 'Z' || *state == 'X')
		return PARENT_GONE;
	parentwait_read(parent, "syscall", line, sizeof line);
	if (line[0] < '0' || line[0] > '9')
		return PARENT_BUSY;
	for (const char *p = line; *p >= '0' && *p <= '9'; p++)
		nr = nr * 10 + (*p - '0');
	return nr == SYS_wait4 || nr == SYS_waitid ? PARENT_WAITS : PARENT_BUSY;
}

#endif
