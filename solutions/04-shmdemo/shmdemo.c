/*
 * shmdemo.c - the lecture's System V shared memory demo.
 *
 *   shmdemo TEXT   writes TEXT into the segment
 *   shmdemo        prints what the segment holds
 *   shmdemo -r     removes the segment
 *
 * Unrelated runs find the same segment through a key made with ftok from
 * a file: $SHMDEMO_KEYFILE, or shmdemo.c in the current directory.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "segment.h"

/* BEGIN SOLUTION */
#define USAGE "[TEXT | -r]"

/* Explains why the segment of key could not be attached, and ends. */
static _Noreturn void attach_failed(key_t key)
{
	int error = errno;
	ssize_t size;

	if (error == EINVAL && (size = segment_size(key)) >= 0)
		fail("the segment of key 0x%08x has %zd bytes, not %d: "
		     "remove it with 'shmdemo -r' or 'ipcrm -M 0x%08x'",
		     (unsigned)key, size, SHM_SIZE, (unsigned)key);
	if (error == EACCES)
		fail("the segment of key 0x%08x belongs to another user: "
		     "choose another key file with %s",
		     (unsigned)key, SHMDEMO_KEYFILE_ENV);
	errno = error;
	die("attaching the segment");
}

static int remove_segment(key_t key)
{
	if (segment_remove(key) < 0) {
		if (errno == ENOENT)
			fail("no segment to remove for key 0x%08x", (unsigned)key);
		die("removing the segment");
	}
	printf("removed the segment of key 0x%08x\n", (unsigned)key);
	return 0;
}

static void write_text(char *data, const char *text)
{
	size_t stored = segment_store(data, SHM_SIZE, text);

	printf("writing to segment: \"%.*s\"\n", (int)stored, text);
	if (text[stored] != '\0')
		fprintf(stderr, "shmdemo: text cut to %zu of %zu characters "
			"to fit the %d-byte segment\n",
			stored, strlen(text), SHM_SIZE);
}

static void read_text(const char *data)
{
	/* Trust no writer to have terminated the text: stop at the end. */
	printf("segment contains: \"%.*s\"\n", (int)strnlen(data, SHM_SIZE), data);
}

/* END SOLUTION */
int main(int argc, char *argv[])
{
	/* BEGIN SOLUTION */
	bool remove = false;
	const char *keyfile;
	char *data;
	key_t key;
	int opt;

	opterr = 0; /* usage() says it in one line */
	while ((opt = getopt(argc, argv, "r")) != -1) {
		if (opt != 'r')
			usage(USAGE);
		remove = true;
	}
	if (argc - optind > (remove ? 0 : 1))
		usage(USAGE);

	keyfile = segment_keyfile();
	key = segment_key(keyfile);
	if (key == -1)
		fail("cannot make a key from %s: %s (set %s to an existing file)",
		     keyfile, strerror(errno), SHMDEMO_KEYFILE_ENV);
	if (remove)
		return remove_segment(key);

	data = segment_attach(key, SHM_SIZE);
	if (data == NULL)
		attach_failed(key);
	if (optind < argc)
		write_text(data, argv[optind]);
	else
		read_text(data);
	if (segment_detach(data) < 0)
		die("detaching the segment");
	return 0;
	/* ELSE STUB
	(void)argc;
	(void)argv;
	fprintf(stderr, "shmdemo: TODO(lab 04 §1): write, read or remove the segment\n");
	return 1;
	END SOLUTION */
}
