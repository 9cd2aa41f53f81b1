/*
 * probe.h - what a command started by code under test inherited.
 *
 * The suite's own binary doubles as a probe command: started with a log
 * named (probe_start), it writes its pid into the log and waits, until
 * the test has read from /proc the descriptors it got (what each one is,
 * and how it is open) and lets it go on with SIGUSR2; then it runs the
 * real command.  The probe writes no record: code under test, which can
 * write the log too, can only name pids, and the test looks only at a
 * process of its own tree that runs this binary and waits where a probe
 * waits.  The test looks while it waits for the code (probe_service, in
 * child_wait_until and run_program).  A suite checks what reached the
 * commands of a pipeline from inside them:
 *
 *     char *left[] = { (char *)probe_path(), "left", "seq", "1", "9", NULL };
 *
 *     probe_start();
 *     ... pipe_commands(left, right) ...
 *     struct probe_view v = probe_read("left");   // fd 1: "pipe:[...]", 'w'
 *     probe_end();
 *
 * or shadows commands the code runs by name (probe_shadow: "ls" and "wc"
 * first in PATH record under their own name).  Linking this file adds a
 * constructor that does nothing unless the binary is started as a probe.
 */
#ifndef GRADER_PROBE_H
#define GRADER_PROBE_H

#include <stdbool.h>

/* What one probe saw. */
struct probe_view {
	bool found;               /* the probe ran */
	int count;
	int fd[32];               /* its descriptors, ascending */
	char mode[32];            /* 'r', 'w', 'b' or '?' (fd_mode) */
	char target[32][64];      /* "pipe:[1234]", "/dev/null", ... */
};

/* This binary: run as "PATH LABEL [COMMAND ARGS...]" it probes, then runs COMMAND. */
const char *probe_path(void);

/* A fresh log for the probes this test starts (through the environment). */
void probe_start(void);
/*
 * Also puts probes named names (NULL-ended) first in PATH (after
 * probe_start); names is kept, not copied: it must live until probe_end.
 */
void probe_shadow(const char *const names[]);
/* Restores PATH and the environment, removes the log and the shadows. */
void probe_end(void);

/*
 * Looks at the probes that announced themselves and lets them go on; true
 * while one announced is not waiting yet.  Called by the grader's loops
 * that wait for code under test; does nothing without probe_start.
 */
bool probe_service(void);
/* Whether probes may come (between probe_start and probe_end). */
bool probe_armed(void);

/* The line of the probe labelled label (its name when it shadows a command). */
struct probe_view probe_read(const char *label);
/* Index of fd in v, or -1. */
int probe_index(const struct probe_view *v, int fd);
/* The first descriptor above 2 the probe had, or -1; its index in *at. */
int probe_extra(const struct probe_view *v, int *at);

/*
 * Every probe of the log as the item's picture (snapshot.h): each command
 * with the descriptors it started with, those above 2 marked left open.
 * It replaces an earlier snapshot of the item: call it just before the
 * check that fails.
 */
void probe_picture(void);

#endif
