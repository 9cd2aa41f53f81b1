/*
 * unpack.c - a submission handed in as an archive, as a learning platform
 * exports it: .zip, .tar, .tar.gz or .tgz, unpacked with bsdtar.
 */
#include "driver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>

enum { UNPACK_SECONDS = 60 };	/* an archive that takes longer is not unpacked */

static const char *const archive_suffixes[] = { ".zip", ".tar.gz", ".tgz", ".tar" };

size_t archive_stem(const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < sizeof archive_suffixes / sizeof archive_suffixes[0]; i++) {
		size_t n = strlen(archive_suffixes[i]);

		if (len > n && strcasecmp(name + len - n, archive_suffixes[i]) == 0)
			return len - n;
	}
	return 0;
}

/*
 * bsdtar refuses absolute paths (it strips the leading '/'), ".." and
 * extraction through links; owners and modes are not taken from the
 * archive.
 */
bool unpack_archive(const char *archive, const char *into, char *why, size_t size)
{
	char *const argv[] = {
		"bsdtar", "-x", "--no-same-owner", "--no-same-permissions", "-C", (char *)into,
		"-f", (char *)archive, NULL,
	};
	struct command c = { .argv = argv, .deadline = monotonic_seconds() + UNPACK_SECONDS };
	struct command_outcome *o = calloc(1, sizeof *o);
	bool ok;

	if (o == NULL) {
		snprintf(why, size, "out of memory");
		return false;
	}
	ok = command_run(&c, o) == 0 && !o->timed_out && WIFEXITED(o->status) &&
	     WEXITSTATUS(o->status) == 0;
	if (!ok)
		snprintf(why, size, "%s", o->spawn_errno ? "bsdtar is missing (Debian: "
			 "libarchive-tools)" : o->timed_out ? "bsdtar ran out of time" :
			 o->output_len ? strtok(o->output, "\n") : "bsdtar failed");
	free(o);
	return ok;
}
