/*
 * labroot.c - where a submission keeps its lab folders.
 *
 * Students upload in many shapes: the lab folders themselves
 * (NN-name/), a repository with them under labs/, or either of those
 * inside one more folder (a zip of the repository's folder, a download
 * named after the branch).  The lab root is the first folder, from the
 * one given, that holds a lab of the catalogue; else labs/ in it; else
 * its only subfolder: two folders and labs/ down at most.  Links are
 * never followed.
 */
#include "driver.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>

enum { MAX_DESCENTS = 3 };	/* into labs/ or a lone folder: two folders, then labs/ */

/* dir/name in out; false when it does not fit. */
static bool join(char *out, size_t size, const char *dir, const char *name)
{
	int n = snprintf(out, size, "%s/%s", dir, name);

	return n >= 0 && (size_t)n < size;
}

/* Whether dir holds the folder of a lab of the catalogue. */
static bool holds_a_lab(const char *dir)
{
	char path[4400];

	for (size_t i = 0; i < catalogue_count; i++) {
		if (join(path, sizeof path, dir, catalogue[i].name) && real_dir(path))
			return true;
	}
	return false;
}

/* The one subfolder of dir (names starting with '.' and __MACOSX aside), or false. */
static bool only_subfolder(const char *dir, char *out, size_t size)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;

	if (d == NULL)
		return false;
	while ((e = readdir(d)) != NULL && found < 2) {
		char path[4400];

		if (e->d_name[0] == '.' || strcmp(e->d_name, "__MACOSX") == 0)
			continue;
		if (join(path, sizeof path, dir, e->d_name) && real_dir(path) &&
		    ++found == 1 && !join(out, size, dir, e->d_name))
			found = 2;	/* too long a path: no lab root down there */
	}
	closedir(d);
	return found == 1;
}

bool find_lab_root(const char *dir, char *out, size_t size)
{
	char here[4400], next[4400];

	snprintf(out, size, "%s", dir);
	if (strlen(dir) >= sizeof here)
		return false;
	memcpy(here, dir, strlen(dir) + 1);
	for (int descents = 0; !holds_a_lab(here); descents++) {
		if (descents == MAX_DESCENTS)
			return false;
		if (!(join(next, sizeof next, here, "labs") && real_dir(next)) &&
		    !only_subfolder(here, next, sizeof next))
			return false;
		memcpy(here, next, sizeof here);
	}
	if (strlen(here) >= size)
		return false;
	memcpy(out, here, strlen(here) + 1);
	return true;
}
