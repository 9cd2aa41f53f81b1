/*
 * results.h - the one result model, and its line format between the
 * runner (which writes it) and the driver (which reads and renders it).
 *
 *   lab<TAB>NN-name<TAB>seed<TAB>N      first line
 *   start<TAB>TEST                      an item began
 *   item<TAB>TEST<TAB>STATUS<TAB>SCORE<TAB>MAX<TAB>SECONDS<TAB>HINT<TAB>INTEGRITY
 *       <TAB>TRANSCRIPT<TAB>SNAPSHOT<TAB>FIGURES  (these three escaped: \n, \t, \\)
 *
 * Every line is written whole as soon as it is known, on a pipe that no
 * test process holds.  INTEGRITY is empty, or what the code under test
 * did to the grader (a forged completion, a broken grader process).
 */
#ifndef GRADER_RESULTS_H
#define GRADER_RESULTS_H

#include <stdint.h>
#include <stdio.h>

enum result_status {
	RESULT_PASS,
	RESULT_FAIL,     /* an assertion failed, or something was left behind */
	RESULT_TIMEOUT,  /* no result before the item's timeout */
	RESULT_CRASH,    /* the test process was killed by a signal */
	RESULT_ERROR,    /* no result at all, or the lab did not build */
};

struct result {
	char name[96];
	enum result_status status;
	int score, max;
	double seconds;
	char hint[768];
	char integrity[320];  /* "" or an integrity finding; the item then earns 0 */
	char transcript[4096]; /* a failing item's programs and their output (VERBOSE) */
	char snapshot[4096];  /* a failing item's processes at its hang (snapshot.h), or "" */
	char figures[256];    /* a passing item's figures: "NAME\tVALUE\tasc|desc\n"... */
};

const char *result_status_name(enum result_status s);
int result_status_parse(const char *word, enum result_status *s);

void results_write_header(FILE *f, const char *lab, uint64_t seed);
void results_write_start(FILE *f, const char *test);
/* Undoes the escapes of a line's transcript field, in place. */
void results_unescape(char *s);
void results_write_item(FILE *f, const struct result *r);
/* For a runner started by hand: a readable line per item. */
void results_print_item(FILE *f, const struct result *r);

#endif
