/* driver.h - the grading driver's pieces: catalogue, build, run, report. */
#ifndef DRIVER_H
#define DRIVER_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "results.h"

/* ---- catalogue.c, generated from the suites' .def tables ---- */

struct catalogue_test {
	const char *name;
	int points;
	double timeout;
	const char *section;
};

struct catalogue_lab {
	const char *name;                 /* "01-shared-anon" */
	const struct catalogue_test *tests;
	size_t count;
};

extern const struct catalogue_lab catalogue[];
extern const size_t catalogue_count;

/* ---- what one grading run needs ---- */

struct grading {
	const char *root;         /* the workbook's top folder */
	const char *src;          /* folder holding the NN-name lab folders */
	const char *build;        /* build folder for src */
	const char *core;         /* folder holding libgrader.a and shims/ */
	const char *run_dir;      /* private temporary folder of this run */
	uint64_t seed;
	double scale;
	bool sanitize;            /* build with ASan and UBSan */
	const char *sandbox;      /* "auto", "bwrap" or "none" */
	const char *run_as;       /* user to drop to when root, or NULL */
	const char *only;         /* run only these tests ("a,b"), or NULL */
};

struct lab_report {
	const struct catalogue_lab *lab;
	struct result *results;   /* lab->count entries, in table order */
	bool built;
	bool missing;             /* no folder for it in src */
	char build_errors[2048];  /* the compiler's first lines */
	char note[1600];           /* about the run (sandbox, a crash) */
};

/* build.c: mkdir -p. */
int make_dirs(const char *path);

/* build.c: builds one lab; false with the first errors when it fails. */
bool build_lab(const struct grading *g, const struct catalogue_lab *lab,
	       char *errors, size_t size);

/* sandbox.c: runs the lab's suite and fills the report's results. */
void run_suite(const struct grading *g, struct lab_report *report);
/* What the sandbox in use is ("bubblewrap as nobody", "none: ..."). */
const char *sandbox_description(void);

/* report.c: the views of the one result model. */
enum report_format { FORMAT_TEXT, FORMAT_JSON, FORMAT_TAP, FORMAT_JUNIT, FORMAT_TSV };
int report_format_parse(const char *word, enum report_format *f);
void report_render(FILE *f, enum report_format format, const struct grading *g,
		   const struct lab_report *labs, size_t count, double seconds,
		   bool colour);
void report_totals(const struct lab_report *labs, size_t count, int *score, int *max);

/* spawn.c: set by SIGINT or SIGTERM; the running command is then stopped. */
extern volatile sig_atomic_t driver_interrupted;
void driver_catch_interrupts(void);
void driver_become_subreaper(void);

/* spawn.c: run a command with output to a file, wait, return its status. */
int spawn_wait(char *const argv[], const char *log_path, double timeout,
	       bool *timed_out);

#endif
