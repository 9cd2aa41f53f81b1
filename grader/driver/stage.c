/*
 * stage.c - the submission's lab files, as the build sees them.
 *
 * Only the .c and .h files of the lab's folder are read, never through a
 * symbolic link, within limits.  They are copied into the build folder's
 * src/, each only when its content changed: a rebuild is decided by
 * content, not by timestamps (an extracted archive keeps old ones).  A
 * header of the lab that the submission lacks comes from the trusted tree.
 *
 * A lab's harness/ is the grader's: make tools builds it from the trusted
 * tree, like the suite.  The submission's harness/ is only compared with
 * it, to say so on the score card when it was changed; a file at the top
 * of the submission named like one of the harness's (the harness in its
 * old place) is not built, with a note.
 */
#include "driver.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { MAX_FILES = 200, MAX_FILE_BYTES = 1 << 20, MAX_TOTAL_BYTES = 16 << 20 };

struct file_set {
	struct staged {
		char name[NAME_MAX + 1];
		char *data;
		size_t len;
	} files[MAX_FILES];
	size_t count;
	size_t total;
};

static void note(char *notes, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void note(char *notes, size_t size, const char *fmt, ...)
{
	size_t used = strlen(notes);
	va_list ap;

	if (used + 3 >= size)
		return;
	if (used)
		used += (size_t)snprintf(notes + used, size - used, "; ");
	va_start(ap, fmt);
	vsnprintf(notes + used, size - used, fmt, ap);
	va_end(ap);
}

/* A C source or header the build takes: letters, digits, "_-." and .c or .h. */
static bool source_name(const char *name)
{
	size_t len = strlen(name);

	if (len < 3 || len > 100 || name[0] == '.' || name[0] == '-' ||
	    name[len - 2] != '.' || (name[len - 1] != 'c' && name[len - 1] != 'h'))
		return false;
	return strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			    "0123456789_-.") == len;
}

static bool looks_like_source(const char *name)
{
	size_t len = strlen(name);

	return len >= 2 && name[len - 2] == '.' && (name[len - 1] == 'c' || name[len - 1] == 'h');
}

static struct staged *find(struct file_set *set, const char *name)
{
	for (size_t i = 0; i < set->count; i++)
		if (strcmp(set->files[i].name, name) == 0)
			return &set->files[i];
	return NULL;
}

static void free_set(struct file_set *set)
{
	for (size_t i = 0; i < set->count; i++)
		free(set->files[i].data);
	set->count = set->total = 0;
}

/* Reads one regular file of dir without following a link. */
static char *read_at(int dir, const char *name, size_t *len)
{
	int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	char *data = NULL;
	size_t got = 0;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	if (st.st_size > MAX_FILE_BYTES) {
		close(fd);
		errno = EFBIG;
		return NULL;
	}
	data = malloc((size_t)st.st_size + 1);
	while (data && got < (size_t)st.st_size) {
		ssize_t n = read(fd, data + got, (size_t)st.st_size - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (data == NULL || got != (size_t)st.st_size) {
		free(data);
		errno = EIO;
		return NULL;
	}
	data[got] = '\0';
	*len = got;
	return data;
}

/* Adds name to a list "a.c, b.c" in list, or "..." once it is full. */
static void list_name(char *list, size_t size, const char *prefix, const char *name)
{
	size_t used = strlen(list);

	if (used + strlen(prefix) + strlen(name) + 8 < size)
		snprintf(list + used, size - used, "%s%s%s", used ? ", " : "", prefix, name);
	else if (used + 5 < size && (used < 3 || strcmp(list + used - 3, "...") != 0))
		snprintf(list + used, size - used, ", ...");
}

/* Is name a file of the trusted harness (harness, a folder, or -1)? */
static bool in_harness(int harness, const char *name)
{
	struct stat st;

	return harness >= 0 && fstatat(harness, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/*
 * Notes the files of the submission's harness/ (dir's) that differ from
 * the trusted harness or are not in it: they were not built.
 */
static void note_harness_changes(int dir, int harness, char *notes, size_t notes_size)
{
	int sub = openat(dir, "harness", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = sub < 0 ? NULL : fdopendir(sub);
	struct dirent *e;
	char changed[400] = "";
	int seen = 0;

	if (d == NULL) {
		if (sub >= 0)
			close(sub);
		return;
	}
	while ((e = readdir(d)) != NULL && seen < MAX_FILES) {
		size_t mine_len = 0, given_len = 0;
		char *mine, *given;

		if (!source_name(e->d_name))
			continue;
		seen++;
		mine = read_at(dirfd(d), e->d_name, &mine_len);
		given = harness < 0 ? NULL : read_at(harness, e->d_name, &given_len);
		if (mine == NULL || given == NULL || mine_len != given_len ||
		    memcmp(mine, given, mine_len) != 0)
			list_name(changed, sizeof changed, "harness/", e->d_name);
		free(mine);
		free(given);
	}
	closedir(d);
	if (changed[0])
		note(notes, notes_size, "%s: not the lab's harness, not built (the grader builds "
		     "its own)", changed);
}

static bool add_file(struct file_set *set, const char *name, char *data, size_t len,
		     char *error, size_t size)
{
	struct staged *f;

	if (set->count == MAX_FILES || set->total + len > MAX_TOTAL_BYTES) {
		snprintf(error, size, "the lab folder holds more than %d source files or "
			 "%d MiB of them", MAX_FILES, MAX_TOTAL_BYTES >> 20);
		free(data);
		return false;
	}
	f = &set->files[set->count++];
	snprintf(f->name, sizeof f->name, "%s", name);
	f->data = data;
	f->len = len;
	set->total += len;
	return true;
}

/*
 * The submission's sources, but the harness's (harness: the trusted
 * harness/ folder, or -1); false with a one-line error.
 */
static bool read_submission(const char *dir_path, int harness, struct file_set *set,
			    char *notes, size_t notes_size, char *error, size_t size)
{
	int dir = open(dir_path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	char skipped[400] = "";
	DIR *d;
	struct dirent *e;

	if (dir < 0) {
		snprintf(error, size, errno == ELOOP || errno == ENOTDIR
			 ? "the lab's folder is a symbolic link or not a folder: not graded"
			 : "cannot read the lab's folder: %s", strerror(errno));
		return false;
	}
	d = fdopendir(dup(dir));
	if (d == NULL) {
		snprintf(error, size, "cannot read the lab's folder: %s", strerror(errno));
		close(dir);
		return false;
	}
	while ((e = readdir(d)) != NULL) {
		char *data;
		size_t len;

		if (!looks_like_source(e->d_name))
			continue;
		if (!source_name(e->d_name)) {
			note(notes, notes_size, "'%.60s' was not built: file names may hold "
			     "letters, digits, '_', '-' and '.'", e->d_name);
			continue;
		}
		if (in_harness(harness, e->d_name)) {
			list_name(skipped, sizeof skipped, "", e->d_name);
			continue;
		}
		data = read_at(dir, e->d_name, &len);
		if (data == NULL) {
			if (errno == EFBIG) {
				snprintf(error, size, "%s is larger than %d KiB", e->d_name,
					 MAX_FILE_BYTES >> 10);
				closedir(d);
				close(dir);
				return false;
			}
			note(notes, notes_size, "%s was not built: %s", e->d_name,
			     errno == ELOOP || errno == EINVAL
			     ? "not a regular file (a symbolic link?)" : strerror(errno));
			continue;
		}
		if (!add_file(set, e->d_name, data, len, error, size)) {
			closedir(d);
			close(dir);
			return false;
		}
	}
	closedir(d);
	if (skipped[0])
		note(notes, notes_size, "%s: files of the lab's harness/, not built here (the "
		     "grader builds its own)", skipped);
	if (harness >= 0)
		note_harness_changes(dir, harness, notes, notes_size);
	close(dir);
	return true;
}

/* The trusted lab folder: solutions/ in the full workbook, else labs/. */
static void trusted_dir(const struct grading *g, const struct catalogue_lab *lab,
			char *buf, size_t size)
{
	struct stat st;

	snprintf(buf, size, "%s/solutions/%s", g->root, lab->name);
	if (stat(buf, &st) < 0 || !S_ISDIR(st.st_mode))
		snprintf(buf, size, "%s/labs/%s", g->root, lab->name);
}

/* The lab's headers from the trusted tree, where the submission has none. */
static bool add_missing_headers(const char *trusted, struct file_set *set,
				char *notes, size_t notes_size, char *error, size_t size)
{
	int dir = open(trusted, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dir < 0 ? NULL : fdopendir(dir);
	struct dirent *e;

	if (d == NULL) {
		snprintf(error, size, "grader: no trusted copy of the lab in %s", trusted);
		if (dir >= 0)
			close(dir);
		return false;
	}
	while ((e = readdir(d)) != NULL) {
		size_t len;
		char *data;

		if (!source_name(e->d_name) || e->d_name[strlen(e->d_name) - 1] != 'h' ||
		    find(set, e->d_name) != NULL)
			continue;
		data = read_at(dirfd(d), e->d_name, &len);
		if (data == NULL)
			continue;
		note(notes, notes_size, "%s is missing: the lab's own was used", e->d_name);
		if (!add_file(set, e->d_name, data, len, error, size)) {
			closedir(d);
			return false;
		}
	}
	closedir(d);
	return true;
}

/*
 * Makes folder hold exactly the files of set: a file is written only when
 * its content differs, a file not in set is removed.
 */
static bool sync_folder(const char *folder, struct file_set *set, char *error, size_t size)
{
	DIR *d;
	struct dirent *e;

	if (make_dirs(folder, 0755) < 0) {
		snprintf(error, size, "grader: cannot create %s: %s", folder, strerror(errno));
		return false;
	}
	d = opendir(folder);
	while (d && (e = readdir(d)) != NULL) {
		char path[4700];

		if (e->d_name[0] == '.' || find(set, e->d_name))
			continue;
		snprintf(path, sizeof path, "%s/%s", folder, e->d_name);
		remove_tree(path);
	}
	if (d)
		closedir(d);
	for (size_t i = 0; i < set->count; i++) {
		const struct staged *f = &set->files[i];
		char path[4700];
		size_t old_len;
		char *old;

		snprintf(path, sizeof path, "%s/%s", folder, f->name);
		old = read_file(path, MAX_FILE_BYTES, &old_len);
		if (old && old_len == f->len && memcmp(old, f->data, f->len) == 0) {
			free(old);
			continue;
		}
		free(old);
		if (write_file(path, f->data, f->len, 0644) < 0) {
			snprintf(error, size, "grader: cannot write %s: %s", path, strerror(errno));
			return false;
		}
	}
	return true;
}

bool stage_lab(const struct grading *g, const struct catalogue_lab *lab,
	       const char *ctx, char *notes, size_t notes_size,
	       char *error, size_t error_size)
{
	static struct file_set set;
	char submitted[4400], trusted[4400], folder[4400], given[4500];
	int harness;
	bool ok;

	error[0] = '\0';
	snprintf(submitted, sizeof submitted, "%s/%s", g->src, lab->name);
	trusted_dir(g, lab, trusted, sizeof trusted);
	snprintf(given, sizeof given, "%s/harness", trusted);
	harness = open(given, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ok = read_submission(submitted, harness, &set, notes, notes_size, error, error_size) &&
	     add_missing_headers(trusted, &set, notes, notes_size, error, error_size);
	if (harness >= 0)
		close(harness);
	if (ok) {
		snprintf(folder, sizeof folder, "%s/src", ctx);
		ok = sync_folder(folder, &set, error, error_size);
	}
	free_set(&set);
	return ok;
}
