/* kern_pipe.c - anonymous pipes and a socketpair, made before fork(). */
#include "kernels.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

int pipe_open(struct channel *ch, const char *dir)
{
	/* BEGIN SOLUTION */
	(void)dir;
	if (pipe(ch->fd[A_TO_B]) != 0)
		return -1;
	if (pipe(ch->fd[B_TO_A]) != 0) {
		int saved = errno;

		close(ch->fd[A_TO_B][0]);
		close(ch->fd[A_TO_B][1]);
		ch->fd[A_TO_B][0] = ch->fd[A_TO_B][1] = -1;
		errno = saved;
		return -1;
	}
	return 0;
	/* ELSE STUB
	(void)ch; (void)dir;
	errno = ENOSYS; // TODO(lab 09 §3): one pipe per direction, in ch->fd[A_TO_B] and ch->fd[B_TO_A]
	return -1;
	END SOLUTION */
}

int pipe_attach(struct channel *ch, enum side side, pid_t peer)
{
	/* BEGIN SOLUTION */
	int out = side == SIDE_A ? A_TO_B : B_TO_A;
	int in = 1 - out;

	ch->side = side;
	ch->peer = peer;
	/* Keep our ends; close the peer's, or EOF would never reach us. */
	ch->out = ch->fd[out][1];
	ch->in = ch->fd[in][0];
	ch->fd[out][1] = ch->fd[in][0] = -1;
	if (close(ch->fd[out][0]) != 0 || close(ch->fd[in][1]) != 0)
		return -1;
	ch->fd[out][0] = ch->fd[in][1] = -1;
	return 0;
	/* ELSE STUB
	(void)ch; (void)side; (void)peer;
	errno = ENOSYS; // TODO(lab 09 §3): keep this side's ends in ch->in/ch->out, close the others
	return -1;
	END SOLUTION */
}

int socketpair_open(struct channel *ch, const char *dir)
{
	/* BEGIN SOLUTION */
	int sv[2];

	(void)dir;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return -1;
	ch->fd[SIDE_A][0] = sv[0];
	ch->fd[SIDE_B][0] = sv[1];
	return 0;
	/* ELSE STUB
	(void)ch; (void)dir;
	errno = ENOSYS; // TODO(lab 09 §3): socketpair(AF_UNIX, SOCK_STREAM), one end per side
	return -1;
	END SOLUTION */
}

int socketpair_attach(struct channel *ch, enum side side, pid_t peer)
{
	/* BEGIN SOLUTION */
	int other = side == SIDE_A ? SIDE_B : SIDE_A;

	ch->side = side;
	ch->peer = peer;
	ch->in = ch->out = ch->fd[side][0];
	ch->fd[side][0] = -1;
	if (close(ch->fd[other][0]) != 0)
		return -1;
	ch->fd[other][0] = -1;
	return 0;
	/* ELSE STUB
	(void)ch; (void)side; (void)peer;
	errno = ENOSYS; // TODO(lab 09 §3): keep this side's socket (both ways), close the other
	return -1;
	END SOLUTION */
}
