/*
 * context.c - the run's private context as the tests see it: directories,
 * names, the seed and its random streams, and small process helpers.
 */
#include "context.h"
#include "sysutil.h"
#include "grader.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct grader_context grader_ctx;

static uint64_t stream_state;

const char *grader_tmpdir(void) { return grader_ctx.tmpdir; }
const char *grader_bindir(void) { return grader_ctx.bindir; }
const char *grader_shimdir(void) { return grader_ctx.shimdir; }
const char *grader_shm_prefix(void) { return grader_ctx.shm_prefix; }
double grader_scale(void) { return grader_ctx.scale; }
uint64_t grader_seed(void) { return grader_ctx.seed; }

char *grader_tmp_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", grader_ctx.tmpdir, name);
	return buf;
}

bool grader_enter_item_folder(const char *item, char *why, size_t size)
{
	char folder[sizeof grader_ctx.tmpdir];
	int key_fd;

	if ((size_t)snprintf(folder, sizeof folder, "%s/item-%s", grader_ctx.tmpdir, item) >=
	    sizeof folder) {
		snprintf(why, size, "the item's folder name is too long");
		return false;
	}
	if (mkdir(folder, 0700) < 0 && errno != EEXIST) {
		snprintf(why, size, "cannot create %s: %s", folder, strerror(errno));
		return false;
	}
	memcpy(grader_ctx.tmpdir, folder, sizeof folder);
	snprintf(grader_ctx.key_file, sizeof grader_ctx.key_file, "%s/keyfile", folder);
	key_fd = open(grader_ctx.key_file, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (key_fd < 0) {
		snprintf(why, size, "cannot create %s: %s", grader_ctx.key_file, strerror(errno));
		return false;
	}
	close(key_fd);
	/* Check keeps its message files in $TEMP. */
	return setenv("TEMP", folder, 1) == 0;
}

const char *grader_key_file(void)
{
	return grader_ctx.key_file;
}

char *grader_shm_name(char *buf, size_t size, const char *what)
{
	snprintf(buf, size, "/%s-%s", grader_ctx.shm_prefix, what);
	return buf;
}

/* splitmix64: small, well mixed, and the same on every machine. */
static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void grader_reseed_for(const char *test_name)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a of the name */

	for (const char *p = test_name; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	stream_state = grader_ctx.seed ^ h;
}

uint32_t grader_random(void)
{
	return (uint32_t)(splitmix64(&stream_state) >> 32);
}

uint32_t grader_random_between(uint32_t lo, uint32_t hi)
{
	uint64_t span = (uint64_t)hi - lo + 1;

	if (hi <= lo)
		return lo;
	return lo + (uint32_t)(grader_random() % span);
}

void grader_random_text(char *buf, size_t len)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 ,.-";

	for (size_t i = 0; i < len; i++)
		buf[i] = alphabet[grader_random() % (sizeof alphabet - 1)];
	/* No leading or trailing blank: easier to read in a hint. */
	if (len > 0 && buf[0] == ' ')
		buf[0] = 'x';
	if (len > 0 && buf[len - 1] == ' ')
		buf[len - 1] = 'x';
	buf[len] = '\0';
}

void grader_random_bytes(void *buf, size_t len)
{
	unsigned char *bytes = buf;

	for (size_t i = 0; i < len; i++)
		bytes[i] = (unsigned char)grader_random();
}

char *grader_random_lines(size_t count, uint32_t shortest, uint32_t longest,
			  const char *tag, size_t *len)
{
	const size_t tag_len = tag ? strlen(tag) + 1 : 0;
	char *text = malloc(count * (tag_len + longest + 1) + 1);
	size_t o = 0;

	ck_assert_msg(text != NULL, "the grader ran out of memory");
	for (size_t i = 0; i < count; i++) {
		size_t n = grader_random_between(shortest, longest);

		if (tag)
			o += (size_t)sprintf(text + o, "%s ", tag);
		grader_random_text(text + o, n);
		o += n;
		text[o++] = '\n';
	}
	text[o] = '\0';
	*len = o;
	return text;
}

size_t grader_first_difference(const char *a, size_t a_len, const char *b,
			       size_t b_len, size_t *line)
{
	size_t at = 0, lines = 1;

	while (at < a_len && at < b_len && a[at] == b[at])
		lines += a[at++] == '\n';
	if (line)
		*line = lines;
	return at;
}

uint64_t grader_replay_next(uint64_t *state)
{
	uint64_t x = *state; /* xorshift64*, Marsaglia and Vigna */

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * UINT64_C(0x2545f4914f6cdd1d);
}

void grader_replay_fill(uint64_t *state, void *buf, size_t len)
{
	unsigned char *bytes = buf;

	for (size_t i = 0; i < len; i += 8) {
		uint64_t v = grader_replay_next(state);

		memcpy(bytes + i, &v, len - i < 8 ? len - i : 8);
	}
}

uint64_t grader_fnv1a(uint64_t sum, const void *data, size_t len)
{
	const unsigned char *bytes = data;

	for (size_t i = 0; i < len; i++)
		sum = (sum ^ bytes[i]) * UINT64_C(0x100000001b3);
	return sum;
}

const char *grader_excerpt(char *buf, size_t size, const char *data, size_t len)
{
	size_t o = 0;
	const size_t shown = len < 40 ? len : 40;

	if (size < 8) {
		if (size)
			buf[0] = '\0';
		return buf;
	}
	if (data == NULL) {
		snprintf(buf, size, "(nothing)");
		return buf;
	}
	buf[o++] = '"';
	for (size_t i = 0; i < shown && o + 6 < size; i++) {
		unsigned char c = (unsigned char)data[i];

		if (c == '\n')
			o += (size_t)snprintf(buf + o, size - o, "\\n");
		else if (c == '\t')
			o += (size_t)snprintf(buf + o, size - o, "\\t");
		else if (c == '"' || c == '\\')
			o += (size_t)snprintf(buf + o, size - o, "\\%c", c);
		else if (c < 32 || c == 127)
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	buf[o++] = '"';
	if (shown < len && o + 4 < size)
		o += (size_t)snprintf(buf + o, size - o, "...");
	buf[o < size ? o : size - 1] = '\0';
	return buf;
}

bool grader_figures_wanted(void)
{
	return grader_ctx.figures;
}

bool grader_in_test_process(void)
{
	return getpid() == grader_ctx.test_pid;
}

void grader_leave_if_forked(int status)
{
	if (!grader_in_test_process())
		_exit(status);
}

const char *grader_describe_status(int status, char *buf, size_t size)
{
	if (status == GRADER_STATUS_ENDED_INSIDE)
		snprintf(buf, size, "ended with exit 0 inside the code under test: return instead");
	else if (WIFEXITED(status))
		snprintf(buf, size, "exit %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, size, "killed by SIG%s", sigabbrev_np(WTERMSIG(status))
			 ? sigabbrev_np(WTERMSIG(status)) : "?");
	else
		snprintf(buf, size, "status %#x", status);
	return buf;
}

const char *grader_errno_name(int err)
{
	const char *name = err ? strerrorname_np(err) : "no error";

	return name ? name : "an unknown errno";
}
