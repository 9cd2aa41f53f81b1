/*
 * apue.h - the names APUE's figures take from the book's own apue.h, so
 * that fig. 15.33 and the book's TELL_WAIT file can be dropped into this
 * lab as they are printed (see the handout, section 8).  The lab's own
 * files do not use it.
 */
#ifndef APUE_H
#define APUE_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "tellwait.h"

/* "message: strerror(errno)" on stderr, then exit(1): a failed system call. */
_Noreturn void err_sys(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* "message" on stderr, then exit(1): any other fatal error. */
_Noreturn void err_quit(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

#endif
