/* test_dhcp.c - unit tests for the DHCPv4 dissector with hand-made messages:
 * client options, DHCPACK address facts, option overload, and hostile
 * option lengths and truncation. */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#define FACT_VALUE_MAX 1100
#include "datagram_run.h"
#include "proto/dissect.h"
#include "proto/protocols.h"
#include "test.h"

static void run(const uint8_t *p, size_t n)
{
	datagram_run(&dissector_dhcp, p, n, 68, 67, 67);
}

static bool matches(const uint8_t *p, size_t n, uint16_t sport, uint16_t dport)
{
	return datagram_matches(&dissector_dhcp, p, n, sport, dport);
}

/* ---- a message builder ---- */

struct msg {
	uint8_t b[2048];
	size_t n;
};

static const uint8_t MAC[6] = {0xaa, 0xbb, 0xcc, 0x01, 0x02, 0x03};

/* The 240-byte fixed part with the cookie; options follow. */
static void bootp(struct msg *m, uint8_t op)
{
	memset(m, 0, sizeof *m);
	m->b[0] = op;
	m->b[1] = 1; /* Ethernet */
	m->b[2] = 6;
	memcpy(m->b + 28, MAC, 6);
	m->b[236] = 0x63; m->b[237] = 0x82; m->b[238] = 0x53; m->b[239] = 0x63;
	m->n = 240;
}

static void opt(struct msg *m, uint8_t code, const void *v, size_t len)
{
	m->b[m->n++] = code;
	m->b[m->n++] = (uint8_t)len;
	memcpy(m->b + m->n, v, len);
	m->n += len;
}

static void opt_str(struct msg *m, uint8_t code, const char *s) { opt(m, code, s, strlen(s)); }
static void opt_u8(struct msg *m, uint8_t code, uint8_t v) { opt(m, code, &v, 1); }
static void end(struct msg *m) { m->b[m->n++] = 255; }

static void discover(struct msg *m)
{
	static const uint8_t params[] = {1, 3, 6, 15, 119, 252};
	static const uint8_t cid[] = {1, 0xaa, 0xbb, 0xcc, 0x01, 0x02, 0x03};
	bootp(m, 1);
	opt_u8(m, 53, 1);
	opt(m, 61, cid, sizeof cid);
	m->b[m->n++] = 0; /* pad */
	opt_str(m, 12, "Johns-iPhone");
	opt_str(m, 60, "android-dhcp-13");
	opt(m, 55, params, sizeof params);
	opt_str(m, 161, "https://mud.example.com/lamp.json");
	end(m);
}

static void ack(struct msg *m)
{
	bootp(m, 2);
	m->b[16] = 192; m->b[17] = 168; m->b[18] = 1; m->b[19] = 50; /* yiaddr */
	opt_u8(m, 53, 5);
	opt_str(m, 12, "assigned-name");
	end(m);
}

/* ---- tests ---- */

static void test_client(void)
{
	struct msg m;
	discover(&m);
	run(m.b, m.n);
	CHECK_INT(nrec, 5);
	for (int i = 0; i < nrec; i++) {
		CHECK_INT(recs[i].about, ABOUT_MAC);
		CHECK(recs[i].has_mac && memcmp(recs[i].mac, MAC, 6) == 0);
	}
	CHECK_STR(val(FACT_HOSTNAME), "Johns-iPhone");
	CHECK_STR(val(FACT_VENDOR_CLASS), "android-dhcp-13");
	CHECK_STR(val(FACT_DHCP_PARAMS), "1,3,6,15,119,252");
	CHECK_STR(val(FACT_CLIENT_ID), "01aabbcc010203");
	CHECK_STR(val(FACT_MUD_URL), "https://mud.example.com/lamp.json");
	CHECK(get(FACT_DHCP_ADDRESS) == NULL);

	/* options run to the end of the packet without an END option */
	m.n--;
	run(m.b, m.n);
	CHECK_INT(nrec, 5);

	/* relayed copy: still about the client's chaddr, not the relay agent */
	discover(&m);
	m.b[24] = 10; m.b[27] = 1;
	run(m.b, m.n);
	CHECK_INT(nrec, 5);
	CHECK(nrec > 0 && recs[0].about == ABOUT_MAC && memcmp(recs[0].mac, MAC, 6) == 0);

	/* no Ethernet chaddr: about the sender, unless a relay sent it */
	discover(&m);
	m.b[1] = 6; /* IEEE 802 token ring: hlen 6 but not Ethernet */
	run(m.b, m.n);
	CHECK_INT(nrec, 5);
	CHECK(nrec > 0 && recs[0].about == ABOUT_SRC && !recs[0].has_mac);
	m.b[24] = 10; m.b[27] = 1;
	run(m.b, m.n);
	CHECK_INT(nrec, 0);
}

static void test_ack(void)
{
	struct msg m;
	ack(&m);
	run(m.b, m.n);
	CHECK_INT(nrec, 1);
	CHECK_INT(recs[0].kind, FACT_DHCP_ADDRESS);
	CHECK_INT(recs[0].about, ABOUT_ADDR);
	CHECK_INT(recs[0].len, 6);
	CHECK(memcmp(recs[0].value, MAC, 6) == 0);
	struct kaddr want;
	kaddr_parse(&want, "192.168.1.50");
	CHECK(kaddr_eq(&recs[0].addr, &want));

	/* an OFFER, a non-Ethernet ACK and an ACK to INFORM (no yiaddr): nothing */
	ack(&m);
	m.b[242] = 2;
	run(m.b, m.n);
	CHECK_INT(nrec, 0);
	ack(&m);
	m.b[1] = 6;
	run(m.b, m.n);
	CHECK_INT(nrec, 0);
	ack(&m);
	m.b[2] = 16;
	run(m.b, m.n);
	CHECK_INT(nrec, 0);
	ack(&m);
	memset(m.b + 16, 0, 4);
	run(m.b, m.n);
	CHECK_INT(nrec, 0);

	/* message type option with a bad length is not a message type */
	ack(&m);
	m.b[241] = 2;
	m.b[243] = 0; /* now: 53 len 2 {5, 0}, then 12 ... */
	run(m.b, m.n);
	CHECK_INT(nrec, 0);
	/* a client message claiming to be an ACK is still a client message */
	ack(&m);
	m.b[0] = 1;
	run(m.b, m.n);
	CHECK(get(FACT_DHCP_ADDRESS) == NULL);
	CHECK_STR(val(FACT_HOSTNAME), "assigned-name");
}

static void test_overload(void)
{
	struct msg m;
	/* overload 1: options continue in the file field (offset 108) */
	bootp(&m, 1);
	opt_u8(&m, 52, 1);
	end(&m);
	memcpy(m.b + 108, "\x0c\x08" "fromfile" "\xff", 11);
	run(m.b, m.n);
	CHECK_INT(nrec, 1);
	CHECK_STR(val(FACT_HOSTNAME), "fromfile");

	/* overload 3: file, then sname (offset 44); the main area wins ties */
	bootp(&m, 1);
	opt_u8(&m, 52, 3);
	opt_str(&m, 60, "main-vc");
	end(&m);
	memcpy(m.b + 108, "\x3c\x03" "fvc" "\x0c\x02" "fh", 9);   /* no END: runs to 236 */
	memcpy(m.b + 44, "\xa1\x04" "sURL" "\x34\x01\x01", 9);     /* 52 inside sname: ignored */
	run(m.b, m.n);
	CHECK_INT(nrec, 3);
	CHECK_STR(val(FACT_VENDOR_CLASS), "main-vc");
	CHECK_STR(val(FACT_HOSTNAME), "fh");
	CHECK_STR(val(FACT_MUD_URL), "sURL");

	/* without overload, option-like bytes in sname/file are not options */
	bootp(&m, 1);
	end(&m);
	memcpy(m.b + 108, "\x0c\x08" "fromfile" "\xff", 11);
	run(m.b, m.n);
	CHECK_INT(nrec, 0);

	/* an option in the file field that runs past the field stops there */
	bootp(&m, 1);
	opt_u8(&m, 52, 1);
	opt_str(&m, 12, "host");
	end(&m);
	m.b[108 + 126] = 60;
	m.b[108 + 127] = 10; /* would run into the cookie */
	run(m.b, m.n);
	CHECK_INT(nrec, 1);
	CHECK_STR(val(FACT_HOSTNAME), "host");
}

static void test_hostile_options(void)
{
	struct msg m;
	/* hostname claims 50 bytes, 10 remain: earlier options kept */
	bootp(&m, 1);
	opt_str(&m, 60, "vc");
	m.b[m.n++] = 12;
	m.b[m.n++] = 50;
	memcpy(m.b + m.n, "0123456789", 10);
	m.n += 10;
	run(m.b, m.n);
	CHECK_INT(nrec, 1);
	CHECK_STR(val(FACT_VENDOR_CLASS), "vc");

	/* zero-length options are skipped, parsing continues */
	bootp(&m, 1);
	opt(&m, 12, "", 0);
	opt(&m, 55, "", 0);
	opt(&m, 61, "", 0);
	opt_str(&m, 60, "after");
	end(&m);
	run(m.b, m.n);
	CHECK_INT(nrec, 1);
	CHECK_STR(val(FACT_VENDOR_CLASS), "after");

	/* a code byte with no length byte */
	bootp(&m, 1);
	opt_str(&m, 12, "h");
	m.b[m.n++] = 60;
	run(m.b, m.n);
	CHECK_INT(nrec, 1);

	/* the longest parameter list: 255 three-digit codes */
	uint8_t all[255];
	memset(all, 200, sizeof all);
	bootp(&m, 1);
	opt(&m, 55, all, sizeof all);
	run(m.b, m.n);
	CHECK_INT(nrec, 1);
	CHECK_INT(recs[0].len, 255 * 4 - 1);
	CHECK(strncmp(recs[0].value, "200,200,", 8) == 0);
	for (int i = 0; i < 255; i++)
		all[i] = (uint8_t)i;
	bootp(&m, 1);
	opt(&m, 55, all, sizeof all);
	run(m.b, m.n);
	CHECK(strncmp(recs[0].value, "0,1,2,", 6) == 0);
	CHECK(memcmp(recs[0].value + recs[0].len - 7, "253,254", 7) == 0);

	/* client id is bounded to 64 bytes (128 hex digits) */
	memset(all, 0xab, sizeof all);
	bootp(&m, 1);
	opt(&m, 61, all, 200);
	run(m.b, m.n);
	CHECK_INT(nrec, 1);
	CHECK_INT(recs[0].len, 128);
	CHECK(strncmp(recs[0].value, "abab", 4) == 0);

	/* the first instance of an option wins */
	bootp(&m, 1);
	opt_str(&m, 12, "first");
	opt_str(&m, 12, "second");
	run(m.b, m.n);
	CHECK_INT(nrec, 1);
	CHECK_STR(val(FACT_HOSTNAME), "first");
}

static void test_truncation(void)
{
	struct msg m;
	discover(&m);
	size_t full = m.n;
	int last = 0;
	for (size_t n = 0; n <= full; n++) {
		run(m.b, n);
		if (n < 240)
			CHECK_INT(nrec, 0);
		CHECK(nrec >= last || n < 240); /* more bytes never lose facts */
		last = nrec;
	}
	CHECK_INT(last, 5);
	ack(&m);
	for (size_t n = 0; n < m.n; n++) {
		run(m.b, n);
		CHECK_INT(nrec, n >= 243 ? 1 : 0);
	}
	/* bad cookie */
	discover(&m);
	m.b[239] = 0x64;
	run(m.b, m.n);
	CHECK_INT(nrec, 0);
}

static void test_match(void)
{
	struct msg m;
	discover(&m);
	CHECK(matches(m.b, m.n, 68, 67));
	CHECK(matches(m.b, m.n, 67, 68));
	CHECK(matches(m.b, m.n, 67, 67));
	CHECK(!matches(m.b, m.n, 53, 40000));
	CHECK(!matches(m.b, 239, 68, 67));
	CHECK(matches(m.b, 240, 68, 67));
	m.b[236] = 0;
	CHECK(!matches(m.b, m.n, 68, 67));
	CHECK_STR(dissector_dhcp.name, "dhcp");
	CHECK_INT(dissector_dhcp.l4_proto, IPPROTO_UDP);
	CHECK_INT(dissector_dhcp.state_size, 0);
}

int main(void)
{
	test_client();
	test_ack();
	test_overload();
	test_hostile_options();
	test_truncation();
	test_match();
	return test_summary();
}
