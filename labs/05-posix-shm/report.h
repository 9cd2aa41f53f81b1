/* report.h - error messages that name the errno, for the lab's programs. */
#ifndef REPORT_H
#define REPORT_H

/* "EEXIST" for EEXIST, ...; "errno N" for a value it does not know. */
const char *errno_name(int error);

/*
 * Ends the program after a failed region_* call on the object name, with
 * one line on stderr that says what went wrong and names the errno:
 * "prog: /orders: the name is taken (EEXIST)".
 */
_Noreturn void fail_object(const char *name);

#endif
