/*
 * faultcalls.h - the C library calls the grader can make fail, as one
 * table for the two places that interpose them: fault.c, which the lab's
 * code in a suite calls instead (mk/vet-lab.sh renames its references),
 * and shims/faults.c, preloaded into the lab's programs.
 *
 * FAULT_CALLS(X) expands X(name, return type, value on failure,
 * (parameters), (arguments)) once a call.  open and sem_open take a
 * variable argument, read and write can also move fewer bytes than asked
 * (fault_short_io), and sem_init tells what it was asked for
 * (fault_private_semaphores): those five are written out by hand.  So are
 * accept, whose address parameter glibc declares as a transparent union,
 * and pipe2, which fails when a fault of pipe is due: code may use either.
 */
#ifndef FAULTCALLS_H
#define FAULTCALLS_H

#include <fcntl.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <errno.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define FAULT_CALLS(X) \
	X(mmap, void *, MAP_FAILED, \
	  (void *addr, size_t len, int prot, int flags, int fd, off_t off), \
	  (addr, len, prot, flags, fd, off)) \
	X(munmap, int, -1, (void *addr, size_t len), (addr, len)) \
	X(msync, int, -1, (void *addr, size_t len, int flags), (addr, len, flags)) \
	X(shmget, int, -1, (key_t key, size_t size, int flags), (key, size, flags)) \
	X(shmat, void *, (void *)-1, (int id, const void *addr, int flags), \
	  (id, addr, flags)) \
	X(shmdt, int, -1, (const void *addr), (addr)) \
	X(shmctl, int, -1, (int id, int cmd, struct shmid_ds *buf), (id, cmd, buf)) \
	X(shm_unlink, int, -1, (const char *name), (name)) \
	X(shm_open, int, -1, (const char *name, int flags, mode_t mode), \
	  (name, flags, mode)) \
	X(ftruncate, int, -1, (int fd, off_t len), (fd, len)) \
	X(close, int, -1, (int fd), (fd)) \
	X(pipe, int, -1, (int fds[2]), (fds)) \
	X(dup2, int, -1, (int from, int to), (from, to)) \
	X(fork, pid_t, -1, (void), ()) \
	X(waitpid, pid_t, -1, (pid_t pid, int *status, int options), \
	  (pid, status, options)) \
	X(mkfifo, int, -1, (const char *path, mode_t mode), (path, mode)) \
	X(socket, int, -1, (int domain, int type, int protocol), (domain, type, protocol)) \
	X(sem_wait, int, -1, (sem_t *sem), (sem)) \
	X(sem_post, int, -1, (sem_t *sem), (sem))

/* Every call's number: FAULT_mmap, ..., then the two written by hand. */
enum fault_call {
#define FAULT_ENUM(name, type, failed, params, args) FAULT_##name,
	FAULT_CALLS(FAULT_ENUM)
#undef FAULT_ENUM
	FAULT_open,
	FAULT_sem_open,
	FAULT_read,
	FAULT_write,
	FAULT_sem_init,
	FAULT_accept,
	FAULT_CALL_COUNT
};

/* Which call fails, after how many more, with what errno. */
struct fault_plan {
	atomic_int call;        /* enum fault_call, or -1: none */
	atomic_uint to_go;      /* 1: the next call of it fails */
	atomic_int error;
	atomic_bool fired;
};

/* True, with errno set, when this call of call is the one to fail. */
static inline bool fault_plan_due(struct fault_plan *plan, int call)
{
	int expected = call;

	if (atomic_load(&plan->call) != call || atomic_fetch_sub(&plan->to_go, 1) != 1)
		return false;
	/* Only one call fails, even if two threads get here at once. */
	if (!atomic_compare_exchange_strong(&plan->call, &expected, -1))
		return false;
	atomic_store(&plan->fired, true);
	errno = atomic_load(&plan->error);
	return true;
}

/*
 * The variable arguments of open (a mode) and of sem_open (a mode and a
 * value), there only when the flags create something.
 */
struct fault_created {
	mode_t mode;
	unsigned value;
};

static inline struct fault_created fault_created(int flags, bool with_value,
						 va_list ap)
{
	struct fault_created c = { 0, 0 };

	if (flags & (with_value ? O_CREAT : O_CREAT | O_TMPFILE)) {
		c.mode = (mode_t)va_arg(ap, int);
		if (with_value)
			c.value = va_arg(ap, unsigned);
	}
	return c;
}

/* The names, in the enum's order, for GRADER_FAULT and for hints. */
#define FAULT_NAMES { \
	FAULT_CALLS(FAULT_NAME_OF) "open", "sem_open", "read", "write", "sem_init", \
	"accept" }
#define FAULT_NAME_OF(name, type, failed, params, args) #name,

#endif
