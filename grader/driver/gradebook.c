/*
 * gradebook.c - the class's scores as a learning platform imports them.
 *
 * The roster is the instructor's CSV file: a header naming its columns
 * (in any order, any case) and a line per student.  "folder" is the
 * submission's name in the batch (a folder's name, an archive's without
 * its suffix), "id" the student's number at the institution; "name" and
 * "email" are optional.  From it and the rows of the class:
 *
 *   gradebook-canvas.csv   Student, ID, SIS User ID, SIS Login ID, Section
 *                          and a column of scores: Canvas's gradebook
 *                          import, matched on SIS User ID (the roster's id);
 *                          a "Points Possible" line gives the maximum.
 *   gradebook-moodle.csv   ID number, Email address, Full name and the
 *                          scores: Moodle's "Import CSV", mapped on ID
 *                          number or Email address.
 *
 * A student of the roster with no graded submission gets an empty cell
 * (the platform leaves the grade as it was), never a zero; each such
 * student and each submission missing from the roster is named on stderr.
 */
#include "driver.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { ROSTER_COLUMNS = 4, MAX_COLUMNS = 64 };
static const char *const column_names[ROSTER_COLUMNS] = { "folder", "id", "name", "email" };

/*
 * Splits a CSV line in place (RFC 4180: a quoted field may hold commas,
 * "" stands for a quote): up to max fields; their number, or -1 when a
 * quote is not closed or text follows a closing quote.
 */
static int split_csv(char *line, char **fields, int max)
{
	char *r = line, *w = line;
	int n = 0;

	for (;;) {
		char *start = w;
		bool more;

		if (*r == '"') {
			for (r++;; r++) {
				if (*r == '\0')
					return -1;
				if (*r == '"' && r[1] != '"')
					break;
				if (*r == '"')
					r++;
				*w++ = *r;
			}
			r++;
			if (*r != ',' && *r != '\0')
				return -1;
		} else {
			while (*r && *r != ',')
				*w++ = *r++;
		}
		more = *r == ',';
		r += more;
		*w++ = '\0';	/* where the comma or the end was, or before */
		if (n < max)
			fields[n++] = start;
		if (!more)
			return n;
	}
}

/* Removes a \r and trailing spaces: files from spreadsheets end lines with \r\n. */
static void trim_end(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == ' '))
		s[--n] = '\0';
}

bool roster_read(const char *path, struct roster *r, char *why, size_t size)
{
	size_t len;
	char *text = read_file(path, 4 << 20, &len), *save = NULL, *line;
	int where[ROSTER_COLUMNS] = { -1, -1, -1, -1 };
	size_t number = 1;

	*r = (struct roster){ 0 };
	if (text == NULL) {
		snprintf(why, size, "cannot read the roster %s: %s", path, strerror(errno));
		return false;
	}
	if (memchr(text, '\0', len) != NULL) {
		snprintf(why, size, "the roster %s is not a CSV text file", path);
		free(text);
		return false;
	}
	line = strtok_r(text, "\n", &save);
	if (line && strncmp(line, "\xEF\xBB\xBF", 3) == 0)
		line += 3;	/* the byte order mark spreadsheets write */
	if (line) {
		char *fields[MAX_COLUMNS];
		int n;

		trim_end(line);
		n = split_csv(line, fields, MAX_COLUMNS);
		for (int col = 0; col < n; col++)
			for (int c = 0; c < ROSTER_COLUMNS; c++)
				if (strcasecmp(fields[col], column_names[c]) == 0 && where[c] < 0)
					where[c] = col;
	}
	if (where[0] < 0 || where[1] < 0) {
		snprintf(why, size, "the roster %s needs a header line with the columns "
			 "folder and id (name and email are optional)", path);
		free(text);
		return false;
	}
	while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
		struct roster_student st = { 0 };
		struct roster_student *grown;
		char *fields[MAX_COLUMNS];
		char *slots[ROSTER_COLUMNS] = { st.folder, st.id, st.name, st.email };
		int n;

		number++;
		trim_end(line);
		if (*line == '\0')
			continue;
		n = split_csv(line, fields, MAX_COLUMNS);
		for (int c = 0; c < ROSTER_COLUMNS; c++)
			if (where[c] >= 0 && where[c] < n)
				snprintf(slots[c], ROSTER_FIELD, "%s", fields[where[c]]);
		if (n < 0 || st.folder[0] == '\0' || st.id[0] == '\0') {
			snprintf(why, size, "the roster %s, line %zu: %s", path, number,
				 n < 0 ? "a quote is not closed" : "the folder or the id is empty");
			free(text);
			roster_free(r);
			return false;
		}
		grown = realloc(r->students, (r->count + 1) * sizeof *grown);
		if (grown == NULL) {
			perror("ipcgrade");
			exit(2);
		}
		r->students = grown;
		r->students[r->count++] = st;
	}
	free(text);
	return true;
}

void roster_free(struct roster *r)
{
	free(r->students);
	*r = (struct roster){ 0 };
}

/* The row of the roster's student, or NULL: by the row's name, or an archive's. */
static const struct summary_row *row_of(const struct roster_student *st,
					const struct summary_row *rows, size_t n)
{
	for (size_t s = 0; s < n; s++)
		if (strcmp(rows[s].name, st->folder) == 0)
			return &rows[s];
	return NULL;
}

/* The score's column: the labs it covers. */
static void column_title(const struct catalogue_lab **chosen, size_t count, char *out,
			 size_t size)
{
	if (count == catalogue_count) {
		snprintf(out, size, "IPC workbook");
		return;
	}
	snprintf(out, size, "IPC lab%s", count > 1 ? "s" : "");
	for (size_t l = 0; l < count; l++)
		snprintf(out + strlen(out), size - strlen(out), "%s%.2s", l ? "+" : " ",
			 chosen[l]->name);
}

void gradebook_write(const char *out, const struct roster *r,
		     const struct catalogue_lab **chosen, size_t count,
		     const struct summary_row *rows, size_t n)
{
	FILE *canvas = batch_open_out(out, "gradebook-canvas", "csv");
	FILE *moodle = batch_open_out(out, "gradebook-moodle", "csv");
	char title[300];
	int max = 0;
	size_t missing = 0;

	for (size_t l = 0; l < count; l++)
		for (size_t i = 0; i < chosen[l]->count; i++)
			max += chosen[l]->tests[i].points;
	column_title(chosen, count, title, sizeof title);
	fprintf(canvas, "Student,ID,SIS User ID,SIS Login ID,Section,");
	csv_field(canvas, title);
	fprintf(canvas, "\n\"Points Possible\",,,,,%d\n", max);
	fprintf(moodle, "ID number,Email address,Full name,");
	csv_field(moodle, title);
	fputc('\n', moodle);
	for (size_t i = 0; i < r->count; i++) {
		const struct roster_student *st = &r->students[i];
		const struct summary_row *row = row_of(st, rows, n);
		char score[16] = "";

		if (row && row->graded)
			snprintf(score, sizeof score, "%d", row->score);
		else if (missing++ < 20)
			fprintf(stderr, "ipcgrade: roster: %s (%s) has no graded submission: "
				"left empty in the gradebook\n", st->folder, st->id);
		csv_field(canvas, st->name[0] ? st->name : st->folder);
		fputc(',', canvas);
		fputc(',', canvas);
		csv_field(canvas, st->id);
		fprintf(canvas, ",,,%s\n", score);
		csv_field(moodle, st->id);
		fputc(',', moodle);
		csv_field(moodle, st->email);
		fputc(',', moodle);
		csv_field(moodle, st->name);
		fprintf(moodle, ",%s\n", score);
	}
	if (missing > 20)
		fprintf(stderr, "ipcgrade: roster: %zu students in all have no graded submission\n",
			missing);
	for (size_t s = 0; s < n; s++) {
		bool listed = false;

		for (size_t i = 0; i < r->count && !listed; i++)
			listed = strcmp(rows[s].name, r->students[i].folder) == 0;
		if (!listed)
			fprintf(stderr, "ipcgrade: roster: no student for the submission '%s': "
				"not in the gradebook\n", rows[s].name);
	}
	fclose(canvas);
	fclose(moodle);
}
