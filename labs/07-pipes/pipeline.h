/*
 * pipeline.h - running commands connected by pipes, as a shell does for
 * "left | right".
 *
 * A command is an argument vector for execvp(): its name (looked up in
 * PATH) first, then its arguments, then NULL.
 */
#ifndef PIPELINE_H
#define PIPELINE_H

#include <stddef.h>

/*
 * In a child after fork: executes argv.  If that fails, prints
 * "NAME: cannot execute: REASON" on stderr and ends the child with status
 * 127, as a shell does for a command it cannot run.  Never returns.
 */
_Noreturn void exec_command(char *const argv[]);

/*
 * A wait status as a shell reports it: the exit status, or 128 plus the
 * number of the signal that killed the process.
 */
int shell_status(int wait_status);

/*
 * Runs left | right: left's standard output feeds right's standard input;
 * both keep the caller's standard error, left keeps its standard input and
 * right its standard output.  Neither command gets any other descriptor.
 * Waits for both and returns right's status (shell_status), or -1 with
 * errno set if the pipe or a child could not be made.
 */
int pipe_commands(char *const left[], char *const right[]);

/*
 * The same for count >= 1 commands: commands[0] | commands[1] | ...
 * Returns the last command's status, or -1 with errno set.
 */
int pipeline_run(char *const *const commands[], size_t count);

#endif
