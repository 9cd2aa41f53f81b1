/* tidy.c - see tidy.h. */
#include "tidy.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

enum { MAX_TIDY = 32 };

enum tidy_kind { TIDY_SHM_NAME, TIDY_SYSV_KEY, TIDY_SHMID, TIDY_PATH };

/* The test's list: every item runs in a process of its own. */
static struct {
	enum tidy_kind kind;
	long number;              /* a key or a shmid */
	char text[600];           /* a name or a path */
} made[MAX_TIDY];
static int made_count;

static void add(enum tidy_kind kind, long number, const char *text)
{
	ck_assert_msg(made_count < MAX_TIDY, "grader: more than %d objects to tidy",
		      MAX_TIDY);
	made[made_count].kind = kind;
	made[made_count].number = number;
	snprintf(made[made_count].text, sizeof made[0].text, "%s", text ? text : "");
	made_count++;
}

void tidy_shm_name(const char *name) { add(TIDY_SHM_NAME, 0, name); }
void tidy_sysv_key(key_t key) { add(TIDY_SYSV_KEY, (long)key, NULL); }
void tidy_path(const char *path) { add(TIDY_PATH, 0, path); }

void tidy_shmid(int shmid)
{
	if (shmid >= 0)
		add(TIDY_SHMID, shmid, NULL);
}

void tidy_now(void)
{
	const int saved_errno = errno;

	while (made_count > 0) {
		const int i = --made_count;
		int shmid;

		switch (made[i].kind) {
		case TIDY_SHM_NAME:
			shm_unlink(made[i].text);
			break;
		case TIDY_SYSV_KEY:
			shmid = shmget((key_t)made[i].number, 0, 0);
			if (shmid >= 0)
				shmctl(shmid, IPC_RMID, NULL);
			break;
		case TIDY_SHMID:
			shmctl((int)made[i].number, IPC_RMID, NULL);
			break;
		case TIDY_PATH:
			if (unlink(made[i].text) < 0 && errno == EISDIR)
				rmdir(made[i].text);
			break;
		}
	}
	errno = saved_errno;
}
