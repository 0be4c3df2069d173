/* html.c - the self-contained HTML report (see html.h): the document frame,
 * run information, summary, devices and key points; the event table is in
 * html_events.c. The data is hostile: every string from it goes through
 * hr_text (cleaned, cut, html_escape'd), element ids and classes are built
 * only from numbers and fixed names, and a Content-Security-Policy forbids
 * scripts and any external load as a second line of defence. Wrong-typed
 * JSON fields are shown as blanks. */
#include "report/html.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "report/html_int.h"
#include "report/keypoints.h"
#include "util/text.h"

#define LIST_MAX 16       /* addresses, names, services shown per device */
#define PEERS_MAX 10      /* peers shown per device (most flows first) */

const char *const hr_sev_names[5] = {"info", "low", "medium", "high", "critical"};

/* ---- writing text ---------------------------------------------------- */

/* Writes hostile text: valid UTF-8 without control characters, at most max
 * bytes (cut on a character boundary, marked with an ellipsis), escaped. */
void hr_text(FILE *f, const char *s, size_t max)
{
	if (!s)
		return;
	size_t len = strlen(s);
	bool plain = len <= max;
	for (size_t i = 0; plain && i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch < 0x20 || ch >= 0x7f)
			plain = false;
	}
	if (plain) {
		html_escape(f, s);
		return;
	}
	char *clean = text_clean(s, len, max);
	if (!clean)
		return;
	html_escape(f, clean);
	if (len > max)
		fputs("\xe2\x80\xa6", f); /* ellipsis */
	free(clean);
}

void hr_put(struct ctx *c, const char *s)
{
	hr_text(c->f, s, TEXT_MAX);
}

void hr_ui(struct ctx *c, enum ui_text id)
{
	html_escape(c->f, ui_text(id, c->lang));
}

/* Any JSON value as short text: strings as they are, numbers and booleans
 * printed, arrays and objects as compact JSON; null and absent as nothing. */
void hr_json(struct ctx *c, json_t *v, size_t max)
{
	if (json_is_string(v)) {
		hr_text(c->f, json_string_value(v), max);
	} else if (json_is_integer(v)) {
		fprintf(c->f, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	} else if (json_is_real(v)) {
		fprintf(c->f, "%g", json_real_value(v));
	} else if (json_is_boolean(v)) {
		fputs(json_is_true(v) ? "true" : "false", c->f);
	} else if (json_is_array(v) || json_is_object(v)) {
		char *dump = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		hr_text(c->f, dump, max);
		free(dump);
	}
}

json_t *hr_field(json_t *o, const char *key)
{
	return json_object_get(o, key); /* NULL unless o is an object holding key */
}

/* True if o holds key with a value other than null. */
bool hr_has(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return v && !json_is_null(v);
}

const char *hr_str(json_t *o, const char *key)
{
	return json_string_value(hr_field(o, key));
}

int hr_sev_rank(json_t *ev)
{
	const char *s = hr_str(ev, "severity");
	for (int i = 0; s && i < 5; i++)
		if (strcmp(s, hr_sev_names[i]) == 0)
			return i;
	return -1;
}

void hr_more(struct ctx *c, size_t n)
{
	fprintf(c->f, "<span class=\"more\">+%zu ", n);
	hr_ui(c, UI_MORE);
	fputs("</span>", c->f);
}

/* A list of scalars (or a lone scalar), one per line, at most max shown. */
static void put_list(struct ctx *c, json_t *v, size_t max)
{
	if (!json_is_array(v)) {
		hr_json(c, v, TEXT_MAX);
		return;
	}
	size_t n = json_array_size(v), shown = 0;
	for (size_t i = 0; i < n && shown < max; i++, shown++) {
		if (shown)
			fputs("<br>", c->f);
		hr_json(c, json_array_get(v, i), TEXT_MAX);
	}
	if (n > shown) {
		fputs("<br>", c->f);
		hr_more(c, n - shown);
	}
}

/* ---- document frame and run information --------------------------------- */

static const char css[] =
	"body{font-family:system-ui,-apple-system,'Hiragino Sans','Noto Sans CJK JP',sans-serif;"
	"margin:1.5em;color:#1b1b1b;line-height:1.45}\n"
	"h1{font-size:1.5em}h2{margin-top:2em;border-bottom:2px solid #ccc}\n"
	"table{border-collapse:collapse;font-size:.88em;margin:.5em 0}\n"
	"th,td{border:1px solid #ccc;padding:.25em .5em;vertical-align:top;text-align:left}\n"
	"th{background:#f0f0f0}td{overflow-wrap:anywhere}\n"
	"td.n{text-align:right}.nw{white-space:nowrap}.more,.k{color:#666}.k{font-size:.85em}\n"
	"ul{margin:0;padding-left:1.1em}dl.meta dt{font-weight:bold}dl.meta dd{margin:0 0 .4em 1.5em}\n"
	".sev{font-weight:bold;white-space:nowrap}\n"
	".sev-critical .sev{background:#7a0010;color:#fff}.sev-high .sev{background:#d9381e;color:#fff}\n"
	".sev-medium .sev{background:#f2a900}.sev-low .sev{background:#cfe3f7}.sev-info .sev{background:#eee}\n"
	".ev{font-family:ui-monospace,monospace;font-size:.9em}\n"
	".kp a{margin-right:.3em}dl.kps dt{font-weight:bold;margin-top:.6em}dl.kps dd{margin-left:1.5em}\n"
	".omitted{background:#fff4d6;border:1px solid #e0c060;padding:.5em}\n"
	"details.adv{margin-top:.4em}details.adv summary{cursor:pointer;color:#0b5394}\n"
	"details.adv dl{margin:.3em 0}details.adv dt{font-weight:bold}details.adv dd{margin:0 0 .3em 1em}\n"
	"@media print{a{color:inherit;text-decoration:none}}\n";

static void write_head(struct ctx *c)
{
	fprintf(c->f, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n", c->ja ? "ja" : "en");
	fputs("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
	      c->f);
	hr_ui(c, UI_TITLE);
	fprintf(c->f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>", css);
	hr_ui(c, UI_TITLE);
	fputs("</h1>\n", c->f);
}

static void meta_item(struct ctx *c, enum ui_text id)
{
	fputs("<dt>", c->f);
	hr_ui(c, id);
	fputs("</dt><dd>", c->f);
}

static void write_meta(struct ctx *c, const struct report_meta *m)
{
	fputs("<dl class=\"meta\">\n", c->f);
	meta_item(c, UI_GENERATED_BY);
	hr_put(c, m && m->version ? m->version : "");
	fputs("</dd>\n", c->f);
	if (m && m->note) {
		meta_item(c, UI_NOTE);
		hr_put(c, m->note);
		fputs("</dd>\n", c->f);
	}
	if (m && m->captures && m->n_captures) {
		meta_item(c, UI_CAPTURES);
		for (size_t i = 0; i < m->n_captures; i++) {
			fputs(i ? "<br>" : "", c->f);
			hr_put(c, m->captures[i]);
		}
		fputs("</dd>\n", c->f);
	}
	if (m) {
		meta_item(c, UI_PACKETS);
		fprintf(c->f, "%" PRIu64 "</dd>\n", m->packets);
		if (m->packets_skipped) {
			meta_item(c, UI_PACKETS_SKIPPED);
			fprintf(c->f, "%" PRIu64 "</dd>\n", m->packets_skipped);
		}
		if (m->flows) {
			meta_item(c, UI_FLOWS);
			fprintf(c->f, "%" PRIu64 "</dd>\n", m->flows);
		}
	}
	if (m && (m->first_ts || m->last_ts)) {
		meta_item(c, UI_TIME_RANGE);
		hr_put(c, m->first_ts);
		fputs(" \xe2\x80\x93 ", c->f); /* en dash */
		hr_put(c, m->last_ts);
		fputs("</dd>\n", c->f);
	}
	fputs("</dl>\n", c->f);
}

/* ---- summary -------------------------------------------------------------- */

struct kind_count {
	const char *kind;
	size_t n;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_kind_count(const void *a, const void *b)
{
	const struct kind_count *x = a, *y = b;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->kind, y->kind);
}

/* Counts events per kind ("" for a missing kind), most frequent first.
 * Returns the number of kinds, or -1 on allocation failure. */
static long count_kinds(json_t *events, struct kind_count **out)
{
	size_t n = json_array_size(events), nk = 0;
	*out = NULL;
	if (n == 0)
		return 0;
	const char **names = malloc(n * sizeof *names);
	struct kind_count *kc = malloc(n * sizeof *kc);
	if (!names || !kc) {
		free(names);
		free(kc);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		const char *k = hr_str(json_array_get(events, i), "kind");
		names[i] = k ? k : "";
	}
	qsort(names, n, sizeof *names, cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (nk && strcmp(kc[nk - 1].kind, names[i]) == 0)
			kc[nk - 1].n++;
		else
			kc[nk++] = (struct kind_count){names[i], 1};
	}
	free(names);
	qsort(kc, nk, sizeof *kc, cmp_kind_count);
	*out = kc;
	return (long)nk;
}

void hr_kind(struct ctx *c, const char *kind)
{
	const char *label = event_kind_label(kind, c->lang);
	if (label)
		html_escape(c->f, label);
	else if (kind && *kind)
		hr_put(c, kind);
	else
		hr_ui(c, UI_UNKNOWN);
}

static void write_sev_table(struct ctx *c, json_t *events)
{
	size_t counts[6] = {0}; /* [0] unknown, [1..5] info..critical */
	for (size_t i = 0; i < json_array_size(events); i++)
		counts[hr_sev_rank(json_array_get(events, i)) + 1]++;
	fputs("<h3>", c->f);
	hr_ui(c, UI_BY_SEVERITY);
	fputs("</h3>\n<table>\n<tr><th>", c->f);
	hr_ui(c, UI_COL_SEVERITY);
	fputs("</th><th>", c->f);
	hr_ui(c, UI_COUNT);
	fputs("</th></tr>\n", c->f);
	for (int s = 4; s >= 0; s--) {
		fprintf(c->f, "<tr class=\"sev-%s\"><td class=\"sev\">", hr_sev_names[s]);
		html_escape(c->f, severity_label(s, c->lang));
		fprintf(c->f, "</td><td class=\"n\">%zu</td></tr>\n", counts[s + 1]);
	}
	if (counts[0]) {
		fputs("<tr><td>", c->f);
		hr_ui(c, UI_UNKNOWN);
		fprintf(c->f, "</td><td class=\"n\">%zu</td></tr>\n", counts[0]);
	}
	fputs("</table>\n", c->f);
}

static int write_summary(struct ctx *c, json_t *devices, json_t *events)
{
	struct kind_count *kc;
	long nk = count_kinds(events, &kc);
	if (nk < 0)
		return -1;
	fputs("<section id=\"summary\">\n<h2>", c->f);
	hr_ui(c, UI_SUMMARY);
	fputs("</h2>\n<table>\n<tr><th>", c->f);
	hr_ui(c, UI_DEVICE_COUNT);
	fprintf(c->f, "</th><td class=\"n\">%zu</td></tr>\n<tr><th>", json_array_size(devices));
	hr_ui(c, UI_EVENT_COUNT);
	fprintf(c->f, "</th><td class=\"n\">%zu</td></tr>\n</table>\n", json_array_size(events));
	write_sev_table(c, events);
	if (nk > 0) {
		fputs("<h3>", c->f);
		hr_ui(c, UI_BY_KIND);
		fputs("</h3>\n<table>\n<tr><th>", c->f);
		hr_ui(c, UI_COL_KIND);
		fputs("</th><th>", c->f);
		hr_ui(c, UI_COUNT);
		fputs("</th></tr>\n", c->f);
		for (long i = 0; i < nk; i++) {
			fputs("<tr><td>", c->f);
			hr_kind(c, kc[i].kind);
			fprintf(c->f, "</td><td class=\"n\">%zu</td></tr>\n", kc[i].n);
		}
		fputs("</table>\n", c->f);
	}
	fputs("</section>\n", c->f);
	free(kc);
	return 0;
}

/* ---- devices -------------------------------------------------------------- */

/* Remembers that key ("m:<mac>" / "i:<ip>") belongs to device row `row`. */
static void index_device(struct ctx *c, char tag, const char *val, size_t row)
{
	char key[320];
	if (!c->dev_rows || !val || !*val || strlen(val) > 300)
		return;
	snprintf(key, sizeof key, "%c:%s", tag, val);
	if (!json_object_get(c->dev_rows, key))
		json_object_set_new(c->dev_rows, key, json_integer((json_int_t)row));
}

static void index_devices(struct ctx *c, json_t *devices)
{
	c->dev_rows = json_object();
	for (size_t i = 0; i < json_array_size(devices); i++) {
		json_t *d = json_array_get(devices, i);
		index_device(c, 'm', hr_str(d, "mac"), i + 1);
		json_t *ips = hr_field(d, "ips");
		for (size_t j = 0; j < json_array_size(ips); j++)
			index_device(c, 'i', json_string_value(json_array_get(ips, j)), i + 1);
	}
}

static void identity_line(struct ctx *c, enum ui_text label, const char *val)
{
	if (!val || !*val)
		return;
	fputs("<div><span class=\"k\">", c->f);
	hr_ui(c, label);
	fputs("</span> ", c->f);
	hr_put(c, val);
	fputs("</div>", c->f);
}

static void write_services(struct ctx *c, json_t *svcs)
{
	size_t n = json_array_size(svcs), shown = 0;
	if (!n)
		return;
	fputs("<ul>", c->f);
	for (; shown < n && shown < LIST_MAX; shown++) {
		json_t *s = json_array_get(svcs, shown);
		fputs("<li><span class=\"nw\">", c->f);
		hr_json(c, hr_field(s, "port"), 64);
		if (hr_has(s, "proto")) {
			fputc('/', c->f);
			hr_json(c, hr_field(s, "proto"), 64);
		}
		fputs("</span> ", c->f);
		hr_json(c, hr_field(s, "name"), 64);
		if (hr_str(s, "banner")) {
			fputs(" <span class=\"k\">", c->f);
			hr_text(c->f, hr_str(s, "banner"), 200);
			fputs("</span>", c->f);
		}
		fputs("</li>", c->f);
	}
	if (n > shown) {
		fputs("<li>", c->f);
		hr_more(c, n - shown);
		fputs("</li>", c->f);
	}
	fputs("</ul>", c->f);
}

static json_int_t peer_flows(json_t *p)
{
	json_t *f = hr_field(p, "flows");
	return json_is_integer(f) ? json_integer_value(f) : 0;
}

static int cmp_peer(const void *a, const void *b)
{
	json_int_t x = peer_flows(*(json_t *const *)a), y = peer_flows(*(json_t *const *)b);
	return x > y ? -1 : x < y;
}

static void write_peers(struct ctx *c, json_t *peers)
{
	size_t n = json_array_size(peers);
	json_t **v = n ? malloc(n * sizeof *v) : NULL;
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		v[i] = json_array_get(peers, i);
	qsort(v, n, sizeof *v, cmp_peer);
	fputs("<ul>", c->f);
	for (size_t i = 0; i < n && i < PEERS_MAX; i++) {
		fputs("<li>", c->f);
		if (hr_str(v[i], "name")) {
			hr_text(c->f, hr_str(v[i], "name"), 200);
			fputc(' ', c->f);
		}
		fputs("<span class=\"nw\">", c->f);
		hr_json(c, hr_field(v[i], "ip"), 64);
		fputs("</span>", c->f);
		if (json_is_integer(hr_field(v[i], "flows")))
			fprintf(c->f, " <span class=\"k\">\xc3\x97%" JSON_INTEGER_FORMAT "</span>", peer_flows(v[i]));
		fputs("</li>", c->f);
	}
	if (n > PEERS_MAX) {
		fputs("<li>", c->f);
		hr_more(c, n - PEERS_MAX);
		fputs("</li>", c->f);
	}
	fputs("</ul>", c->f);
	free(v);
}

static void write_device_row(struct ctx *c, json_t *d, size_t row)
{
	fprintf(c->f, "<tr id=\"dev-%zu\"><td class=\"n\">%zu</td><td class=\"nw\">", row, row);
	hr_json(c, hr_field(d, "mac"), 64);
	fputs("</td><td class=\"nw\">", c->f);
	put_list(c, hr_field(d, "ips"), LIST_MAX);
	fputs("</td><td>", c->f);
	put_list(c, hr_field(d, "hostnames"), LIST_MAX);
	fputs("</td><td>", c->f);
	identity_line(c, UI_COL_VENDOR, hr_str(d, "vendor"));
	identity_line(c, UI_COL_MODEL, hr_str(d, "model"));
	identity_line(c, UI_COL_FIRMWARE, hr_str(d, "firmware"));
	identity_line(c, UI_COL_MUD, hr_str(d, "mud_url"));
	fputs("</td><td>", c->f);
	write_services(c, hr_field(d, "services"));
	fputs("</td><td>", c->f);
	write_peers(c, hr_field(d, "peers"));
	fputs("</td><td class=\"nw\">", c->f);
	hr_json(c, hr_field(d, "first_seen"), 64);
	fputs("</td><td class=\"nw\">", c->f);
	hr_json(c, hr_field(d, "last_seen"), 64);
	fputs("</td></tr>\n", c->f);
}

/* A table's header row; lead, if not NULL, is a first cell of fixed text. */
void hr_header_row(struct ctx *c, const char *lead, const enum ui_text *cols, size_t n)
{
	fputs("<tr>", c->f);
	if (lead)
		fprintf(c->f, "<th>%s</th>", lead);
	for (size_t i = 0; i < n; i++) {
		fputs("<th>", c->f);
		hr_ui(c, cols[i]);
		fputs("</th>", c->f);
	}
	fputs("</tr>\n", c->f);
}

static void write_devices(struct ctx *c, json_t *devices)
{
	static const enum ui_text cols[] = {UI_COL_MAC,      UI_COL_IPS,   UI_COL_HOSTNAMES,
					    UI_COL_DEVICE,   UI_COL_SERVICES, UI_COL_PEERS,
					    UI_COL_FIRST_SEEN, UI_COL_LAST_SEEN};
	size_t n = json_array_size(devices);
	fputs("<section id=\"devices\">\n<h2>", c->f);
	hr_ui(c, UI_DEVICES);
	fputs("</h2>\n", c->f);
	if (n == 0) {
		fputs("<p>", c->f);
		hr_ui(c, UI_NO_DEVICES);
		fputs("</p>\n</section>\n", c->f);
		return;
	}
	fputs("<table>\n", c->f);
	hr_header_row(c, "#", cols, sizeof cols / sizeof cols[0]);
	for (size_t i = 0; i < n; i++)
		write_device_row(c, json_array_get(devices, i), i + 1);
	fputs("</table>\n</section>\n", c->f);
}

/* ---- key points ------------------------------------------------------------ */

static void write_keypoints(struct ctx *c)
{
	bool any = false;
	for (int kp = 1; kp <= KEYPOINT_COUNT; kp++)
		any |= c->kp_used[kp];
	fputs("<section id=\"keypoints\">\n", c->f);
	if (any) {
		fputs("<h2>", c->f);
		hr_ui(c, UI_KEYPOINTS);
		fputs("</h2>\n<p>", c->f);
		hr_ui(c, UI_KEYPOINTS_INTRO);
		fputs("</p>\n<dl class=\"kps\">\n", c->f);
	}
	for (int kp = 1; kp <= KEYPOINT_COUNT; kp++) {
		if (!c->kp_used[kp])
			continue;
		fprintf(c->f, "<dt id=\"kp-%d\">", kp);
		hr_ui(c, UI_KEYPOINT_N);
		fprintf(c->f, c->ja ? "%d. " : " %d: ", kp);
		html_escape(c->f, keypoint_title(kp, c->lang));
		if (!c->ja) { /* the official title is the Japanese one */
			fputs(" <span lang=\"ja\">(", c->f);
			html_escape(c->f, keypoint_title(kp, "ja"));
			fputs(")</span>", c->f);
		}
		fputs("</dt>\n<dd>", c->f);
		html_escape(c->f, keypoint_explain(kp, c->lang));
		fputs("</dd>\n", c->f);
	}
	if (any)
		fputs("</dl>\n", c->f);
	fputs("<p class=\"k\">", c->f);
	hr_ui(c, UI_SOURCE);
	fputs("</p>\n</section>\n", c->f);
}

int report_html_write(FILE *out, json_t *devices, json_t *events, const struct report_meta *meta,
		      const char *lang)
{
	if (!out)
		return -1;
	struct ctx c = {.f = out, .lang = lang_is_ja(lang) ? "ja" : "en", .ja = lang_is_ja(lang)};
	if (!json_is_array(devices))
		devices = NULL;
	if (!json_is_array(events))
		events = NULL;
	index_devices(&c, devices);
	write_head(&c);
	write_meta(&c, meta);
	int rc = write_summary(&c, devices, events);
	if (rc == 0) {
		write_devices(&c, devices);
		rc = hr_write_events(&c, events);
	}
	if (rc == 0)
		write_keypoints(&c);
	fputs("</body>\n</html>\n", out);
	json_decref(c.dev_rows);
	if (fflush(out) != 0 || ferror(out))
		return -1;
	return rc;
}
