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
	/* BEGIN SOLUTION */
	sigset_t set;

	(void)dir;
	/*
	 * Blocked before fork(), so the child inherits the mask: a token that
	 * arrives before the child's first sigwaitinfo() waits in the queue
	 * instead of killing it (the default action).
	 */
	if (sigemptyset(&set) != 0 || sigaddset(&set, channel_signal()) != 0)
		return -1;
	return sigprocmask(SIG_BLOCK, &set, &ch->saved_mask);
	/* ELSE STUB
	(void)ch; (void)dir; (void)channel_signal;
	errno = ENOSYS; // TODO(lab 09 §5): block the channel's signal before fork, saving the old mask
	return -1;
	END SOLUTION */
}

int signal_attach(struct channel *ch, enum side side, pid_t peer)
{
	/* BEGIN SOLUTION */
	ch->side = side;
	ch->peer = peer;
	return 0;
	/* ELSE STUB
	(void)ch; (void)side; (void)peer;
	errno = ENOSYS; // TODO(lab 09 §5): remember the side and the peer's pid
	return -1;
	END SOLUTION */
}

int signal_send(struct channel *ch, const void *buf, size_t len)
{
	/* BEGIN SOLUTION */
	union sigval value = { 0 };

	if (len > SIGNAL_MAX_MESSAGE) {
		errno = EMSGSIZE;
		return -1;
	}
	memcpy(&value.sival_int, buf, len);
	return sigqueue(ch->peer, channel_signal(), value);
	/* ELSE STUB
	(void)ch; (void)buf; (void)len;
	errno = ENOSYS; // TODO(lab 09 §5): sigqueue the token to ch->peer in si_value
	return -1;
	END SOLUTION */
}

int signal_recv(struct channel *ch, void *buf, size_t len)
{
	/* BEGIN SOLUTION */
	sigset_t set;
	siginfo_t info;

	if (len > SIGNAL_MAX_MESSAGE) {
		errno = EMSGSIZE;
		return -1;
	}
	if (sigemptyset(&set) != 0 || sigaddset(&set, channel_signal()) != 0)
		return -1;
	for (;;) {
		if (sigwaitinfo(&set, &info) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		/* Only a token queued by the peer counts; anything else is noise. */
		if (info.si_code == SI_QUEUE && info.si_pid == ch->peer)
			break;
	}
	memcpy(buf, &info.si_value.sival_int, len);
	return 0;
	/* ELSE STUB
	(void)ch; (void)buf; (void)len;
	errno = ENOSYS; // TODO(lab 09 §5): sigwaitinfo for a SI_QUEUE token from ch->peer
	return -1;
	END SOLUTION */
}

int signal_close(struct channel *ch)
{
	/* BEGIN SOLUTION */
	sigset_t set;
	const struct timespec now = { 0, 0 };

	/* Take any token still queued: unblocked, it would kill us. */
	if (sigemptyset(&set) != 0 || sigaddset(&set, channel_signal()) != 0)
		return -1;
	while (sigtimedwait(&set, NULL, &now) >= 0 || errno == EINTR)
		continue;
	if (errno != EAGAIN)
		return -1;
	return sigprocmask(SIG_SETMASK, &ch->saved_mask, NULL);
	/* ELSE STUB
	(void)ch;
	errno = ENOSYS; // TODO(lab 09 §5): drain queued tokens, then restore the saved mask
	return -1;
	END SOLUTION */
}
