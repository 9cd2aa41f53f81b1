/*
 * errors.h - error helpers shared by every lab's programs.
 *
 * Each prints one line on stderr, prefixed with the program's name, and
 * ends the program: a clear message and a non-zero status, never a crash.
 * The line goes out in a single write(), so that the lines of several
 * processes sharing stderr never mix.
 */
#ifndef IPCLAB_ERRORS_H
#define IPCLAB_ERRORS_H

/*
 * "prog: <fmt, printf-style>: strerror(errno)", then exit(1).  For failed
 * system calls: die("open %s", path), never die(path).
 */
_Noreturn void die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/*
 * The same for a forked child, ending with _exit(1): exit would flush
 * stdio buffers copied from the parent and print their text a second
 * time.  Flush what the child itself printed before calling it.
 */
_Noreturn void die_child(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* "prog: <fmt, printf-style>", then exit(1).  For any other failure. */
_Noreturn void fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* The same for a forked child, ending with _exit(1), as die_child. */
_Noreturn void fail_child(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* "usage: prog ARGS", then exit(2).  For a bad command line. */
_Noreturn void usage(const char *args);

#endif
