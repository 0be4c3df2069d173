/* test_flood.c - the flood detector through the real engine on hand-made
 * frames: the packet floor at and one below, the device's own baseline (a
 * device busy all the time vs one that suddenly floods), critical rates, SYN
 * floods vs completed handshakes, targets that answer, reflection and
 * forged-source requests, incident reports (first, update when the peak
 * rises by half at and around that boundary and flood.update_interval, at
 * once when critical, periodic updates, the final report at the end or
 * after the incident's gap), ICMP, eviction under a spray of targets, bad
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
#define VICTIM "203.0.113.9"
#define T0 1700000000000000ULL /* a whole second */

static json_t *events;
static struct engine *eng;
static uint64_t now_us;

/* params: "key=value;key=value" (flood.* settings) */
static struct engine *engine_with(const char *params, char *err, size_t errsz)
{
	struct config cfg;
	eh_config(&cfg, "flood", params);
	return eh_engine(&cfg, events, NULL, err, errsz);
}

static void start(const char *params)
{
	char err[256] = "";
	events = json_array();
	now_us = T0;
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

static void feed_at(uint64_t ts, const uint8_t *frame, size_t len)
{
	engine_packet(eng, 1, ts, frame, (uint32_t)len, (uint32_t)len);
}

static size_t count_kind(const char *kind)
{
	return eh_count(events, kind);
}

static json_t *nth(const char *kind, size_t k)
{
	return eh_nth(events, kind, k);
}

static json_t *ev_get(json_t *ev, const char *key)
{
	return json_object_get(json_object_get(ev, "evidence"), key);
}

static const char *sev(json_t *ev)
{
	return json_string_value(json_object_get(ev, "severity"));
}

/* What one generated packet is. */
enum kind { UDP_OUT, UDP_REPLY, SYN_OUT, ICMP_OUT };

static size_t frame(uint8_t *buf, enum kind k, uint32_t i, const char *target)
{
	static const uint8_t pay[64];
	switch (k) {
	case UDP_OUT:
		return pg_udp(buf, DEV, GW, DEV_IP, 40000, target, (uint16_t)(1 + i % 3), pay, 32);
	case UDP_REPLY:
		return pg_udp(buf, GW, DEV, target, 1, DEV_IP, 40000, pay, 16);
	case SYN_OUT:
		return pg_tcp(buf, DEV, GW, DEV_IP, (uint16_t)(1024 + i % 60000), target, 80, 0x02, i, NULL, 0);
	case ICMP_OUT:
		return pg_icmp_echo(buf, DEV, GW, DEV_IP, target, 32);
	}
	return 0;
}

/* n packets spread evenly over `secs` seconds from now_us on. */
static void burst(enum kind k, const char *target, uint32_t n, uint32_t secs)
{
	uint8_t buf[256];
	uint64_t step = n ? (uint64_t)secs * 1000000u / n : 0;
	for (uint32_t i = 0; i < n; i++)
		feed_at(now_us + i * step, buf, frame(buf, k, i, target));
	now_us += (uint64_t)secs * 1000000u;
}

/* A quiet history: one small packet a second to some server. */
static void quiet(uint32_t secs)
{
	burst(UDP_OUT, "198.51.100.1", secs, secs);
}

static void test_floor(void)
{
	/* default floor: 1000 packets/s over 10 s, i.e. 10000 packets */
	start(NULL);
	quiet(30);
	burst(UDP_OUT, VICTIM, 9999, 10);
	CHECK_INT(count_kind("flood"), 0);
	stop();

	start(NULL);
	quiet(30);
	burst(UDP_OUT, VICTIM, 10000, 10);
	CHECK_INT(count_kind("flood"), 1);
	json_t *ev = nth("flood", 0);
	CHECK_STR(sev(ev), "high");
	CHECK_STR(json_string_value(ev_get(ev, "proto")), "udp");
	CHECK_STR(json_string_value(ev_get(ev, "target")), VICTIM);
	CHECK_STR(json_string_value(json_object_get(json_object_get(ev, "peer"), "ip")), VICTIM);
	CHECK_STR(json_string_value(json_object_get(json_object_get(ev, "device"), "mac")), "00:1b:21:0a:0b:0c");
	CHECK_INT(json_integer_value(ev_get(ev, "packets")), 10000);
	CHECK_INT(json_integer_value(ev_get(ev, "peak_pps")), 1000);
	CHECK(json_real_value(ev_get(ev, "rate_pps")) == 1000.0);
	CHECK_INT(json_integer_value(ev_get(ev, "bytes")), 10000 * (14 + 20 + 8 + 32));
	CHECK_INT(json_integer_value(ev_get(ev, "peak_bps")), 1000 * (14 + 20 + 8 + 32) * 8);
	CHECK_INT(json_array_size(ev_get(ev, "sample_ports")), 3);
	CHECK(json_real_value(ev_get(ev, "baseline_pps")) < 100.0);
	json_t *kps = json_object_get(ev, "key_points");
	CHECK(json_array_size(kps) == 2 && json_integer_value(json_array_get(kps, 0)) == 5 &&
	      json_integer_value(json_array_get(kps, 1)) == 9);
	const char *ja = json_string_value(json_object_get(json_object_get(ev, "summary"), "ja"));
	CHECK(ja && strstr(ja, VICTIM));
	stop();

	/* the byte floor, when set, is enough on its own */
	start("flood.min_pps=100000;flood.min_bps=59200"); /* 1000 frames of 74 bytes in 10 s */
	quiet(30);
	burst(UDP_OUT, VICTIM, 999, 10);
	CHECK_INT(count_kind("flood"), 0);
	burst(UDP_OUT, VICTIM, 1000, 10);
	CHECK_INT(count_kind("flood"), 1);
	stop();
}

/* A device busy at 2000 packets/s all along is judged against its own rate. */
static void test_baseline(void)
{
	start(NULL);
	burst(UDP_OUT, CAM_IP, 2000 * 30, 30); /* e.g. a stream to the NVR */
	CHECK_INT(count_kind("flood"), 0);
	burst(UDP_OUT, CAM_IP, 5000 * 10, 10); /* 2.5x its usual rate: not 10x */
	CHECK_INT(count_kind("flood"), 0);
	stop();

	start(NULL); /* the same 2000 packets/s after a quiet minute is a flood */
	quiet(60);
	burst(UDP_OUT, CAM_IP, 2000 * 10, 10);
	CHECK_INT(count_kind("flood"), 1);
	json_t *ev = nth("flood", 0);
	CHECK(ev && json_real_value(ev_get(ev, "baseline_pps")) < 100.0);
	stop();

	/* the baseline is frozen while the device floods: a long flood is re-reported */
	start("flood.repeat=60;flood.window=2;flood.min_pps=100");
	quiet(60);
	burst(UDP_OUT, VICTIM, 200 * 200, 200);
	CHECK_INT(count_kind("flood"), 4); /* at ~1 s, then every 60 s */
	stop();
}

static void test_critical(void)
{
	/* a device flooding from the moment it appears: no baseline yet, the floor decides */
	start("flood.window=2;flood.min_pps=100;flood.critical_pps=1000");
	burst(UDP_OUT, VICTIM, 199, 1);
	CHECK_INT(count_kind("flood"), 0);
	burst(UDP_OUT, VICTIM, 1, 1);
	CHECK_INT(count_kind("flood"), 1);
	CHECK_STR(sev(nth("flood", 0)), "high");
	CHECK(json_is_null(ev_get(nth("flood", 0), "baseline_pps")));
	stop();

	start("flood.window=2;flood.min_pps=100;flood.critical_pps=1000");
	quiet(30);
	burst(UDP_OUT, VICTIM, 400, 2);
	CHECK_INT(count_kind("flood"), 1);
	CHECK_STR(sev(nth("flood", 0)), "high");
	burst(UDP_OUT, VICTIM, 2000, 2); /* rising to critical is reported at once */
	CHECK_INT(count_kind("flood"), 2);
	CHECK_STR(sev(nth("flood", 1)), "critical");
	CHECK_STR(json_string_value(ev_get(nth("flood", 1), "report")), "update");
	CHECK_INT(json_integer_value(ev_get(nth("flood", 1), "incident")), 1);
	stop();

	/* a device busy at 2000/s all along still alarms at the critical rate */
	start("flood.window=2;flood.min_pps=100;flood.critical_pps=5000");
	burst(UDP_OUT, CAM_IP, 2000, 1); /* its first, partial second */
	CHECK_INT(count_kind("flood"), 1); /* the floor alone, before any baseline */
	burst(UDP_OUT, CAM_IP, 2000 * 5, 5);
	CHECK_INT(count_kind("flood"), 1);
	burst(UDP_OUT, CAM_IP, 5000 * 2, 2);
	CHECK_INT(count_kind("flood"), 2);
	CHECK_STR(sev(nth("flood", 1)), "critical");
	stop();
}

static void handshake(uint32_t i, uint64_t ts)
{
	uint8_t buf[128];
	uint16_t sp = (uint16_t)(1024 + i % 60000);
	feed_at(ts, buf, pg_tcp(buf, DEV, GW, DEV_IP, sp, VICTIM, 443, 0x02, 1, NULL, 0));
	feed_at(ts + 10, buf, pg_tcp(buf, GW, DEV, VICTIM, 443, DEV_IP, sp, 0x12, 5, NULL, 0));
	feed_at(ts + 20, buf, pg_tcp(buf, DEV, GW, DEV_IP, sp, VICTIM, 443, 0x10, 2, NULL, 0));
	feed_at(ts + 30, buf, pg_tcp(buf, DEV, GW, DEV_IP, sp, VICTIM, 443, 0x11, 2, NULL, 0));
	feed_at(ts + 40, buf, pg_tcp(buf, GW, DEV, VICTIM, 443, DEV_IP, sp, 0x11, 6, NULL, 0));
}

static void test_syn(void)
{
	const char *p = "flood.window=2;flood.min_pps=200";
	start(p);
	quiet(30);
	burst(SYN_OUT, VICTIM, 399, 2);
	CHECK_INT(count_kind("flood"), 0);
	burst(SYN_OUT, VICTIM, 400, 2);
	CHECK_INT(count_kind("flood"), 1);
	json_t *ev = nth("flood", 0);
	CHECK_STR(json_string_value(ev_get(ev, "proto")), "tcp-syn");
	CHECK_INT(json_integer_value(ev_get(ev, "handshakes_completed")), 0);
	stop();

	/* the same rate of connections that complete their handshakes */
	start(p);
	quiet(30);
	for (uint32_t i = 0; i < 1200; i++)
		handshake(i, now_us + i * 2500);
	CHECK_INT(count_kind("flood"), 0);
	stop();
}

/* A target that answers (QUIC-like) is not flooded. */
static void test_replies(void)
{
	uint8_t buf[128];
	start("flood.window=2;flood.min_pps=200");
	quiet(30);
	for (uint32_t i = 0; i < 1000; i++) {
		feed_at(now_us + i * 2000, buf, frame(buf, UDP_OUT, i, VICTIM));
		if (i % 4 == 0)
			feed_at(now_us + i * 2000 + 1, buf, frame(buf, UDP_REPLY, i, VICTIM));
	}
	CHECK_INT(count_kind("flood"), 0);
	stop();
}

static void test_icmp(void)
{
	start("flood.window=2;flood.min_pps=200");
	quiet(30);
	burst(ICMP_OUT, VICTIM, 399, 2);
	CHECK_INT(count_kind("flood"), 0);
	burst(ICMP_OUT, VICTIM, 400, 2);
	CHECK_INT(count_kind("flood"), 1);
	CHECK_STR(json_string_value(ev_get(nth("flood", 0), "proto")), "icmp");
	stop();
}

/* A remote host asks a local DNS server (60 bytes); it answers with `answer` bytes. */
static void reflect(uint32_t n, uint32_t secs, size_t answer)
{
	static const uint8_t pay[1400];
	uint8_t buf[1600];
	uint64_t step = (uint64_t)secs * 1000000u / n;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t ts = now_us + i * step;
		feed_at(ts, buf, pg_udp(buf, GW, CAM, VICTIM, 4444, CAM_IP, 53, pay, 18));
		feed_at(ts + 1, buf, pg_udp(buf, CAM, GW, CAM_IP, 53, VICTIM, 4444, pay, answer));
	}
	now_us += (uint64_t)secs * 1000000u;
}

static void test_reflection(void)
{
	uint8_t buf[128];
	start(NULL);
	feed_at(now_us, buf, pg_udp(buf, CAM, GW, CAM_IP, 5000, "198.51.100.1", 123, "x", 1));
	now_us += 5000000;
	reflect(999, 10, 600); /* floor 100/s over 10 s */
	CHECK_INT(count_kind("flood"), 0);
	reflect(1000, 10, 600);
	CHECK_INT(count_kind("flood"), 1);
	json_t *ev = nth("flood", 0);
	CHECK_STR(json_string_value(ev_get(ev, "proto")), "reflection");
	CHECK_STR(json_string_value(ev_get(ev, "service")), "dns");
	CHECK_INT(json_integer_value(ev_get(ev, "service_port")), 53);
	CHECK(json_real_value(ev_get(ev, "amplification")) > 9.0);
	CHECK_STR(json_string_value(json_object_get(json_object_get(ev, "device"), "ip")), CAM_IP);
	stop();

	start(NULL); /* answers no larger than the questions: an ordinary server */
	reflect(3000, 10, 30);
	CHECK_INT(count_kind("flood"), 0);
	stop();
}

/* The device sends NTP requests with the victim's address as the source. */
static void test_spoofed_requests(void)
{
	uint8_t buf[128];
	char refl[32];
	start(NULL);
	feed_at(now_us, buf, pg_udp(buf, DEV, GW, DEV_IP, 5000, "198.51.100.1", 53, "x", 1)); /* known device */
	now_us += 1000000;
	for (uint32_t i = 0; i < 1000; i++) {
		snprintf(refl, sizeof refl, "198.51.100.%u", 10 + i % 20);
		feed_at(now_us + i * 10000, buf, pg_udp(buf, DEV, GW, VICTIM, 4444, refl, 123, "\x17\x00\x03\x2a", 4));
	}
	CHECK_INT(count_kind("flood"), 1);
	json_t *ev = nth("flood", 0);
	CHECK_STR(json_string_value(ev_get(ev, "proto")), "spoofed-requests");
	CHECK_STR(json_string_value(ev_get(ev, "target")), VICTIM);
	CHECK_INT(json_integer_value(ev_get(ev, "reflectors")), 16); /* counted up to 16 */
	CHECK(json_is_true(ev_get(ev, "spoofed_source")));
	CHECK_STR(json_string_value(json_object_get(json_object_get(ev, "device"), "mac")), "00:1b:21:0a:0b:0c");
	CHECK(json_is_null(json_object_get(json_object_get(ev, "device"), "ip")));
	stop();

	start(NULL); /* an unknown MAC sending with a foreign source is not attributed */
	for (uint32_t i = 0; i < 1000; i++)
		feed_at(now_us + i * 10000, buf, pg_udp(buf, CAM, GW, VICTIM, 4444, "198.51.100.10", 123, "x", 1));
	CHECK_INT(count_kind("flood"), 0);
	stop();
}

static void test_repeat(void)
{
	start("flood.window=2;flood.min_pps=100;flood.repeat=30");
	quiet(30);
	burst(UDP_OUT, VICTIM, 200 * 25, 25);
	CHECK_INT(count_kind("flood"), 1);
	burst(UDP_OUT, VICTIM, 200 * 10, 10); /* 35 s after the first report */
	CHECK_INT(count_kind("flood"), 2);
	json_t *ev = nth("flood", 1);
	CHECK(json_integer_value(ev_get(ev, "incident_packets")) > 5000);
	CHECK_STR(json_string_value(ev_get(ev, "report")), "update");
	CHECK_INT(json_integer_value(ev_get(ev, "incident")), 1);
	/* another target is another incident */
	burst(UDP_OUT, "203.0.113.10", 200 * 3, 3);
	CHECK_INT(count_kind("flood"), 3);
	CHECK_STR(json_string_value(ev_get(nth("flood", 2), "report")), "first");
	CHECK_INT(json_integer_value(ev_get(nth("flood", 2), "incident")), 2);
	stop();
}

/* One UDP packet to the victim at time ts. */
static void one(uint64_t ts)
{
	uint8_t buf[256];
	feed_at(ts, buf, frame(buf, UDP_OUT, 0, VICTIM));
}

static const char *ev_str(json_t *ev, const char *key)
{
	return json_string_value(ev_get(ev, key));
}

/* Updates when the peak rate has risen by half since the last report (not
 * by less), at most once per flood.update_interval (60 s); the final report
 * at the end of the input, only if more was sent since the last report. */
static void test_updates(void)
{
	start("flood.window=2;flood.min_pps=100");
	quiet(30);
	burst(UDP_OUT, VICTIM, 400, 2); /* first report at 30.995 s, peak 200 */
	CHECK_INT(count_kind("flood"), 1);
	CHECK_INT(json_integer_value(ev_get(nth("flood", 0), "peak_pps")), 200);
	CHECK_STR(ev_str(nth("flood", 0), "report"), "first");
	for (int i = 0; i < 70; i++) /* +49.5 % in every second: no update */
		burst(UDP_OUT, VICTIM, 299, 1);
	CHECK_INT(count_kind("flood"), 1);
	burst(UDP_OUT, VICTIM, 300, 1); /* +50 %, after the interval */
	CHECK_INT(count_kind("flood"), 2);
	json_t *ev = nth("flood", 1);
	CHECK_STR(ev_str(ev, "report"), "update");
	CHECK_INT(json_integer_value(ev_get(ev, "incident")), 1);
	CHECK_INT(json_integer_value(ev_get(ev, "peak_pps")), 300);
	CHECK_STR(sev(ev), "high");
	burst(UDP_OUT, VICTIM, 100 * 5, 5);
	engine_finish(eng);
	CHECK_INT(count_kind("flood"), 3);
	ev = nth("flood", 2);
	CHECK_STR(ev_str(ev, "report"), "final");
	CHECK_INT(json_integer_value(ev_get(ev, "incident")), 1);
	CHECK_INT(json_integer_value(ev_get(ev, "peak_pps")), 300);
	CHECK_INT(json_integer_value(ev_get(ev, "incident_packets")), 400 + 299 * 70 + 300 + 500);
	CHECK_STR(ev_str(ev, "incident_start"), "2023-11-14T22:13:50.000Z");
	const char *en = json_string_value(json_object_get(json_object_get(ev, "summary"), "en"));
	CHECK(en && strstr(en, "flooded") && strstr(en, "(final report)"));
	stop();

	/* the interval boundary: the peak doubles at once, reported at 60 s */
	start("flood.window=2;flood.min_pps=100");
	quiet(30);
	burst(UDP_OUT, VICTIM, 200, 1); /* first report at 30.995 s */
	burst(UDP_OUT, VICTIM, 400 * 60, 60); /* 31.0 .. 90.9975 s, 2.5 ms apart */
	CHECK_INT(count_kind("flood"), 2); /* at the packet 60 s after the first report, not the one before */
	CHECK(nth("flood", 1) && strcmp(json_string_value(json_object_get(nth("flood", 1), "ts")),
					 "2023-11-14T22:14:50.995Z") == 0);
	CHECK_INT(json_integer_value(ev_get(nth("flood", 1), "peak_pps")), 400);
	engine_finish(eng);
	CHECK_INT(count_kind("flood"), 3);
	stop();

	/* nothing sent after the first report: no final report */
	start("flood.window=2;flood.min_pps=100");
	quiet(30);
	burst(UDP_OUT, VICTIM, 200, 1);
	CHECK_INT(count_kind("flood"), 1);
	engine_finish(eng);
	CHECK_INT(count_kind("flood"), 1);
	stop();
}

/* An incident ends after max(flood.repeat, flood.window) seconds without
 * flooding (exactly that still goes on): the final report comes with the
 * next packet; a later flood is a new incident. */
static void test_incident_end(void)
{
	start("flood.window=2;flood.min_pps=100;flood.repeat=30;flood.max_trackers=8");
	quiet(30);
	burst(UDP_OUT, VICTIM, 600, 3); /* flooding from 30.995 to 32.995 s */
	CHECK_INT(count_kind("flood"), 1);
	uint64_t last = T0 + 32995000;
	one(last + 30000000);
	CHECK_INT(count_kind("flood"), 1);
	one(last + 30000001);
	CHECK_INT(count_kind("flood"), 2);
	json_t *ev = nth("flood", 1);
	CHECK_STR(ev_str(ev, "report"), "final");
	CHECK_STR(ev_str(ev, "incident_end"), "2023-11-14T22:13:52.995Z");
	CHECK_STR(json_string_value(json_object_get(ev, "ts")), "2023-11-14T22:13:52.995Z"); /* not when it was seen over */
	CHECK_INT(json_integer_value(ev_get(ev, "incident_packets")), 600 + 1);
	now_us = last + 40000000;
	burst(UDP_OUT, VICTIM, 400, 2);
	CHECK_INT(count_kind("flood"), 3);
	CHECK_STR(ev_str(nth("flood", 2), "report"), "first");
	CHECK_INT(json_integer_value(ev_get(nth("flood", 2), "incident")), 2);
	/* its tracker evicted (8 other targets, one set): its final report first */
	burst(UDP_OUT, "198.51.100.1", 20, 2);
	for (int i = 0; i < 8; i++) {
		char ip[32];
		snprintf(ip, sizeof ip, "198.51.100.%d", 10 + i);
		burst(UDP_OUT, ip, 1, 1);
	}
	CHECK_INT(count_kind("flood"), 4);
	CHECK_STR(ev_str(nth("flood", 3), "report"), "final");
	CHECK_INT(json_integer_value(ev_get(nth("flood", 3), "incident")), 2);
	engine_finish(eng);
	CHECK_INT(count_kind("flood"), 4);
	stop();
}

static void test_eviction(void)
{
	uint8_t buf[128];
	char ip[32];
	start("flood.max_trackers=64;flood.window=2;flood.min_pps=100");
	quiet(30);
	for (uint32_t i = 0; i < 30000; i++) { /* a spray over many targets: none flooded */
		snprintf(ip, sizeof ip, "198.%u.%u.%u", 18 + (i >> 16), (i >> 8) & 255, i & 255);
		feed_at(now_us + i * 100, buf, frame(buf, UDP_OUT, i, ip));
	}
	now_us += 3000000;
	CHECK_INT(count_kind("flood"), 0);
	quiet(60);
	burst(UDP_OUT, VICTIM, 4000, 2); /* the table still works (baseline raised by the spray) */
	CHECK_INT(count_kind("flood"), 1);
	stop();
}

static void test_params(void)
{
	char err[256] = "";
	const char *bad[] = {"flood.bogus=1",	      "flood.window=0",	    "flood.window=61", "flood.min_pps=x",
			     "flood.baseline_factor=-1", "flood.max_trackers=2", "flood.min_pps=0",
			     "flood.update_interval=86401"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct engine *e = engine_with(bad[i], err, sizeof err);
		CHECK(e == NULL);
		engine_free(e);
	}
	struct engine *e = engine_with("flood.window=5;flood.min_bps=1000000;flood.max_reply_ratio=0.5;flood.update_interval=0", err, sizeof err);
	CHECK(e != NULL);
	engine_free(e);
}

int main(void)
{
	setenv("KOBAN_OUI_FILE", "/usr/share/ieee-data/oui.csv", 0);
	test_floor();
	test_baseline();
	test_critical();
	test_syn();
	test_replies();
	test_icmp();
	test_reflection();
	test_spoofed_requests();
	test_repeat();
	test_updates();
	test_incident_end();
	test_eviction();
	test_params();
	return test_summary();
}
