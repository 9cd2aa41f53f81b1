/*
 * batch.c - grade every submission of a folder, each on its own.
 *
 * Every folder in the submissions folder is one submission, holding lab
 * folders (NN-name/) directly, under labs/, or a repository one or two
 * folders down (find_lab_root); so is every .zip, .tar, .tar.gz or .tgz,
 * as a learning platform exports them, unpacked into the submission's own
 * folder (unpack.c) and named without its suffix.  Each is graded as if it
 * were the only one: a build from nothing, a run folder and sandboxes of
 * its own, and a seed of its own (from the run's seed and the
 * submission's name, so that a batch reproduces): no submission sees
 * anything of another, and identical submissions get identical scores in
 * any order.  Reports: OUT/<submission>.txt and .json, and the class files
 * of summary.c.  Progress goes to stderr, a line per submission with the
 * time left; stdout gets each submission's score as it comes.
 */
#include "driver.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The submissions: every entry but the hidden ones, sorted. */
static char **list_submissions(const char *dir, size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;

	if (d == NULL) {
		fprintf(stderr, "ipcgrade: cannot read the submissions folder %s: %s\n", dir,
			strerror(errno));
		exit(2);
	}
	while ((e = readdir(d)) != NULL) {
		char **grown;

		if (e->d_name[0] == '.')
			continue;
		grown = realloc(names, (n + 1) * sizeof *names);
		if (grown == NULL || (grown[n] = strdup(e->d_name)) == NULL) {
			perror("ipcgrade");
			exit(2);
		}
		names = grown;
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof *names, compare_names);
	*count = n;
	return names;
}

/* The submission's own seed: the run's seed mixed with its name. */
static uint64_t submission_seed(uint64_t seed, const char *name)
{
	return fnv1a(FNV1A_START ^ seed, name, strlen(name)) % 1000000000u + 1;
}

/* ---- what a submission's files are: a signature, for --resume ---- */

static uint64_t walk_hash;
static size_t walk_root;	/* the length of the submission's path */

static int hash_entry(const char *path, const struct stat *st, int type, struct FTW *f)
{
	(void)type;
	(void)f;
	walk_hash = fnv1a(walk_hash, path + walk_root, strlen(path + walk_root) + 1);
	walk_hash = fnv1a(walk_hash, &st->st_mode, sizeof st->st_mode);
	walk_hash = fnv1a(walk_hash, &st->st_size, sizeof st->st_size);
	walk_hash = fnv1a(walk_hash, &st->st_mtim, sizeof st->st_mtim);
	return 0;
}

/* Names, modes, sizes and times of every file, links not followed. */
static void signature(const char *path, char *out, size_t size)
{
	walk_hash = FNV1A_START;
	walk_root = strlen(path);
	if (nftw(path, hash_entry, 16, FTW_PHYS) != 0)
		walk_hash = 0;	/* unreadable: never taken as unchanged */
	snprintf(out, size, "%016llx", (unsigned long long)walk_hash);
}

/* ---- one submission ---- */

void report_name(const char *name, char *out, size_t size)
{
	bool taken = strcmp(name, "summary") == 0 || strcmp(name, "items") == 0;

	snprintf(out, size, "%s%s", name, taken ? "-submission" : "");
}

/*
 * Grades the submission entry of dir in a folder of its own into row and
 * its reports; a row "not graded" with the reason when it is neither a
 * folder nor an archive that unpacks.
 */
static void grade_one(const struct grading *base, const char *dir, const char *entry,
		      size_t index, const struct catalogue_lab **chosen, size_t count,
		      const char *out, struct summary_row *row)
{
	char path[4500], src[4500], own[4400], build[4500], run[4500], unpacked[4500];
	char why[300], file[300], pictures[4800];
	struct lab_report *reports = calloc(count + 1, sizeof *reports);
	struct grading g = *base;
	double started = monotonic_seconds();
	bool any = false;
	struct stat st;
	FILE *txt, *js;

	if (reports == NULL) {
		perror("ipcgrade");
		exit(2);
	}
	snprintf(path, sizeof path, "%s/%s", dir, entry);
	snprintf(own, sizeof own, "%s/submission-%zu", base->run_dir, index);
	snprintf(build, sizeof build, "%s/build", own);
	snprintf(run, sizeof run, "%s/run", own);
	snprintf(unpacked, sizeof unpacked, "%s/unpacked", own);
	if (lstat(path, &st) < 0 || !(S_ISDIR(st.st_mode) ||
				      (S_ISREG(st.st_mode) && archive_stem(entry) > 0))) {
		row_not_graded(row, chosen, count,
			       "neither a folder nor an archive (.zip, .tar, .tar.gz, .tgz)");
		free(reports);
		return;
	}
	if (mkdir(own, 0711) < 0 || mkdir(build, 0755) < 0 || mkdir(run, 0711) < 0 ||
	    mkdir(unpacked, 0700) < 0) {
		fprintf(stderr, "ipcgrade: cannot create %s: %s\n", own, strerror(errno));
		exit(2);
	}
	if (S_ISREG(st.st_mode)) {
		if (!unpack_archive(path, unpacked, why, sizeof why)) {
			row_not_graded(row, chosen, count, why);
			remove_tree(own);
			free(reports);
			return;
		}
		snprintf(path, sizeof path, "%s", unpacked);
	}
	find_lab_root(path, src, sizeof src);
	report_name(row->name, file, sizeof file);
	/* Its failing items' pictures stay: OUT/pictures/FILE/NN-item.svg. */
	snprintf(pictures, sizeof pictures, "%s/pictures/%s", out, file);
	remove_tree(pictures);
	g.src = src;
	g.build = build;
	g.run_dir = run;
	g.fresh = true;
	g.pictures = pictures;
	g.seed = submission_seed(base->seed, entry);
	grade_labs(&g, chosen, count, reports);
	rmdir(pictures);	/* when it has none */
	txt = batch_open_out(out, file, "txt");
	js = batch_open_out(out, file, "json");
	report_render(txt, FORMAT_TEXT, &g, reports, count, monotonic_seconds() - started, false);
	report_render(js, FORMAT_JSON, &g, reports, count, monotonic_seconds() - started, false);
	fclose(txt);
	fclose(js);
	remove_tree(own);
	row_from_reports(row, reports, count);
	for (size_t l = 0; l < count; l++)
		any = any || !reports[l].missing;
	if (!any)
		snprintf(row->note, sizeof row->note, "no lab folders found");
	free_reports(reports, count);
	free(reports);
}

/* ---- the class ---- */

/* A submission's name for the console: control characters shown as '?'. */
static const char *shown_name(const char *name, char *shown, size_t size)
{
	size_t n = 0;

	for (const char *p = name; *p && n < size - 1; p++)
		shown[n++] = (unsigned char)*p < 32 || *p == 127 ? '?' : *p;
	shown[n] = '\0';
	return shown;
}

/* The submission's line on stdout. */
static void print_row(const struct summary_row *row)
{
	char shown[64];

	printf("%-30s %4d/%d", shown_name(row->name, shown, sizeof shown), row->score,
	       row->max);
	if (row->findings)
		printf("  integrity findings: %d", row->findings);
	if (row->note[0])
		printf("  %s", row->note);
	printf("\n");
	fflush(stdout);
}

/* One line of progress on stderr: k/N, the submission, its score, the time left. */
static void progress(size_t k, size_t n, const struct summary_row *row, const char *how,
		     double started)
{
	double spent = monotonic_seconds() - started;
	double left = spent / (double)k * (double)(n - k);
	char shown[64];

	fprintf(stderr, "ipcgrade: [%zu/%zu] %s: %d/%d%s, about %d:%02d left\n", k, n,
		shown_name(row->name, shown, sizeof shown), row->score, row->max, how,
		(int)left / 60, (int)left % 60);
}

/* s in single quotes, for a shell. */
static void print_quoted(const char *s)
{
	putchar('\'');
	for (; *s; s++)
		if (*s == '\'')
			fputs("'\\''", stdout);
		else
			putchar(*s);
	putchar('\'');
}

/*
 * --plan: one self-contained command per submission, each grading it alone
 * (--student) with the run's seed, for GNU parallel, a job array or any
 * queue; then --merge writes the class files from the rows they leave.
 */
static void print_plan(const struct batch_options *opts, char **names, size_t n)
{
	for (size_t s = 0; s < n; s++) {
		for (char *const *arg = opts->plan_argv; *arg; arg++) {
			print_quoted(*arg);
			putchar(' ');
		}
		fputs("--student ", stdout);
		print_quoted(names[s]);
		putchar('\n');
	}
}

/* Whether out is dir or inside it: its reports would be graded as a submission. */
static bool inside(const char *out, const char *dir)
{
	char real[4096];
	size_t n = strlen(dir);

	return realpath(out, real) != NULL && strncmp(real, dir, n) == 0 &&
	       (real[n] == '\0' || real[n] == '/');
}

/*
 * The row's name: an archive's without its suffix, unless a folder or
 * another archive of the class already goes by that name (then the whole
 * file name, so that neither overwrites the other's reports).
 */
static char *row_name(char *const *names, size_t n, size_t s)
{
	size_t stem = archive_stem(names[s]);
	char *name;

	for (size_t o = 0; o < n && stem > 0; o++) {
		size_t other = archive_stem(names[o]);

		if (o != s && (other ? other : strlen(names[o])) == stem &&
		    strncmp(names[o], names[s], stem) == 0 && (other == 0 || o < s))
			stem = 0;
	}
	name = stem > 0 ? strndup(names[s], stem) : strdup(names[s]);
	if (name == NULL) {
		perror("ipcgrade");
		exit(2);
	}
	return name;
}

/* A submission waiting for its grading, or being graded by a worker. */
struct pending {
	size_t s;                 /* its index in the class */
	char now[32];             /* the signature of its files as they are */
	pid_t pid;                /* its worker, or 0 */
};

/*
 * Grades one pending submission in a worker process of its own: the
 * worker leaves the row in OUT/.rows (row_save), the file the class files
 * are made from anyway.
 */
static pid_t start_grading(const struct grading *g, const char *dir,
			   const struct batch_options *opts, char *const *names,
			   const struct summary_row *rows, const struct pending *p,
			   const struct catalogue_lab **chosen, size_t count)
{
	char file[300];
	pid_t pid;

	report_name(rows[p->s].name, file, sizeof file);
	row_forget(opts->out, file);	/* a worker that dies leaves no old row */
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		struct summary_row row = { .name = rows[p->s].name };

		driver_become_subreaper();
		grade_one(g, dir, names[p->s], p->s, chosen, count, opts->out, &row);
		/* Interrupted: no row, so that --resume grades it again. */
		if (driver_interrupted)
			_exit(130);
		snprintf(row.signature, sizeof row.signature, "%s", p->now);
		row_save(opts->out, file, &row, chosen, count);
		fflush(NULL);
		_exit(0);
	}
	if (pid < 0) {
		fprintf(stderr, "ipcgrade: cannot start a worker: %s\n", strerror(errno));
		exit(2);
	}
	return pid;
}

/* The row its worker left, or one that says the grader failed on it. */
static void finish_grading(const struct batch_options *opts, const char *path,
			   struct summary_row *row, int status,
			   const struct catalogue_lab **chosen, size_t count)
{
	char file[300];
	const char *name = row->name;

	report_name(row->name, file, sizeof file);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
	    row_load(opts->out, file, row, chosen, count)) {
		if (!row->graded)
			fprintf(stderr, "ipcgrade: %s: %s, skipped\n", path, row->note);
		return;
	}
	*row = (struct summary_row){ .name = name };
	if (WIFEXITED(status) && WEXITSTATUS(status) == 130) {
		row_not_graded(row, chosen, count, "not graded: interrupted");
		return;
	}
	row_not_graded(row, chosen, count, "not graded: the grader failed on it");
	fprintf(stderr, "ipcgrade: %s: the grader's worker ended without a row (%s %d); "
		"grade it again with --student\n", path,
		WIFSIGNALED(status) ? "signal" : "exit",
		WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
}

/*
 * Grades the pending submissions, jobs at once, each in a worker; prints
 * each one's row and the progress as it ends.  Each worker grades its labs
 * on its share of the CPUs, so that the items that measure time see no
 * more load than a grading of its own would.
 */
static int grade_queue(const struct grading *base, const char *dir,
		       const struct batch_options *opts, char *const *names,
		       struct summary_row *rows, struct pending *todo, size_t count_todo,
		       const struct catalogue_lab **chosen, size_t count)
{
	size_t jobs = opts->jobs > 0 ? (size_t)opts->jobs : (size_t)get_nprocs();
	size_t next = 0, running = 0, done = 0;
	struct grading g = *base;
	double started = monotonic_seconds();
	int rc = 0;

	if (jobs > count_todo)
		jobs = count_todo;
	if (g.lab_jobs == 0 && jobs > 1)
		g.lab_jobs = get_nprocs() > (int)jobs ? get_nprocs() / (int)jobs : 1;
	while (done < count_todo) {
		struct pending *p = NULL;
		char path[4400];
		int status;
		pid_t pid;

		while (running < jobs && next < count_todo && !driver_interrupted) {
			struct pending *t = &todo[next++];
			char file[300];

			report_name(rows[t->s].name, file, sizeof file);
			if (opts->resume && row_load(opts->out, file, &rows[t->s], chosen, count) &&
			    strcmp(rows[t->s].signature, t->now) == 0 &&
			    strcmp(t->now, "0000000000000000") != 0) {
				print_row(&rows[t->s]);
				progress(++done, count_todo, &rows[t->s], " (unchanged, kept)",
					 started);
				continue;
			}
			t->pid = start_grading(&g, dir, opts, names, rows, t, chosen, count);
			running++;
		}
		if (running == 0 && driver_interrupted)
			return 130;	/* the rows of those graded are kept for --resume */
		if (running == 0)
			continue;
		pid = waitpid(-1, &status, 0);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "ipcgrade: waiting for the workers: %s\n", strerror(errno));
			return 2;
		}
		for (size_t t = 0; t < next && p == NULL; t++)
			if (todo[t].pid == pid)
				p = &todo[t];
		if (p == NULL)
			continue;	/* an orphan of a grading, adopted: reaped */
		p->pid = 0;
		running--;
		snprintf(path, sizeof path, "%s/%s", dir, names[p->s]);
		finish_grading(opts, path, &rows[p->s], status, chosen, count);
		if (!rows[p->s].graded && strncmp(rows[p->s].note, "not graded: the grader", 22) == 0)
			rc = 1;
		print_row(&rows[p->s]);
		progress(++done, count_todo, &rows[p->s], "", started);
	}
	return driver_interrupted ? 130 : rc;
}

int grade_batch(const struct grading *base, const char *dir, const struct batch_options *opts,
		const struct catalogue_lab **chosen, size_t count)
{
	size_t n, found = 0;
	char **names = list_submissions(dir, &n), pictures[4400];
	int rc = 0;
	struct summary_row *rows = calloc(n ? n : 1, sizeof *rows);
	struct pending *todo = calloc(n ? n : 1, sizeof *todo);

	if (rows == NULL || todo == NULL || count > ROW_MAX_LABS) {
		fprintf(stderr, "ipcgrade: %s\n", rows ? "too many labs" : strerror(errno));
		exit(2);
	}
	if (make_dirs(opts->out, 0755) < 0) {
		fprintf(stderr, "ipcgrade: cannot create the output folder %s: %s\n", opts->out,
			strerror(errno));
		exit(2);
	}
	if (inside(opts->out, dir)) {
		rmdir(opts->out);	/* when it was made just now, empty */
		fprintf(stderr, "ipcgrade: the output folder %s is inside the submissions "
			"folder %s: choose one outside it\n", opts->out, dir);
		rc = 2;
	}
	/* The submissions' pictures, a folder each (grade_one). */
	snprintf(pictures, sizeof pictures, "%s/pictures", opts->out);
	if (rc == 0 && !opts->plan_argv && mkdir(pictures, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "ipcgrade: cannot create %s: %s\n", pictures, strerror(errno));
		exit(2);
	}
	if (opts->plan_argv && rc == 0)
		print_plan(opts, names, n);
	for (size_t s = 0; s < n && rc == 0 && !opts->plan_argv; s++) {
		struct summary_row *row = &rows[s];
		char path[4400], file[300];

		row->name = row_name(names, n, s);
		snprintf(path, sizeof path, "%s/%s", dir, names[s]);
		report_name(row->name, file, sizeof file);
		if (opts->merge || (opts->student && strcmp(row->name, opts->student) != 0 &&
				    strcmp(names[s], opts->student) != 0)) {
			/* Not one to grade: its row as it was. */
			if (!row_load(opts->out, file, row, chosen, count)) {
				*row = (struct summary_row){ .name = row->name };
				row_not_graded(row, chosen, count, "not graded yet");
			}
			continue;
		}
		todo[found].s = s;
		signature(path, todo[found].now, sizeof todo[found].now);
		found++;
	}
	if (rc == 0 && !opts->plan_argv && found > 0)
		rc = grade_queue(base, dir, opts, names, rows, todo, found, chosen, count);
	free(todo);
	if (opts->student && found == 0 && rc == 0) {
		fprintf(stderr, "ipcgrade: no submission '%s' in %s\n", opts->student, dir);
		rc = 2;
	}
	/* A submission the grader failed on is in the class files, as not graded. */
	if ((rc == 0 || rc == 1) && !opts->plan_argv) {
		summary_write(opts->out, chosen, count, rows, n);
		if (opts->roster)
			gradebook_write(opts->out, opts->roster, chosen, count, rows, n);
	}
	for (size_t s = 0; s < n; s++) {
		free((char *)rows[s].name);
		free(names[s]);
	}
	free(rows);
	free(names);
	if ((rc == 0 || rc == 1) && !opts->plan_argv)
		printf("class summary: %s/summary.csv and %s/summary.json; per item: "
		       "%s/items.csv%s\n", opts->out, opts->out, opts->out,
		       opts->roster ? "; gradebooks: gradebook-canvas.csv, gradebook-moodle.csv" : "");
	return rc;
}
