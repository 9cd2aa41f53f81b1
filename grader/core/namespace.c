/* namespace.c - see namespace.h. */
#include "namespace.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* Maps id to itself in the new user namespace ("uid_map" or "gid_map"). */
static bool write_map(const char *file, unsigned id)
{
	char path[64], map[64];
	bool ok;
	int fd;

	snprintf(path, sizeof path, "/proc/self/%s", file);
	snprintf(map, sizeof map, "%u %u 1", id, id);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ok = write(fd, map, strlen(map)) == (ssize_t)strlen(map);
	close(fd);
	return ok;
}

/* Denies setgroups, then maps our ids to themselves. */
static bool write_maps(uid_t uid, gid_t gid)
{
	int fd = open("/proc/self/setgroups", O_WRONLY | O_CLOEXEC);

	/* An unprivileged gid_map needs setgroups denied first. */
	if (fd >= 0) {
		bool denied = write(fd, "deny", 4) == 4;

		close(fd);
		if (!denied)
			return false;
	}
	return write_map("uid_map", (unsigned)uid) && write_map("gid_map", (unsigned)gid);
}

/*
 * A new user namespace (plus what flags add) in which we keep our ids.
 * The grader's processes are not dumpable, which makes their /proc files
 * root's: the maps are written in a moment of being dumpable.  Nothing
 * of the lab's runs in this process yet, and a test process of another
 * item lives in a Landlock domain that cannot trace it (see runner.c).
 */
static bool unshare_as_self(int flags)
{
	const uid_t uid = geteuid();
	const gid_t gid = getegid();
	const int dumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
	bool mapped;

	if (unshare(CLONE_NEWUSER | flags) < 0)
		return false;
	if (dumpable == 0 && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
		return false;
	mapped = write_maps(uid, gid);
	if (dumpable == 0 && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return false;
	return mapped;
}

void namespace_private_sysv(void)
{
	/* Failing both, a shared namespace: the audit still works by difference. */
	if (unshare(CLONE_NEWIPC) < 0)
		(void)unshare_as_self(CLONE_NEWIPC);
}

/* A fresh tmpfs on where, open to its owner only, or to all (sticky). */
static bool mount_tmpfs(const char *where, size_t bytes, bool shared, char *why, size_t size)
{
	char options[64];

	snprintf(options, sizeof options, "mode=%s,size=%zu", shared ? "1777" : "0700", bytes);
	if (mount("tmpfs", where, "tmpfs", MS_NOSUID | MS_NODEV, options) == 0)
		return true;
	snprintf(why, size, "cannot mount a private %s for the item: %s", where, strerror(errno));
	return false;
}

bool namespace_isolate_item(const struct item_mounts *m, char *why, size_t size)
{

	if (!unshare_as_self(CLONE_NEWIPC | CLONE_NEWNS)) {
		snprintf(why, size, "no user namespace for the item: %s", strerror(errno));
		return false;
	}
	/* Nothing mounted here may reach the sandbox's own mounts. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		snprintf(why, size, "cannot make the mounts private: %s", strerror(errno));
		return false;
	}
	return mount_tmpfs("/dev/shm", m->shm_bytes, true, why, size) &&
	       mount_tmpfs(m->run_dir, m->run_bytes, false, why, size);
}

bool namespace_items_can_isolate(const struct item_mounts *m)
{
	char why[160];
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return false;
	if (pid == 0)
		_exit(namespace_isolate_item(m, why, sizeof why) ? 0 : 1);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

void namespace_leave_item(const struct item_mounts *m)
{
	if (umount2(m->run_dir, MNT_DETACH) < 0 && errno != EINVAL)
		perror("grader: umount the item's run folder");
}
