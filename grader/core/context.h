/* context.h - the run's context, shared by the runner and the helpers. */
#ifndef GRADER_CONTEXT_H
#define GRADER_CONTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The grader's own descriptors in a test process are moved to this number and up. */
enum { FIRST_GRADER_FD = 64 };

struct grader_context {
	const char *lab;          /* "01-shared-anon" */
	char tmpdir[512];         /* private directory of the run, then of the item */
	char bindir[512];         /* the lab's programs */
	char shimdir[512];        /* LD_PRELOAD shims */
	char shm_prefix[64];      /* "ipclab-<pid>-<random>" */
	char key_file[600];       /* an empty file of the item, for ftok() */
	uint64_t seed;
	double scale;             /* GRADER_TIMEOUT_SCALE */
	pid_t test_pid;           /* the current test process */
	int channel_fd;           /* its completion socket (see completion.h) */
	bool figures;             /* --figures: items measure their leaderboard figures */
};

extern struct grader_context grader_ctx;

/*
 * In an item's host: tmpdir becomes a folder of the item's own inside the
 * run's, with its key file, so that items side by side never share a
 * scratch file; false, with why, when it cannot be made.
 */
bool grader_enter_item_folder(const char *item, char *why, size_t size);

/* Restarts the random stream for one test, from the seed and its name. */
void grader_reseed_for(const char *test_name);

#endif
