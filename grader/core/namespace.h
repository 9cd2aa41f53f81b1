/*
 * namespace.h - private namespaces for the runner and for each item.
 *
 * Items may run side by side (see runner.c).  Each item's host then gets
 * a System V namespace, a /dev/shm and a run folder of its own, in a user
 * namespace of its own, so that two items never see each other's objects
 * or files: a name the lab chooses (a default "/shmdemo") cannot collide,
 * the leak audit, which works by difference, sees only its own item's
 * objects, and no test can reach into another item's scratch files.  The
 * mounts vanish with the item's last process.
 */
#ifndef GRADER_NAMESPACE_H
#define GRADER_NAMESPACE_H

#include <stdbool.h>
#include <stddef.h>

/* A private System V namespace for the runner, when the sandbox gave none. */
void namespace_private_sysv(void);

/* What an item's host mounts afresh. */
struct item_mounts {
	const char *run_dir;      /* the run's folder: the item sees only its own files */
	size_t run_bytes;
	size_t shm_bytes;         /* /dev/shm */
};

/*
 * A user namespace with a private System V namespace, and fresh tmpfs
 * mounts on /dev/shm and the run's folder, for the calling process;
 * false, with why, when the system refuses one.
 */
bool namespace_isolate_item(const struct item_mounts *m, char *why, size_t size);

/* Unmounts the item's run folder, so that the folder itself can go. */
void namespace_leave_item(const struct item_mounts *m);

/* Whether namespace_isolate_item works here (tried in a child). */
bool namespace_items_can_isolate(const struct item_mounts *m);

#endif
