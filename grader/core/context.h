/* context.h - the run's context, shared by the runner and the helpers. */
#ifndef GRADER_CONTEXT_H
#define GRADER_CONTEXT_H

#include <stdint.h>
#include <sys/types.h>

struct grader_context {
	const char *lab;          /* "01-shared-anon" */
	char tmpdir[512];         /* private directory of the run */
	char bindir[512];         /* the lab's programs */
	char shimdir[512];        /* LD_PRELOAD shims */
	char shm_prefix[64];      /* "ipclab-<pid>-<random>" */
	char key_file[600];       /* an empty file of the run, for ftok() */
	uint64_t seed;
	double scale;             /* GRADER_TIMEOUT_SCALE */
	pid_t test_pid;           /* the current test process */
	int channel_fd;           /* its completion socket (see completion.h) */
};

extern struct grader_context grader_ctx;

/* Restarts the random stream for one test, from the seed and its name. */
void grader_reseed_for(const char *test_name);

#endif
