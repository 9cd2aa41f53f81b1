/*
 * audit.h - what a test leaves behind.
 *
 * A snapshot before a test and a sweep after it: any System V segment,
 * semaphore set or message queue, any /dev/shm object of ours, and any
 * living process adopted by the runner (it is a child subreaper) that was
 * not there before is a leak.  The sweep names each leak and removes it.
 */
#ifndef GRADER_AUDIT_H
#define GRADER_AUDIT_H

#include <stddef.h>
#include <sys/types.h>

enum { AUDIT_MAX = 512 };

struct audit_snapshot {
	int sysv_ids[3][AUDIT_MAX];     /* shm, sem, msg identifiers */
	int sysv_count[3];
	char (*shm_names)[256];         /* /dev/shm entries */
	int shm_count;
};

/* Makes this process the reaper of every orphan of its descendants. */
void audit_become_subreaper(void);

void audit_take(struct audit_snapshot *before);
void audit_release(struct audit_snapshot *snap);

/*
 * The sweep, in two steps: first the living children of this process but
 * spare (the watchdog), then the objects that appeared since before.  Each
 * kills or removes what it finds and describes it in report, one line
 * ("process 4242 (child) still running; System V segment 32770"); the
 * first step starts report afresh.  Each returns the number of leaks.
 * What they find is also kept for the item's picture (snapshot.h), if
 * the item has none yet.
 * A child still alive first gets LEFTOVER_GRACE seconds (scaled) to end:
 * one on its way out has closed its pipes before it becomes a zombie.
 */
#define LEFTOVER_GRACE 0.2
int audit_sweep_processes(pid_t spare, char *report, size_t size);
int audit_sweep_objects(const struct audit_snapshot *before, char *report, size_t size);

/*
 * Kills and reaps every living child of this process (adopted orphans)
 * but the spare_count in spare (the hosts of items still running).
 */
void audit_kill_adopted(const pid_t *spare, size_t spare_count);

#endif
