/* test_engine.c - the engine end to end on hand-made frames: local device
 * learning, services, peers, a TELNET login reported with the password
 * masked, bounded flow memory, deterministic output. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "device/inventory.h"
#include "engine/engine.h"
#include "pktgen.h"
#include "test.h"

static const uint8_t CAM[6] = {0x28, 0x57, 0xbe, 0x01, 0x02, 0x03};
static const uint8_t PC[6] = {0x00, 0x1b, 0x21, 0x0a, 0x0b, 0x0c};
static const uint8_t GW[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};

static void collect(void *ctx, const struct event *ev)
{
	json_array_append_new((json_t *)ctx, event_to_json(ev));
}

static struct engine *new_engine(json_t *events, uint32_t flow_kb)
{
	struct config cfg;
	char err[256];
	config_defaults(&cfg);
	cfg.flow_memory_kb = flow_kb;
	cfg.stream_slots = 8;
	struct engine_sink sink = {.event = collect, .ctx = events};
	struct engine *e = engine_new(&cfg, &sink, NULL, err, sizeof err);
	if (!e)
		fprintf(stderr, "engine_new: %s\n", err);
	return e;
}

static uint64_t now_us = 1700000000000000ULL;

static void feed(struct engine *e, const uint8_t *frame, size_t len)
{
	now_us += 1000;
	engine_packet(e, 1, now_us, frame, (uint32_t)len, (uint32_t)len);
}

static void tcp(struct engine *e, const uint8_t *smac, const char *sip, uint16_t sport, const uint8_t *dmac,
		const char *dip, uint16_t dport, uint8_t flags, const char *payload)
{
	uint8_t buf[1600];
	size_t n = pg_tcp(buf, smac, dmac, sip, sport, dip, dport, flags, 1000, payload, payload ? strlen(payload) : 0);
	feed(e, buf, n);
}

/* A TELNET session from the PC to the camera with a login. */
static void telnet_session(struct engine *e)
{
	const char *c = "192.168.1.10", *s = "192.168.1.20";
	tcp(e, PC, c, 40000, CAM, s, 23, 0x02, NULL);
	tcp(e, CAM, s, 23, PC, c, 40000, 0x12, NULL);
	tcp(e, PC, c, 40000, CAM, s, 23, 0x10, NULL);
	tcp(e, CAM, s, 23, PC, c, 40000, 0x18, "\r\nIPCAM v2.1 ready\r\nlogin: ");
	tcp(e, PC, c, 40000, CAM, s, 23, 0x18, "root\r\n");
	tcp(e, CAM, s, 23, PC, c, 40000, 0x18, "Password: ");
	tcp(e, PC, c, 40000, CAM, s, 23, 0x18, "xc3511\r\n");
	tcp(e, CAM, s, 23, PC, c, 40000, 0x18, "\r\n# ");
	tcp(e, PC, c, 40000, CAM, s, 23, 0x11, NULL);
	tcp(e, CAM, s, 23, PC, c, 40000, 0x11, NULL);
}

static json_t *find_kind(json_t *events, const char *kind, size_t nth)
{
	size_t i, seen = 0;
	json_t *ev;
	json_array_foreach(events, i, ev) {
		if (strcmp(json_string_value(json_object_get(ev, "kind")), kind) == 0 && seen++ == nth)
			return ev;
	}
	return NULL;
}

static void test_inventory_and_login(void)
{
	json_t *events = json_array();
	struct engine *e = new_engine(events, 1024);
	uint8_t buf[128];
	feed(e, buf, pg_arp(buf, CAM, "192.168.1.20", "192.168.1.1"));
	telnet_session(e);
	engine_finish(e);
	struct inventory *inv = engine_inventory(e);
	CHECK_INT(inventory_count(inv), 2);
	struct device *cam = inventory_by_mac(inv, CAM);
	CHECK(cam != NULL);
	if (cam) {
		CHECK_INT(cam->n_ips, 1);
		CHECK_INT(cam->n_services, 1);
		CHECK_INT(cam->services[0].port, 23);
		CHECK_STR(cam->services[0].name, "telnet");
		CHECK(cam->n_peers == 1);
	}
	CHECK(find_kind(events, "new-device", 0) && find_kind(events, "new-device", 1));
	json_t *svc = find_kind(events, "new-service", 0);
	CHECK(svc != NULL);
	CHECK_STR(json_string_value(json_object_get(svc, "severity")), "low");
	json_t *login = find_kind(events, "cleartext-login", 0);
	CHECK(login != NULL);
	if (login) {
		json_t *ev = json_object_get(login, "evidence");
		CHECK_STR(json_string_value(json_object_get(ev, "user")), "root");
		CHECK_STR(json_string_value(json_object_get(ev, "protocol")), "telnet");
		CHECK_STR(json_string_value(json_object_get(json_object_get(login, "device"), "mac")),
			  "28:57:be:01:02:03");
		CHECK_STR(json_string_value(json_object_get(json_object_get(login, "peer"), "ip")), "192.168.1.10");
	}
	char *dump = json_dumps(events, 0);
	CHECK(dump && strstr(dump, "xc3511") == NULL); /* the password is never written */
	free(dump);
	engine_free(e);
	json_decref(events);
}

static void test_remote_not_device(void)
{
	json_t *events = json_array();
	struct engine *e = new_engine(events, 1024);
	/* a device talks to an Internet host through the gateway's MAC */
	tcp(e, PC, "192.168.1.10", 50000, GW, "203.0.113.5", 443, 0x02, NULL);
	tcp(e, GW, "203.0.113.5", 443, PC, "192.168.1.10", 50000, 0x12, NULL);
	engine_finish(e);
	struct inventory *inv = engine_inventory(e);
	CHECK_INT(inventory_count(inv), 1); /* the remote host and the gateway's MAC are not devices */
	struct device *pc = inventory_by_mac(inv, PC);
	CHECK(pc && pc->n_services == 0 && pc->n_peers == 1);
	engine_free(e);
	json_decref(events);
}

static void test_bounded_flows(void)
{
	json_t *events = json_array();
	struct engine *e = new_engine(events, 64);
	char dip[32];
	for (int i = 0; i < 20000; i++) {
		snprintf(dip, sizeof dip, "198.51.%d.%d", (i >> 8) & 255, i & 255);
		tcp(e, PC, "192.168.1.10", (uint16_t)(1024 + i % 50000), GW, dip, 23, 0x02, NULL);
	}
	struct engine_stats st;
	engine_get_stats(e, &st);
	CHECK(st.flows.live <= st.flows.capacity);
	CHECK(st.flows.evicted > 0);
	CHECK_INT(st.flows.created, 20000);
	struct device *pc = inventory_by_mac(engine_inventory(e), PC);
	CHECK(pc && pc->n_peers == DEVICE_MAX_PEERS && pc->peers_dropped > 0);
	engine_free(e);
	json_decref(events);
}

/* Ethernet + IPv6 header (no extension headers); returns the L4 offset. */
static size_t ipv6_frame(uint8_t *b, const uint8_t *smac, const uint8_t *dmac, const char *sip, const char *dip,
			 uint8_t next, uint8_t hops, size_t l4_len)
{
	memcpy(b, dmac, 6);
	memcpy(b + 6, smac, 6);
	pg_put16(b + 12, 0x86dd);
	memset(b + 14, 0, 40);
	b[14] = 0x60;
	pg_put16(b + 18, (uint16_t)l4_len);
	b[20] = next;
	b[21] = hops;
	inet_pton(AF_INET6, sip, b + 22);
	inet_pton(AF_INET6, dip, b + 38);
	return 54;
}

/* A Router Advertisement from the gateway with one Prefix Information option. */
static size_t router_advert(uint8_t *b, const char *prefix, uint8_t len, uint8_t flags, uint8_t hops)
{
	static const uint8_t allnodes[6] = {0x33, 0x33, 0, 0, 0, 1};
	size_t off = ipv6_frame(b, GW, allnodes, "fe80::1", "ff02::1", 58, hops, 16 + 32);
	uint8_t *ra = b + off;
	memset(ra, 0, 16 + 32);
	ra[0] = 134; /* type; code 0, checksum not checked */
	ra[4] = 64;
	pg_put16(ra + 6, 1800);
	uint8_t *pio = ra + 16;
	pio[0] = 3;
	pio[1] = 4;
	pio[2] = len;
	pio[3] = flags;
	pg_put32(pio + 4, 86400);
	pg_put32(pio + 8, 14400);
	inet_pton(AF_INET6, prefix, pio + 16);
	return off + 16 + 32;
}

static size_t syn6(uint8_t *b, const uint8_t *smac, const char *sip, const char *dip, uint16_t dport)
{
	size_t off = ipv6_frame(b, smac, GW, sip, dip, 6, 64, 20);
	memset(b + off, 0, 20);
	pg_put16(b + off, 50000);
	pg_put16(b + off + 2, dport);
	b[off + 12] = 5 << 4;
	b[off + 13] = 0x02;
	return off + 20;
}

/* Global IPv6 addresses are local once a router announces their prefix. */
static void test_ipv6_prefix_from_ra(void)
{
	json_t *events = json_array();
	struct engine *e = new_engine(events, 1024);
	uint8_t buf[256];
	struct kaddr a;
	/* before any RA, a global IPv6 address is remote */
	feed(e, buf, syn6(buf, PC, "2001:db8:1::10", "2001:db8:99::1", 443));
	CHECK(inventory_by_mac(engine_inventory(e), PC) == NULL);
	/* forged RAs are ignored: hop limit below 255, or a prefix not on-link */
	feed(e, buf, router_advert(buf, "2001:db8:1::", 64, 0xc0, 64));
	feed(e, buf, router_advert(buf, "2001:db8:1::", 64, 0x40, 255));
	feed(e, buf, syn6(buf, PC, "2001:db8:1::10", "2001:db8:99::1", 443));
	CHECK(inventory_by_mac(engine_inventory(e), PC) == NULL);
	/* a proper RA: on-link prefix 2001:db8:1::/64 (a new connection, so a new flow) */
	feed(e, buf, router_advert(buf, "2001:db8:1::", 64, 0xc0, 255));
	feed(e, buf, syn6(buf, PC, "2001:db8:1::10", "2001:db8:99::1", 8443));
	struct device *pc = inventory_by_mac(engine_inventory(e), PC);
	CHECK(pc != NULL);
	kaddr_parse(&a, "2001:db8:1::10");
	CHECK(pc && inventory_by_ip(engine_inventory(e), &a) == pc);
	/* an address outside the announced prefix stays remote */
	kaddr_parse(&a, "2001:db8:99::1");
	CHECK(inventory_by_ip(engine_inventory(e), &a) == NULL);
	CHECK(pc && pc->n_peers == 1);
	/* truncated and zero-length options do not loop or read out of bounds */
	size_t n = router_advert(buf, "2001:db8:2::", 64, 0xc0, 255);
	buf[54 + 16 + 1] = 0;
	feed(e, buf, n);
	for (size_t cut = 54; cut < n; cut++) {
		router_advert(buf, "2001:db8:3::", 64, 0xc0, 255);
		pg_put16(buf + 18, (uint16_t)(cut - 54));
		feed(e, buf, cut);
	}
	engine_free(e);
	json_decref(events);
}

static char *run_once(void)
{
	json_t *events = json_array();
	struct engine *e = new_engine(events, 1024);
	now_us = 1700000000000000ULL;
	telnet_session(e);
	engine_finish(e);
	char *dump = json_dumps(events, JSON_SORT_KEYS);
	engine_free(e);
	json_decref(events);
	return dump;
}

int main(void)
{
	setenv("KOBAN_OUI_FILE", "/usr/share/ieee-data/oui.csv", 0);
	test_inventory_and_login();
	test_remote_not_device();
	test_bounded_flows();
	test_ipv6_prefix_from_ra();
	char *a = run_once(), *b = run_once();
	CHECK(a && b && strcmp(a, b) == 0);
	free(a);
	free(b);
	return test_summary();
}
