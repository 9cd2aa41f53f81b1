/* count_arg.c - see count_arg.h. */
#include "count_arg.h"

#include <errno.h>
#include <stdlib.h>

bool count_arg(const char *text, size_t max, size_t *out)
{
	unsigned long long value;
	char *end;

	/* strtoull alone would accept " 12", "+12" and even "-12". */
	if (text == NULL || *text < '0' || *text > '9')
		return false;
	errno = 0;
	value = strtoull(text, &end, 10);
	if (errno != 0 || *end != '\0' || value == 0 || value > max)
		return false;
	*out = (size_t)value;
	return true;
}
