/*
 * mapfile.h - map the first bytes of a file into memory, shared with every
 * other process that maps the same file.
 */
#ifndef MAPFILE_H
#define MAPFILE_H

#include <stddef.h>

/*
 * Opens path for reading and writing, creating it with mode 0600 if it does
 * not exist, makes the file at least size bytes long (a longer file keeps
 * all of its bytes) and maps its first size bytes readable, writable and
 * MAP_SHARED.  No descriptor stays open.
 *
 * Returns the mapping, or NULL with errno set: EINVAL for a size of 0
 * (checked first: nothing is opened or created), EISDIR for a directory, ENODEV for any other file that is not a regular
 * file, or the error of the system call that failed.
 */
char *map_file_shared(const char *path, size_t size);

/*
 * Opens an existing regular file read-only and maps its first size bytes
 * readable and MAP_SHARED, so that the mapping shows every later change
 * made by a writer.  No descriptor stays open.
 *
 * Returns the mapping, or NULL with errno set: ENOENT for a missing file,
 * EISDIR and ENODEV as above, and ERANGE when the file is shorter than
 * size (touching the mapping past the end of the file is an error).
 */
const char *map_file_readonly(const char *path, size_t size);

/*
 * Writes the mapping's modified pages to the file (msync with MS_SYNC) and
 * unmaps it.  Returns 0, or -1 with errno set; the mapping is gone either
 * way.
 */
int unmap_file(const void *map, size_t size);

#endif
