/* debug.c - see debug.h. */
#include "debug.h"
#include "audit.h"
#include "checkrun.h"
#include "context.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct graded_item *debugged;

/* Check's fixture: the item runs unconfined here, with nothing to set up. */
static void debug_setup(void)
{
}

static void debug_body(int iteration)
{
	(*debugged->test)->fn(iteration);
}

int debug_item(const struct graded_item *it, const struct item_mounts *mounts)
{
	static char workdir[sizeof grader_ctx.tmpdir + 16];
	const struct check_test test = {
		.suite = grader_ctx.lab, .name = it->name,
		.file = (*it->test)->file, .line = (*it->test)->line,
		.body = debug_body, .setup = debug_setup, .no_fork = true,
	};
	struct check_outcome out;
	char why[200], leaks[400];
	struct audit_snapshot snapshot;
	bool isolated;

	debugged = it;
	isolated = namespace_isolate_item(mounts, why, sizeof why);
	if (!isolated)
		fprintf(stderr, "grader: %s; the run's objects are the system's\n", why);
	if (!grader_enter_item_folder(it->name, why, sizeof why)) {
		fprintf(stderr, "grader: %s\n", why);
		return 2;
	}
	snprintf(workdir, sizeof workdir, "%s/work", grader_ctx.tmpdir);
	if ((mkdir(workdir, 0755) < 0 && errno != EEXIST) || chdir(workdir) < 0) {
		fprintf(stderr, "grader: cannot enter %s: %s\n", workdir, strerror(errno));
		return 2;
	}
	grader_ctx.test_pid = getpid();
	grader_reseed_for(it->name);
	printf("grader: %s, alone in the foreground (process %d, folder %s)\n", it->name,
	       (int)getpid(), workdir);
	fflush(stdout);
	audit_take(&snapshot);
	check_run_one(&test, &out);
	audit_sweep_processes(0, leaks, sizeof leaks);
	audit_sweep_objects(&snapshot, leaks + strlen(leaks), sizeof leaks - strlen(leaks));
	audit_release(&snapshot);
	if (chdir("/") == 0 && isolated)
		namespace_leave_item(mounts);
	if (out.end == CHECK_PASSED && leaks[0] == '\0')
		printf("PASS %s\n", it->name);
	else
		printf("FAIL %s: %s%s%s\n", it->name,
		       out.end == CHECK_PASSED ? "" : out.message[0] ? out.message : "no result",
		       leaks[0] ? (out.end == CHECK_PASSED ? "left behind: " : "; left behind: ")
				: "", leaks);
	return out.end == CHECK_PASSED && leaks[0] == '\0' ? 0 : 1;
}
