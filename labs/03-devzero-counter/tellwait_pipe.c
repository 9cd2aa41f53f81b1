/*
 * tellwait_pipe.c - the TELL_WAIT family of tellwait.h on two pipes (the
 * names come out as pipe_TELL_WAIT, ...; see tellwait_pipe.h).
 *
 * TELL_CHILD writes one byte 'p' into the pipe to the child and WAIT_PARENT
 * reads it; TELL_PARENT writes 'c' into the pipe to the parent and
 * WAIT_CHILD reads it.  Each side closes the two ends it never uses the
 * first time it calls the API after fork(): then, when the other side
 * exits, its pipe has no writer left and a WAIT_* reads end of file
 * instead of sleeping for ever.
 */
#define TELLWAIT_PIPES	/* tellwait.h then declares the pipe_ names */
#include "tellwait.h"
#include "tellwait_pipe.h"

#include "errors.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

void TELL_WAIT(void)
{
	// TODO(lab 03 §6): make the two pipes
}

void TELL_PARENT(pid_t pid)
{
	(void)pid; // TODO(lab 03 §6): write one byte to the parent
}

void WAIT_PARENT(void)
{
	// TODO(lab 03 §6): read the parent's byte; end of file means the parent is gone
}

void TELL_CHILD(pid_t pid)
{
	(void)pid; // TODO(lab 03 §6): write one byte to the child
}

void WAIT_CHILD(void)
{
	// TODO(lab 03 §6): read the child's byte; end of file means the child is gone
}
