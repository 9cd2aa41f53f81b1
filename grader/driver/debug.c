/*
 * debug.c - make debug: one test of one lab, in the foreground.
 *
 * The lab is built as for grading (in the build sandbox); then its suite
 * runs the one test in its own process (the runner's --debug), without the
 * sandbox, the test's host or Check's fork, under gdb or strace if asked,
 * as the user who typed the command.  The student's own code is then
 * under the student's own debugger: this is no grading.
 */
#include "driver.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The debugger's words before the suite's command line. */
static size_t tool_prefix(const char *tool, const char **argv)
{
	size_t n = 0;

	if (strcmp(tool, "gdb") == 0) {
		argv[n++] = "gdb";
		argv[n++] = "-q";
		argv[n++] = "--args";
	} else if (strcmp(tool, "strace") == 0) {
		argv[n++] = "strace";
		argv[n++] = "-f";
	}
	return n;
}

int debug_test(const struct grading *g, const struct catalogue_lab *lab, const char *tool)
{
	struct lab_report lr = { .lab = lab };
	char ctx[4300], bin[4400], suite[4500], shims[4500], seed[32], scale[32];
	const char *argv[16];
	size_t n;
	int status;
	pid_t pid;

	if (lab->count != 1) {
		fprintf(stderr, "ipcgrade: make debug runs one test; TEST= chose %zu of %s "
			"(give a full name)\n", lab->count, lab->name);
		return 2;
	}
	if (strcmp(tool, "gdb") && strcmp(tool, "strace") && strcmp(tool, "none")) {
		fprintf(stderr, "ipcgrade: TOOL must be gdb, strace or none, not '%s'\n", tool);
		return 2;
	}
	lr.results = calloc(1, sizeof *lr.results);
	if (lr.results == NULL || !build_lab(g, &lr)) {
		fprintf(stderr, "ipcgrade: %s does not build:\n%s", lab->name,
			lr.results ? lr.build_errors : "out of memory\n");
		free(lr.results);
		return 1;
	}
	/* The build folder's, which stay there after this run: gdb may look again. */
	build_context(g, lab, ctx, sizeof ctx);
	snprintf(bin, sizeof bin, "%s/out", ctx);
	snprintf(suite, sizeof suite, "%s/suite", bin);
	snprintf(shims, sizeof shims, "%s/shims", g->core);
	snprintf(seed, sizeof seed, "%llu", (unsigned long long)g->seed);
	snprintf(scale, sizeof scale, "%g", g->scale);
	n = tool_prefix(tool, argv);
	argv[n++] = suite;
	argv[n++] = "--debug";
	argv[n++] = lab->tests[0].name;
	argv[n++] = "--bindir";
	argv[n++] = bin;
	argv[n++] = "--shimdir";
	argv[n++] = shims;
	argv[n++] = "--seed";
	argv[n++] = seed;
	argv[n++] = "--scale";
	argv[n++] = scale;
	argv[n] = NULL;
	printf("ipcgrade: %s %s in the foreground%s%s, seed %s; the lab's programs: %s/\n",
	       lab->name, lab->tests[0].name, strcmp(tool, "none") ? " under " : "",
	       strcmp(tool, "none") ? tool : "", seed, bin);
	fflush(stdout);
	/* Ctrl-C is the debugger's (or the test's) now. */
	signal(SIGINT, SIG_IGN);
	pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "ipcgrade: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	free(lr.results);
	if (pid < 0) {
		fprintf(stderr, "ipcgrade: fork: %s\n", strerror(errno));
		return 2;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 2;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
