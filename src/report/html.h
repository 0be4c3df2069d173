/* html.h - koban's self-contained HTML report: one HTML5 file with inline CSS,
 * no scripts and no external assets, in Japanese or English. It shows a
 * summary, the device inventory, the events (most severe first) and the
 * guideline key points the events refer to. Every string taken from the data
 * is escaped with html_escape. */
#ifndef KOBAN_REPORT_HTML_H
#define KOBAN_REPORT_HTML_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

/* At most this many events are listed; the rest are counted as left out. */
#define REPORT_MAX_EVENTS 5000

/* What the run looked at. Any pointer may be NULL; strings are escaped. */
struct report_meta {
	const char *version;            /* koban version, e.g. KOBAN_VERSION */
	const char *note;               /* generation note (command line, host, date ...) */
	const char *const *captures;    /* capture file names */
	size_t n_captures;
	uint64_t packets;               /* packets read */
	uint64_t packets_skipped;       /* packets that could not be decoded */
	uint64_t flows;                 /* flows seen */
	const char *first_ts, *last_ts; /* time range, ISO 8601 strings */
};

/* Writes the report to out. devices: the array written to devices.json;
 * events: an array of event objects as in events.jsonl. Either may be NULL
 * or not an array (treated as empty); missing, null or wrong-typed fields are
 * shown as blanks. lang "ja" selects Japanese, anything else English. meta
 * may be NULL. Returns 0, or -1 on a write or allocation error. */
int report_html_write(FILE *out, json_t *devices, json_t *events, const struct report_meta *meta,
		      const char *lang);

#endif
