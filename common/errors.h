/*
 * errors.h - error helpers shared by every lab's programs.
 *
 * Each prints one line on stderr, prefixed with the program's name, and
 * ends the program: a clear message and a non-zero status, never a crash.
 */
#ifndef IPCLAB_ERRORS_H
#define IPCLAB_ERRORS_H

/* "prog: what: strerror(errno)", then exit(1).  For failed system calls. */
_Noreturn void die(const char *what);

/* "prog: message", then exit(1).  printf-style. */
_Noreturn void fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* "usage: prog ARGS", then exit(2).  For a bad command line. */
_Noreturn void usage(const char *args);

#endif
