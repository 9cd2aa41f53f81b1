/*
 * shmdemo.c - the lecture's System V shared memory demo.
 *
 *   shmdemo TEXT   writes TEXT into the segment
 *   shmdemo        prints what the segment holds
 *   shmdemo -r     removes the segment
 *
 * Unrelated runs find the same segment through a key made with ftok from
 * a file: $SHMDEMO_KEYFILE, or shmdemo.c in the current directory.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "segment.h"

int main(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "shmdemo: TODO(lab 04 §1): write, read or remove the segment\n");
	return 1;
}
