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
	/* BEGIN SOLUTION */
	struct sockaddr_un addr;
	int n = snprintf(ch->path[0], sizeof ch->path[0], "%s/sock-%ld", dir,
			 (long)getpid());

	if (n < 0 || (size_t)n >= sizeof ch->path[0]) {
		ch->path[0][0] = '\0';
		errno = ENAMETOOLONG;
		return -1;
	}
	if (make_address(&addr, ch->path[0]) != 0)
		return -1;
	ch->listener = socket(AF_UNIX, SOCK_STREAM, 0);
	if (ch->listener < 0)
		return -1;
	/* Listening before fork(): side B's connect() cannot come too early. */
	if (bind(ch->listener, (struct sockaddr *)&addr, sizeof addr) != 0) {
		ch->path[0][0] = '\0';  /* nothing was made: nothing to remove */
		return -1;
	}
	return listen(ch->listener, 1);
	/* ELSE STUB
	(void)ch; (void)dir; (void)make_address;
	errno = ENOSYS; // TODO(lab 09 §3): socket, bind to a path in dir (kept in ch->path[0]), listen
	return -1;
	END SOLUTION */
}

int unix_attach(struct channel *ch, enum side side, pid_t peer)
{
	/* BEGIN SOLUTION */
	ch->side = side;
	ch->peer = peer;
	if (side == SIDE_A) {
		int fd;

		do
			fd = accept(ch->listener, NULL, NULL);
		while (fd < 0 && errno == EINTR);
		if (fd < 0)
			return -1;
		ch->in = ch->out = fd;
		/* Connected: neither the listener nor the name is needed. */
		if (close(ch->listener) != 0 || unlink(ch->path[0]) != 0)
			return -1;
		ch->listener = -1;
		ch->path[0][0] = '\0';
	} else {
		struct sockaddr_un addr;
		int fd;

		if (close(ch->listener) != 0)
			return -1;
		ch->listener = -1;
		if (make_address(&addr, ch->path[0]) != 0)
			return -1;
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd < 0)
			return -1;
		ch->in = ch->out = fd;
		if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0)
			return -1;
	}
	return 0;
	/* ELSE STUB
	(void)ch; (void)side; (void)peer;
	errno = ENOSYS; // TODO(lab 09 §3): side A accepts then unlinks the path; side B connects
	return -1;
	END SOLUTION */
}
