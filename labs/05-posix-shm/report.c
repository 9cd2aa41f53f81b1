/* report.c - see report.h. */
#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"

const char *errno_name(int error)
{
	static char unknown[32];

	switch (error) {
	case EACCES: return "EACCES";
	case EEXIST: return "EEXIST";
	case EFBIG: return "EFBIG";
	case EINVAL: return "EINVAL";
	case EMFILE: return "EMFILE";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	case ENFILE: return "ENFILE";
	case ENOENT: return "ENOENT";
	case ENOMEM: return "ENOMEM";
	case ENOSPC: return "ENOSPC";
	case ENOSYS: return "ENOSYS";
	default:
		snprintf(unknown, sizeof unknown, "errno %d", error);
		return unknown;
	}
}

void fail_object(const char *name)
{
	int error = errno;
	const char *why;

	switch (error) {
	case EEXIST:
		why = "the name is taken";
		break;
	case ENOENT:
		why = "no such object";
		break;
	case EINVAL:
		why = "invalid name or size (a name is one slash, then up to "
		      "255 characters that are not slashes)";
		break;
	case EACCES:
		why = "permission denied: the object belongs to another user";
		break;
	default:
		why = strerror(error);
		break;
	}
	fail("%s: %s (%s)", name, why, errno_name(error));
}
