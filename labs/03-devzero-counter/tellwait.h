/*
 * tellwait.h - APUE's parent/child synchronisation (section 8.9), with the
 * book's names and signatures.
 *
 *     TELL_WAIT();                  before fork(): get ready to be told
 *     TELL_CHILD(pid);  WAIT_CHILD();    in the parent
 *     TELL_PARENT(ppid); WAIT_PARENT();  in the child
 *
 * A WAIT_* returns once the other process has called the matching TELL_*,
 * whether that happened before or after the WAIT_* began; each TELL_*
 * releases exactly one WAIT_*.  Misuse (WAIT_* before TELL_WAIT, a TELL_*
 * to a process that does not exist) ends the program with a message, as
 * APUE's err_sys does.
 *
 * tellwait.c builds this on SIGUSR1/SIGUSR2 and sigsuspend();
 * tellwait_pipe.c builds the same API on two pipes, compiled under the
 * names of tellwait_pipe.h.
 */
#ifndef TELLWAIT_H
#define TELLWAIT_H

#include <sys/types.h>

/* tellwait_pipe.c defines TELLWAIT_PIPES: its functions get a pipe_ prefix. */
#ifdef TELLWAIT_PIPES
#define TELL_WAIT pipe_TELL_WAIT
#define TELL_PARENT pipe_TELL_PARENT
#define WAIT_PARENT pipe_WAIT_PARENT
#define TELL_CHILD pipe_TELL_CHILD
#define WAIT_CHILD pipe_WAIT_CHILD
#endif

void TELL_WAIT(void);
void TELL_PARENT(pid_t pid);
void WAIT_PARENT(void);
void TELL_CHILD(pid_t pid);
void WAIT_CHILD(void);

#endif
