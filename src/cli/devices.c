/* devices.c - `koban devices DIR [--json]`: the device inventory stored in
 * DIR/koban.db, as a table (every string terminal-escaped) or as the JSON
 * array of the stored device records. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "store/db.h"
#include "util/text.h"

#define NCOLS 7
#define COL_CAP 40 /* widest a column is padded to; longer cells push the row on */

static const char *const headers[NCOLS] = { "MAC", "IPS", "VENDOR", "HOSTNAMES", "MODEL", "FIRMWARE", "SERVICES" };

static void usage_devices(FILE *f)
{
	fputs("usage: koban devices DIR [--json]\n", f);
}

/* Width on a terminal of s once term_escape()d (UTF-8 counted per character). */
static size_t shown_width(const char *s)
{
	size_t w = 0;
	for (const unsigned char *u = (const unsigned char *)s; *u; u++)
		w += (*u < 0x20 || *u == 0x7f) ? 4 : ((*u & 0xc0) == 0x80 ? 0 : 1);
	return w;
}

static void cell(FILE *f, const char *s, size_t width, bool last)
{
	term_escape(f, s);
	if (last)
		return;
	size_t w = shown_width(s);
	for (size_t pad = w < width ? width - w + 2 : 2; pad > 0; pad--)
		fputc(' ', f);
}

/* A row of the table: owned copies of the cells ("-" for empty). */
struct row {
	char *c[NCOLS];
};

static char *col_text(sqlite3_stmt *s, int i)
{
	const unsigned char *v = sqlite3_column_text(s, i);
	return strdup(v && *v ? (const char *)v : "-");
}

/* MODEL column: "manufacturer model". */
static char *model_text(sqlite3_stmt *s)
{
	const char *mf = (const char *)sqlite3_column_text(s, 4), *md = (const char *)sqlite3_column_text(s, 5);
	char *out = NULL;
	if (mf && md && strstr(md, mf) != md) {
		if (asprintf(&out, "%s %s", mf, md) < 0)
			out = NULL;
		return out;
	}
	return strdup(md ? md : mf ? mf : "-");
}

static int print_table(sqlite3_stmt *s, const char *dbpath)
{
	struct row *rows = NULL;
	size_t n = 0, width[NCOLS];
	int rc;
	for (int i = 0; i < NCOLS; i++)
		width[i] = strlen(headers[i]);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct row *grown = realloc(rows, (n + 1) * sizeof *rows);
		if (!grown)
			break;
		rows = grown;
		struct row *r = &rows[n++];
		static const int src[NCOLS] = { 0, 1, 2, 3, -1, 6, 7 };
		for (int i = 0; i < NCOLS; i++) {
			r->c[i] = src[i] < 0 ? model_text(s) : col_text(s, src[i]);
			size_t w = r->c[i] ? shown_width(r->c[i]) : 0;
			if (w > width[i])
				width[i] = w < COL_CAP ? w : COL_CAP;
		}
	}
	for (int i = 0; i < NCOLS; i++)
		cell(stdout, headers[i], width[i], i == NCOLS - 1);
	putchar('\n');
	for (size_t k = 0; k < n; k++) {
		for (int i = 0; i < NCOLS; i++) {
			cell(stdout, rows[k].c[i] ? rows[k].c[i] : "?", width[i], i == NCOLS - 1);
			free(rows[k].c[i]);
		}
		putchar('\n');
	}
	free(rows);
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "koban: %s: read error\n", dbpath);
		return 2;
	}
	return 0;
}

static int print_json(sqlite3_stmt *s, const char *dbpath)
{
	int rc;
	bool first = true;
	fputs("[", stdout);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(s, 8);
		json_t *j = text ? json_loads(text, 0, NULL) : NULL;
		char *out = j ? json_dumps(j, JSON_COMPACT) : NULL;
		printf("%s\n  ", first ? "" : ",");
		db_print_json(stdout, out ? out : "null");
		first = false;
		free(out);
		json_decref(j);
	}
	fputs(first ? "]\n" : "\n]\n", stdout);
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "koban: %s: read error\n", dbpath);
		return 2;
	}
	return 0;
}

int cmd_devices(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	bool as_json = false;
	char dbpath[4200];
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "jh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'j': as_json = true; break;
		case 'h': usage_devices(stdout); return 0;
		default: usage_devices(stderr); return 2;
		}
	}
	if (optind != argc - 1) {
		usage_devices(stderr);
		return 2;
	}
	char err[600];
	sqlite3 *db = db_open_output(argv[optind], dbpath, sizeof dbpath, err, sizeof err);
	if (!db) {
		fprintf(stderr, "koban: %s\n", err);
		return 2;
	}
	sqlite3_stmt *s;
	int rc = 2;
	if (sqlite3_prepare_v2(db,
			       "SELECT mac, ips, vendor, hostnames, manufacturer, model, firmware, services, json"
			       " FROM devices ORDER BY id",
			       -1, &s, NULL) == SQLITE_OK) {
		rc = as_json ? print_json(s, dbpath) : print_table(s, dbpath);
		sqlite3_finalize(s);
	} else {
		fprintf(stderr, "koban: %s: %s\n", dbpath, sqlite3_errmsg(db));
	}
	sqlite3_close(db);
	return rc;
}
