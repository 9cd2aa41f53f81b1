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
 * Removes what appeared since before and writes a one-line description
 * ("System V segment 32770 (key 0x0, 4096 bytes); process 4242 (child)")
 * into report.  Returns the number of leaks.
 */
int audit_sweep(const struct audit_snapshot *before, char *report, size_t size);

#endif
