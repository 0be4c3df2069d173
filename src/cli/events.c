/* events.c - `koban events DIR [--kind K] [--json]`: the events stored in
 * DIR/koban.db in time order, one per line (time, severity, kind, device,
 * peer, English summary; every string terminal-escaped) or as JSON lines. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "engine/model.h"
#include "store/db.h"
#include "util/text.h"

static void usage_events(FILE *f)
{
	fputs("usage: koban events DIR [--kind K] [--json]\n", f);
}

/* Writes s terminal-escaped and pads it to `width` characters. */
static void cell(const char *s, size_t width)
{
	size_t w = 0;
	s = s && *s ? s : "-";
	term_escape(stdout, s);
	for (const unsigned char *u = (const unsigned char *)s; *u; u++)
		w += (*u < 0x20 || *u == 0x7f) ? 4 : ((*u & 0xc0) == 0x80 ? 0 : 1);
	for (; w < width; w++)
		putchar(' ');
	putchar(' ');
}

static const char *col(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i);
}

/* ts, severity, kind, device_mac, device_ip, peer, summary_en, json */
static void print_line(sqlite3_stmt *s)
{
	char ts[32], device[80];
	const char *mac = col(s, 3), *ip = col(s, 4);
	ts_iso8601((uint64_t)sqlite3_column_int64(s, 0), ts, sizeof ts);
	if (ip && mac)
		snprintf(device, sizeof device, "%s (%s)", ip, mac);
	else
		snprintf(device, sizeof device, "%s", ip ? ip : mac ? mac : "-");
	cell(ts, 24);
	cell(col(s, 1), 8);
	cell(col(s, 2), 20);
	cell(device, 35);
	cell(col(s, 5), 24);
	term_escape(stdout, col(s, 6) ? col(s, 6) : "");
	putchar('\n');
}

static void print_json_line(sqlite3_stmt *s)
{
	const char *text = col(s, 7);
	json_t *j = text ? json_loads(text, 0, NULL) : NULL;
	char *out = j ? json_dumps(j, JSON_COMPACT) : NULL;
	db_print_json(stdout, out ? out : "null");
	putchar('\n');
	free(out);
	json_decref(j);
}

static int list(sqlite3 *db, const char *dbpath, const char *kind, bool as_json)
{
	sqlite3_stmt *s;
	int rc;
	if (sqlite3_prepare_v2(db,
			       "SELECT ts, severity, kind, device_mac, device_ip, peer, summary_en, json FROM events"
			       " WHERE ?1 IS NULL OR kind = ?1 ORDER BY ts, id",
			       -1, &s, NULL) != SQLITE_OK) {
		fprintf(stderr, "koban: %s: %s\n", dbpath, sqlite3_errmsg(db));
		return 2;
	}
	if (kind)
		sqlite3_bind_text(s, 1, kind, -1, SQLITE_STATIC);
	if (!as_json)
		printf("%-24s %-8s %-20s %-35s %-24s %s\n", "TIME", "SEVERITY", "KIND", "DEVICE", "PEER", "SUMMARY");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (as_json)
			print_json_line(s);
		else
			print_line(s);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "koban: %s: read error: %s\n", dbpath, sqlite3_errmsg(db));
		return 2;
	}
	return 0;
}

int cmd_events(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"kind", required_argument, NULL, 'k'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *kind = NULL;
	bool as_json = false;
	char dbpath[4200], err[600];
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "k:jh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'k': kind = optarg; break;
		case 'j': as_json = true; break;
		case 'h': usage_events(stdout); return 0;
		default: usage_events(stderr); return 2;
		}
	}
	if (optind != argc - 1) {
		usage_events(stderr);
		return 2;
	}
	sqlite3 *db = db_open_output(argv[optind], dbpath, sizeof dbpath, err, sizeof err);
	if (!db) {
		fprintf(stderr, "koban: %s\n", err);
		return 2;
	}
	int rc = list(db, dbpath, kind, as_json);
	sqlite3_close(db);
	return rc;
}
