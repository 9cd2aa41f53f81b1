/*
 * counter.h - the long that parent and child take turns to increment
 * (APUE fig. 15.33): where it lives and how it is incremented.
 */
#ifndef COUNTER_H
#define COUNTER_H

/*
 * Maps one long, initialised to 0, that a child created by fork() shares
 * with its parent: /dev/zero mapped MAP_SHARED, the descriptor closed
 * once the mapping exists.  Returns NULL with errno set on failure.
 */
long *counter_map_devzero(void);

/* The same with an anonymous shared mapping (MAP_ANON, no file). */
long *counter_map_anon(void);

/* Unmaps a counter from either function; 0, or -1 with errno set. */
int counter_unmap(long *counter);

/* Increments *counter and returns the value it had before. */
long update(long *counter);

#endif
