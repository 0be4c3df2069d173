/* test_mdns.c - unit tests for the mDNS / DNS-SD dissector with hand-made
 * announcements, probes and queries, plus hostile records and truncation. */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#define FACTS_MAX 128
#include "datagram_run.h"
#include "dns_msg.h"
#include "proto/dissect.h"
#include "proto/dns_wire.h"
#include "proto/protocols.h"
#include "test.h"

static void run(const uint8_t *p, size_t n)
{
	datagram_run(&dissector_mdns, p, n, 5353, 5353, 5353);
}

static bool matches(uint16_t sport, uint16_t dport)
{
	static const uint8_t hdr[12] = {0, 0, 0x84, 0};
	return datagram_matches(&dissector_mdns, hdr, sizeof hdr, sport, dport);
}

/* Is fact i exactly (kind, value, port)? */
static bool is(int i, enum fact_kind kind, const char *value, uint16_t port)
{
	if (i >= nrec) {
		fprintf(stderr, "  fact %d missing (want %s)\n", i, value);
		return false;
	}
	bool ok = recs[i].kind == kind && strcmp(recs[i].value, value) == 0 &&
		  recs[i].port == port && recs[i].about == ABOUT_SRC;
	if (!ok)
		fprintf(stderr, "  fact %d: kind %d \"%s\" port %u\n", i, recs[i].kind, recs[i].value,
			recs[i].port);
	return ok;
}

/* ---- a message builder ---- */

static void header(struct msg *m, unsigned flags, unsigned qd, unsigned an, unsigned ns,
		   unsigned ar)
{
	msg_header(m, 0, flags, qd, an, ns, ar);
}

/* Labels separated by '|' (so labels may contain dots), then a 0 or, if
 * ptr >= 0, a pointer. Returns the offset where the name starts. */
static size_t name(struct msg *m, const char *s, int ptr)
{
	return msg_name(m, s, '|', ptr);
}

/* Record header; returns where to patch the RDATA length. */
static size_t rr(struct msg *m, const char *owner, int ptr, unsigned type, size_t *owner_at)
{
	size_t at = name(m, owner, ptr);
	if (owner_at)
		*owner_at = at;
	put16(m, type);
	put16(m, 0x8001);
	put16(m, 0);
	put16(m, 120);
	put16(m, 0);
	return m->n - 2;
}

static void rdlen(struct msg *m, size_t at)
{
	size_t len = m->n - at - 2;
	m->b[at] = (uint8_t)(len >> 8);
	m->b[at + 1] = (uint8_t)len;
}

static void txt(struct msg *m, const char *const *s)
{
	for (; *s; s++) {
		put8(m, (unsigned)strlen(*s));
		putn(m, *s, strlen(*s));
	}
}

/* A HomeKit lamp's announcement, heavily compressed. */
static void lamp(struct msg *m)
{
	size_t local, hap, inst, host, at;
	header(m, 0x8400, 0, 4, 0, 2);
	at = rr(m, "_services|_dns-sd|_udp|local", -1, DNS_TYPE_PTR, NULL);
	local = 12 + 1 + 9 + 1 + 7 + 1 + 4;
	hap = name(m, "_hap|_tcp", (int)local);
	rdlen(m, at);
	at = rr(m, "", (int)hap, DNS_TYPE_PTR, NULL);
	inst = name(m, "Living Room Lamp", (int)hap);
	rdlen(m, at);
	at = rr(m, "", (int)inst, DNS_TYPE_SRV, NULL);
	put16(m, 0); put16(m, 0); put16(m, 8080);
	host = name(m, "lamp-1234", (int)local);
	rdlen(m, at);
	at = rr(m, "", (int)inst, DNS_TYPE_TXT, NULL);
	static const char *const t[] = {"c#=2", "md=Lamp 2", "fv=1.2.3", "sf", NULL};
	txt(m, t);
	rdlen(m, at);
	at = rr(m, "", (int)host, DNS_TYPE_A, NULL);
	put8(m, 192); put8(m, 168); put8(m, 1); put8(m, 20);
	rdlen(m, at);
	at = rr(m, "", (int)host, DNS_TYPE_AAAA, NULL);
	static const uint8_t v6[16] = {0xfe, 0x80, [15] = 1};
	putn(m, v6, 16);
	rdlen(m, at);
}

static void test_announcement(void)
{
	struct msg m;
	lamp(&m);
	run(m.b, m.n);
	CHECK_INT(nrec, 5);
	CHECK(is(0, FACT_MDNS_SERVICE, "_hap._tcp.local", 8080));
	CHECK(is(1, FACT_MDNS_INSTANCE, "Living Room Lamp", 8080));
	CHECK(is(2, FACT_HOSTNAME, "lamp-1234", 0));
	CHECK(is(3, FACT_MODEL, "Lamp 2", 0));
	CHECK(is(4, FACT_FIRMWARE, "1.2.3", 0));

	size_t full = m.n;
	for (size_t n = 0; n < full; n++) {
		run(m.b, n);
		CHECK(nrec <= 5);
	}
}

static void test_printer(void)
{
	struct msg m;
	size_t at, owner, inst;
	header(&m, 0x8400, 0, 3, 0, 0);
	at = rr(&m, "_universal|_sub|_ipp|_tcp|local", -1, DNS_TYPE_PTR, &owner);
	inst = name(&m, "HP LaserJet 400 [A.B]", (int)owner + 16);
	rdlen(&m, at);
	at = rr(&m, "", (int)inst, DNS_TYPE_SRV, NULL);
	put16(&m, 0); put16(&m, 0); put16(&m, 631);
	name(&m, "HP1234", (int)owner + 26);
	rdlen(&m, at);
	at = rr(&m, "", (int)inst, DNS_TYPE_TXT, NULL);
	static const char *const t[] = {"txtvers=1", "usb_MFG=HP", "USB_MDL=LaserJet 400",
					"ty=HP LaserJet 400 M401dn", "mfg", "=x", "mf=", "Fw=",
					NULL};
	txt(&m, t);
	rdlen(&m, at);
	run(m.b, m.n);
	CHECK_INT(nrec, 6);
	CHECK(is(0, FACT_MDNS_SERVICE, "_ipp._tcp.local", 631));
	CHECK(is(1, FACT_MDNS_INSTANCE, "HP LaserJet 400 [A.B]", 631));
	CHECK(is(2, FACT_HOSTNAME, "HP1234", 0));
	CHECK(is(3, FACT_MANUFACTURER, "HP", 0));
	CHECK(is(4, FACT_MODEL, "LaserJet 400", 0));
	CHECK(is(5, FACT_MODEL, "HP LaserJet 400 M401dn", 0));
}

static void test_queries(void)
{
	struct msg m;
	size_t at;
	/* a query with a known answer: someone else's record, not reported */
	header(&m, 0x0000, 1, 1, 0, 0);
	name(&m, "_hap|_tcp|local", -1);
	put16(&m, DNS_TYPE_PTR); put16(&m, 1);
	at = rr(&m, "", 12, DNS_TYPE_PTR, NULL);
	name(&m, "Other Lamp", 12);
	rdlen(&m, at);
	run(m.b, m.n);
	CHECK_INT(nrec, 0);

	/* a probe: the authority section holds the prober's own records */
	header(&m, 0x0000, 1, 0, 1, 0);
	size_t q = name(&m, "Desk Lamp|_hap|_tcp|local", -1);
	put16(&m, 255); put16(&m, 1);
	at = rr(&m, "", (int)q, DNS_TYPE_SRV, NULL);
	put16(&m, 0); put16(&m, 0); put16(&m, 51827);
	name(&m, "desk|local", -1);
	rdlen(&m, at);
	run(m.b, m.n);
	CHECK_INT(nrec, 3);
	CHECK(is(0, FACT_MDNS_SERVICE, "_hap._tcp.local", 51827));
	CHECK(is(1, FACT_MDNS_INSTANCE, "Desk Lamp", 51827));
	CHECK(is(2, FACT_HOSTNAME, "desk", 0));
}

static void test_other_records(void)
{
	struct msg m;
	size_t at;
	header(&m, 0x8400, 0, 5, 0, 0);
	at = rr(&m, "20|1|168|192|in-addr|arpa", -1, DNS_TYPE_PTR, NULL);
	name(&m, "Kitchen-Speaker|local", -1);
	rdlen(&m, at);
	at = rr(&m, "_airplay|_tcp|local", -1, DNS_TYPE_PTR, NULL); /* no SRV: port 0 */
	name(&m, "Kitchen", -1);  /* a target with one label still names an instance */
	rdlen(&m, at);
	at = rr(&m, "Kitchen|_device-info|_tcp|local", -1, DNS_TYPE_TXT, NULL);
	static const char *const t[] = {"model=AudioAccessory5,1", "osxvers=18", NULL};
	txt(&m, t);
	rdlen(&m, at);
	at = rr(&m, "nas|example|com", -1, DNS_TYPE_A, NULL); /* unicast DNS-SD domain */
	put8(&m, 10); put8(&m, 0); put8(&m, 0); put8(&m, 9);
	rdlen(&m, at);
	at = rr(&m, "local", -1, DNS_TYPE_A, NULL);          /* just "local": nothing */
	put8(&m, 10); put8(&m, 0); put8(&m, 0); put8(&m, 8);
	rdlen(&m, at);
	run(m.b, m.n);
	CHECK_INT(nrec, 5);
	CHECK(is(0, FACT_MDNS_SERVICE, "_airplay._tcp.local", 0));
	CHECK(is(1, FACT_MDNS_INSTANCE, "Kitchen", 0));
	CHECK(is(2, FACT_HOSTNAME, "Kitchen-Speaker", 0));
	CHECK(is(3, FACT_MODEL, "AudioAccessory5,1", 0));
	CHECK(is(4, FACT_HOSTNAME, "nas.example.com", 0));

	/* meta-query answers without the services' own records: bare types */
	header(&m, 0x8400, 0, 3, 0, 0);
	size_t owner;
	at = rr(&m, "_services|_dns-sd|_udp|local", -1, DNS_TYPE_PTR, &owner);
	name(&m, "_googlecast|_tcp", (int)owner + 23);
	rdlen(&m, at);
	at = rr(&m, "", (int)owner, DNS_TYPE_PTR, NULL);
	name(&m, "_spotify-connect|_tcp", (int)owner + 23);
	rdlen(&m, at);
	at = rr(&m, "", (int)owner, DNS_TYPE_PTR, NULL);
	name(&m, "not-a-service", (int)owner + 23);
	rdlen(&m, at);
	run(m.b, m.n);
	CHECK_INT(nrec, 2);
	CHECK(is(0, FACT_MDNS_SERVICE, "_googlecast._tcp.local", 0));
	CHECK(is(1, FACT_MDNS_SERVICE, "_spotify-connect._tcp.local", 0));
}

static void test_hostile(void)
{
	struct msg m;
	size_t at;
	/* TXT: a string overrunning the RDATA stops the TXT, not the message */
	header(&m, 0x8400, 0, 2, 0, 0);
	at = rr(&m, "x|local", -1, DNS_TYPE_TXT, NULL);
	put8(&m, 4); putn(&m, "md=M", 4);
	put8(&m, 40); putn(&m, "fv=9", 4);
	rdlen(&m, at);
	at = rr(&m, "x|local", -1, DNS_TYPE_A, NULL);
	put8(&m, 10); put8(&m, 0); put8(&m, 0); put8(&m, 1);
	rdlen(&m, at);
	run(m.b, m.n);
	CHECK_INT(nrec, 2);
	CHECK(is(0, FACT_MODEL, "M", 0));
	CHECK(is(1, FACT_HOSTNAME, "x", 0));

	/* a PTR whose target loops: dropped; the following record still counts */
	header(&m, 0x8400, 0, 2, 0, 0);
	at = rr(&m, "_hap|_tcp|local", -1, DNS_TYPE_PTR, NULL);
	size_t self = m.n;
	name(&m, "a", (int)self);
	rdlen(&m, at);
	at = rr(&m, "y|local", -1, DNS_TYPE_A, NULL);
	put8(&m, 10); put8(&m, 0); put8(&m, 0); put8(&m, 1);
	rdlen(&m, at);
	run(m.b, m.n);
	CHECK_INT(nrec, 1);
	CHECK(is(0, FACT_HOSTNAME, "y", 0));

	/* SRV too short for its target; PTR target running past its RDATA */
	header(&m, 0x8400, 0, 2, 0, 0);
	at = rr(&m, "i|_hap|_tcp|local", -1, DNS_TYPE_SRV, NULL);
	put16(&m, 0); put16(&m, 0);
	rdlen(&m, at);
	at = rr(&m, "_hap|_tcp|local", -1, DNS_TYPE_PTR, NULL);
	put8(&m, 5); putn(&m, "abc", 3);
	rdlen(&m, at);
	put8(&m, 0); put8(&m, 0); /* bytes after the RDATA that would complete it */
	run(m.b, m.n);
	CHECK_INT(nrec, 0);

	/* ancount 65535 with one record; a record count over the budget */
	header(&m, 0x8400, 0, 0xffff, 0xffff, 0xffff);
	at = rr(&m, "z|local", -1, DNS_TYPE_A, NULL);
	put8(&m, 10); put8(&m, 0); put8(&m, 0); put8(&m, 1);
	rdlen(&m, at);
	run(m.b, m.n);
	CHECK_INT(nrec, 1);
	header(&m, 0x8400, 100, 0, 0, 0);
	run(m.b, m.n);
	CHECK_INT(nrec, 0);

	/* 100 distinct hosts: at most 64 records are read */
	header(&m, 0x8400, 0, 100, 0, 0);
	for (int i = 0; i < 100; i++) {
		char host[16];
		snprintf(host, sizeof host, "h%d|local", i);
		at = rr(&m, host, -1, DNS_TYPE_A, NULL);
		put8(&m, 10); put8(&m, 0); put8(&m, 0); put8(&m, (unsigned)i);
		rdlen(&m, at);
	}
	run(m.b, m.n);
	CHECK_INT(nrec, 64);

	/* opcode other than QUERY */
	lamp(&m);
	m.b[2] |= 0x28;
	run(m.b, m.n);
	CHECK_INT(nrec, 0);
}

static void test_match(void)
{
	CHECK(matches(5353, 5353));
	CHECK(matches(5353, 40000));
	CHECK(matches(40000, 5353));
	CHECK(!matches(53, 40000));
	CHECK_STR(dissector_mdns.name, "mdns");
	CHECK_INT(dissector_mdns.l4_proto, IPPROTO_UDP);
	CHECK_INT(dissector_mdns.state_size, 0);
}

int main(void)
{
	test_announcement();
	test_printer();
	test_queries();
	test_other_records();
	test_hostile();
	test_match();
	return test_summary();
}
