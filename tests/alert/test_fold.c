/* test_fold.c - alert folding and the alerter's settings: one incident per
 * kind + device + peer + evidence key, the sliding window and its exact
 * boundary, counts and time ranges in summaries, severity rises, the
 * minimum severity, window 0, the table limit, bad settings, and the JSON
 * lines written to stdout. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert/alert.h"
#include "alert/alert_int.h"
#include "test.h"

#define S 1000000ull /* one second in microseconds */
#define T0 (1767225600ull * S) /* 2026-01-01T00:00:00Z */

static void set(struct config *c, const char *key, const char *value)
{
	struct config_param *p = &c->params[c->n_params++];
	snprintf(p->key, sizeof p->key, "%s", key);
	snprintf(p->value, sizeof p->value, "%s", value);
	p->line = (unsigned)c->n_params;
	p->used = false;
}

static void collect(void *ctx, json_t *alert)
{
	json_array_append(ctx, alert);
}

/* An alerter with no outputs, its alerts collected into *got. */
static struct alerter *make(struct config *c, json_t **got)
{
	char err[256] = "";
	struct alerter *a = alerter_new(c, err, sizeof err);
	if (!a)
		fprintf(stderr, "alerter_new: %s\n", err);
	*got = json_array();
	alerter_set_sink(a, collect, *got);
	return a;
}

struct evspec {
	const char *kind;
	enum severity sev;
	uint64_t ts;
	uint8_t dev;       /* last MAC byte; 0 = no MAC, device IP 192.168.1.9 */
	const char *peer;  /* peer IP or NULL */
	uint16_t port;
	const char *ev_key, *ev_val; /* one evidence string, or NULL */
};

static void send_ev(struct alerter *a, struct evspec s)
{
	struct event ev;
	memset(&ev, 0, sizeof ev);
	snprintf(ev.kind, sizeof ev.kind, "%s", s.kind);
	ev.severity = s.sev;
	ev.ts_us = s.ts;
	if (s.dev) {
		ev.has_mac = true;
		memcpy(ev.mac, (uint8_t[]){0x02, 0, 0, 0, 0, s.dev}, 6);
	}
	kaddr_parse(&ev.device_ip, "192.168.1.9");
	if (s.peer)
		kaddr_parse(&ev.peer_ip, s.peer);
	ev.peer_port = s.port;
	snprintf(ev.summary_en, sizeof ev.summary_en, "%s at %llu", s.kind, (unsigned long long)(s.ts / S));
	snprintf(ev.summary_ja, sizeof ev.summary_ja, "%s（%llu）", s.kind, (unsigned long long)(s.ts / S));
	ev.evidence = json_object();
	if (s.ev_key)
		json_object_set_new(ev.evidence, s.ev_key, json_string(s.ev_val));
	alerter_event(a, &ev);
	json_decref(ev.evidence);
}

static const char *str(json_t *arr, size_t i, const char *key)
{
	return json_string_value(json_object_get(json_array_get(arr, i), key));
}

static long long num(json_t *arr, size_t i, const char *key)
{
	return json_integer_value(json_object_get(json_array_get(arr, i), key));
}

static void test_window(void)
{
	struct config c;
	config_defaults(&c);
	json_t *got;
	struct alerter *a = make(&c, &got);
	struct evspec e = {"bruteforce", SEV_HIGH, T0, 1, "203.0.113.7", 23, NULL, NULL};
	send_ev(a, e);                       /* opens incident 1: alert at once */
	CHECK_INT(json_array_size(got), 1);
	e.ts = T0 + 10 * S;
	send_ev(a, e);                       /* folded */
	e.ts = T0 + 610 * S;
	send_ev(a, e);                       /* exactly the window after the previous one: folded */
	CHECK_INT(json_array_size(got), 1);
	e.ts = T0 + 1210 * S + 1;            /* one microsecond past the window: a new incident */
	send_ev(a, e);
	CHECK_INT(json_array_size(got), 3);
	CHECK_STR(str(got, 0, "alert"), "event");
	CHECK_INT(num(got, 0, "incident"), 1);
	CHECK_INT(num(got, 0, "count"), 1);
	CHECK_STR(str(got, 0, "first_ts"), "2026-01-01T00:00:00.000Z");
	CHECK_STR(str(got, 0, "last_ts"), "2026-01-01T00:00:00.000Z");
	CHECK_STR(str(got, 0, "kind"), "bruteforce");
	CHECK_STR(str(got, 1, "alert"), "summary");   /* incident 1 closed before incident 2 opens */
	CHECK_INT(num(got, 1, "incident"), 1);
	CHECK_INT(num(got, 1, "count"), 3);
	CHECK_STR(str(got, 1, "first_ts"), "2026-01-01T00:00:00.000Z");
	CHECK_STR(str(got, 1, "last_ts"), "2026-01-01T00:10:10.000Z");
	CHECK_STR(str(got, 1, "ts"), "2026-01-01T00:10:10.000Z");
	CHECK_STR(json_string_value(json_object_get(json_object_get(json_array_get(got, 1), "summary"), "en")),
		  "bruteforce at 1767226210"); /* the latest event's fields */
	CHECK_STR(str(got, 2, "alert"), "event");
	CHECK_INT(num(got, 2, "incident"), 2);
	CHECK_INT(num(got, 2, "count"), 1);
	alerter_finish(a);                   /* incident 2 has one event: no summary */
	CHECK_INT(json_array_size(got), 3);
	struct alert_stats st;
	alerter_get_stats(a, &st);
	CHECK_INT(st.events, 4);
	CHECK_INT(st.alerts, 2);
	CHECK_INT(st.folded, 2);
	CHECK_INT(st.summaries, 1);
	alerter_free(a);
	json_decref(got);
}

/* The window slides: events 500 s apart never close the incident. */
static void test_sliding(void)
{
	struct config c;
	config_defaults(&c);
	json_t *got;
	struct alerter *a = make(&c, &got);
	for (int i = 0; i < 10; i++)
		send_ev(a, (struct evspec){"flood", SEV_CRITICAL, T0 + (uint64_t)i * 500 * S, 3, "198.51.100.1", 80,
					   NULL, NULL});
	CHECK_INT(json_array_size(got), 1);
	alerter_finish(a);
	CHECK_INT(json_array_size(got), 2);
	CHECK_STR(str(got, 1, "alert"), "summary");
	CHECK_INT(num(got, 1, "count"), 10);
	CHECK_STR(str(got, 1, "last_ts"), "2026-01-01T01:15:00.000Z");
	alerter_finish(a); /* nothing left */
	CHECK_INT(json_array_size(got), 2);
	alerter_free(a);
	json_decref(got);
}

/* An event of another incident far later closes the first one too. */
static void test_closed_by_other(void)
{
	struct config c;
	config_defaults(&c);
	set(&c, "alert.fold_window", "60");
	json_t *got;
	struct alerter *a = make(&c, &got);
	send_ev(a, (struct evspec){"scan", SEV_MEDIUM, T0, 1, NULL, 0, NULL, NULL});
	send_ev(a, (struct evspec){"scan", SEV_MEDIUM, T0 + S, 1, NULL, 0, NULL, NULL});
	send_ev(a, (struct evspec){"c2", SEV_HIGH, T0 + 62 * S, 2, "192.0.2.1", 443, NULL, NULL});
	CHECK_INT(json_array_size(got), 3);
	CHECK_STR(str(got, 1, "alert"), "summary");
	CHECK_STR(str(got, 1, "kind"), "scan");
	CHECK_STR(str(got, 2, "kind"), "c2");
	/* a low event (below the minimum) still moves time on */
	send_ev(a, (struct evspec){"c2", SEV_HIGH, T0 + 63 * S, 2, "192.0.2.1", 443, NULL, NULL});
	send_ev(a, (struct evspec){"new-device", SEV_INFO, T0 + 200 * S, 5, NULL, 0, NULL, NULL});
	CHECK_INT(json_array_size(got), 4);
	CHECK_STR(str(got, 3, "kind"), "c2");
	CHECK_STR(str(got, 3, "alert"), "summary");
	alerter_free(a);
	json_decref(got);
}

static void test_distinct(void)
{
	struct config c;
	config_defaults(&c);
	json_t *got;
	struct alerter *a = make(&c, &got);
	struct evspec base = {"cleartext-login", SEV_MEDIUM, T0, 1, "10.0.0.2", 23, "port", "23"};
	send_ev(a, base);
	struct evspec v[7];
	for (int i = 0; i < 7; i++) {
		v[i] = base;
		v[i].ts = T0 + (uint64_t)(i + 1) * S;
	}
	v[0].kind = "bruteforce";  /* other kind */
	v[1].dev = 2;              /* other device */
	v[2].dev = 0;              /* no MAC: the device is its IP */
	v[3].peer = "10.0.0.3";    /* other peer */
	v[4].port = 2323;          /* other peer port */
	v[5].ev_val = "21";        /* other evidence port */
	v[6].peer = NULL;          /* no peer */
	for (int i = 0; i < 7; i++)
		send_ev(a, v[i]);
	CHECK_INT(json_array_size(got), 8);
	for (size_t i = 0; i < 8; i++) {
		CHECK_STR(str(got, i, "alert"), "event");
		CHECK_INT(num(got, i, "incident"), (long long)i + 1);
	}
	/* evidence keys outside the key do not split an incident */
	send_ev(a, (struct evspec){"scan", SEV_HIGH, T0 + 20 * S, 9, NULL, 0, "user", "root"});
	send_ev(a, (struct evspec){"scan", SEV_HIGH, T0 + 21 * S, 9, NULL, 0, "user", "admin"});
	send_ev(a, (struct evspec){"scan", SEV_HIGH, T0 + 22 * S, 9, NULL, 0, "indicator", "evil"});
	CHECK_INT(json_array_size(got), 10);
	alerter_finish(a);
	CHECK_INT(json_array_size(got), 11); /* only the scan incident folded two events */
	CHECK_INT(num(got, 10, "count"), 2);
	alerter_free(a);
	json_decref(got);
}

static void test_severity(void)
{
	struct config c;
	config_defaults(&c);
	json_t *got;
	struct alerter *a = make(&c, &got);
	struct evspec e = {"scan", SEV_LOW, T0, 4, NULL, 0, NULL, NULL};
	send_ev(a, e); /* below the default minimum (medium): ignored */
	CHECK_INT(json_array_size(got), 0);
	e.sev = SEV_MEDIUM, e.ts += S;
	send_ev(a, e);
	e.sev = SEV_HIGH, e.ts += S;
	send_ev(a, e); /* a rise: alerted at once */
	e.sev = SEV_MEDIUM, e.ts += S;
	send_ev(a, e); /* folded */
	e.sev = SEV_HIGH, e.ts += S;
	send_ev(a, e); /* not higher than already sent: folded */
	CHECK_INT(json_array_size(got), 2);
	CHECK_STR(str(got, 1, "severity"), "high");
	CHECK_INT(num(got, 1, "count"), 2);
	CHECK_INT(num(got, 1, "incident"), 1);
	alerter_finish(a);
	CHECK_INT(json_array_size(got), 3);
	CHECK_STR(str(got, 2, "severity"), "high"); /* the highest seen */
	CHECK_INT(num(got, 2, "count"), 4);
	struct alert_stats st;
	alerter_get_stats(a, &st);
	CHECK_INT(st.below_min, 1);
	CHECK_INT(st.folded, 2);
	alerter_free(a);
	json_decref(got);

	config_defaults(&c);
	set(&c, "alert.min_severity", "critical");
	a = make(&c, &got);
	send_ev(a, (struct evspec){"c2", SEV_HIGH, T0, 1, NULL, 0, NULL, NULL});
	send_ev(a, (struct evspec){"c2", SEV_CRITICAL, T0 + S, 1, NULL, 0, NULL, NULL});
	CHECK_INT(json_array_size(got), 1);
	alerter_free(a);
	json_decref(got);
}

static void test_no_folding(void)
{
	struct config c;
	config_defaults(&c);
	set(&c, "alert.fold_window", "0");
	set(&c, "alert.min_severity", "info");
	json_t *got;
	struct alerter *a = make(&c, &got);
	for (int i = 0; i < 5; i++)
		send_ev(a, (struct evspec){"new-device", SEV_INFO, T0, 1, NULL, 0, NULL, NULL});
	alerter_finish(a);
	CHECK_INT(json_array_size(got), 5);
	CHECK_INT(num(got, 4, "incident"), 5);
	CHECK_INT(num(got, 4, "count"), 1);
	CHECK_STR(str(got, 4, "alert"), "event");
	alerter_free(a);
	json_decref(got);
}

/* More open incidents than the table holds: the one idle longest closes. */
static void test_table_full(void)
{
	struct config c;
	config_defaults(&c);
	json_t *got;
	struct alerter *a = make(&c, &got);
	send_ev(a, (struct evspec){"scan", SEV_HIGH, T0, 1, "10.9.9.9", 1, NULL, NULL});
	send_ev(a, (struct evspec){"scan", SEV_HIGH, T0, 1, "10.9.9.9", 1, NULL, NULL});
	char peer[32];
	for (int i = 0; i < FOLD_MAX_OPEN; i++) {
		snprintf(peer, sizeof peer, "10.1.%d.%d", i / 250, i % 250 + 1);
		send_ev(a, (struct evspec){"scan", SEV_HIGH, T0 + S, 1, peer, 1, NULL, NULL});
	}
	CHECK_INT(json_array_size(got), 1 + FOLD_MAX_OPEN + 1);
	json_t *last = json_array_get(got, json_array_size(got) - 2); /* summary before the last one */
	CHECK_STR(json_string_value(json_object_get(last, "alert")), "summary");
	CHECK_INT(json_integer_value(json_object_get(last, "incident")), 1);
	alerter_free(a);
	json_decref(got);
}

static void test_settings(void)
{
	static const char *const bad[][2] = {
		{"alert.stdout", "maybe"},         {"alert.syslog", "2"},
		{"alert.min_severity", "urgent"},  {"alert.fold_window", "-1"},
		{"alert.fold_window", "604801"},   {"alert.fold_window", "10s"},
		{"alert.command_timeout", "0"},    {"alert.command_timeout", "3601"},
		{"alert.command", ""},             {"alert.syslog_facility", "local8"},
		{"alert.syslog_socket", "dev/log"},
	};
	char err[256];
	struct config c;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		config_defaults(&c);
		set(&c, bad[i][0], bad[i][1]);
		err[0] = '\0';
		struct alerter *a = alerter_new(&c, err, sizeof err);
		CHECK(a == NULL);
		CHECK(strstr(err, bad[i][0]) != NULL);
		alerter_free(a);
	}
	config_defaults(&c);
	set(&c, "alert.syslog_socket", "/tmp/x");
	set(&c, "alert.syslog_udp", "127.0.0.1:514");
	CHECK(alerter_new(&c, err, sizeof err) == NULL);
	config_defaults(&c);
	set(&c, "alert.syslog", "yes");
	set(&c, "alert.syslog_socket", "/nonexistent/koban-test.sock");
	CHECK(alerter_new(&c, err, sizeof err) == NULL);
	CHECK(strstr(err, "/nonexistent/koban-test.sock") != NULL);
	/* every supported key is read, even for outputs left off */
	static const char *const keys[][2] = {
		{"alert.stdout", "no"},            {"alert.syslog", "off"},
		{"alert.syslog_socket", "/dev/log"}, {"alert.syslog_facility", "daemon"},
		{"alert.command", "true"},         {"alert.command_timeout", "5"},
		{"alert.min_severity", "low"},     {"alert.fold_window", "30"},
	};
	config_defaults(&c);
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		set(&c, keys[i][0], keys[i][1]);
	set(&c, "alert.bogus", "1");
	struct alerter *a = alerter_new(&c, err, sizeof err);
	CHECK(a != NULL);
	CHECK(!config_check_unused(&c, err, sizeof err));
	CHECK(strstr(err, "alert.bogus") != NULL);
	c.params[c.n_params - 1].used = true;
	CHECK(config_check_unused(&c, err, sizeof err));
	alerter_free(a);
	config_defaults(&c);
	set(&c, "alert.syslog_udp", "[::1]:5514");
	set(&c, "alert.syslog_facility", "local7");
	a = alerter_new(&c, err, sizeof err); /* syslog off: the address is only checked */
	CHECK(a != NULL);
	alerter_free(a);
}

/* alert.stdout = yes: one JSON object per line on standard output. */
static void test_stdout(void)
{
	char path[] = "/tmp/koban-stdout-XXXXXX";
	int fd = mkstemp(path);
	fflush(stdout);
	int saved = dup(1);
	dup2(fd, 1);
	struct config c;
	char err[256];
	config_defaults(&c);
	set(&c, "alert.stdout", "yes");
	struct alerter *a = alerter_new(&c, err, sizeof err);
	send_ev(a, (struct evspec){"c2", SEV_CRITICAL, T0, 1, "192.0.2.66", 6667, "indicator", "x\"}\n{"});
	send_ev(a, (struct evspec){"c2", SEV_CRITICAL, T0 + S, 1, "192.0.2.66", 6667, "indicator", "x\"}\n{"});
	alerter_finish(a);
	alerter_free(a);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	FILE *f = fdopen(fd, "r");
	rewind(f);
	char line[8192];
	int n = 0;
	while (fgets(line, sizeof line, f)) {
		json_error_t je;
		json_t *o = json_loads(line, 0, &je);
		CHECK(o != NULL && strchr(line, '\n') == line + strlen(line) - 1);
		CHECK_STR(json_string_value(json_object_get(o, "alert")), n == 0 ? "event" : "summary");
		CHECK_STR(json_string_value(json_object_get(json_object_get(o, "evidence"), "indicator")), "x\"}\n{");
		json_decref(o);
		n++;
	}
	CHECK_INT(n, 2);
	fclose(f);
	unlink(path);
}

int main(void)
{
	test_window();
	test_sliding();
	test_closed_by_other();
	test_distinct();
	test_severity();
	test_no_folding();
	test_table_full();
	test_settings();
	test_stdout();
	return test_summary();
}
