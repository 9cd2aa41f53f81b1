/* mechanisms.c - the table of mechanisms, in the order of the report. */
#include "channel.h"

#include <stdint.h>
#include <string.h>

#include "kernels.h"

const struct mechanism mechanisms[] = {
	{ "file", "a regular file per direction, doorbell and ack through pipes",
	  SIZE_MAX, file_open, file_attach, file_send, file_recv, file_close },
	{ "pipe", "pipe(2), one per direction",
	  SIZE_MAX, pipe_open, pipe_attach, stream_send, stream_recv, stream_close },
	{ "fifo", "two named pipes (mkfifo), opened by name",
	  SIZE_MAX, fifo_open, fifo_attach, stream_send, stream_recv, stream_close },
	{ "socketpair", "socketpair(AF_UNIX, SOCK_STREAM)",
	  SIZE_MAX, socketpair_open, socketpair_attach, stream_send, stream_recv, stream_close },
	{ "unix", "UNIX-domain stream socket, bound to a path: accept/connect",
	  SIZE_MAX, unix_open, unix_attach, stream_send, stream_recv, stream_close },
	{ "signal", "real-time signal with one int (sigqueue/sigwaitinfo): latency only",
	  SIGNAL_MAX_MESSAGE, signal_open, signal_attach, signal_send, signal_recv, signal_close },
	{ "shm-sem", "shared-memory byte ring, process-shared semaphores, woken only when asleep",
	  SIZE_MAX, shmsem_open, shm_attach, shm_send, shm_recv, shm_close },
	{ "shm-futex", "the same ring, spin then futex: the upper bound",
	  SIZE_MAX, shmfutex_open, shm_attach, shm_send, shm_recv, shm_close },
};

const size_t mechanism_count = sizeof mechanisms / sizeof mechanisms[0];

const struct mechanism *mechanism_find(const char *name)
{
	for (size_t i = 0; i < mechanism_count; i++)
		if (strcmp(mechanisms[i].name, name) == 0)
			return &mechanisms[i];
	return NULL;
}

void channel_init(struct channel *ch)
{
	memset(ch, 0, sizeof *ch);
	ch->side = SIDE_NONE;
	ch->peer = -1;
	ch->in = ch->out = ch->listener = -1;
	for (int d = 0; d < 2; d++) {
		ch->fd[d][0] = ch->fd[d][1] = -1;
		ch->file[d] = -1;
		ch->bell[d][0] = ch->bell[d][1] = -1;
		ch->ack[d][0] = ch->ack[d][1] = -1;
	}
	/* signal_close() restores this, even when signal_open() never ran. */
	sigprocmask(SIG_SETMASK, NULL, &ch->saved_mask);
}
