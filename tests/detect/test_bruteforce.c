/* test_bruteforce.c - the bruteforce detector through the real engine:
 * TELNET/FTP/HTTP Basic guessing at and around the thresholds, inbound and
 * outbound, the same credential repeated (not guessing), SSH-style short
 * connections (refused and long ones do not count), windows, repeats,
 * parameters, and passwords never written. */
#include "access_harness.h"

/* n TELNET logins from c to s with different passwords guess-<from>.. */
static void guess(struct engine *e, const struct host *c, const struct host *s, uint16_t port, int from, int n)
{
	char pw[32];
	for (int i = from; i < from + n; i++) {
		snprintf(pw, sizeof pw, "guess-%d", i);
		h_telnet_login(e, c, s, port, i % 3 ? "root" : "admin", pw);
	}
}

static void test_inbound_threshold(void)
{
	struct engine *e = h_engine_ok("bruteforce", NULL, NULL);
	guess(e, &WAN1, &CAM, 23, 0, 9);
	CHECK_INT(h_count("bruteforce"), 0);
	guess(e, &WAN1, &CAM, 23, 9, 1);
	CHECK_INT(h_count("bruteforce"), 1);
	json_t *ev = h_find("bruteforce", 0);
	H_CHECK_HEAD(ev, "medium", "4,15", CAM.ip, WAN1.ip);
	CHECK_STR(h_str(ev, "direction"), "inbound");
	CHECK_STR(h_str(ev, "protocol"), "telnet");
	CHECK_STR(h_str(ev, "trigger"), "logins");
	CHECK_STR(h_str(ev, "attacker"), WAN1.ip);
	CHECK_STR(h_str(ev, "target"), CAM.ip);
	CHECK_INT(h_int(ev, "port"), 23);
	CHECK_INT(h_int(ev, "attempts"), 10);
	CHECK_INT(h_int(ev, "distinct_credentials"), 10);
	CHECK_INT(h_int(ev, "report"), 1);
	json_t *users = eh_evidence(ev, "users");
	CHECK_INT(json_integer_value(json_object_get(users, "count")), 2);
	CHECK_INT(json_array_size(json_object_get(users, "samples")), 2);
	CHECK_STR(json_string_value(json_array_get(json_object_get(users, "samples"), 0)), "admin");
	CHECK(json_is_false(eh_evidence(ev, "attacker_local")));
	CHECK(h_str(ev, "window_start") && h_str(ev, "window_end"));
	/* more guessing within the repeat time: no second event */
	guess(e, &WAN1, &CAM, 23, 10, 20);
	engine_finish(e);
	CHECK_INT(h_count("bruteforce"), 1);
	CHECK(h_secret_absent("guess-"));
	h_done(e);
}

static void test_same_credential_is_not_guessing(void)
{
	struct engine *e = h_engine_ok("bruteforce", NULL, NULL);
	for (int i = 0; i < 30; i++)
		h_telnet_login(e, &PC, &CAM, 23, "root", "my-own-pass");
	/* a browser re-sends the same Basic header with every request */
	h_http_basic(e, &PC, &CAM, 80, "admin", "cam-pass-1", 40);
	engine_finish(e);
	CHECK_INT(h_count("bruteforce"), 0);
	h_done(e);
}

static void test_http_and_ftp(void)
{
	char pw[32];
	struct engine *e = h_engine_ok("bruteforce", NULL, NULL);
	for (int i = 0; i < 10; i++) {
		snprintf(pw, sizeof pw, "web-%d", i);
		h_http_basic(e, &WAN1, &CAM, 8080, "admin", pw, 1);
		CHECK_INT(h_count("bruteforce"), i == 9);
	}
	for (int i = 0; i < 10; i++) {
		snprintf(pw, sizeof pw, "ftp-%d", i);
		h_ftp_login(e, &WAN2, &CAM, i < 5 ? "anonymous" : "admin", pw);
	}
	engine_finish(e);
	CHECK_INT(h_count("bruteforce"), 2);
	CHECK_STR(h_str(h_find("bruteforce", 0), "protocol"), "http-basic");
	CHECK_INT(h_int(h_find("bruteforce", 0), "port"), 8080);
	CHECK_STR(h_str(h_find("bruteforce", 1), "protocol"), "ftp");
	CHECK(h_secret_absent("web-") && h_secret_absent("ftp-"));
	h_done(e);
}

static void test_outbound_and_local(void)
{
	struct engine *e = h_engine_ok("bruteforce", NULL, NULL);
	guess(e, &PC, &WAN2, 23, 0, 10); /* an infected PC attacks a host on the Internet */
	CHECK_INT(h_count("bruteforce"), 1);
	json_t *ev = h_find("bruteforce", 0);
	H_CHECK_HEAD(ev, "high", "9,21", PC.ip, WAN2.ip);
	CHECK_INT(json_integer_value(json_object_get(json_object_get(ev, "peer"), "port")), 23);
	CHECK_STR(h_str(ev, "direction"), "outbound");
	guess(e, &PC2, &CAM, 2323, 0, 10); /* one local host attacks another */
	CHECK_INT(h_count("bruteforce"), 2);
	ev = h_find("bruteforce", 1);
	CHECK_STR(h_sev(ev), "medium");
	CHECK_STR(h_str(ev, "direction"), "inbound");
	CHECK_STR(h_dev_ip(ev), CAM.ip);
	CHECK(json_is_true(eh_evidence(ev, "attacker_local")));
	/* traffic between two remote hosts is nobody's device */
	guess(e, &WAN1, &WAN2, 23, 0, 12);
	engine_finish(e);
	CHECK_INT(h_count("bruteforce"), 2);
	h_done(e);
}

static void test_short_connections(void)
{
	struct engine *e = h_engine_ok("bruteforce", NULL, NULL);
	for (int i = 0; i < 19; i++)
		h_short_conn(e, &WAN1, &CAM, 22);
	CHECK_INT(h_count("bruteforce"), 0);
	h_short_conn(e, &WAN1, &CAM, 22);
	CHECK_INT(h_count("bruteforce"), 1);
	json_t *ev = h_find("bruteforce", 0);
	CHECK_STR(h_str(ev, "trigger"), "connections");
	CHECK_STR(h_str(ev, "protocol"), "ssh");
	CHECK_INT(h_int(ev, "short_connections"), 20);
	CHECK_INT(h_int(ev, "attempts"), 0);
	/* refused connections and long sessions are not login attempts */
	for (int i = 0; i < 40; i++)
		h_refused(e, &WAN2, &CAM, 22);
	for (int i = 0; i < 25; i++) {
		uint16_t cp = h_next_port();
		h_handshake(e, &WAN3, cp, &CAM, 22);
		h_wait(31);
		h_close(e, &WAN3, cp, &CAM, 22);
	}
	/* a port that is not watched */
	for (int i = 0; i < 30; i++)
		h_short_conn(e, &WAN2, &CAM, 4444);
	engine_finish(e);
	CHECK_INT(h_count("bruteforce"), 1);
	h_done(e);
}

static void test_window(void)
{
	struct engine *e = h_engine_ok("bruteforce", "bruteforce.window = 60\n", NULL);
	guess(e, &WAN1, &CAM, 23, 0, 9);
	h_wait(61);
	guess(e, &WAN1, &CAM, 23, 9, 9); /* a new window: 9 again */
	CHECK_INT(h_count("bruteforce"), 0);
	guess(e, &WAN1, &CAM, 23, 18, 1);
	CHECK_INT(h_count("bruteforce"), 1);
	CHECK_INT(h_int(h_find("bruteforce", 0), "attempts"), 10);
	h_done(e);
}

static void test_repeat(void)
{
	struct engine *e = h_engine_ok("bruteforce", "bruteforce.repeat = 60\n", NULL);
	guess(e, &WAN1, &CAM, 23, 0, 15);
	CHECK_INT(h_count("bruteforce"), 1);
	h_wait(59);
	guess(e, &WAN1, &CAM, 23, 15, 1); /* within the repeat time */
	CHECK_INT(h_count("bruteforce"), 1);
	h_wait(2);
	guess(e, &WAN1, &CAM, 23, 16, 1);
	CHECK_INT(h_count("bruteforce"), 2);
	json_t *ev = h_find("bruteforce", 1);
	CHECK_INT(h_int(ev, "report"), 2);
	CHECK_INT(h_int(ev, "attempts"), 17);
	guess(e, &WAN1, &CAM, 23, 17, 5);
	CHECK_INT(h_count("bruteforce"), 2);
	/* after a quiet window the incident is over; a new one starts from zero */
	h_wait(301);
	guess(e, &WAN1, &CAM, 23, 100, 9);
	CHECK_INT(h_count("bruteforce"), 2);
	guess(e, &WAN1, &CAM, 23, 109, 1);
	CHECK_INT(h_count("bruteforce"), 3);
	CHECK_INT(h_int(h_find("bruteforce", 2), "report"), 1);
	CHECK_INT(h_int(h_find("bruteforce", 2), "attempts"), 10);
	h_done(e);
}

static void test_parameters(void)
{
	char err[256];
	struct engine *e = h_engine_ok("bruteforce", "bruteforce.min_attempts = 3\nbruteforce.min_connections = 5\n",
				       NULL);
	guess(e, &WAN1, &CAM, 23, 0, 2);
	CHECK_INT(h_count("bruteforce"), 0);
	guess(e, &WAN1, &CAM, 23, 2, 1);
	CHECK_INT(h_count("bruteforce"), 1);
	for (int i = 0; i < 4; i++)
		h_short_conn(e, &WAN2, &CAM, 2323);
	CHECK_INT(h_count("bruteforce"), 1);
	h_short_conn(e, &WAN2, &CAM, 2323);
	CHECK_INT(h_count("bruteforce"), 2);
	h_done(e);
	e = h_engine_ok("bruteforce", "bruteforce.conn_ports = none\n", NULL);
	for (int i = 0; i < 30; i++)
		h_short_conn(e, &WAN1, &CAM, 22);
	CHECK_INT(h_count("bruteforce"), 0);
	h_done(e);
	static const char *bad[] = {
		"bruteforce.min_attempts = 1\n", "bruteforce.window = abc\n", "bruteforce.window = 0\n",
		"bruteforce.conn_ports = 22,70000\n", "bruteforce.conn_ports = ssh\n", "bruteforce.no_such_key = 1\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		e = h_engine("bruteforce", bad[i], NULL, err, sizeof err);
		CHECK(e == NULL);
		h_done(e);
	}
}

/* With the default-credential list loaded, attempts with listed pairs are counted. */
static void test_list_pairs(void)
{
	static const char *pairs[][2] = {
		{"root", "xc3511"}, {"root", "vizxv"}, {"root", "admin"}, {"admin", "admin"}, {"root", "888888"},
		{"root", "xmhdipc"}, {"root", "default"}, {"root", "juantech"}, {"root", "123456"}, {"root", "54321"},
	};
	struct intel *in = h_intel();
	CHECK(in != NULL);
	if (!in)
		return;
	struct engine *e = h_engine_ok("bruteforce", NULL, in);
	for (size_t i = 0; i < 10; i++)
		h_telnet_login(e, &WAN1, &CAM, 23, pairs[i][0], pairs[i][1]);
	h_telnet_login(e, &WAN1, &CAM, 23, "root", "not-on-any-list-77");
	engine_finish(e);
	CHECK_INT(h_count("bruteforce"), 1);
	json_t *ev = h_find("bruteforce", 0);
	CHECK_INT(h_int(ev, "default_list_pairs"), 10);
	CHECK(h_secret_absent("xc3511") && h_secret_absent("juantech") && h_secret_absent("xmhdipc"));
	h_done(e);
	intel_free(in);
}

int main(void)
{
	setenv("KOBAN_OUI_FILE", "/usr/share/ieee-data/oui.csv", 0);
	test_inbound_threshold();
	test_same_credential_is_not_guessing();
	test_http_and_ftp();
	test_outbound_and_local();
	test_short_connections();
	test_window();
	test_repeat();
	test_parameters();
	test_list_pairs();
	json_decref(h_events);
	return test_summary();
}
