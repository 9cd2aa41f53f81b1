/* kern_pipe.c - anonymous pipes and a socketpair, made before fork(). */
#include "kernels.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

int pipe_open(struct channel *ch, const char *dir)
{
	(void)ch; (void)dir;
	errno = ENOSYS; // TODO(lab 09 §3): one pipe per direction, in ch->fd[A_TO_B] and ch->fd[B_TO_A]
	return -1;
}

int pipe_attach(struct channel *ch, enum side side, pid_t peer)
{
	(void)ch; (void)side; (void)peer;
	errno = ENOSYS; // TODO(lab 09 §3): keep this side's ends in ch->in/ch->out, close the others
	return -1;
}

int socketpair_open(struct channel *ch, const char *dir)
{
	(void)ch; (void)dir;
	errno = ENOSYS; // TODO(lab 09 §3): socketpair(AF_UNIX, SOCK_STREAM), one end per side
	return -1;
}

int socketpair_attach(struct channel *ch, enum side side, pid_t peer)
{
	(void)ch; (void)side; (void)peer;
	errno = ENOSYS; // TODO(lab 09 §3): keep this side's socket (both ways), close the other
	return -1;
}
