/*
 * segment.h - a System V shared memory segment found by a key, so that
 * unrelated processes (two runs of shmdemo) meet in the same memory.
 *
 * Every function reports failure as the system does: -1 or NULL, with
 * errno set.
 */
#ifndef SEGMENT_H
#define SEGMENT_H

#include <stddef.h>
#include <sys/types.h>

/* The segment's size, as in the lecture's demo. */
#define SHM_SIZE 1024

/* Owner may read and write; nobody else may even read (see the handout, §6). */
#define SHM_MODE 0600

/* ftok's project identifier, as in the lecture's demo. */
#define SHM_PROJ 'R'

/* The variable that names the key file, and the file used without it. */
#define SHMDEMO_KEYFILE_ENV "SHMDEMO_KEYFILE"
#define SHMDEMO_KEYFILE_DEFAULT "shmdemo.c"

/*
 * The file the key is made from: $SHMDEMO_KEYFILE when it is set and not
 * empty, otherwise "shmdemo.c" in the current directory.
 */
const char *segment_keyfile(void);

/* The key of keyfile: ftok(keyfile, SHM_PROJ).  -1 if the file is missing. */
key_t segment_key(const char *keyfile);

/*
 * Connects to the segment of key, creating it (mode SHM_MODE) if there is
 * none, and attaches it.  An existing segment must be exactly size bytes:
 * otherwise NULL with errno EINVAL, and the segment is left alone.
 */
char *segment_attach(key_t key, size_t size);

/* The size of the existing segment of key.  -1 (ENOENT) if there is none. */
ssize_t segment_size(key_t key);

/* Detaches the segment attached at data.  0, or -1. */
int segment_detach(char *data);

/*
 * Removes the segment of key (IPC_RMID): it goes at once if nothing is
 * attached, otherwise when the last process detaches.  0, or -1 (ENOENT
 * when there is no segment for key).
 */
int segment_remove(key_t key);

/*
 * Copies text into the size bytes at data, cut to size - 1 characters and
 * always followed by a NUL (size must be at least 1).  Returns the number
 * of characters stored.
 */
size_t segment_store(char *data, size_t size, const char *text);

#endif
