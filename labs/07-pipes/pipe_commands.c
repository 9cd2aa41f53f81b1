/* pipe_commands.c - left | right, as a shell runs it.  See pipeline.h. */
#define _GNU_SOURCE /* pipe2(): Linux, and POSIX.1-2024 */
#include "pipeline.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child_fds.h"
#include "errors.h"

int pipe_commands(char *const left[], char *const right[])
{
	(void)left;
	(void)right;
	errno = ENOSYS; // TODO(lab 07 §4): pipe, fork twice, dup2, exec, close, wait for both
	return -1;
}
