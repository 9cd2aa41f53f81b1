/*
 * transcript.h - what the item's programs printed, for VERBOSE=1.
 *
 * A hint quotes 40 characters of a program's output; a student debugging
 * a failure wants all of it.  Every program a test runs (run.c) adds one
 * record to the item's transcript, a file in the item's folder: the
 * command line, how it ended, and the start of its stdout and stderr.  The
 * host reads the transcript's last records into a failing item's result.
 * The code under test can write into that file too: the transcript is
 * shown as the programs' output, never read for a verdict.
 */
#ifndef GRADER_TRANSCRIPT_H
#define GRADER_TRANSCRIPT_H

#include <stddef.h>

#include "run.h"

enum { TRANSCRIPT_STREAM_BYTES = 1024 }; /* of each stream, per program */

/* "prog arg1 arg2", at most size bytes, for the record of a program. */
void transcript_command(char *line, size_t size, const char *prog, const char *const args[]);

/* In the test process: appends a program's record to the item's transcript. */
void transcript_record(const char *command, const struct run_result *res);

/* In the host: the transcript's last records, at most size - 1 bytes. */
void transcript_read(char *buf, size_t size);

#endif
