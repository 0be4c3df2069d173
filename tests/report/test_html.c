/* test_html.c - the HTML report: hostile strings in every field come out
 * escaped (checked by a small tag scanner that allows only the report's own
 * tags and attributes), titles in the chosen language, key-point anchors,
 * empty and wrong-typed input, ordering, the 5000-event cap, and the advice
 * shown with each event (language, anchors, links after the first rows). */
#include <stdlib.h>
#include <string.h>

#include "report/advice.h"
#include "report/html.h"
#include "report/keypoints.h"
#include "test.h"
#include "util/text.h"

/* A hostile string carrying a field's id, and its escaped form. */
#define H(id) "<script>" id "</script>\"><img src=x onerror=" id ">&'"
#define HE(id) "&lt;script&gt;" id "&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=" id "&gt;&amp;&#39;"

static char *render(json_t *devices, json_t *events, const struct report_meta *meta, const char *lang,
		    int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	*rc = report_html_write(f, devices, events, meta, lang);
	fclose(f);
	return buf;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static int in_list(const char *s, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == n && strncmp(s, *list, n) == 0)
			return 1;
	return 0;
}

/* Every tag is one of the report's own, with only its own attributes, every
 * attribute value is quoted, and every link is a fragment. Returns 1 if so. */
static int tags_ok(const char *html)
{
	static const char *const tags[] = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3",
					   "section", "dl", "dt", "dd", "table", "tr", "th", "td", "p", "ul",
					   "li", "a", "span", "div", "br", "b", "strong", "details", "summary", NULL};
	static const char *const attrs[] = {"lang", "charset", "http-equiv", "content", "name", "class",
					    "id", "href", "title", NULL};
	const char *p = strstr(html, "<html"); /* after the doctype */
	if (!p)
		return 0;
	for (; (p = strchr(p, '<')); ) {
		p++;
		if (*p == '/')
			p++;
		size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789");
		if (!in_list(p, n, tags)) {
			fprintf(stderr, "bad tag at: %.40s\n", p);
			return 0;
		}
		for (p += n; *p != '>'; ) {
			p += strspn(p, " ");
			n = strspn(p, "abcdefghijklmnopqrstuvwxyz-");
			if (!in_list(p, n, attrs) || p[n] != '=' || p[n + 1] != '"') {
				fprintf(stderr, "bad attribute at: %.40s\n", p);
				return 0;
			}
			if (strncmp(p, "href", 4) == 0 && p[n + 2] != '#')
				return 0;
			const char *end = strchr(p + n + 2, '"');
			if (!end || memchr(p, '<', (size_t)(end - p)))
				return 0;
			p = end + 1;
		}
	}
	return 1;
}

/* Every '&' starts one of the entities html_escape writes. */
static int amps_ok(const char *html)
{
	static const char *const ents[] = {"&lt;", "&gt;", "&amp;", "&quot;", "&#39;", NULL};
	for (const char *p = html; (p = strchr(p, '&')); p++) {
		const char *const *e = ents;
		while (*e && strncmp(p, *e, strlen(*e)) != 0)
			e++;
		if (!*e) {
			fprintf(stderr, "bare & at: %.40s\n", p);
			return 0;
		}
	}
	return 1;
}

static json_t *hostile_device(void)
{
	return json_pack("{s:s, s:[s,s], s:s, s:[s,s], s:s, s:s, s:s, s:[{s:i, s:s, s:s, s:s}, {s:s}], "
			 "s:[{s:s, s:s, s:i}], s:s, s:s}",
			 "mac", H("D01"), "ips", H("D02"), "10.0.0.5", "vendor", H("D03"), "hostnames",
			 H("D04"), "x", "model", H("D05"), "firmware", H("D06"), "mud_url", H("D07"),
			 "services", "port", 80, "proto", H("D08"), "name", H("D09"), "banner", H("D10"),
			 "port", H("D15"), "peers", "ip", H("D11"), "name", H("D12"), "flows", 3,
			 "first_seen", H("D13"), "last_seen", H("D14"));
}

static json_t *hostile_event(void)
{
	json_t *e = json_pack("{s:s, s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s, s:s}, s:[i,i], s:{s:s, s:s}, "
			      "s:{s:s, s:[s]}}",
			      "ts", H("E01"), "kind", H("E02"), "severity", H("E03"), "device", "mac", H("E04"),
			      "ip", H("E05"), "peer", "ip", H("E06"), "port", H("E07"), "name", H("E08"),
			      "key_points", 15, 4, "summary", "en", H("E09en"), "ja", H("E09ja"), "evidence",
			      H("E10"), H("E11"), "list", H("E12"));
	/* control characters and bytes that are not UTF-8 */
	json_object_set_new(json_object_get(e, "evidence"), "ctl", json_string("a\x01" "b\x1b[31mc"));
	json_object_set_new(json_object_get(e, "evidence"), "bad", json_stringn_nocheck("x\xff\xfe<y>", 6));
	return e;
}

static void test_hostile(const char *lang)
{
	static const char *const ids[] = {"D01", "D02", "D03", "D04", "D05", "D06", "D07", "D08", "D09",
					  "D10", "D11", "D12", "D13", "D14", "D15", "E01", "E02", "E03",
					  "E04", "E05", "E06", "E07", "E08", "E10", "E11", "M1", "M2",
					  "M3", "M4", "M5", "M6", NULL};
	const char *caps[] = {H("M3"), H("M4")};
	struct report_meta m = {.version = H("M1"), .note = H("M2"), .captures = caps, .n_captures = 2,
				.packets = 42, .first_ts = H("M5"), .last_ts = H("M6")};
	json_t *devices = json_pack("[o]", hostile_device());
	json_t *events = json_pack("[o, {s:s, s:s, s:[i]}]", hostile_event(), "kind", "new-device",
				   "severity", "high", "key_points", 3);
	int rc;
	char *out = render(devices, events, &m, lang, &rc);
	CHECK_INT(rc, 0);
	CHECK(strcasestr(out, "<script") == NULL);
	CHECK(strcasestr(out, "<img") == NULL);
	char want[256];
	for (const char *const *id = ids; *id; id++) {
		snprintf(want, sizeof want, HE("%s"), *id, *id);
		if (!strstr(out, want))
			fprintf(stderr, "missing escaped field %s\n", *id);
		CHECK(strstr(out, want) != NULL);
	}
	int ja = lang_is_ja(lang);
	CHECK(strstr(out, ja ? HE("E09ja") : HE("E09en")) != NULL);
	CHECK(strstr(out, ja ? "E09en" : "E09ja") == NULL);
	CHECK(strstr(out, "(null)") == NULL);
	CHECK(strstr(out, "a?b?[31mc") != NULL);
	CHECK(strchr(out, '\x01') == NULL && strchr(out, '\x1b') == NULL && strchr(out, '\xff') == NULL);
	CHECK(strstr(out, "x??&lt;y&gt;") != NULL);
	CHECK(strstr(out, "Content-Security-Policy") != NULL);
	CHECK(strstr(out, "</html>") != NULL);
	CHECK(tags_ok(out));
	CHECK(amps_ok(out));
	free(out);
	json_decref(devices);
	json_decref(events);
}

static json_t *event(const char *sev, const char *ts, const char *kind, const char *mark, int kp)
{
	return json_pack("{s:s, s:s, s:s, s:{s:s, s:s}, s:n, s:[i], s:{s:s, s:s}, s:{s:i}}", "ts", ts,
			 "kind", kind, "severity", sev, "device", "mac", "00:11:22:33:44:55", "ip", "192.168.1.9",
			 "peer", "key_points", kp, "summary", "en", mark, "ja", mark, "evidence", "port", 23);
}

static void test_languages(void)
{
	json_t *devices = json_pack("[{s:s, s:[s]}]", "mac", "00:11:22:33:44:55", "ips", "192.168.1.9");
	json_t *events = json_pack("[o,o]", event("high", "2026-01-01T00:00:00.000Z", "cleartext-login", "m1", 15),
				   event("low", "2026-01-01T00:00:01.000Z", "new-device", "m2", 21));
	json_object_set_new(json_array_get(events, 0), "summary",
			    json_pack("{s:s, s:s}", "en", "Telnet login in cleartext", "ja", "平文のTELNETログイン"));
	int rc;
	char *ja = render(devices, events, NULL, "ja", &rc);
	CHECK_INT(rc, 0);
	CHECK(strstr(ja, "<html lang=\"ja\">") != NULL);
	CHECK(strstr(ja, "初期設定に留意する") != NULL);
	CHECK(strstr(ja, "脆弱な機器を把握し、適切に注意喚起を行う") != NULL);
	CHECK(strstr(ja, "平文のログイン") != NULL);
	CHECK(strstr(ja, "平文のTELNETログイン") != NULL);
	CHECK(strstr(ja, "Telnet login in cleartext") == NULL);
	CHECK(strstr(ja, "<dt id=\"kp-15\">") != NULL && strstr(ja, "href=\"#kp-15\"") != NULL);
	CHECK(strstr(ja, "<dt id=\"kp-21\">") != NULL && strstr(ja, "href=\"#kp-21\"") != NULL);
	CHECK(strstr(ja, "id=\"kp-1\"") == NULL && strstr(ja, "id=\"kp-4\"") == NULL);
	CHECK(strstr(ja, keypoint_explain(15, "ja")) != NULL);
	CHECK(strstr(ja, "<table>\n<tr><th>#</th><th>") != NULL);
	CHECK(strstr(ja, "href=\"#dev-1\"") != NULL && strstr(ja, "id=\"dev-1\"") != NULL);
	CHECK(strstr(ja, "m1") < strstr(ja, "m2")); /* high before low */
	CHECK(tags_ok(ja) && amps_ok(ja));
	char *en = render(devices, events, NULL, "en", &rc);
	CHECK_INT(rc, 0);
	CHECK(strstr(en, "<html lang=\"en\">") != NULL);
	CHECK(strstr(en, "Take care with initial settings") != NULL);
	CHECK(strstr(en, "初期設定に留意する") != NULL); /* official title alongside */
	CHECK(strstr(en, "Telnet login in cleartext") != NULL);
	CHECK(strstr(en, "平文のTELNETログイン") == NULL);
	CHECK(strstr(en, "Cleartext login") != NULL);
	CHECK(strstr(en, keypoint_explain(21, "en")) != NULL);
	CHECK(strstr(en, "<dt id=\"kp-15\">") != NULL);
	free(ja);
	free(en);
	char *other = render(devices, events, NULL, "\"><script>", &rc);
	CHECK(strstr(other, "<html lang=\"en\">") != NULL);
	free(other);
	json_decref(devices);
	json_decref(events);
}

/* s as html_escape writes it (caller frees). */
static char *escaped(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	html_escape(f, s);
	fclose(f);
	return buf;
}

static int has_escaped(const char *html, const char *s)
{
	char *e = escaped(s);
	int r = strstr(html, e) != NULL;
	free(e);
	return r;
}

static void test_advice(void)
{
	json_t *events = json_pack("[o,o,o]", event("critical", "2026-01-01T00:00:00.000Z", "c2", "m1", 9),
				   event("medium", "2026-01-01T00:00:01.000Z", "cleartext-login", "m2", 15),
				   event("low", "2026-01-01T00:00:02.000Z", "no-such-kind", "m3", 4));
	size_t c2 = 0, login = 0;
	for (size_t i = 0; i < advice_count(); i++) {
		if (strcmp(advice_at(i)->kind, "c2") == 0)
			c2 = i;
		if (strcmp(advice_at(i)->kind, "cleartext-login") == 0)
			login = i;
	}
	char want[64];
	int rc;
	for (int l = 0; l < 2; l++) {
		const char *lang = l ? "ja" : "en", *other = l ? "en" : "ja";
		char *out = render(NULL, events, NULL, lang, &rc);
		CHECK_INT(rc, 0);
		CHECK_INT(count(out, "<details class=\"adv\""), 2); /* not for the unknown kind */
		snprintf(want, sizeof want, "<details class=\"adv\" id=\"adv-%zu\">", c2);
		CHECK(strstr(out, want) != NULL);
		snprintf(want, sizeof want, "<details class=\"adv\" id=\"adv-%zu\">", login);
		CHECK(strstr(out, want) != NULL);
		for (int p = 0; p < ADVICE_PART_COUNT; p++) {
			CHECK(has_escaped(out, advice_text("c2", lang, (enum advice_part)p)));
			CHECK(has_escaped(out, advice_text("cleartext-login", lang, (enum advice_part)p)));
			CHECK(!has_escaped(out, advice_text("cleartext-login", other, (enum advice_part)p)));
			CHECK(has_escaped(out, advice_part_label((enum advice_part)p, lang)));
		}
		CHECK(has_escaped(out, advice_rule_title(2, lang)) && has_escaped(out, advice_rule_title(3, lang)));
		CHECK(tags_ok(out) && amps_ok(out));
		free(out);
	}
	char *en = render(NULL, events, NULL, "en", &rc);
	CHECK(strstr(en, "Guideline rule for users 2: Take care with initial settings") != NULL);
	free(en);
	char *ja = render(NULL, events, NULL, "ja", &rc);
	CHECK(strstr(ja, "一般利用者のためのルール 2「初期設定に気をつける」") != NULL);
	CHECK(strstr(ja, "C&amp;Cサーバ") != NULL && strstr(ja, "C&Cサーバ") == NULL); /* escaped too */
	free(ja);
	json_decref(events);
}

/* Many events of one kind: the first 20 rows carry the advice (the first
 * with the anchor), the rest link to it. */
static void test_advice_links(void)
{
	json_t *events = json_array();
	char ts[48];
	for (int i = 0; i < 25; i++) {
		snprintf(ts, sizeof ts, "2026-01-01T00:00:%02d.000Z", i);
		json_array_append_new(events, event("high", ts, "bruteforce", "x", 4));
	}
	size_t k = 0;
	while (strcmp(advice_at(k)->kind, "bruteforce") != 0)
		k++;
	int rc;
	char *out = render(NULL, events, NULL, "en", &rc);
	char want[64];
	CHECK_INT(count(out, "<details class=\"adv\""), 20);
	snprintf(want, sizeof want, " id=\"adv-%zu\"", k);
	CHECK_INT(count(out, want), 1);
	snprintf(want, sizeof want, "<a href=\"#adv-%zu\">", k);
	CHECK_INT(count(out, want), 5);
	CHECK(strstr(out, want) > strstr(out, " id=\"adv-"));
	CHECK(tags_ok(out) && amps_ok(out));
	free(out);
	json_decref(events);
}

static void test_order(void)
{
	json_t *events = json_pack("[o,o,o,o,o]", event("low", "2026-01-01T00:00:05.000Z", "scan", "[e1]", 4),
				   event("critical", "2026-01-01T00:00:09.000Z", "c2", "[e2]", 5),
				   event("low", "2026-01-01T00:00:01.000Z", "scan", "[e3]", 4),
				   event("bogus", "2026-01-01T00:00:00.000Z", "flood", "[e4]", 5),
				   event("critical", "2026-01-01T00:00:02.000Z", "c2", "[e5]", 5));
	int rc;
	char *out = render(NULL, events, NULL, "en", &rc);
	const char *e1 = strstr(out, "[e1]"), *e2 = strstr(out, "[e2]"), *e3 = strstr(out, "[e3]"),
		   *e4 = strstr(out, "[e4]"), *e5 = strstr(out, "[e5]");
	CHECK(e1 && e2 && e3 && e4 && e5);
	CHECK(e5 < e2 && e2 < e3 && e3 < e1 && e1 < e4);
	CHECK(strstr(out, "bogus") != NULL); /* unknown severity shown, escaped, last */
	free(out);
	json_decref(events);
}

static void test_empty(void)
{
	json_t *none = json_array();
	int rc;
	char *out = render(none, none, NULL, "en", &rc);
	CHECK_INT(rc, 0);
	CHECK(strstr(out, ui_text(UI_NO_DEVICES, "en")) != NULL);
	CHECK(strstr(out, ui_text(UI_NO_EVENTS, "en")) != NULL);
	CHECK(strstr(out, "id=\"kp-") == NULL);
	CHECK(strstr(out, "</html>") != NULL && strstr(out, "(null)") == NULL);
	CHECK(tags_ok(out));
	free(out);
	out = render(NULL, NULL, NULL, NULL, &rc);
	CHECK_INT(rc, 0);
	CHECK(strstr(out, "</html>") != NULL);
	free(out);
	json_decref(none);
	CHECK_INT(report_html_write(NULL, NULL, NULL, NULL, "en"), -1);
}

static void test_wrong_types(void)
{
	json_t *devices = json_loads(
		"[1, \"x\", null, [], {\"mac\": 5, \"ips\": \"10.0.0.1\", \"vendor\": [1,2], \"hostnames\": {\"a\":1},"
		" \"model\": true, \"firmware\": 1.5, \"mud_url\": {}, \"services\": [1, null, {\"port\": \"x\","
		" \"proto\": 6, \"name\": [], \"banner\": 7}], \"peers\": {\"ip\": 1}, \"first_seen\": 0,"
		" \"last_seen\": null}, {\"services\": \"ssh\", \"peers\": [null, 3, {\"flows\": \"many\"},"
		" {\"ip\": \"fe80::1\", \"flows\": -1}], \"ips\": [null, 4, [\"1.2.3.4\"]]}]",
		0, NULL);
	json_t *events = json_loads(
		"[null, 3, \"e\", [], {}, {\"ts\": 5, \"kind\": 6, \"severity\": 7, \"device\": \"d\","
		" \"peer\": [1], \"key_points\": \"15\", \"summary\": 8, \"evidence\": [1, \"<b>\"]},"
		" {\"severity\": \"high\", \"device\": {\"mac\": null, \"ip\": 9}, \"peer\": {\"ip\": \"::1\","
		" \"port\": \"x\"}, \"key_points\": [0, 22, -1, \"3\", 2.5, null, 15, 99999999999],"
		" \"summary\": {\"en\": 1, \"ja\": \"only ja\"}, \"evidence\": {\"a\": null, \"b\": [1,{}],"
		" \"c\": 1e300, \"d\": false}}, {\"summary\": \"plain\", \"evidence\": \"<i>\"}]",
		0, NULL);
	CHECK(devices && events);
	int rc;
	char *out = render(devices, events, NULL, "en", &rc);
	CHECK_INT(rc, 0);
	CHECK(strstr(out, "</html>") != NULL && strstr(out, "(null)") == NULL);
	CHECK(strstr(out, "only ja") != NULL); /* falls back to the other language */
	CHECK(strstr(out, "plain") != NULL);
	CHECK(strstr(out, "&lt;b&gt;") != NULL && strstr(out, "&lt;i&gt;") != NULL);
	CHECK(strstr(out, "<dt id=\"kp-15\">") != NULL);
	CHECK(strstr(out, "id=\"kp-3\"") == NULL && strstr(out, "id=\"kp-22\"") == NULL);
	CHECK(tags_ok(out) && amps_ok(out));
	free(out);
	json_t *obj = json_object();
	out = render(obj, obj, NULL, "ja", &rc); /* objects where arrays belong */
	CHECK_INT(rc, 0);
	CHECK(strstr(out, ui_text(UI_NO_EVENTS, "ja")) != NULL);
	free(out);
	json_decref(obj);
	json_decref(devices);
	json_decref(events);
}

static void test_cap(void)
{
	json_t *events = json_array();
	char ts[32], mark[32];
	for (int i = 0; i < 4998; i++) {
		snprintf(ts, sizeof ts, "2026-01-01T%06d", i);
		snprintf(mark, sizeof mark, "[info %d]", i);
		json_array_append_new(events, json_pack("{s:s, s:s, s:s, s:{s:s}}", "ts", ts, "kind", "new-device",
							"severity", "info", "summary", "en", mark));
	}
	for (int i = 0; i < 12; i++) {
		snprintf(mark, sizeof mark, "[%s %d]", i < 5 ? "crit" : "low", i);
		json_array_append_new(events, json_pack("{s:s, s:s, s:s, s:{s:s}, s:[i]}", "ts", "2026-01-02",
							"kind", "scan", "severity", i < 5 ? "critical" : "low",
							"summary", "en", mark, "key_points", 4));
	}
	int rc;
	char *out = render(NULL, events, NULL, "en", &rc);
	CHECK_INT(rc, 0);
	const char *sect = strstr(out, "<section id=\"events\">");
	CHECK(sect != NULL);
	CHECK_INT(count(sect ? sect : "", "<tr class=\"sev-"), REPORT_MAX_EVENTS);
	CHECK(strstr(out, "<strong id=\"omitted\">10</strong>") != NULL);
	CHECK(strstr(out, "[crit 0]") && strstr(out, "[crit 4]") && strstr(out, "[low 11]"));
	CHECK(strstr(out, "[info 4987]") != NULL);
	CHECK(strstr(out, "[info 4988]") == NULL && strstr(out, "[info 4997]") == NULL);
	CHECK(strstr(out, ">5010<") != NULL); /* the summary counts every event */
	free(out);
	for (int i = 0; i < 10; i++)
		json_array_remove(events, 0); /* exactly 5000 left: nothing omitted */
	out = render(NULL, events, NULL, "en", &rc);
	CHECK(strstr(out, "id=\"omitted\"") == NULL);
	CHECK_INT(count(strstr(out, "<section id=\"events\">"), "<tr class=\"sev-"), REPORT_MAX_EVENTS);
	free(out);
	json_decref(events);
}

static void test_write_error(void)
{
	FILE *f = fopen("/dev/full", "w");
	if (!f)
		return;
	json_t *devices = json_pack("[{s:s}]", "mac", "00:11:22:33:44:55");
	CHECK_INT(report_html_write(f, devices, NULL, NULL, "en"), -1);
	fclose(f);
	json_decref(devices);
}

int main(void)
{
	test_hostile("en");
	test_hostile("ja");
	test_languages();
	test_advice();
	test_advice_links();
	test_order();
	test_empty();
	test_wrong_types();
	test_cap();
	test_write_error();
	return test_summary();
}
