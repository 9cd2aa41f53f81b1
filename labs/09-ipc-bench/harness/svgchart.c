/*
 * svgchart.c - the chart of a report as plain SVG: round-trip latency as
 * bars, throughput against message size as lines (one panel per pinning),
 * both on logarithmic scales.  No library: SVG is text.
 */
#include "report.h"

#include <math.h>
#include <string.h>

#define WIDTH 1180
#define HEIGHT 560
#define PANEL_TOP 70
#define PANEL_HEIGHT 360

static const char *const colours[] = {
	"#8c564b", "#1f77b4", "#17becf", "#2ca02c", "#bcbd22",
	"#9467bd", "#d62728", "#ff7f0e", "#e377c2", "#7f7f7f",
};
#define NCOLOURS (sizeof colours / sizeof colours[0])

/* A logarithmic axis from 10^lo to 10^hi over pixels [from, to]. */
struct log_axis {
	int lo, hi;
	double from, to;
};

static double place(const struct log_axis *a, double v)
{
	double t = (log10(v) - a->lo) / (a->hi - a->lo);

	return a->from + t * (a->to - a->from);
}

/* Widens [lo, hi] (decades) to hold v. */
static void include(int *lo, int *hi, double v)
{
	if (!(v > 0) || !isfinite(v))
		return;
	if (floor(log10(v)) < *lo)
		*lo = (int)floor(log10(v));
	if (ceil(log10(v)) > *hi)
		*hi = (int)ceil(log10(v));
}

static void text(FILE *f, double x, double y, const char *anchor, int size, const char *s)
{
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">%s</text>\n",
		x, y, anchor, size, s);
}

static void decade_label(char *buf, size_t size, int decade)
{
	static const char *const names[] = { "0.001", "0.01", "0.1", "1", "10", "100",
					     "1k", "10k", "100k", "1M" };

	if (decade >= -3 && decade <= 6)
		snprintf(buf, size, "%s", names[decade + 3]);
	else
		snprintf(buf, size, "1e%d", decade);
}

static void latency_panel(FILE *f, const struct report *r, double x0, double w)
{
	int lo = 0, hi = 1;
	size_t rows = 0;
	char label[64];

	for (size_t pin = 0; pin < r->npins; pin++)
		for (size_t i = 0; i < r->nmechs; i++)
			if (r->rows[pin][i].latency_cell == CELL_OK)
				include(&lo, &hi, r->rows[pin][i].latency.median_us);
	lo--;                   /* a decade of room left of the fastest bar */
	for (size_t i = 0; i < r->nmechs; i++)
		if (r->rows[0][i].latency_cell != CELL_NONE)
			rows++;
	if (rows == 0)
		return;

	double left = x0 + 80, right = x0 + w;
	struct log_axis axis = { lo, hi, left, right };
	double band = PANEL_HEIGHT / (double)rows;

	text(f, x0 + w / 2, PANEL_TOP - 20, "middle", 15,
	     "Round-trip latency, median (µs, log)");
	for (int d = lo; d <= hi; d++) {
		double x = place(&axis, pow(10, d));

		fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>\n",
			x, PANEL_TOP, x, PANEL_TOP + PANEL_HEIGHT);
		decade_label(label, sizeof label, d);
		text(f, x, PANEL_TOP + PANEL_HEIGHT + 16, "middle", 11, label);
	}
	size_t k = 0;

	for (size_t i = 0; i < r->nmechs; i++) {
		if (r->rows[0][i].latency_cell == CELL_NONE)
			continue;
		double y = PANEL_TOP + band * (double)k++;

		text(f, left - 6, y + band / 2 + 4, "end", 12, r->rows[0][i].m->name);
		for (size_t pin = 0; pin < r->npins; pin++) {
			const struct mech_row *row = &r->rows[pin][i];
			double h = (band - 8) / (double)r->npins;
			double by = y + 4 + h * (double)pin;

			if (row->latency_cell != CELL_OK)
				continue;
			fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
				"fill=\"%s\" fill-opacity=\"%s\"><title>%s%s: %.2f µs</title></rect>\n",
				left, by, place(&axis, row->latency.median_us) - left, h - 1,
				colours[i % NCOLOURS], r->pinned[pin] ? "0.45" : "1",
				row->m->name, r->pinned[pin] ? ", pinned" : "",
				row->latency.median_us);
		}
	}
	if (r->npins > 1)
		text(f, x0 + w / 2, PANEL_TOP + PANEL_HEIGHT + 34, "middle", 11,
		     "upper bar: not pinned; lower, paler bar: pinned");
}

static void throughput_panel(FILE *f, const struct report *r, size_t pin,
			     double x0, double w, int lo, int hi)
{
	double left = x0 + 50, right = x0 + w - 10;
	struct log_axis axis = { lo, hi, PANEL_TOP + PANEL_HEIGHT, PANEL_TOP };
	double step = r->nsizes > 1 ? (right - left) / (double)(r->nsizes - 1) : 0;
	char label[64];

	snprintf(label, sizeof label, "Throughput, MB/s (log), %s",
		 r->pinned[pin] ? "pinned" : "not pinned");
	text(f, x0 + w / 2, PANEL_TOP - 20, "middle", 15, label);
	for (int d = lo; d <= hi; d++) {
		double y = place(&axis, pow(10, d));

		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
			left, y, right, y);
		decade_label(label, sizeof label, d);
		text(f, left - 6, y + 4, "end", 11, label);
	}
	for (size_t s = 0; s < r->nsizes; s++)
		text(f, left + step * (double)s, PANEL_TOP + PANEL_HEIGHT + 16, "middle", 11,
		     size_name(r->sizes[s], label, sizeof label));
	text(f, (left + right) / 2, PANEL_TOP + PANEL_HEIGHT + 34, "middle", 11,
	     "message size");

	for (size_t i = 0; i <= r->nmechs; i++) {
		bool is_memcpy = i == r->nmechs;
		const char *colour = is_memcpy ? "#000" : colours[i % NCOLOURS];
		bool open = false;

		for (size_t s = 0; s < r->nsizes; s++) {
			double bps;

			if (is_memcpy)
				bps = r->memcpy_bps[s];
			else if (r->rows[pin][i].throughput_cell[s] == CELL_OK)
				bps = r->rows[pin][i].throughput[s].bytes_per_second;
			else
				bps = 0;
			if (bps <= 0)
				continue;
			fprintf(f, "%s%.1f,%.1f", open ? " " : "<polyline fill=\"none\" points=\"",
				left + step * (double)s, place(&axis, bps / 1e6));
			open = true;
		}
		if (open)
			fprintf(f, "\" stroke=\"%s\" stroke-width=\"2\"%s/>\n", colour,
				is_memcpy ? " stroke-dasharray=\"6,4\"" : "");
	}
}

static void legend(FILE *f, const struct report *r)
{
	double x = 40, y = HEIGHT - 40;

	for (size_t i = 0; i <= r->nmechs; i++) {
		bool is_memcpy = i == r->nmechs;
		const char *name = is_memcpy ? "memcpy (ceiling)" : r->rows[0][i].m->name;

		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
			"stroke-width=\"6\"%s/>\n", x, y, x + 22, y,
			is_memcpy ? "#000" : colours[i % NCOLOURS],
			is_memcpy ? " stroke-dasharray=\"6,4\"" : "");
		text(f, x + 28, y + 4, "start", 12, name);
		x += 40 + 8.0 * (double)strlen(name);
	}
}

void report_svg(FILE *f, const struct report *r)
{
	int lo = 1, hi = 2;
	size_t panels = 1 + r->npins;
	double w = (WIDTH - 40) / (double)panels;

	for (size_t pin = 0; pin < r->npins; pin++)
		for (size_t s = 0; s < r->nsizes; s++) {
			include(&lo, &hi, r->memcpy_bps[s] / 1e6);
			for (size_t i = 0; i < r->nmechs; i++)
				if (r->rows[pin][i].throughput_cell[s] == CELL_OK)
					include(&lo, &hi,
						r->rows[pin][i].throughput[s].bytes_per_second / 1e6);
		}
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">\n", WIDTH, HEIGHT, WIDTH, HEIGHT);
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n");
	fprintf(f, "<text x=\"20\" y=\"24\" font-size=\"13\">Measured on ");
	for (const char *p = r->machine; *p != '\0'; p++) {   /* escape for XML */
		if (*p == '&')
			fputs("&amp;", f);
		else if (*p == '<')
			fputs("&lt;", f);
		else if (*p == '>')
			fputs("&gt;", f);
		else
			fputc(*p, f);
	}
	fprintf(f, "</text>\n");
	latency_panel(f, r, 20, w - 30);
	for (size_t pin = 0; pin < r->npins; pin++)
		throughput_panel(f, r, pin, 20 + w * (double)(pin + 1), w - 10, lo, hi);
	legend(f, r);
	fprintf(f, "</svg>\n");
}
