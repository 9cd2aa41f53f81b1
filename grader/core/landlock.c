/*
 * landlock.c - see landlock.h.
 *
 * The system calls are made directly: the C library has no wrappers, and
 * the kernel headers of older distributions lack the scoping fields.  The
 * structures below are the kernel's stable ABI.
 */
#include "landlock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif

enum {
	RULESET_VERSION = 1,            /* LANDLOCK_CREATE_RULESET_VERSION */
	RULE_PATH_BENEATH = 1,          /* LANDLOCK_RULE_PATH_BENEATH */
	ACCESS_FS_EXECUTE = 1,          /* LANDLOCK_ACCESS_FS_EXECUTE */
	SCOPE_ABSTRACT_UNIX = 1,        /* LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET */
	SCOPE_SIGNAL = 2,               /* LANDLOCK_SCOPE_SIGNAL */
	FIRST_ABI_WITH_SCOPES = 6,
};

struct ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

struct path_beneath_attr {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

int landlock_abi(void)
{
	static int abi = -1;

	if (abi < 0) {
		long v = syscall(SYS_landlock_create_ruleset, NULL, 0, RULESET_VERSION);

		abi = v > 0 ? (int)v : 0;
	}
	return abi;
}

bool landlock_scopes_signals(void)
{
	return landlock_abi() >= FIRST_ABI_WITH_SCOPES;
}

/*
 * A ruleset that restricts no file access: it handles "execute" and then
 * allows it everywhere beneath "/".  A layer needs a handled right; this
 * one adds only the process boundaries every layer has.
 */
static int open_unrestricting_ruleset(void)
{
	struct ruleset_attr attr = { .handled_access_fs = ACCESS_FS_EXECUTE };
	struct path_beneath_attr everywhere = { .allowed_access = ACCESS_FS_EXECUTE };
	int ruleset, saved;

	ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
	if (ruleset < 0)
		return -1;
	everywhere.parent_fd = open("/", O_PATH | O_CLOEXEC);
	if (everywhere.parent_fd < 0 ||
	    syscall(SYS_landlock_add_rule, ruleset, RULE_PATH_BENEATH, &everywhere, 0) < 0) {
		saved = errno;
		if (everywhere.parent_fd >= 0)
			close(everywhere.parent_fd);
		close(ruleset);
		errno = saved;
		return -1;
	}
	close(everywhere.parent_fd);
	return ruleset;
}

static int open_scoped_ruleset(void)
{
	struct ruleset_attr attr = { .scoped = SCOPE_SIGNAL | SCOPE_ABSTRACT_UNIX };

	return (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
}

int landlock_add_layer(bool scope_signals)
{
	int ruleset, rc, saved;

	if (landlock_abi() == 0) {
		errno = ENOSYS;
		return -1;
	}
	ruleset = scope_signals && landlock_scopes_signals() ? open_scoped_ruleset()
							      : open_unrestricting_ruleset();
	if (ruleset < 0)
		return -1;
	rc = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	if (rc == 0)
		rc = (int)syscall(SYS_landlock_restrict_self, ruleset, 0);
	saved = errno;
	close(ruleset);
	errno = saved;
	return rc < 0 ? -1 : 0;
}
