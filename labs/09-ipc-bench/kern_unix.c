/* kern_unix.c - a UNIX-domain stream socket: side A listens, side B connects. */
#include "kernels.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* Fills addr with path; -1 with ENAMETOOLONG if it does not fit. */
static int make_address(struct sockaddr_un *addr, const char *path)
{
	memset(addr, 0, sizeof *addr);
	addr->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof addr->sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(addr->sun_path, path);
	return 0;
}

int unix_open(struct channel *ch, const char *dir)
{
	(void)ch; (void)dir; (void)make_address;
	errno = ENOSYS; // TODO(lab 09 §3): socket, bind to a path in dir (kept in ch->path[0]), listen
	return -1;
}

int unix_attach(struct channel *ch, enum side side, pid_t peer)
{
	(void)ch; (void)side; (void)peer;
	errno = ENOSYS; // TODO(lab 09 §3): side A accepts then unlinks the path; side B connects
	return -1;
}
