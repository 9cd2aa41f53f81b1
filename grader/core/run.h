/*
 * run.h - run a lab's program as a child of the test.
 *
 * The child gets its own process group, only descriptors 0-2 (stdin fed
 * from a buffer, stdout and stderr captured), default signal dispositions
 * and an empty signal mask.  The program is killed at its deadline, and
 * every process left in its group after it exits is killed too (and
 * reported, as an orphan the program forgot to wait for).
 */
#ifndef GRADER_RUN_H
#define GRADER_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct run_opts {
	const char *input;        /* fed to stdin, which is then closed */
	size_t input_len;         /* 0 with input set: strlen(input) */
	double timeout;           /* seconds, scaled; 0 means 2 s */
	const char *cwd;          /* NULL: the test's directory */
	const char *const *env;   /* extra NAME=VALUE strings, NULL-ended */
	const char *preload;      /* shims in grader_shimdir(), "slowchild" or "faults slowchild" */
	bool keep_stdin_open;     /* run_start only: feed with run_feed() */
	bool stdin_closed;        /* starts with descriptor 0 closed (input unused) */
	bool explain_hang;        /* timed out: autopsy is autopsy_hint's hint */
	size_t stop_at_output;    /* > 0: stop the program once its stdout holds
				   * this many bytes (res->stopped_running) */
};

struct run_result {
	int spawn_error;          /* errno if the program could not start */
	bool exited;              /* exit_code is valid */
	int exit_code;
	int term_signal;          /* the killing signal, or 0 */
	bool timed_out;           /* killed at the deadline */
	bool stopped_running;     /* killed while running, its stdout at
				   * opts.stop_at_output bytes */
	bool left_processes;      /* processes were still in its group at exit */
	char *out;                /* NUL-terminated captured stdout */
	size_t out_len;
	bool out_truncated;       /* it wrote more than the grader keeps (1 MiB) */
	char *err;                /* NUL-terminated captured stderr */
	size_t err_len;
	bool err_truncated;
	double seconds;           /* wall time until exit */
	char *autopsy;            /* timed out: what its processes waited in (or,
				   * with explain_hang, why, with advice) */
};

/*
 * Runs prog (a program of the lab, looked up in grader_bindir(), or a path
 * containing a slash) with args (NULL-ended, without argv[0]) and waits
 * for it.  Returns 0 when the program ran (whatever its status), -1 when
 * it could not be started (res->spawn_error says why).
 */
int run_program(const char *prog, const char *const args[],
		const struct run_opts *opts, struct run_result *res);

/* The same in two steps, for a program that must run beside another. */
struct running;
struct running *run_start(const char *prog, const char *const args[],
			  const struct run_opts *opts);
pid_t run_pid(const struct running *r);
/* Writes to the program's stdin (run_start with keep_stdin_open). */
int run_feed(struct running *r, const char *data, size_t len);
/* Closes the program's stdin. */
void run_close_stdin(struct running *r);
int run_finish(struct running *r, struct run_result *res);

void run_result_free(struct run_result *res);

/* What a program must do with a command line or input it refuses. */
struct refusal {
	const char *what;         /* the call, for the hint: "PATH", "with no arguments" */
	int code;                 /* the exit status expected; 0: any but 0 */
	const char *input;        /* fed to stdin, or NULL */
	const char *names;        /* the line on stderr must contain it, or NULL */
	const char *advice;       /* ends each hint, or NULL */
	double timeout;           /* seconds, scaled; 0 means 1.5 s */
};

/*
 * The rule every lab's programs follow for bad input: fail fast, with the
 * expected status and one line on stderr (naming what it refuses).  True
 * when prog with args did; otherwise hint says what it did instead, e.g.
 * "fifo_writer PATH ended with exit 0: expected a non-zero exit and one
 * line on stderr (a regular file is not a FIFO)".
 */
bool run_refused(const char *prog, const char *const args[], const struct refusal *r,
		 char *hint, size_t size);

/* "exit 0", "exit 3", "killed by SIGSEGV", "was still running after 2.0 s" */
const char *run_describe(const struct run_result *res, char *buf, size_t size);

/*
 * Whether a program's stderr starts with one of glibc getopt's own
 * messages ("invalid option", "option requires an argument"): the program
 * left opterr at 1, and its own usage line comes second.
 */
bool run_getopt_spoke_first(const char *err);

#endif
