/*
 * tellwait_pipe.h - the API of tellwait.h built on two pipes, one byte
 * each way.  tellwait_pipe.c writes the book's names (TELL_WAIT, ...);
 * tellwait.h renames them for that file, so that both implementations
 * live in one program and the grader can test each.
 */
#ifndef TELLWAIT_PIPE_H
#define TELLWAIT_PIPE_H

#include <sys/types.h>

void pipe_TELL_WAIT(void);
void pipe_TELL_PARENT(pid_t pid);
void pipe_WAIT_PARENT(void);
void pipe_TELL_CHILD(pid_t pid);
void pipe_WAIT_CHILD(void);

#endif
