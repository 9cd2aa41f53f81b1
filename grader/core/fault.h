/*
 * fault.h - make one call of the lab's code fail, so that its error path
 * runs: the Nth mmap, shmget, open, write, ... after fault_arm returns
 * failure with the errno the test chose, and every other call goes
 * through.  The lab's calls of faultcalls.h's functions reach the grader
 * first (mk/vet-lab.sh renames them); the grader's own calls do not.
 *
 *	fault_arm(FAULT_mmap, 1, ENOMEM);
 *	int *p = shared_int_create(7);
 *	fault_disarm();
 *	ck_assert_msg(p == NULL && errno == ENOMEM, ...);
 *
 * For a lab's program, run it with fault_env() in run_opts.env and the
 * "faults" shim in run_opts.preload.
 */
#ifndef GRADER_FAULT_H
#define GRADER_FAULT_H

#include <stdbool.h>
#include <stddef.h>

#include "faultcalls.h"

/* From now on the nth call (1 = the next) of call fails with error. */
void fault_arm(enum fault_call call, unsigned nth, int error);
/* No call fails any more.  Returns whether the armed one did. */
bool fault_disarm(void);
/*
 * While on, the lab's read and write on descriptors above 2 move at most
 * a few bytes at a time (1 to 64, as a pipe with a signal pending might),
 * and one call in eight fails with EINTR before moving anything: code
 * that loops until the job is done, and tries EINTR again, still works.
 */
void fault_short_io(bool on);
/*
 * How many semaphores the lab's code made with sem_init(sem, 0, n),
 * private to its process, since the test began: for a hint that names
 * the cause of a wake-up that never reached another process.
 */
unsigned fault_private_semaphores(void);
/* The call's name, "mmap". */
const char *fault_name(enum fault_call call);
/* "GRADER_FAULT=mmap 1 12": the same fault for a program under the
 * "faults" shim.  Returns buf. */
const char *fault_env(char *buf, size_t size, enum fault_call call, unsigned nth,
		      int error);

#endif
