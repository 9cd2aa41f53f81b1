/*
 * procinfo.h - side effects read at their source: /proc/PID/maps,
 * /proc/sysvipc/shm, /dev/shm and /proc/PID/fd.
 */
#ifndef GRADER_PROCINFO_H
#define GRADER_PROCINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

/* One line of /proc/PID/maps. */
struct map_region {
	uintptr_t start, end;
	char perms[5];            /* "rw-s", "r-xp", ... */
	unsigned long offset;
	char path[256];           /* "", "[heap]", "/SYSV00000000 (deleted)" */
};

/* Finds the mapping of pid (0: this process) holding addr. */
bool maps_find(pid_t pid, uintptr_t addr, struct map_region *out);
/* Parses a saved copy of a maps file. */
bool maps_find_in_file(const char *path, uintptr_t addr, struct map_region *out);

/* One line of /proc/sysvipc/shm. */
struct sysv_shm {
	long key;
	int shmid;
	unsigned mode;            /* permission bits plus SHM_DEST/SHM_LOCKED */
	size_t size;
	pid_t cpid, lpid;
	unsigned long nattch;
	uid_t uid;
};

bool sysv_shm_find(int shmid, struct sysv_shm *out);
bool sysv_shm_find_key(long key, struct sysv_shm *out);
/* Number of segments visible to this process. */
int sysv_shm_count(void);

/* stat() of the object a POSIX shm_open name ("/name") stands for, in /dev/shm. */
int shm_object_stat(const char *name, struct stat *st);
bool shm_object_exists(const char *name);
/*
 * Copies into found the first /dev/shm entry whose name contains part (an
 * object, or a named semaphore, "sem.NAME"); false when there is none.
 */
bool shm_object_find(const char *part, char *found, size_t size);

/* The descriptors pid has open (0: this process), ascending; returns count. */
int fds_list(pid_t pid, int *fds, int max);
/* What descriptor fd of pid refers to, as readlink shows it. */
bool fd_target(pid_t pid, int fd, char *buf, size_t size);
/* How pid's descriptor fd is open: 'r', 'w', 'b' (both) or '?' (0: this process). */
char fd_mode(pid_t pid, int fd);

/* The fields of /proc/PID/stat the grader uses. */
struct proc_status {
	pid_t pid, ppid, pgid;
	char state;               /* 'R', 'S', 'D', 'Z', ... */
	unsigned long long cpu_ticks; /* user + system time, in clock ticks */
	int threads;
	char comm[32];
};

bool proc_status_read(pid_t pid, struct proc_status *out);
/* Calls visit() on every process until it returns false. */
void proc_each(bool (*visit)(const struct proc_status *, void *), void *arg);
/* Every process, at most max of them, into procs; returns how many. */
int proc_collect(struct proc_status *procs, int max);
/*
 * Marks, in in_tree (one flag per entry of procs), root and its
 * descendants; what is marked already stays marked.
 */
void proc_mark_tree(const struct proc_status *procs, int n, pid_t root, bool *in_tree);

/* True while pid exists and is not a zombie. */
bool process_running(pid_t pid);
/* The kernel function pid sleeps in (/proc/PID/wchan), "" when unknown. */
void proc_wchan(pid_t pid, char *buf, size_t size);

/*
 * The system call pid is blocked in, from /proc/PID/syscall: its number
 * in *nr and its six arguments (args may be NULL).  Returns how many of
 * these seven were read: 7 in a call, fewer when blocked outside one
 * (then *nr is -1), 0 when running or unreadable.
 */
int proc_syscall_read(pid_t pid, long *nr, unsigned long args[6]);
/* The number of the system call pid is blocked in, or -1. */
long proc_syscall(pid_t pid);

/*
 * When pid sleeps in nanosleep or clock_nanosleep for a relative time (as
 * sleep, usleep and nanosleep do), the seconds it asked to sleep, read
 * from the call's arguments and the process's memory; -1 otherwise.  A
 * test reads "it sleeps 1 s between prints" instead of waiting a second.
 */
double proc_sleep_request(pid_t pid);

#endif
