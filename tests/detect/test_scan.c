/* test_scan.c - the scan detector through the real engine on hand-made
 * frames: every threshold at and one below, the answer wait, window expiry,
 * Mirai's sequence-number mark, inbound scans, 9530/9673 probes, incident
 * reports (first, update on doubling / new ports / the Mirai trait at and
 * around the doubling and scan.update_interval boundaries, periodic
 * updates, the final report after a quiet window or at the end), UDP scans
 * seen through ICMP port unreachables (and garbage quoted in ICMP errors),
 * eviction under a flood of sources, busy but benign devices, bad
 * parameters. */
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "pktgen.h"
#include "engine_harness.h"
#include "test.h"

static const uint8_t DEV[6] = {0x00, 0x1b, 0x21, 0x0a, 0x0b, 0x0c};
static const uint8_t CAM[6] = {0x28, 0x57, 0xbe, 0x01, 0x02, 0x03};
static const uint8_t GW[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
#define DEV_IP "192.168.1.50"
#define CAM_IP "192.168.1.20"

static json_t *events;
static struct engine *eng;
static uint64_t now_us;

/* params: "key=value;key=value" (scan.* settings) */
static struct engine *engine_with(const char *params, char *err, size_t errsz)
{
	struct config cfg;
	eh_config(&cfg, "scan", params);
	return eh_engine(&cfg, events, NULL, err, errsz);
}

static void start(const char *params)
{
	char err[256] = "";
	events = json_array();
	now_us = 1700000000000000ULL;
	eng = engine_with(params, err, sizeof err);
	if (!eng)
		fprintf(stderr, "engine_new: %s\n", err);
}

static void stop(void)
{
	if (getenv("KOBAN_TEST_DUMP")) /* for debugging: the events of each case */
		json_dumpf(events, stderr, JSON_INDENT(1));
	engine_free(eng);
	json_decref(events);
}

static void feed(const uint8_t *frame, size_t len)
{
	now_us += 1000;
	engine_packet(eng, 1, now_us, frame, (uint32_t)len, (uint32_t)len);
}

static void tcp(const uint8_t *smac, const char *sip, uint16_t sport, const uint8_t *dmac, const char *dip,
		uint16_t dport, uint8_t flags, uint32_t seq)
{
	uint8_t buf[128];
	feed(buf, pg_tcp(buf, smac, dmac, sip, sport, dip, dport, flags, seq, NULL, 0));
}

/* A SYN from a to b:port, refused with a RST if refuse. */
static void probe(const uint8_t *amac, const char *a, const uint8_t *bmac, const char *b, uint16_t port,
		  bool refuse)
{
	static uint16_t sport = 30000;
	sport = (uint16_t)(sport + 1);
	tcp(amac, a, sport, bmac, b, port, 0x02, 12345);
	if (refuse)
		tcp(bmac, b, port, amac, a, sport, 0x14, 0);
}

/* A completed connection a -> b:port. */
static void connection(const uint8_t *amac, const char *a, const uint8_t *bmac, const char *b, uint16_t port)
{
	static uint16_t sport = 40000;
	sport = (uint16_t)(sport + 1);
	tcp(amac, a, sport, bmac, b, port, 0x02, 777);
	tcp(bmac, b, port, amac, a, sport, 0x12, 888);
	tcp(amac, a, sport, bmac, b, port, 0x10, 778);
	tcp(amac, a, sport, bmac, b, port, 0x11, 778);
	tcp(bmac, b, port, amac, a, sport, 0x11, 889);
}

static const char *ip_of(int i, char *buf, size_t n)
{
	snprintf(buf, n, "198.51.%d.%d", 100 + i / 250, 1 + i % 250);
	return buf;
}

/* Device scans n remote hosts on port 23, each refused. */
static void scan_hosts(int from, int n, uint16_t port)
{
	char ip[32];
	for (int i = from; i < from + n; i++)
		probe(DEV, DEV_IP, GW, ip_of(i, ip, sizeof ip), port, true);
}

static size_t count_kind(const char *kind)
{
	return eh_count(events, kind);
}

static json_t *nth(const char *kind, size_t k)
{
	return eh_nth(events, kind, k);
}

static const char *sev(json_t *ev)
{
	return json_string_value(json_object_get(ev, "severity"));
}

static json_int_t evi(json_t *ev, const char *key)
{
	return json_integer_value(json_object_get(json_object_get(ev, "evidence"), key));
}

static const char *evs(json_t *ev, const char *key)
{
	return json_string_value(json_object_get(json_object_get(ev, "evidence"), key));
}

static const char *peer_ip(json_t *ev)
{
	return json_string_value(json_object_get(json_object_get(ev, "peer"), "ip"));
}

static void test_horizontal_threshold(void)
{
	start(NULL);
	scan_hosts(0, 19, 23);
	CHECK_INT(count_kind("scan"), 0);
	scan_hosts(19, 1, 23);
	CHECK_INT(count_kind("scan"), 1);
	json_t *ev = nth("scan", 0);
	CHECK_STR(sev(ev), "high");
	CHECK_STR(evs(ev, "direction"), "outbound");
	CHECK_STR(evs(ev, "scan_type"), "horizontal");
	CHECK_INT(evi(ev, "distinct_hosts"), 20);
	CHECK_INT(evi(ev, "distinct_ports"), 1);
	CHECK_INT(evi(ev, "unanswered"), 20);
	CHECK_INT(evi(ev, "mirai_seq_matches"), 0);
	json_t *e = json_object_get(ev, "evidence");
	CHECK_INT(json_integer_value(json_object_get(json_object_get(e, "iot_ports"), "23")), 20);
	CHECK_INT(json_integer_value(json_object_get(json_array_get(json_object_get(e, "top_ports"), 0), "count")), 20);
	CHECK_INT(json_array_size(json_object_get(e, "sample_targets")), 4);
	CHECK_STR(json_string_value(json_array_get(json_object_get(e, "sample_targets"), 0)), "198.51.100.1:23");
	CHECK_STR(json_string_value(json_object_get(json_object_get(ev, "device"), "mac")), "00:1b:21:0a:0b:0c");
	CHECK_STR(json_string_value(json_object_get(json_object_get(ev, "device"), "ip")), DEV_IP);
	json_t *kps = json_object_get(ev, "key_points");
	CHECK(json_array_size(kps) == 3 && json_integer_value(json_array_get(kps, 0)) == 5 &&
	      json_integer_value(json_array_get(kps, 1)) == 9 && json_integer_value(json_array_get(kps, 2)) == 21);
	const char *en = json_string_value(json_object_get(json_object_get(ev, "summary"), "en"));
	const char *ja = json_string_value(json_object_get(json_object_get(ev, "summary"), "ja"));
	CHECK(en && strstr(en, "scanning") && ja && strstr(ja, "スキャン"));
	stop();
}

/* Unanswered SYNs count once scan.answer_wait has passed (or at the end). */
static void test_answer_wait(void)
{
	char ip[32];
	start(NULL);
	for (int i = 0; i < 20; i++)
		probe(DEV, DEV_IP, GW, ip_of(i, ip, sizeof ip), 23, false);
	CHECK_INT(count_kind("scan"), 0);
	engine_finish(eng);
	CHECK_INT(count_kind("scan"), 1);
	stop();

	start(NULL);
	for (int i = 0; i < 20; i++)
		probe(DEV, DEV_IP, GW, ip_of(i, ip, sizeof ip), 23, false);
	now_us += 2000000;
	probe(DEV, DEV_IP, GW, ip_of(20, ip, sizeof ip), 23, false); /* < 3 s after the first */
	CHECK_INT(count_kind("scan"), 0);
	now_us += 2000000;
	probe(DEV, DEV_IP, GW, ip_of(21, ip, sizeof ip), 23, false);
	CHECK_INT(count_kind("scan"), 1);
	CHECK_INT(evi(nth("scan", 0), "distinct_hosts"), 20);
	stop();

	/* a quiet source is reported by the sweep, from anyone's packet */
	start("scan.max_sources=8");
	for (int i = 0; i < 20; i++)
		probe(DEV, DEV_IP, GW, ip_of(i, ip, sizeof ip), 23, false);
	now_us += 5000000;
	connection(CAM, CAM_IP, GW, "203.0.113.80", 443);
	CHECK_INT(count_kind("scan"), 1);
	stop();
}

static void test_vertical_threshold(void)
{
	start(NULL);
	for (int port = 1; port <= 19; port++)
		probe(DEV, DEV_IP, CAM, CAM_IP, (uint16_t)port, true);
	CHECK_INT(count_kind("scan"), 0);
	probe(DEV, DEV_IP, CAM, CAM_IP, 20, true);
	CHECK_INT(count_kind("scan"), 1);
	json_t *ev = nth("scan", 0);
	CHECK_STR(evs(ev, "scan_type"), "vertical");
	CHECK_STR(sev(ev), "medium"); /* only local addresses */
	CHECK_STR(peer_ip(ev), CAM_IP);
	CHECK_INT(evi(ev, "distinct_ports"), 20);
	CHECK_INT(evi(ev, "unanswered_remote"), 0);
	stop();

	start("scan.min_ports=5;scan.min_hosts=1000");
	for (int port = 1; port <= 4; port++)
		probe(DEV, DEV_IP, GW, "203.0.113.7", (uint16_t)port, true);
	CHECK_INT(count_kind("scan"), 0);
	probe(DEV, DEV_IP, GW, "203.0.113.7", 5, true);
	CHECK_INT(count_kind("scan"), 1);
	CHECK_STR(sev(nth("scan", 0)), "high");
	stop();
}

static void test_window_expiry(void)
{
	start(NULL);
	scan_hosts(0, 19, 23);
	now_us += 61000000;
	scan_hosts(19, 1, 23);
	CHECK_INT(count_kind("scan"), 0);
	scan_hosts(20, 18, 23); /* 19 in the new window */
	CHECK_INT(count_kind("scan"), 0);
	scan_hosts(38, 1, 23);
	CHECK_INT(count_kind("scan"), 1);
	stop();

	start("scan.window=10");
	scan_hosts(0, 10, 23);
	now_us += 9000000; /* still inside the 10 s window */
	scan_hosts(10, 10, 23);
	CHECK_INT(count_kind("scan"), 1);
	stop();
}

static uint32_t ip4(const char *s)
{
	struct in_addr a;
	inet_pton(AF_INET, s, &a);
	return ntohl(a.s_addr);
}

/* A SYN from the device to host i with Mirai's mark (seq = address), or not. */
static void mirai_syn(int i, uint16_t port, bool mark)
{
	char ip[32];
	ip_of(i, ip, sizeof ip);
	tcp(DEV, DEV_IP, 5000, GW, ip, port, 0x02, ip4(ip) + (mark ? 0 : 1));
}

static void test_mirai(void)
{
	start(NULL);
	for (int i = 0; i < 2; i++)
		mirai_syn(i, 23, true);
	CHECK_INT(count_kind("scan"), 0);
	mirai_syn(2, 23, true);
	CHECK_INT(count_kind("scan"), 1);
	json_t *ev = nth("scan", 0);
	CHECK_STR(sev(ev), "critical");
	CHECK_INT(evi(ev, "mirai_seq_matches"), 3);
	CHECK(json_is_true(json_object_get(json_object_get(ev, "evidence"), "mirai_like")));
	CHECK_STR(evs(ev, "report"), "first");
	CHECK_INT(evi(ev, "incident"), 1);
	/* the scan goes on: an update at once when it crosses a threshold (its
	 * scope), then none within scan.update_interval, and the final report */
	for (int i = 3; i < 60; i++)
		mirai_syn(i, i % 2 ? 23 : 2323, true);
	CHECK_INT(count_kind("scan"), 2);
	engine_finish(eng);
	CHECK_INT(count_kind("scan"), 3);
	ev = nth("scan", 1);
	CHECK_STR(sev(ev), "critical");
	CHECK_STR(evs(ev, "scan_type"), "horizontal");
	CHECK_STR(evs(ev, "report"), "update");
	CHECK_INT(evi(ev, "incident"), 1);
	CHECK(evi(ev, "distinct_hosts") == 20 && evi(ev, "mirai_seq_matches") > 20);
	ev = nth("scan", 2);
	CHECK_STR(sev(ev), "critical");
	CHECK_STR(evs(ev, "report"), "final");
	CHECK_INT(evi(ev, "incident"), 1);
	CHECK_INT(evi(ev, "mirai_seq_matches"), 60);
	CHECK_INT(evi(ev, "attempts"), 60);
	CHECK(evi(ev, "distinct_hosts") >= 55 && evi(ev, "distinct_hosts") <= 65); /* approximate beyond 32 */
	CHECK(json_is_true(json_object_get(json_object_get(ev, "evidence"), "counts_approximate")));
	const char *en = json_string_value(json_object_get(json_object_get(ev, "summary"), "en"));
	CHECK(en && strstr(en, "(final report)"));
	stop();

	/* the mark raises a threshold scan to critical; random sequence numbers do not */
	start("scan.mirai_min=1000");
	for (int i = 0; i < 20; i++)
		mirai_syn(i, 23, false);
	engine_finish(eng);
	CHECK_INT(count_kind("scan"), 1);
	CHECK_STR(sev(nth("scan", 0)), "high");
	CHECK_INT(evi(nth("scan", 0), "mirai_seq_matches"), 0);
	stop();
}

static void test_inbound(void)
{
	char ip[32];
	for (int n = 9; n <= 10; n++) {
		start(NULL);
		for (int i = 0; i < n; i++) {
			snprintf(ip, sizeof ip, "192.168.1.%d", 100 + i);
			probe(GW, "203.0.113.9", DEV, ip, 23, false);
		}
		engine_finish(eng);
		CHECK_INT(count_kind("scan"), n == 10 ? 1 : 0);
		json_t *ev = nth("scan", 0);
		if (n == 10 && ev) {
			CHECK_STR(sev(ev), "low");
			CHECK_STR(evs(ev, "direction"), "inbound");
			CHECK_STR(evs(ev, "source"), "203.0.113.9");
			CHECK_STR(peer_ip(ev), "203.0.113.9");
			CHECK(json_is_null(json_object_get(json_object_get(ev, "device"), "ip")));
			json_t *kps = json_object_get(ev, "key_points");
			CHECK(json_array_size(kps) == 2 && json_integer_value(json_array_get(kps, 0)) == 7 &&
			      json_integer_value(json_array_get(kps, 1)) == 14);
		}
		stop();
	}
	/* vertical, on one local host: the event is about that device */
	start(NULL);
	for (int port = 1000; port < 1020; port++)
		probe(GW, "203.0.113.9", CAM, CAM_IP, (uint16_t)port, true);
	CHECK_INT(count_kind("scan"), 1);
	CHECK_STR(json_string_value(json_object_get(json_object_get(nth("scan", 0), "device"), "ip")), CAM_IP);
	stop();
	/* turned off */
	start("scan.inbound=no");
	for (int port = 1000; port < 1040; port++)
		probe(GW, "203.0.113.9", CAM, CAM_IP, (uint16_t)port, true);
	engine_finish(eng);
	CHECK_INT(count_kind("scan"), 0);
	stop();
}

static void test_campaign_ports(void)
{
	start(NULL);
	connection(CAM, CAM_IP, GW, "203.0.113.80", 443); /* the camera is known */
	tcp(GW, "203.0.113.66", 41000, CAM, CAM_IP, 9530, 0x02, 1);
	CHECK_INT(count_kind("scan"), 1);
	json_t *ev = nth("scan", 0);
	CHECK_STR(sev(ev), "low");
	CHECK_STR(evs(ev, "scan_type"), "probe");
	json_t *c = json_array_get(json_object_get(json_object_get(ev, "evidence"), "campaigns"), 0);
	CHECK_INT(json_integer_value(json_object_get(c, "port")), 9530);
	CHECK(strstr(json_string_value(json_object_get(c, "name")), "HiSilicon") != NULL);
	CHECK_STR(json_string_value(json_object_get(json_object_get(ev, "device"), "ip")), CAM_IP);
	tcp(GW, "203.0.113.66", 41000, CAM, CAM_IP, 9530, 0x02, 1); /* repeated: no new event */
	CHECK_INT(count_kind("scan"), 1);
	tcp(CAM, CAM_IP, 9530, GW, "203.0.113.66", 41000, 0x12, 2); /* the camera accepts: worse */
	CHECK_INT(count_kind("scan"), 2);
	CHECK_STR(sev(nth("scan", 1)), "medium");
	stop();

	start(NULL);
	tcp(DEV, DEV_IP, 41000, GW, "198.51.100.77", 9673, 0x02, 1);
	CHECK_INT(count_kind("scan"), 1);
	ev = nth("scan", 0);
	CHECK_STR(sev(ev), "high");
	CHECK_STR(evs(ev, "direction"), "outbound");
	CHECK_STR(peer_ip(ev), "198.51.100.77");
	CHECK_INT(json_integer_value(json_object_get(json_object_get(ev, "peer"), "port")), 9673);
	c = json_array_get(json_object_get(json_object_get(ev, "evidence"), "campaigns"), 0);
	CHECK(strstr(json_string_value(json_object_get(c, "name")), "XTC") != NULL);
	/* a full scan after the probe is news (its scope), once; the update
	 * keeps the first report's device and peer, so the alert layer folds it */
	scan_hosts(0, 30, 23);
	CHECK_INT(count_kind("scan"), 2);
	ev = nth("scan", 1);
	CHECK_STR(evs(ev, "scan_type"), "horizontal");
	CHECK_STR(evs(ev, "report"), "update");
	CHECK_INT(evi(ev, "incident"), 1);
	CHECK_STR(sev(ev), "high");
	CHECK_INT(evi(ev, "distinct_hosts"), 20);
	CHECK_STR(peer_ip(ev), "198.51.100.77");
	CHECK_INT(json_integer_value(json_object_get(json_object_get(ev, "peer"), "port")), 9673);
	CHECK_STR(json_string_value(json_object_get(json_object_get(ev, "device"), "ip")), DEV_IP);
	stop();
}

static const char *summary_en(json_t *ev)
{
	const char *s = json_string_value(json_object_get(json_object_get(ev, "summary"), "en"));
	return s ? s : "";
}

static size_t n_campaigns(json_t *ev)
{
	return json_array_size(json_object_get(json_object_get(ev, "evidence"), "campaigns"));
}

/* Updates: once the distinct hosts have doubled since the last report, at
 * most once per scan.update_interval (60 s); new IoT ports are growth too;
 * the end of the input gives the final report. */
static void test_update_doubling(void)
{
	start("scan.min_hosts=8");
	scan_hosts(0, 8, 23);
	CHECK_INT(count_kind("scan"), 1);
	now_us += 30000000;
	scan_hosts(8, 1, 23);
	now_us += 30000000; /* 60 s after the first report; gaps under a window: the incident goes on */
	scan_hosts(9, 6, 23); /* 15 hosts: not doubled */
	CHECK_INT(count_kind("scan"), 1);
	scan_hosts(15, 1, 23); /* 16: doubled */
	CHECK_INT(count_kind("scan"), 2);
	json_t *ev = nth("scan", 1);
	CHECK_STR(evs(ev, "report"), "update");
	CHECK_INT(evi(ev, "incident"), 1);
	CHECK_INT(evi(ev, "distinct_hosts"), 16);
	CHECK_INT(evi(ev, "attempts"), 16); /* the window does not restart while the incident is open */
	CHECK(strstr(summary_en(ev), "(update)") != NULL);
	stop();

	start("scan.min_hosts=8");
	scan_hosts(0, 8, 23);
	uint64_t t1 = now_us; /* the first report: at the 8th RST */
	scan_hosts(8, 8, 23); /* doubled at once: not before the interval */
	CHECK_INT(count_kind("scan"), 1);
	now_us = t1 + 60000000 - 2000;
	tcp(DEV, DEV_IP, 31000, GW, "198.51.100.17", 23, 0x02, 1); /* t1 + 60 s - 1 ms */
	CHECK_INT(count_kind("scan"), 1);
	tcp(GW, "198.51.100.17", 23, DEV, DEV_IP, 31000, 0x14, 0); /* t1 + 60 s */
	CHECK_INT(count_kind("scan"), 2);
	CHECK_INT(evi(nth("scan", 1), "distinct_hosts"), 17);
	uint64_t t2 = now_us;
	scan_hosts(17, 1, 2323); /* a new IoT port: reported 60 s after the update */
	now_us = t2 + 59000000;
	scan_hosts(18, 1, 23);
	CHECK_INT(count_kind("scan"), 2);
	now_us = t2 + 60000000;
	scan_hosts(19, 1, 23);
	CHECK_INT(count_kind("scan"), 3);
	ev = nth("scan", 2);
	CHECK_INT(json_integer_value(json_object_get(json_object_get(json_object_get(ev, "evidence"), "iot_ports"), "2323")), 1);
	CHECK_INT(evi(ev, "incident"), 1);
	scan_hosts(20, 2, 23);
	engine_finish(eng);
	CHECK_INT(count_kind("scan"), 4);
	ev = nth("scan", 3);
	CHECK_STR(evs(ev, "report"), "final");
	CHECK_INT(evi(ev, "incident"), 1);
	CHECK_STR(sev(ev), "high");
	CHECK_INT(evi(ev, "distinct_hosts"), 22);
	CHECK_INT(evi(ev, "distinct_ports"), 2);
	CHECK(strstr(summary_en(ev), "(final report)") != NULL);
	stop();
}

/* An incident ends after a window without an attempt (one at exactly the
 * window still goes on): the final report comes with the next packet; the
 * next scan is a new incident; no final report when nothing changed. */
static void test_incident_end(void)
{
	uint8_t buf[128];
	start("scan.min_hosts=8;scan.max_sources=8"); /* one set: every packet sweeps it */
	scan_hosts(0, 10, 23);
	CHECK_INT(count_kind("scan"), 1);
	uint64_t last = now_us - 1000; /* the last SYN */
	now_us = last + 60000000 - 1000;
	feed(buf, pg_udp(buf, CAM, GW, CAM_IP, 5000, "203.0.113.80", 53, "x", 1)); /* last + 60 s */
	CHECK_INT(count_kind("scan"), 1);
	feed(buf, pg_udp(buf, CAM, GW, CAM_IP, 5000, "203.0.113.80", 53, "x", 1));
	CHECK_INT(count_kind("scan"), 2);
	json_t *ev = nth("scan", 1);
	char ts[32];
	CHECK_STR(evs(ev, "report"), "final");
	CHECK_INT(evi(ev, "incident"), 1);
	CHECK_INT(evi(ev, "distinct_hosts"), 10);
	/* dated at the incident's last attempt, not when its end was seen */
	CHECK_STR(json_string_value(json_object_get(ev, "ts")), ts_iso8601(last, ts, sizeof ts));
	scan_hosts(10, 8, 23);
	CHECK_INT(count_kind("scan"), 3);
	ev = nth("scan", 2);
	CHECK_STR(evs(ev, "report"), "first");
	CHECK_INT(evi(ev, "incident"), 2);
	CHECK_INT(evi(ev, "distinct_hosts"), 8);
	engine_finish(eng);
	CHECK_INT(count_kind("scan"), 3);
	stop();
}

/* The lab's case: a scan, then Mirai-marked SYNs (critical: an update at
 * once), then campaign-port probes (an update after the interval), and the
 * final report with everything. */
static void test_update_campaign_mirai(void)
{
	start(NULL);
	scan_hosts(0, 20, 23);
	CHECK_INT(count_kind("scan"), 1);
	CHECK_STR(sev(nth("scan", 0)), "high");
	for (int i = 20; i < 23; i++)
		mirai_syn(i, 23, true);
	CHECK_INT(count_kind("scan"), 2);
	json_t *ev = nth("scan", 1);
	CHECK_STR(sev(ev), "critical");
	CHECK_STR(evs(ev, "report"), "update");
	CHECK(json_is_true(json_object_get(json_object_get(ev, "evidence"), "mirai_like")));
	uint64_t t2 = now_us;
	tcp(DEV, DEV_IP, 5001, GW, "198.51.100.200", 9530, 0x02, 1);
	CHECK_INT(count_kind("scan"), 2);
	now_us = t2 + 60000000;
	tcp(DEV, DEV_IP, 5001, GW, "198.51.100.201", 9673, 0x02, 1);
	CHECK_INT(count_kind("scan"), 3);
	ev = nth("scan", 2);
	CHECK_STR(evs(ev, "report"), "update");
	CHECK_INT(n_campaigns(ev), 1);
	engine_finish(eng);
	CHECK_INT(count_kind("scan"), 4);
	ev = nth("scan", 3);
	CHECK_STR(evs(ev, "report"), "final");
	CHECK_STR(sev(ev), "critical");
	CHECK_INT(evi(ev, "incident"), 1);
	CHECK_INT(n_campaigns(ev), 2);
	CHECK_INT(evi(ev, "distinct_hosts"), 25);
	CHECK_INT(evi(ev, "mirai_seq_matches"), 3);
	stop();
}

/* scan.repeat: a report at least that often while the incident goes on,
 * without growth (growth updates off: scan.update_interval=0). */
static void test_repeat(void)
{
	start("scan.min_hosts=8;scan.repeat=100;scan.update_interval=0");
	scan_hosts(0, 8, 23);
	CHECK_INT(count_kind("scan"), 1);
	for (int i = 0; i < 3; i++) { /* +30, +60, +90 s: doubled, but updates are off */
		now_us += 30000000;
		scan_hosts(8 + 3 * i, 3, 23);
	}
	CHECK_INT(count_kind("scan"), 1);
	now_us += 10000000; /* 100 s after the first report */
	scan_hosts(17, 1, 23);
	CHECK_INT(count_kind("scan"), 2);
	json_t *ev = nth("scan", 1);
	CHECK_STR(evs(ev, "report"), "update");
	CHECK_INT(evi(ev, "incident"), 1);
	CHECK_INT(evi(ev, "total_attempts"), 18);
	engine_finish(eng);
	CHECK_INT(count_kind("scan"), 3); /* the RST after the update: a final report */
	stop();
}

/* An ICMP port unreachable from `from` to `to`, quoting a UDP datagram
 * from `quoted_src` to `from`. */
static void udp_closed(const uint8_t *smac, const char *from, const uint8_t *dmac, const char *to,
		       const char *quoted_src, uint16_t port)
{
	uint8_t buf[128];
	size_t off = pg_ipv4(buf, smac, dmac, from, to, 1, 8 + 28);
	uint8_t *c = buf + off;
	memset(c, 0, 36);
	c[0] = 3;
	c[1] = 3;
	uint8_t *q = c + 8;
	q[0] = 0x45;
	pg_put16(q + 2, 28);
	q[8] = 64;
	q[9] = 17;
	inet_pton(AF_INET, quoted_src, q + 12);
	inet_pton(AF_INET, from, q + 16);
	pg_put16(q + 20, 5353);
	pg_put16(q + 22, port);
	pg_put16(q + 24, 8);
	feed(buf, off + 36);
}

static void test_udp(void)
{
	uint8_t buf[128];
	start(NULL);
	for (uint16_t port = 100; port < 119; port++) {
		feed(buf, pg_udp(buf, DEV, CAM, DEV_IP, 5353, CAM_IP, port, "x", 1));
		udp_closed(CAM, CAM_IP, DEV, DEV_IP, DEV_IP, port);
	}
	CHECK_INT(count_kind("scan"), 0);
	udp_closed(CAM, CAM_IP, DEV, DEV_IP, DEV_IP, 119);
	CHECK_INT(count_kind("scan"), 1);
	CHECK_STR(evs(nth("scan", 0), "scan_type"), "vertical");
	/* an error quoting a datagram from someone other than its receiver is ignored */
	for (uint16_t port = 200; port < 260; port++)
		udp_closed(CAM, CAM_IP, DEV, DEV_IP, "192.168.1.77", port);
	engine_finish(eng);
	CHECK_INT(count_kind("scan"), 1);
	stop();
}

/* ICMP errors quoting garbage of every length: nothing read out of bounds (ASan). */
static void test_icmp_garbage(void)
{
	uint8_t buf[256];
	uint32_t x = 12345;
	start(NULL);
	for (int i = 0; i < 3000; i++) {
		size_t len = (size_t)(i % 80);
		size_t off = pg_ipv4(buf, CAM, DEV, CAM_IP, DEV_IP, 1, 8 + len);
		memset(buf + off, 0, 8);
		buf[off] = 3;
		buf[off + 1] = (uint8_t)(i % 16);
		for (size_t k = 0; k < len; k++) {
			x = x * 1103515245u + 12345u;
			buf[off + 8 + k] = (uint8_t)(x >> 16);
		}
		if (len > 0)
			buf[off + 8] = (uint8_t)(0x40 | (buf[off + 8] & 15));
		feed(buf, off + 8 + len);
	}
	engine_finish(eng);
	CHECK(count_kind("scan") <= 1);
	stop();
}

static void test_eviction(void)
{
	char ip[32];
	start("scan.max_sources=64");
	for (int i = 0; i < 20000; i++) {
		snprintf(ip, sizeof ip, "100.%d.%d.%d", 64 + (i >> 16), (i >> 8) & 255, i & 255);
		tcp(GW, ip, 40000, CAM, CAM_IP, 23, 0x02, (uint32_t)i);
	}
	CHECK_INT(count_kind("scan"), 0);
	scan_hosts(0, 22, 23);
	CHECK_INT(count_kind("scan"), 1);
	/* the scanner evicted by a later flood of sources: its final report first */
	for (int i = 0; i < 2000; i++) {
		snprintf(ip, sizeof ip, "100.%d.%d.%d", 96 + (i >> 16), (i >> 8) & 255, i & 255);
		tcp(GW, ip, 40000, CAM, CAM_IP, 23, 0x02, (uint32_t)i);
	}
	CHECK_INT(count_kind("scan"), 2);
	CHECK_STR(evs(nth("scan", 1), "report"), "final");
	CHECK_INT(evi(nth("scan", 1), "distinct_hosts"), 22);
	engine_finish(eng);
	CHECK_INT(count_kind("scan"), 2);
	stop();
}

static void test_benign(void)
{
	char ip[32];
	start(NULL);
	for (int i = 0; i < 300; i++) /* a NAS syncing with three servers */
		connection(CAM, CAM_IP, GW, i % 3 == 0 ? "203.0.113.10" : i % 3 == 1 ? "203.0.113.11" : "203.0.113.12",
			   443);
	for (int i = 0; i < 30; i++) /* a browser: 30 connections to one CDN host */
		connection(DEV, DEV_IP, GW, "203.0.113.200", 443);
	for (int i = 0; i < 40; i++) /* and a page pulling from 40 servers */
		connection(DEV, DEV_IP, GW, ip_of(i, ip, sizeof ip), i % 2 ? 443 : 80);
	for (int i = 0; i < 10; i++) /* a client retrying one dead server */
		probe(DEV, DEV_IP, GW, "203.0.113.250", 443, false);
	engine_finish(eng);
	CHECK_INT(count_kind("scan"), 0);
	stop();
}

static void test_params(void)
{
	char err[256] = "";
	const char *bad[] = {"scan.bogus=1",	   "scan.window=abc",	 "scan.window=0",
			     "scan.min_hosts=0",   "scan.inbound=maybe", "scan.max_sources=4",
			     "scan.update_interval=86401"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		events = json_array();
		struct engine *e = engine_with(bad[i], err, sizeof err);
		CHECK(e == NULL);
		engine_free(e);
		json_decref(events);
	}
	events = json_array();
	struct engine *e = engine_with("scan.window=30;scan.min_hosts=5;scan.answer_wait=0.5;scan.update_interval=0", err, sizeof err);
	CHECK(e != NULL);
	engine_free(e);
	json_decref(events);
}

int main(void)
{
	setenv("KOBAN_OUI_FILE", "/usr/share/ieee-data/oui.csv", 0);
	test_horizontal_threshold();
	test_answer_wait();
	test_vertical_threshold();
	test_window_expiry();
	test_mirai();
	test_inbound();
	test_campaign_ports();
	test_update_doubling();
	test_incident_end();
	test_update_campaign_mirai();
	test_repeat();
	test_udp();
	test_icmp_garbage();
	test_eviction();
	test_benign();
	test_params();
	return test_summary();
}
