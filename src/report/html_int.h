/* html_int.h - internals shared by the HTML report's files: html.c (frame,
 * run information, summary, devices, key points) and html_events.c (the
 * event table with its advice). Not part of the report's API. */
#ifndef KOBAN_REPORT_HTML_INT_H
#define KOBAN_REPORT_HTML_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "report/keypoints.h"

#define TEXT_MAX 2048     /* longest data string shown, in bytes */

struct ctx {
	FILE *f;
	const char *lang;
	bool ja;
	json_t *dev_rows; /* "m:<mac>" or "i:<ip>" -> device row number (for links) */
	bool kp_used[KEYPOINT_COUNT + 1];
};

extern const char *const hr_sev_names[5]; /* "info" .. "critical" */

/* Hostile text: valid UTF-8 without control characters, at most max bytes
 * (cut on a character boundary, marked with an ellipsis), HTML-escaped. */
void hr_text(FILE *f, const char *s, size_t max);
/* hr_text with TEXT_MAX. */
void hr_put(struct ctx *c, const char *s);
/* A UI string of keypoints.h in the report's language, escaped. */
void hr_ui(struct ctx *c, enum ui_text id);
/* Any JSON value as short text (strings as they are, numbers and booleans
 * printed, arrays and objects as compact JSON, null and absent as nothing). */
void hr_json(struct ctx *c, json_t *v, size_t max);
/* o[key], NULL unless o is an object holding key. */
json_t *hr_field(json_t *o, const char *key);
/* True if o holds key with a value other than null. */
bool hr_has(json_t *o, const char *key);
/* o[key] if it is a string, else NULL. */
const char *hr_str(json_t *o, const char *key);
/* An event's severity 0..4, -1 if missing or unknown. */
int hr_sev_rank(json_t *ev);
/* "+N more". */
void hr_more(struct ctx *c, size_t n);
/* An event kind's label, or the kind itself, or "unknown". */
void hr_kind(struct ctx *c, const char *kind);
/* A table's header row; lead, if not NULL, is a first cell of fixed text. */
void hr_header_row(struct ctx *c, const char *lead, const enum ui_text *cols, size_t n);

/* The events section (html_events.c): most severe first, each with its
 * advice. Returns 0, or -1 on allocation failure. */
int hr_write_events(struct ctx *c, json_t *events);

#endif
