/*
 * kern_signal.c - a real-time signal as the channel.
 *
 * A signal carries no bytes of its own, but sigqueue(3) attaches one int
 * (si_value) and real-time signals queue instead of merging, so a token
 * of up to sizeof(int) bytes can make a round trip.  The signal stays
 * blocked and is taken with sigwaitinfo(2): no handler, no lost wake-up.
 */
#include "kernels.h"

#include <errno.h>
#include <string.h>
#include <time.h>

/* The signal the channel uses; SIGRTMIN is not a constant, hence a function. */
static int channel_signal(void)
{
	return SIGRTMIN;
}

int signal_open(struct channel *ch, const char *dir)
{
	(void)ch; (void)dir; (void)channel_signal;
	errno = ENOSYS; // TODO(lab 09 §5): block the channel's signal before fork, saving the old mask
	return -1;
}

int signal_attach(struct channel *ch, enum side side, pid_t peer)
{
	(void)ch; (void)side; (void)peer;
	errno = ENOSYS; // TODO(lab 09 §5): remember the side and the peer's pid
	return -1;
}

int signal_send(struct channel *ch, const void *buf, size_t len)
{
	(void)ch; (void)buf; (void)len;
	errno = ENOSYS; // TODO(lab 09 §5): sigqueue the token to ch->peer in si_value
	return -1;
}

int signal_recv(struct channel *ch, void *buf, size_t len)
{
	(void)ch; (void)buf; (void)len;
	errno = ENOSYS; // TODO(lab 09 §5): sigwaitinfo for a SI_QUEUE token from ch->peer
	return -1;
}

int signal_close(struct channel *ch)
{
	(void)ch;
	errno = ENOSYS; // TODO(lab 09 §5): drain queued tokens, then restore the saved mask
	return -1;
}
