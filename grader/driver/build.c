/* build.c - build one lab with mk/lab.mk, keep the compiler's first errors. */
#include "driver.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

/* mkdir -p */
int make_dirs(const char *path)
{
	char buf[1024];

	snprintf(buf, sizeof buf, "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

/* The log's first lines that say error (or its first lines at all). */
static void first_errors(const char *log_path, char *errors, size_t size)
{
	FILE *f = fopen(log_path, "re");
	char line[512];
	size_t used = 0;
	int lines = 0;

	errors[0] = '\0';
	if (f == NULL)
		return;
	while (lines < 8 && fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "make", 4) == 0 || strstr(line, "In function"))
			continue;
		if (lines == 0 && !strstr(line, "error") && !strstr(line, "undefined"))
			continue;
		used += (size_t)snprintf(errors + used, size - used, "%s", line);
		if (used >= size)
			break;
		lines++;
	}
	if (lines == 0) {
		rewind(f);
		while (lines < 8 && fgets(line, sizeof line, f) != NULL && used < size) {
			used += (size_t)snprintf(errors + used, size - used, "%s", line);
			lines++;
		}
	}
	fclose(f);
}

bool build_lab(const struct grading *g, const struct catalogue_lab *lab,
	       char *errors, size_t size)
{
	char out[1024], log_path[1100], makefile[1024];
	char src_arg[1100], lab_arg[200], out_arg[1100], core_arg[1100];
	char san_arg[16];
	bool timed_out;
	int status;

	snprintf(out, sizeof out, "%s/%s", g->build, lab->name);
	if (make_dirs(out) < 0) {
		snprintf(errors, size, "cannot create %s: %s\n", out, strerror(errno));
		return false;
	}
	snprintf(log_path, sizeof log_path, "%s/build.log", out);
	snprintf(makefile, sizeof makefile, "%s/mk/lab.mk", g->root);
	snprintf(src_arg, sizeof src_arg, "SRC=%s", g->src);
	snprintf(lab_arg, sizeof lab_arg, "LAB=%s", lab->name);
	snprintf(out_arg, sizeof out_arg, "OUT=%s", out);
	snprintf(core_arg, sizeof core_arg, "CORE=%s", g->core);
	snprintf(san_arg, sizeof san_arg, "SAN=%d", g->sanitize ? 1 : 0);
	char *argv[] = { "make", "-s", "--no-print-directory", "-f", makefile,
			 src_arg, lab_arg, out_arg, core_arg, san_arg, NULL };

	status = spawn_wait(argv, log_path, 300, &timed_out);
	if (status == 0 && !timed_out)
		return true;
	if (status < 0)
		snprintf(errors, size, "cannot run make: %s\n", strerror(errno));
	else if (timed_out)
		snprintf(errors, size, "the build took more than 300 s\n");
	else
		first_errors(log_path, errors, size);
	return false;
}
