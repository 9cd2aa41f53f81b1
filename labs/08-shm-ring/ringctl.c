/*
 * ringctl - creates, ends and removes a named ring, for programs that are
 * not related by fork:
 *
 *   ringctl create /NAME SLOTS SLOT_SIZE   a new ring, mode 0600
 *   ringctl end /NAME                      ends its stream (after the
 *                                          last producer is done)
 *   ringctl remove /NAME                   destroys it and its name
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "count_arg.h"
#include "errors.h"
#include "ring.h"

#define USAGE "create /NAME SLOTS SLOT_SIZE | end /NAME | remove /NAME"

static void create(const char *name, const char *slots_arg, const char *size_arg)
{
	size_t slots, size;
	struct ring *r;

	if (!count_arg(slots_arg, RING_MAX_SLOTS, &slots) ||
	    !count_arg(size_arg, RING_MAX_SLOT_SIZE, &size))
		usage(USAGE);
	r = ring_create(name, slots, size);
	if (r == NULL && errno == EINVAL)
		fail("%s: %zu slots of %zu bytes: over the %zu bytes a ring may take",
		     name, slots, size, (size_t)RING_MAX_BYTES);
	if (r == NULL)
		die("%s", name);
	if (ring_close(r) < 0)
		die("munmap");
}

/* Opens the ring name, or ends the program with the reason. */
static struct ring *open_or_die(const char *name)
{
	struct ring *r = ring_open(name);

	if (r == NULL && errno == EINVAL)
		fail("%s: not a ring", name);
	if (r == NULL)
		die("%s", name);
	return r;
}

static void end_stream(const char *name)
{
	struct ring *r = open_or_die(name);
	int err = ring_end(r) < 0 ? errno : 0;

	if (ring_close(r) < 0)
		die("munmap");
	if (err == EPIPE)
		fail("%s: the stream has already ended", name);
	if (err != 0) {
		errno = err;
		die("%s", name);
	}
}

static void remove_ring(const char *name)
{
	if (ring_destroy(open_or_die(name)) < 0)
		die("%s", name);
}

int main(int argc, char **argv)
{
	if (argc < 3 || !ring_name_valid(argv[2]))
		usage(USAGE);
	if (strcmp(argv[1], "create") == 0 && argc == 5)
		create(argv[2], argv[3], argv[4]);
	else if (strcmp(argv[1], "end") == 0 && argc == 3)
		end_stream(argv[2]);
	else if (strcmp(argv[1], "remove") == 0 && argc == 3)
		remove_ring(argv[2]);
	else
		usage(USAGE);
	return 0;
}
