/*
 * shmattach.c - writes text into, or prints the text in, an existing
 * named shared memory object (made by shmcreate).
 *
 *   shmattach NAME TEXT     writes TEXT (cut to fit, always terminated)
 *   shmattach NAME          prints what it holds
 */
#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "region.h"
#include "report.h"

/* BEGIN SOLUTION */
#define USAGE "NAME [TEXT]"

/* Stores text and a NUL in the region; returns the characters stored. */
static size_t store_text(const struct region *r, const char *text)
{
	size_t length = strnlen(text, r->size - 1);

	memcpy(r->addr, text, length);
	((char *)r->addr)[length] = '\0';
	return length;
}

/* END SOLUTION */
int main(int argc, char *argv[])
{
	/* BEGIN SOLUTION */
	struct region object;
	const char *name;

	if (argc < 2 || argc > 3)
		usage(USAGE);
	name = argv[1];
	if (region_attach(name, &object) < 0)
		fail_object(name);
	if (argc == 3) {
		size_t stored = store_text(&object, argv[2]);

		printf("writing to %s: \"%.*s\"\n", name, (int)stored, argv[2]);
	} else {
		/* Bounded: whoever wrote last may not have terminated it. */
		const char *text = object.addr;

		printf("%s contains: \"%.*s\"\n", name,
		       (int)strnlen(text, object.size), text);
	}
	if (region_detach(&object) < 0)
		die("munmap");
	return 0;
	/* ELSE STUB
	(void)argc;
	(void)argv;
	fprintf(stderr, "shmattach: TODO(lab 05 §7): attach with region_attach, then write or print\n");
	return 1;
	END SOLUTION */
}
