/* html_events.c - the event table of the HTML report (see html.h): most
 * severe first, each row with time, severity, kind, device (linked to its
 * row), peer, summary, key points (linked to their explanations) and
 * evidence, and the advice for its kind (advice.h) in a details element:
 * what happened, why it matters, what to do now and the guideline's rules
 * for users. Data strings go through hr_text; the advice texts are ours but
 * are escaped the same way. The first ADVICE_FULL_PER_KIND rows of a kind
 * carry the full advice, later rows a link to the first, so the report stays
 * small with thousands of events. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "report/advice.h"
#include "report/html.h"
#include "report/html_int.h"
#include "report/keypoints.h"
#include "util/text.h"

#define EVIDENCE_MAX 300        /* longest evidence value shown */
#define EVIDENCE_KEYS 16        /* evidence entries shown per event */
#define EVENT_KPS_MAX 32        /* key-point entries looked at per event */
#define ADVICE_FULL_PER_KIND 20 /* rows per kind that carry the full advice */

struct ev_ref {
	json_t *e;
	int sev; /* 0..4, -1 unknown */
	const char *ts;
	size_t idx;
};

/* Rows written so far per advice_at() index. */
struct advice_seen {
	size_t *n;
	size_t count;
};

static int cmp_event(const void *a, const void *b)
{
	const struct ev_ref *x = a, *y = b;
	if (x->sev != y->sev)
		return x->sev > y->sev ? -1 : 1;
	if (!x->ts != !y->ts)
		return x->ts ? -1 : 1; /* events without a time last */
	int r = x->ts ? strcmp(x->ts, y->ts) : 0;
	if (r)
		return r;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The events, most severe first, then oldest first. NULL on allocation failure
 * (or when there are none; *n tells which). */
static struct ev_ref *sort_events(json_t *events, size_t *n)
{
	*n = json_array_size(events);
	if (*n == 0)
		return NULL;
	struct ev_ref *v = malloc(*n * sizeof *v);
	if (!v)
		return NULL;
	for (size_t i = 0; i < *n; i++) {
		json_t *e = json_array_get(events, i);
		v[i] = (struct ev_ref){e, hr_sev_rank(e), hr_str(e, "ts"), i};
	}
	qsort(v, *n, sizeof *v, cmp_event);
	return v;
}

/* The device cell: MAC and IP, linked to the device's row when known. */
static void write_event_device(struct ctx *c, json_t *dev)
{
	const char *mac = hr_str(dev, "mac"), *ip = hr_str(dev, "ip");
	json_t *row = NULL;
	char key[320];
	if (mac && strlen(mac) <= 300) {
		snprintf(key, sizeof key, "m:%s", mac);
		row = json_object_get(c->dev_rows, key);
	}
	if (!row && ip && strlen(ip) <= 300) {
		snprintf(key, sizeof key, "i:%s", ip);
		row = json_object_get(c->dev_rows, key);
	}
	if (json_is_integer(row))
		fprintf(c->f, "<a href=\"#dev-%" JSON_INTEGER_FORMAT "\">", json_integer_value(row));
	hr_json(c, hr_field(dev, "mac"), 64);
	if (hr_has(dev, "mac") && hr_has(dev, "ip"))
		fputs("<br>", c->f);
	hr_json(c, hr_field(dev, "ip"), 64);
	if (json_is_integer(row))
		fputs("</a>", c->f);
}

static void write_event_peer(struct ctx *c, json_t *peer)
{
	if (!hr_has(peer, "ip") && !hr_has(peer, "port") && !hr_has(peer, "name"))
		return;
	if (hr_str(peer, "name")) {
		hr_text(c->f, hr_str(peer, "name"), 200);
		fputs("<br>", c->f);
	}
	const char *ip = hr_str(peer, "ip");
	bool bracket = ip && strchr(ip, ':') && hr_has(peer, "port"); /* [v6]:port */
	fputs("<span class=\"nw\">", c->f);
	if (bracket)
		fputc('[', c->f);
	hr_json(c, hr_field(peer, "ip"), 64);
	if (bracket)
		fputc(']', c->f);
	if (json_is_integer(hr_field(peer, "port")) || json_is_string(hr_field(peer, "port"))) {
		fputc(':', c->f);
		hr_json(c, hr_field(peer, "port"), 64);
	}
	fputs("</span>", c->f);
}

static void write_event_kps(struct ctx *c, json_t *kps)
{
	for (size_t i = 0; i < json_array_size(kps) && i < EVENT_KPS_MAX; i++) {
		json_t *v = json_array_get(kps, i);
		if (!json_is_integer(v))
			continue;
		json_int_t kp = json_integer_value(v);
		const char *title = (kp >= 1 && kp <= KEYPOINT_COUNT) ? keypoint_title((int)kp, c->lang) : NULL;
		if (!title) {
			fprintf(c->f, "%" JSON_INTEGER_FORMAT " ", kp);
			continue;
		}
		c->kp_used[kp] = true;
		fprintf(c->f, "<a href=\"#kp-%d\" title=\"", (int)kp);
		html_escape(c->f, title);
		fprintf(c->f, "\">%d</a>", (int)kp);
	}
}

static void write_evidence(struct ctx *c, json_t *ev)
{
	if (!json_is_object(ev)) {
		hr_json(c, ev, EVIDENCE_MAX);
		return;
	}
	const char *key;
	json_t *val;
	size_t i = 0;
	json_object_foreach(ev, key, val) {
		if (i == EVIDENCE_KEYS) {
			fputs("<br>", c->f);
			hr_more(c, json_object_size(ev) - i);
			break;
		}
		fputs(i++ ? "<br><b>" : "<b>", c->f);
		hr_text(c->f, key, 64);
		fputs("</b>: ", c->f);
		hr_json(c, val, EVIDENCE_MAX);
	}
}

static void write_event_summary(struct ctx *c, json_t *e)
{
	json_t *s = hr_field(e, "summary");
	const char *text = json_string_value(s); /* a lone string is taken as is */
	if (!text)
		text = hr_str(s, c->ja ? "ja" : "en");
	if (!text || !*text)
		text = hr_str(s, c->ja ? "en" : "ja");
	hr_put(c, text);
}

static size_t advice_index(const struct advice *a)
{
	for (size_t i = 0; i < advice_count(); i++)
		if (advice_at(i) == a)
			return i;
	return 0;
}

/* The chapter-3 rules the advice applies, one line each. */
static void write_advice_rules(struct ctx *c, const struct advice *a)
{
	for (size_t i = 0; i < a->n_rules; i++) {
		const char *title = advice_rule_title(a->rules[i], c->lang);
		if (!title)
			continue;
		fputs("<div class=\"k\">", c->f);
		html_escape(c->f, advice_rule_label(c->lang));
		fprintf(c->f, c->ja ? " %d\xe3\x80\x8c" : " %d: ", a->rules[i]); /* 「 */
		hr_text(c->f, title, TEXT_MAX);
		if (c->ja)
			fputs("\xe3\x80\x8d", c->f); /* 」 */
		fputs("</div>", c->f);
	}
}

/* The advice for the event's kind, if koban has one: in full for the first
 * rows of a kind (the first with an anchor), as a link to it afterwards. */
static void write_advice(struct ctx *c, json_t *e, struct advice_seen *seen)
{
	const struct advice *a = advice_for(hr_str(e, "kind"));
	if (!a)
		return;
	size_t k = advice_index(a);
	size_t n = k < seen->count ? seen->n[k]++ : 0;
	if (n >= ADVICE_FULL_PER_KIND) {
		fprintf(c->f, "<div class=\"adv\"><a href=\"#adv-%zu\">", k);
		html_escape(c->f, advice_label(c->lang));
		fputs("</a></div>", c->f);
		return;
	}
	if (n == 0)
		fprintf(c->f, "<details class=\"adv\" id=\"adv-%zu\"><summary>", k);
	else
		fputs("<details class=\"adv\"><summary>", c->f);
	html_escape(c->f, advice_label(c->lang));
	fputs("</summary><dl>", c->f);
	for (int p = 0; p < ADVICE_PART_COUNT; p++) {
		fputs("<dt>", c->f);
		html_escape(c->f, advice_part_label((enum advice_part)p, c->lang));
		fputs("</dt><dd>", c->f);
		hr_text(c->f, advice_text(a->kind, c->lang, (enum advice_part)p), TEXT_MAX);
		fputs("</dd>", c->f);
	}
	fputs("</dl>", c->f);
	write_advice_rules(c, a);
	fputs("</details>", c->f);
}

static void write_event_row(struct ctx *c, const struct ev_ref *r, struct advice_seen *seen)
{
	json_t *e = r->e;
	const char *sevname = r->sev >= 0 ? hr_sev_names[r->sev] : "unknown";
	fprintf(c->f, "<tr class=\"sev-%s\"><td class=\"nw\">", sevname);
	hr_put(c, r->ts);
	fputs("</td><td class=\"sev\">", c->f);
	if (r->sev >= 0)
		html_escape(c->f, severity_label(r->sev, c->lang));
	else
		hr_json(c, hr_field(e, "severity"), 64);
	fputs("</td><td>", c->f);
	hr_kind(c, hr_str(e, "kind"));
	fputs("</td><td class=\"nw\">", c->f);
	write_event_device(c, hr_field(e, "device"));
	fputs("</td><td>", c->f);
	write_event_peer(c, hr_field(e, "peer"));
	fputs("</td><td>", c->f);
	write_event_summary(c, e);
	write_advice(c, e, seen);
	fputs("</td><td class=\"kp\">", c->f);
	write_event_kps(c, hr_field(e, "key_points"));
	fputs("</td><td class=\"ev\">", c->f);
	write_evidence(c, hr_field(e, "evidence"));
	fputs("</td></tr>\n", c->f);
}

int hr_write_events(struct ctx *c, json_t *events)
{
	static const enum ui_text cols[] = {UI_COL_TIME, UI_COL_SEVERITY, UI_COL_KIND,      UI_COL_DEVICE,
					    UI_COL_PEER, UI_COL_SUMMARY,  UI_COL_KEYPOINTS, UI_COL_EVIDENCE};
	size_t n;
	struct ev_ref *v = sort_events(events, &n);
	if (!v && n)
		return -1;
	struct advice_seen seen = {calloc(advice_count(), sizeof(size_t)), advice_count()};
	if (!seen.n) {
		free(v);
		return -1;
	}
	fputs("<section id=\"events\">\n<h2>", c->f);
	hr_ui(c, UI_EVENTS);
	fputs("</h2>\n", c->f);
	if (n == 0) {
		fputs("<p>", c->f);
		hr_ui(c, UI_NO_EVENTS);
		fputs("</p>\n</section>\n", c->f);
		free(seen.n);
		return 0;
	}
	size_t shown = n < REPORT_MAX_EVENTS ? n : REPORT_MAX_EVENTS;
	if (shown < n) {
		fputs("<p class=\"omitted\">", c->f);
		hr_ui(c, UI_EVENTS_OMITTED);
		fprintf(c->f, " <strong id=\"omitted\">%zu</strong>. ", n - shown);
		hr_ui(c, UI_EVENTS_OMITTED_WHY);
		fputs("</p>\n", c->f);
	}
	fputs("<table>\n", c->f);
	hr_header_row(c, NULL, cols, sizeof cols / sizeof cols[0]);
	for (size_t i = 0; i < shown; i++)
		write_event_row(c, &v[i], &seen);
	fputs("</table>\n</section>\n", c->f);
	free(seen.n);
	free(v);
	return 0;
}

