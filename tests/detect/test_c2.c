/* test_c2.c - the "c2" detector through the engine on hand-made frames:
 * lookups of a listed domain (query and answer), connections to an address
 * a listed domain resolved to (derived indicator), listed addresses
 * contacted with and without a handshake, beaconing at its thresholds
 * (count, jitter, period, fan-in, DNS/NTP), repeat suppression, and
 * bounded tables under many peers, answers and parallel attempts. */
#include <math.h>

#include "harness_intel.h"

static const char *const LIST = "# test list\n"
				"evil.example      # test C2 domain\n"
				"198.51.100.7      # test C2 address\n";

static struct engine *c2_engine(json_t *events, struct intel *in, const char *const *params)
{
	return h_engine(events, in, "c2", params);
}

static void test_dns_query(struct intel *in)
{
	json_t *events = json_array();
	struct engine *e = c2_engine(events, in, NULL);
	h_dns(e, H_T0, H_CAM, "192.168.1.20", 40000, "www.example.org", NULL);
	CHECK_INT(eh_count(events, "c2"), 0);
	h_dns(e, H_T0 + H_S, H_CAM, "192.168.1.20", 40001, "A.Evil.Example", NULL);
	CHECK_INT(eh_count(events, "c2"), 1);
	json_t *ev = eh_nth(events, "c2", 0);
	if (ev) {
		CHECK_STR(h_str(ev, "severity"), "high");
		CHECK_STR(eh_ev_str(ev, "finding"), "dns");
		CHECK_STR(eh_ev_str(ev, "dns"), "query");
		CHECK_STR(eh_ev_str(ev, "indicator"), "evil.example");
		CHECK_STR(eh_ev_str(ev, "indicator_type"), "domain");
		CHECK_STR(eh_ev_str(ev, "indicator_label"), "test C2 domain");
		CHECK(eh_ev_str(ev, "indicator_source") && strstr(eh_ev_str(ev, "indicator_source"), "c2list.txt"));
		CHECK_STR(eh_ev_str(ev, "domain"), "A.Evil.Example");
		CHECK_STR(h_str(json_object_get(ev, "device"), "mac"), "28:57:be:01:02:03");
		json_t *kps = json_object_get(ev, "key_points");
		CHECK_INT(json_array_size(kps), 2);
		CHECK_INT(json_integer_value(json_array_get(kps, 0)), 9);
		CHECK_INT(json_integer_value(json_array_get(kps, 1)), 21);
		CHECK(strstr(h_summary(ev, "ja"), "C&C") != NULL);
	}
	/* the same lookup again, and its answer: one event per (device, indicator) */
	h_dns(e, H_T0 + 2 * H_S, H_CAM, "192.168.1.20", 40002, "a.evil.example", "203.0.113.50");
	CHECK_INT(eh_count(events, "c2"), 1);
	/* another device asking is another event */
	h_dns(e, H_T0 + 3 * H_S, H_PC, "192.168.1.10", 40003, "evil.example", NULL);
	CHECK_INT(eh_count(events, "c2"), 2);
	engine_finish(e);
	h_free(e, events);
}

/* A listed domain's answer, then connections to the address it gave. */
static void test_derived(struct intel *in)
{
	json_t *events = json_array();
	struct engine *e = c2_engine(events, in, NULL);
	/* the answer alone (query not seen) is reported for its receiver */
	uint8_t arp[64];
	eh_feed(e, H_T0 - H_S, arp, pg_arp(arp, H_CAM, "192.168.1.20", "192.168.1.1"));
	h_dns_answer(e, H_T0, H_CAM, "192.168.1.20", 40000, "cnc.evil.example", "203.0.113.50");
	CHECK_INT(eh_count(events, "c2"), 1);
	json_t *ev = eh_nth(events, "c2", 0);
	CHECK(ev && h_eq(eh_ev_str(ev, "dns"), "answer"));
	CHECK(ev && h_eq(eh_ev_str(ev, "address"), "203.0.113.50"));
	/* a listed domain answered with a local address is not an indicator */
	h_dns(e, H_T0 + H_S, H_CAM, "192.168.1.20", 40001, "sink.evil.example", "192.168.1.1");
	h_handshake(e, H_T0 + 10 * H_S, H_CAM, "192.168.1.20", 50000, "203.0.113.50", 443);
	CHECK_INT(eh_count(events, "c2"), 2); /* critical after high: reported */
	ev = eh_nth(events, "c2", 1);
	if (ev) {
		CHECK_STR(h_str(ev, "severity"), "critical");
		CHECK_STR(eh_ev_str(ev, "finding"), "connection");
		CHECK_STR(eh_ev_str(ev, "indicator"), "evil.example");
		CHECK_STR(eh_ev_str(ev, "domain"), "cnc.evil.example");
		CHECK_STR(eh_ev_str(ev, "address"), "203.0.113.50");
		CHECK(json_is_true(eh_evidence(ev, "established")) && json_is_true(eh_evidence(ev, "tcp_handshake")));
		CHECK_INT(json_integer_value(eh_evidence(ev, "port")), 443);
		CHECK_STR(h_str(json_object_get(ev, "peer"), "name"), "cnc.evil.example");
	}
	/* again within the window: suppressed */
	h_handshake(e, H_T0 + 20 * H_S, H_CAM, "192.168.1.20", 50001, "203.0.113.50", 443);
	CHECK_INT(eh_count(events, "c2"), 2);
	/* the PC never looked it up, but the address is known for the run: an attempt */
	eh_tcp(e, H_T0 + 30 * H_S, H_PC, "192.168.1.10", 50002, H_GW, "203.0.113.50", 8080, 0x02, NULL);
	CHECK_INT(eh_count(events, "c2"), 2); /* undecided until the flow ends */
	eh_tcp(e, H_T0 + 31 * H_S, H_GW, "203.0.113.50", 8080, H_PC, "192.168.1.10", 50002, 0x14, NULL); /* RST */
	CHECK_INT(eh_count(events, "c2"), 3);
	ev = eh_nth(events, "c2", 2);
	CHECK(ev && h_eq(h_str(ev, "severity"), "high") && json_is_false(eh_evidence(ev, "established")));
	engine_finish(e);
	CHECK_INT(eh_count(events, "c2"), 3);
	h_free(e, events);
}

static void test_listed_ip(struct intel *in)
{
	json_t *events = json_array();
	struct engine *e = c2_engine(events, in, NULL);
	/* an attempt: SYN only, decided when the flow ends */
	eh_tcp(e, H_T0, H_CAM, "192.168.1.20", 40000, H_GW, "198.51.100.7", 23, 0x02, NULL);
	eh_tcp(e, H_T0 + 3 * H_S, H_CAM, "192.168.1.20", 40000, H_GW, "198.51.100.7", 23, 0x02, NULL);
	CHECK_INT(eh_count(events, "c2"), 0);
	/* a full handshake from the PC: critical as soon as it completes */
	h_handshake(e, H_T0 + 5 * H_S, H_PC, "192.168.1.10", 40001, "198.51.100.7", 80);
	CHECK_INT(eh_count(events, "c2"), 1);
	json_t *ev = eh_nth(events, "c2", 0);
	if (ev) {
		CHECK_STR(h_str(ev, "severity"), "critical");
		CHECK_STR(eh_ev_str(ev, "indicator"), "198.51.100.7");
		CHECK_STR(eh_ev_str(ev, "indicator_type"), "ipv4");
		CHECK_STR(eh_ev_str(ev, "indicator_label"), "test C2 address");
		CHECK(json_is_null(eh_evidence(ev, "domain")));
		CHECK_STR(h_str(json_object_get(ev, "device"), "mac"), "00:1b:21:0a:0b:0c");
	}
	/* UDP with an answer is data exchanged; the CAM's SYN flow is still open */
	eh_udp(e, H_T0 + 6 * H_S, H_CAM, "192.168.1.20", 41000, H_GW, "198.51.100.7", 9999, "x", 1);
	CHECK_INT(eh_count(events, "c2"), 1);
	eh_udp(e, H_T0 + 7 * H_S, H_GW, "198.51.100.7", 9999, H_CAM, "192.168.1.20", 41000, "y", 1);
	CHECK_INT(eh_count(events, "c2"), 2);
	ev = eh_nth(events, "c2", 1);
	CHECK(ev && h_eq(h_str(ev, "severity"), "critical") && h_eq(eh_ev_str(ev, "proto"), "udp"));
	engine_finish(e); /* the CAM's TCP attempt ends: high < critical already reported */
	CHECK_INT(eh_count(events, "c2"), 2);
	h_free(e, events);

	/* an attempt alone, then a handshake later: high, then critical */
	events = json_array();
	e = c2_engine(events, in, NULL);
	eh_tcp(e, H_T0, H_CAM, "192.168.1.20", 40000, H_GW, "198.51.100.7", 23, 0x02, NULL);
	eh_tcp(e, H_T0 + H_S, H_GW, "198.51.100.7", 23, H_CAM, "192.168.1.20", 40000, 0x14, NULL);
	CHECK_INT(eh_count(events, "c2"), 1);
	ev = eh_nth(events, "c2", 0);
	if (ev) {
		CHECK_STR(h_str(ev, "severity"), "high");
		CHECK(json_is_false(eh_evidence(ev, "established")) && json_is_false(eh_evidence(ev, "tcp_handshake")));
		CHECK_INT(json_integer_value(eh_evidence(ev, "packets_out")), 1);
		CHECK_INT(json_integer_value(eh_evidence(ev, "packets_in")), 1);
		CHECK(strstr(h_summary(ev, "en"), "tried to contact") != NULL);
	}
	eh_tcp(e, H_T0 + 2 * H_S, H_CAM, "192.168.1.20", 40001, H_GW, "198.51.100.7", 23, 0x02, NULL);
	eh_tcp(e, H_T0 + 3 * H_S, H_GW, "198.51.100.7", 23, H_CAM, "192.168.1.20", 40001, 0x14, NULL);
	CHECK_INT(eh_count(events, "c2"), 1); /* a second attempt: suppressed */
	h_handshake(e, H_T0 + 4 * H_S, H_CAM, "192.168.1.20", 40002, "198.51.100.7", 23);
	CHECK_INT(eh_count(events, "c2"), 2);
	/* inbound from the listed address is not "contact by a local device" */
	eh_tcp(e, H_T0 + 5 * H_S, H_GW, "198.51.100.7", 4444, H_PC, "192.168.1.10", 23, 0x02, NULL);
	engine_finish(e);
	CHECK_INT(eh_count(events, "c2"), 2);
	h_free(e, events);
}

/* ---- beaconing ---- */

/* Flow starts (SYN only) from the PC to peer:port at H_T0 + offsets. */
static void beacon_flows(struct engine *e, const uint64_t *offs, size_t n, const char *peer, uint16_t port,
			 uint16_t sport0)
{
	for (size_t i = 0; i < n; i++)
		eh_tcp(e, H_T0 + offs[i], H_PC, "192.168.1.10", (uint16_t)(sport0 + i), H_GW, peer, port, 0x02, NULL);
}

/* Offsets of 8 flows whose 7 intervals are period +-d (three each) and
 * period once: mean = period, coefficient of variation = d*sqrt(6/7)/period. */
static void beacon_offsets(uint64_t *offs, uint64_t period_us, double cv)
{
	double d = cv * (double)period_us / sqrt(6.0 / 7.0);
	int64_t step[7] = {1, -1, 1, -1, 1, -1, 0};
	offs[0] = 0;
	for (int i = 0; i < 7; i++)
		offs[i + 1] = offs[i] + (uint64_t)((int64_t)period_us + step[i] * (int64_t)llround(d));
}

static void test_beacon_count(struct intel *in)
{
	json_t *events = json_array();
	struct engine *e = c2_engine(events, in, NULL);
	uint64_t offs[8];
	for (int i = 0; i < 8; i++)
		offs[i] = (uint64_t)i * 60 * H_S;
	beacon_flows(e, offs, 7, "203.0.113.99", 8443, 50000);
	CHECK_INT(eh_count(events, "c2"), 0); /* min_count - 1 flows */
	beacon_flows(e, offs + 7, 1, "203.0.113.99", 8443, 50007);
	CHECK_INT(eh_count(events, "c2"), 1);
	json_t *ev = eh_nth(events, "c2", 0);
	if (ev) {
		CHECK_STR(h_str(ev, "severity"), "medium");
		CHECK_STR(eh_ev_str(ev, "finding"), "beacon");
		CHECK_STR(eh_ev_str(ev, "address"), "203.0.113.99");
		CHECK(fabs(json_real_value(eh_evidence(ev, "period_s")) - 60.0) < 1e-6);
		CHECK(json_real_value(eh_evidence(ev, "jitter")) < 1e-9);
		CHECK_INT(json_integer_value(eh_evidence(ev, "flows")), 8);
		CHECK_INT(json_integer_value(eh_evidence(ev, "local_devices")), 1);
		CHECK(eh_evidence(ev, "indicator") == NULL);
		json_t *kps = json_object_get(ev, "key_points");
		CHECK_INT(json_array_size(kps), 3);
		CHECK_INT(json_integer_value(json_array_get(kps, 2)), 5);
	}
	/* it goes on: one event per repeat window */
	uint64_t more[4] = {8 * 60 * H_S, 9 * 60 * H_S, 10 * 60 * H_S, 11 * 60 * H_S};
	beacon_flows(e, more, 4, "203.0.113.99", 8443, 50008);
	CHECK_INT(eh_count(events, "c2"), 1);
	engine_finish(e);
	h_free(e, events);
}

static size_t beacon_run(struct intel *in, uint64_t period_us, double cv)
{
	json_t *events = json_array();
	struct engine *e = c2_engine(events, in, NULL);
	uint64_t offs[8];
	beacon_offsets(offs, period_us, cv);
	beacon_flows(e, offs, 8, "203.0.113.99", 8443, 50000);
	engine_finish(e);
	size_t n = eh_count(events, "c2");
	h_free(e, events);
	return n;
}

static void test_beacon_thresholds(struct intel *in)
{
	CHECK_INT(beacon_run(in, 60 * H_S, 0.0995), 1); /* jitter just below 0.1 */
	CHECK_INT(beacon_run(in, 60 * H_S, 0.1005), 0); /* just above */
	CHECK_INT(beacon_run(in, 10 * H_S, 0), 1);      /* period at the minimum */
	CHECK_INT(beacon_run(in, 9 * H_S, 0), 0);       /* below */
	CHECK_INT(beacon_run(in, 3600 * H_S, 0), 1);    /* at the maximum */
	CHECK_INT(beacon_run(in, 3601 * H_S, 0), 0);    /* above */

	/* parameters: 9 flows needed, cv 0.2 allowed */
	const char *const params[] = {"c2.beacon_min_count=9", "c2.beacon_max_cv=0.2", NULL};
	json_t *events = json_array();
	struct engine *e = c2_engine(events, in, params);
	uint64_t offs[9];
	beacon_offsets(offs, 60 * H_S, 0.15);
	offs[8] = offs[7] + 60 * H_S;
	beacon_flows(e, offs, 8, "203.0.113.99", 8443, 50000);
	CHECK_INT(eh_count(events, "c2"), 0);
	beacon_flows(e, offs + 8, 1, "203.0.113.99", 8443, 50008);
	CHECK_INT(eh_count(events, "c2"), 1);
	engine_finish(e);
	h_free(e, events);
}

static void test_beacon_exclusions(struct intel *in)
{
	json_t *events = json_array();
	struct engine *e = c2_engine(events, in, NULL);
	uint64_t offs[8];
	for (int i = 0; i < 8; i++)
		offs[i] = (uint64_t)i * 60 * H_S;
	/* a popular peer: the CAM talked to it too */
	eh_tcp(e, H_T0 - H_S, H_CAM, "192.168.1.20", 40000, H_GW, "203.0.113.80", 443, 0x02, NULL);
	beacon_flows(e, offs, 8, "203.0.113.80", 443, 50000);
	/* NTP and DNS are periodic by design */
	for (int i = 0; i < 8; i++) {
		eh_udp(e, H_T0 + offs[i], H_PC, "192.168.1.10", (uint16_t)(41000 + i), H_GW, "203.0.113.81", 123, "n", 1);
		eh_udp(e, H_T0 + offs[i], H_PC, "192.168.1.10", (uint16_t)(42000 + i), H_GW, "203.0.113.82", 53, "d", 1);
	}
	/* local peers are not beacons */
	beacon_flows(e, offs, 8, "192.168.1.30", 8443, 51000);
	/* parallel connections count as one contact: 14 flows, 7 contacts */
	for (int i = 0; i < 7; i++) {
		beacon_flows(e, offs + i, 1, "203.0.113.83", 443, (uint16_t)(52000 + i));
		beacon_flows(e, offs + i, 1, "203.0.113.83", 443, (uint16_t)(53000 + i));
	}
	engine_finish(e);
	CHECK_INT(eh_count(events, "c2"), 0);
	h_free(e, events);

	/* a beacon to a listed address is high (and the attempts are reported too) */
	events = json_array();
	e = c2_engine(events, in, NULL);
	beacon_flows(e, offs, 8, "198.51.100.7", 443, 50000);
	engine_finish(e);
	CHECK_INT(eh_count(events, "c2"), 2);
	json_t *ev = eh_nth(events, "c2", 0), *other = eh_nth(events, "c2", 1);
	if (ev && other && !h_eq(eh_ev_str(ev, "finding"), "beacon"))
		ev = other;
	CHECK(ev && h_eq(eh_ev_str(ev, "finding"), "beacon"));
	CHECK(ev && h_eq(h_str(ev, "severity"), "high"));
	CHECK(ev && eh_ev_str(ev, "indicator") && h_eq(eh_ev_str(ev, "indicator"), "198.51.100.7"));
	h_free(e, events);
}

static void test_repeat_window(struct intel *in)
{
	const char *const params[] = {"c2.repeat_window=100", NULL};
	json_t *events = json_array();
	struct engine *e = c2_engine(events, in, params);
	h_dns(e, H_T0, H_CAM, "192.168.1.20", 40000, "evil.example", NULL);
	h_dns(e, H_T0 + 50 * H_S, H_CAM, "192.168.1.20", 40001, "evil.example", NULL);
	h_dns(e, H_T0 + 99 * H_S, H_CAM, "192.168.1.20", 40002, "x.evil.example", NULL);
	CHECK_INT(eh_count(events, "c2"), 1);
	h_dns(e, H_T0 + 101 * H_S, H_CAM, "192.168.1.20", 40003, "evil.example", NULL);
	CHECK_INT(eh_count(events, "c2"), 2);
	json_t *ev = eh_nth(events, "c2", 1);
	CHECK(ev && json_integer_value(eh_evidence(ev, "count")) == 1);
	engine_finish(e);
	h_free(e, events);
}

static void test_params(struct intel *in)
{
	static const char *const bad[][2] = {
		{"c2.beacon_min_count=2", NULL}, {"c2.beacon_min_count=17", NULL}, {"c2.beacon_max_cv=0", NULL},
		{"c2.beacon_max_cv=x", NULL},    {"c2.beacon_max_devices=1", NULL}, {"c2.beacon_min_period=0", NULL},
		{"c2.max_peers=2", NULL},        {"c2.beacon=maybe", NULL},        {"c2.no_such_key=1", NULL},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		json_t *events = json_array();
		struct engine *e = c2_engine(events, in, bad[i]);
		CHECK(e == NULL);
		h_free(e, events);
	}
}

/* Many peers, answers and parallel attempts with small tables. */
static void test_bounded(struct intel *in)
{
	const char *const params[] = {"c2.max_peers=64", "c2.max_derived=16", NULL};
	json_t *events = json_array();
	struct engine *e = c2_engine(events, in, params);
	char ip[32];
	uint64_t t = H_T0;
	for (int i = 0; i < 20000; i++) {
		snprintf(ip, sizeof ip, "198.19.%d.%d", i >> 8, i & 255);
		eh_tcp(e, t + (uint64_t)i * 1000, H_PC, "192.168.1.10", (uint16_t)(1024 + i % 60000), H_GW, ip, 443,
		      0x02, NULL);
	}
	/* 1000 answers of the listed domain: only the latest addresses stay derived */
	for (int i = 0; i < 1000; i++) {
		snprintf(ip, sizeof ip, "198.18.%d.%d", i >> 8, i & 255);
		h_dns(e, t + 30 * H_S + (uint64_t)i * 1000, H_CAM, "192.168.1.20", (uint16_t)(30000 + i), "evil.example",
		      ip);
	}
	CHECK_INT(eh_count(events, "c2"), 1); /* one lookup event */
	h_handshake(e, t + 40 * H_S, H_PC, "192.168.1.10", 60001, "198.18.0.0", 443); /* evicted long ago */
	CHECK_INT(eh_count(events, "c2"), 1);
	h_handshake(e, t + 41 * H_S, H_PC, "192.168.1.10", 60002, "198.18.3.231", 443); /* the last answer */
	CHECK_INT(eh_count(events, "c2"), 2);
	/* a beacon still shows after the flood */
	uint64_t offs[8];
	for (int i = 0; i < 8; i++)
		offs[i] = 100 * H_S + (uint64_t)i * 60 * H_S;
	beacon_flows(e, offs, 8, "203.0.113.99", 8443, 61000);
	CHECK_INT(eh_count(events, "c2"), 3);
	engine_finish(e);
	h_free(e, events);

	/* 1500 devices trying the listed address at once: more than the table of
	 * undecided flows holds; every attempt is still reported exactly once */
	events = json_array();
	e = c2_engine(events, in, NULL);
	for (int i = 0; i < 1500; i++) {
		uint8_t mac[6] = {0x00, 0x1b, 0x21, 0x00, (uint8_t)(i >> 8), (uint8_t)i};
		snprintf(ip, sizeof ip, "10.0.%d.%d", i / 200, i % 200 + 1);
		eh_tcp(e, t + (uint64_t)i * 1000, mac, ip, 40000, H_GW, "198.51.100.7", 23, 0x02, NULL);
	}
	engine_finish(e);
	CHECK_INT(eh_count(events, "c2"), 1500);
	h_free(e, events);
}

int main(void)
{
	h_setup(NULL, NULL);
	struct intel *in = h_intel(LIST);
	CHECK(in != NULL);
	if (!in)
		return test_summary();
	CHECK(intel_indicator_count(in) >= 2);
	test_dns_query(in);
	test_derived(in);
	test_listed_ip(in);
	test_beacon_count(in);
	test_beacon_thresholds(in);
	test_beacon_exclusions(in);
	test_repeat_window(in);
	test_params(in);
	test_bounded(in);
	intel_free(in);
	h_teardown();
	return test_summary();
}
