/*
 * build.c - build one lab in the build sandbox, keep the compiler's first
 * errors.
 *
 * Every graded tree has build folders of its own, named after a hash of
 * its full path (and of the user grading), so that grading one folder
 * never reuses another's build.  A lab's build folder holds:
 *   src/           the staged sources (stage.c)
 *   out/           what make builds, the only folder the sandbox writes;
 *                  out/obj/NAME.warnings holds what the compiler said of NAME.c
 *   build.log      the build's output, capped
 *   recipe         how out/ was built: another recipe starts it afresh
 *   built          written after a build that worked: when it is newer
 *                  than every source and every file of the grader the build
 *                  uses, the build is not even started
 * In batch mode every submission is built from nothing.
 */
#include "driver.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

enum { WARNING_LINES = 6 }; /* shown on the score card */

enum { MAX_ARTIFACT_BYTES = 64 << 20 };

void build_context(const struct grading *g, const struct catalogue_lab *lab,
		   char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", g->build, lab->name);
}

/* What out/ depends on beyond the sources: the compiler, flags, programs. */
static void recipe(const struct grading *g, const struct catalogue_lab *lab,
		   char *buf, size_t size)
{
	snprintf(buf, size, "cc=%s\nsanitize=%d\nprograms=%s\nldlibs=%s\nsandbox=%s\n"
		 "uid=%u\n", g->cc, g->sanitize, lab->programs, lab->ldlibs,
		 sandbox_description(), (unsigned)getuid());
}

/* Starts out/ afresh when the recipe changed (or in batch mode). */
static int prepare_output(const struct grading *g, const struct catalogue_lab *lab,
			  const char *ctx)
{
	char out[4400], recipe_path[4400], stamp[4400], wanted[1200];
	size_t len = 0;
	char *had;
	int rc = 0;

	snprintf(out, sizeof out, "%s/out", ctx);
	snprintf(recipe_path, sizeof recipe_path, "%s/recipe", ctx);
	snprintf(stamp, sizeof stamp, "%s/built", ctx);
	recipe(g, lab, wanted, sizeof wanted);
	had = read_file(recipe_path, 4096, &len);
	if (g->fresh || had == NULL || strcmp(had, wanted) != 0) {
		/* Nothing built is left, so nothing may be taken for current. */
		if ((unlink(stamp) < 0 && errno != ENOENT) || remove_tree(out) < 0 ||
		    mkdir(out, 0755) < 0 || sandbox_hand_over(out, true) < 0 ||
		    write_file(recipe_path, wanted, strlen(wanted), 0644) < 0)
			rc = -1;
	}
	free(had);
	return rc;
}

/* A line of the log says where the compiler was stopped. */
static bool error_line(const char *line)
{
	return strstr(line, "error") || strstr(line, "undefined") ||
	       strstr(line, "integrity:") || strstr(line, "multiple definition");
}

/*
 * "fatal error: /etc/shadow: No such file or directory" for an #include
 * that leaves the lab: the sandbox does not have the file, and the
 * student should hear why.
 */
static bool outside_include(const char *line, char *out, size_t size)
{
	const char *fatal = strstr(line, "fatal error: ");
	const char *missing;
	char name[300];
	size_t len;

	if (fatal == NULL || (missing = strstr(fatal, ": No such file or directory")) == NULL)
		return false;
	fatal += strlen("fatal error: ");
	len = (size_t)(missing - fatal);
	if (len == 0 || len >= sizeof name)
		return false;
	memcpy(name, fatal, len);
	name[len] = '\0';
	if (strchr(name, '/') == NULL)
		return false;
	snprintf(out, size, "an #include reaches outside the lab's folder: \"%s\" (the build "
		 "sees only the lab's files, common/ and the system's headers)\n", name);
	return true;
}

/* The build output's first lines that say error (or its first lines at all). */
static void first_errors(const char *log, char *errors, size_t size)
{
	size_t used = 0;
	int lines = 0;

	errors[0] = '\0';
	for (int pass = 0; pass < 2 && lines == 0; pass++) {
		for (const char *line = log; *line && lines < 8 && used < size;) {
			size_t len = strcspn(line, "\n");
			char text[512], translated[600];

			snprintf(text, sizeof text, "%.*s", (int)len, line);
			line += len + (line[len] == '\n');
			if (strncmp(text, "make", 4) == 0 || strstr(text, "In function"))
				continue;
			if (pass == 0 && lines == 0 && !error_line(text))
				continue;
			if (outside_include(text, translated, sizeof translated))
				used += (size_t)snprintf(errors + used, size - used, "%s", translated);
			else
				used += (size_t)snprintf(errors + used, size - used, "%s\n", text);
			lines++;
		}
	}
}

/* The first errors of a failed build; an integrity finding if it was refused. */
static void explain_failure(const struct command_outcome *o, struct lab_report *lr)
{
	const char *refusal = strstr(o->output, ": integrity: ");

	first_errors(o->output, lr->build_errors, sizeof lr->build_errors);
	if (lr->build_errors[0] == '\0')
		snprintf(lr->build_errors, sizeof lr->build_errors,
			 "the build failed (status %#x)\n", o->status);
	if (refusal) {
		refusal += strlen(": integrity: ");
		snprintf(lr->integrity, sizeof lr->integrity, "the build was refused: %.*s",
			 (int)strcspn(refusal, "\n"), refusal);
	}
}

/* Ends a log that was cut at OUTPUT_CAP with a line that says so. */
static void mark_cut(struct command_outcome *o)
{
	static const char cut[] = "\n[the output went on: the rest was not kept]\n";

	if (o->output_len >= sizeof cut) {
		memcpy(o->output + o->output_len - (sizeof cut - 1), cut, sizeof cut - 1);
	}
}

static bool older_than(const char *path, const struct timespec *when)
{
	struct stat st;

	return lstat(path, &st) == 0 &&
	       (st.st_mtim.tv_sec < when->tv_sec ||
		(st.st_mtim.tv_sec == when->tv_sec && st.st_mtim.tv_nsec < when->tv_nsec));
}

/* Are the folder (a file removed) and every file in it older than when? */
static bool folder_older_than(const char *folder, const struct timespec *when)
{
	char path[4700];
	DIR *d;
	struct dirent *e;
	bool older = older_than(folder, when);

	d = older ? opendir(folder) : NULL;
	while (d && (e = readdir(d)) != NULL && older) {
		snprintf(path, sizeof path, "%s/%s", folder, e->d_name);
		older = e->d_name[0] == '.' || older_than(path, when);
	}
	if (d)
		closedir(d);
	return older;
}

/* Is out/ what the last build that worked left, with nothing newer since? */
static bool build_is_current(const struct grading *g, const struct catalogue_lab *lab,
			     const char *ctx)
{
	static const char *const grader_files[] = {
		"%s/mk/lab.mk", "%s/mk/flags.mk", "%s/mk/vet-lab.sh",
		"%s/common/errors.c", "%s/common/errors.h",
	};
	char path[4700];
	struct stat built;
	bool current = true;

	snprintf(path, sizeof path, "%s/built", ctx);
	if (lstat(path, &built) < 0)
		return false;
	snprintf(path, sizeof path, "%s/out/suite", ctx); /* (built, but not wiped since) */
	if (!older_than(path, &built.st_mtim))
		return false;
	for (size_t i = 0; i < sizeof grader_files / sizeof grader_files[0]; i++) {
		snprintf(path, sizeof path, grader_files[i], g->root);
		current = current && older_than(path, &built.st_mtim);
	}
	snprintf(path, sizeof path, "%s/libgrader.a", g->core);
	current = current && older_than(path, &built.st_mtim);
	snprintf(path, sizeof path, "%s/suites/%s/suite.o", g->core, lab->name);
	current = current && older_than(path, &built.st_mtim);
	/* The lab's harness, when it has one (make tools built it). */
	snprintf(path, sizeof path, "%s/suites/%s/harness", g->core, lab->name);
	if (current && access(path, F_OK) == 0)
		current = folder_older_than(path, &built.st_mtim);
	/* The staged sources. */
	snprintf(path, sizeof path, "%s/src", ctx);
	return current && folder_older_than(path, &built.st_mtim);
}

static bool copy_built(int out_dir, const char *name, const char *bin, char *error,
		       size_t size)
{
	char path[4500];

	snprintf(path, sizeof path, "%s/%s", bin, name);
	if (copy_regular_at(out_dir, name, path, 0755, MAX_ARTIFACT_BYTES) == 0)
		return true;
	snprintf(error, size, "the build left no usable %s: %s", name, strerror(errno));
	return false;
}

/*
 * Copies the suite, the lab's programs and the shims into the run folder,
 * never through a link: out/ is the sandbox's to write.
 */
static bool copy_artifacts(const struct grading *g, const struct catalogue_lab *lab,
			   const char *ctx, const char *run, char *error, size_t size)
{
	char from[4400], bin[4400], path[4800], shims[4500];
	char *names = strdup(lab->programs), *save = NULL;
	int out_dir, shim_dir = -1;
	bool ok = names != NULL;

	snprintf(from, sizeof from, "%s/out", ctx);
	snprintf(bin, sizeof bin, "%s/bin", run);
	snprintf(shims, sizeof shims, "%s/shims", bin);
	out_dir = open(from, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (out_dir < 0 || make_dirs(shims, 0755) < 0) {
		snprintf(error, size, "cannot prepare %.300s: %s", bin, strerror(errno));
		ok = false;
	}
	ok = ok && copy_built(out_dir, "suite", bin, error, size);
	for (char *name = ok ? strtok_r(names, " ", &save) : NULL; ok && name;
	     name = strtok_r(NULL, " ", &save))
		ok = copy_built(out_dir, name, bin, error, size);
	if (ok) {
		char core_shims[4400];
		DIR *d;
		struct dirent *e;

		snprintf(core_shims, sizeof core_shims, "%s/shims", g->core);
		shim_dir = open(core_shims, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		d = shim_dir < 0 ? NULL : fdopendir(shim_dir);
		while (d && (e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof path, "%s/%s", shims, e->d_name);
			if (copy_regular_at(dirfd(d), e->d_name, path, 0755, MAX_ARTIFACT_BYTES) < 0) {
				snprintf(error, size, "cannot copy the shim %s: %s", e->d_name,
					 strerror(errno));
				ok = false;
			}
		}
		if (d)
			closedir(d);
		else
			ok = false;
	}
	if (out_dir >= 0)
		close(out_dir);
	free(names);
	return ok;
}

/* Holds the lab's build folder against another grader building it too. */
static int lock_context(const char *ctx)
{
	char path[4400];
	int fd;

	snprintf(path, sizeof path, "%s/lock", ctx);
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd >= 0 && flock(fd, LOCK_EX) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

void lab_run_folder(const struct grading *g, const struct catalogue_lab *lab,
		    char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", g->run_dir, lab->name);
}

/* Runs make in the build sandbox; true when it built, else the errors in lr. */
static bool run_make(const struct grading *g, const char *ctx, struct lab_report *lr)
{
	char log_path[4400], stamp[4400];
	struct argv_builder argv = { 0 };
	struct command_outcome *o = calloc(1, sizeof *o);
	struct command c = { 0 };
	bool ok = false;

	snprintf(stamp, sizeof stamp, "%s/built", ctx);
	unlink(stamp);
	if (o == NULL)
		return false;
	sandbox_build_argv(g, lr->lab, ctx, &argv);
	c.argv = argv.argv;
	c.deadline = monotonic_seconds() + 120 * g->scale;
	if (command_run(&c, o) < 0)
		snprintf(lr->build_errors, sizeof lr->build_errors, "grader: cannot run the "
			 "build: %s\n", strerror(o->spawn_errno));
	else if (o->timed_out)
		snprintf(lr->build_errors, sizeof lr->build_errors,
			 "the build took more than %.0f s\n", 120 * g->scale);
	else if (o->status != 0)
		explain_failure(o, lr);
	else
		ok = write_file(stamp, "built\n", 6, 0644) == 0;
	snprintf(log_path, sizeof log_path, "%s/build.log", ctx);
	if (o->output_truncated)
		mark_cut(o);
	write_file(log_path, o->output, o->output_len, 0644);
	argv_free(&argv);
	free(o);
	return ok;
}

/* Appends the warning lines of one file's compiler output, as "NAME.c:LINE: ...". */
static void add_warnings(const char *path, struct lab_report *lr, int *count)
{
	FILE *f = fopen(path, "re");
	char line[600];

	if (f == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL) {
		const char *name = line;
		size_t used = strlen(lr->build_warnings);

		if (strstr(line, ": warning: ") == NULL)
			continue;
		if (++*count > WARNING_LINES)
			continue;
		/* The sandbox's path of the file means nothing to the student. */
		for (const char *p = line; *p && *p != ':'; p++)
			if (*p == '/')
				name = p + 1;
		snprintf(lr->build_warnings + used, sizeof lr->build_warnings - used, "%s%s", name,
			 line[strlen(line) - 1] == '\n' ? "" : "\n");
	}
	fclose(f);
}

/* The compiler's warnings about the lab's own files, from their objects' notes. */
static void collect_warnings(const char *ctx, struct lab_report *lr)
{
	char src[4400], path[4600];
	struct dirent **names;
	int n, count = 0;

	lr->build_warnings[0] = '\0';
	snprintf(src, sizeof src, "%s/src", ctx);
	n = scandir(src, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		size_t len = strlen(names[i]->d_name);

		if (len > 2 && strcmp(names[i]->d_name + len - 2, ".c") == 0) {
			snprintf(path, sizeof path, "%s/out/obj/%.*s.warnings", ctx, (int)(len - 2),
				 names[i]->d_name);
			add_warnings(path, lr, &count);
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	if (count > WARNING_LINES) {
		size_t used = strlen(lr->build_warnings);

		snprintf(lr->build_warnings + used, sizeof lr->build_warnings - used,
			 "(and %d more: make shows them all)\n", count - WARNING_LINES);
	}
}

bool build_lab(const struct grading *g, struct lab_report *lr)
{
	const struct catalogue_lab *lab = lr->lab;
	char ctx[4300], run[4300], error[600] = "";
	bool ok;
	int lock;

	build_context(g, lab, ctx, sizeof ctx);
	lab_run_folder(g, lab, run, sizeof run);
	if (g->fresh)
		remove_tree(ctx);
	if (make_dirs(ctx, 0755) < 0 || (lock = lock_context(ctx)) < 0) {
		snprintf(lr->build_errors, sizeof lr->build_errors,
			 "grader: cannot create the build folder %.300s: %s\n", ctx, strerror(errno));
		return false;
	}
	/* All under the lock: another grader of this tree waits its turn. */
	ok = stage_lab(g, lab, ctx, lr->note, sizeof lr->note, error, sizeof error);
	if (ok && prepare_output(g, lab, ctx) < 0)
		snprintf(error, sizeof error, "grader: cannot prepare %.300s/out: %s", ctx,
			 strerror(errno));
	else if (ok)
		ok = (!g->fresh && build_is_current(g, lab, ctx)) || run_make(g, ctx, lr);
	if (error[0]) {
		snprintf(lr->build_errors, sizeof lr->build_errors, "%s\n", error);
		ok = false;
	}
	if (ok && (remove_tree(run) < 0 || mkdir(run, 0755) < 0 ||
		   !copy_artifacts(g, lab, ctx, run, error, sizeof error))) {
		snprintf(lr->build_errors, sizeof lr->build_errors,
			 "grader: could not prepare the run: %s\n", error[0] ? error : strerror(errno));
		ok = false;
	}
	if (ok)
		collect_warnings(ctx, lr);
	close(lock);
	return ok;
}
