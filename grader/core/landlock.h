/*
 * landlock.h - Landlock layers around the code under test.
 *
 * A process inside a Landlock domain cannot trace, or read through /proc,
 * any process outside it or in a less nested domain; with scoping (Linux
 * 6.12, Landlock ABI 6) it cannot signal them either.  The test process
 * enters a scoped layer before any student code runs, so that nothing it
 * starts can reach the grader's own processes; every program the grader
 * runs for a test enters one more layer, so that it cannot reach the test.
 */
#ifndef GRADER_LANDLOCK_H
#define GRADER_LANDLOCK_H

#include <stdbool.h>

/* The kernel's Landlock ABI version, 0 when Landlock is unavailable. */
int landlock_abi(void);

/*
 * Puts the calling process (and all it starts) into a new Landlock layer;
 * with scope_signals, one that also keeps signals and abstract UNIX
 * sockets inside the domain when the kernel can.  Sets no_new_privs.
 * Returns 0, or -1 with errno when Landlock is unavailable.
 */
int landlock_add_layer(bool scope_signals);

/* True when a layer added with scope_signals also scopes signals. */
bool landlock_scopes_signals(void);

#endif
