/* count_arg.h - reading a count from the command line. */
#ifndef IPCLAB_COUNT_ARG_H
#define IPCLAB_COUNT_ARG_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Reads text as a decimal count in [1, max] into *out.  False for anything
 * else: empty, a sign, a space, other characters, 0, or over max.
 */
bool count_arg(const char *text, size_t max, size_t *out);

#endif
