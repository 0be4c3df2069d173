/* test_tls.c - unit tests for the TLS ClientHello dissector (proto/tls.c):
 * SNI extraction, records and segments split anywhere, truncation at every
 * length, every length field lying, random corruption. */
#include <netinet/in.h>
#include <stdlib.h>

#define FACTS_MAX 16
#define STREAM_DISSECTOR dissector_tls
#define STREAM_PORT 443
#include "proto/protocols.h"
#include "stream_run.h"
#include "test.h"

/* Builders writing big-endian fields into a buffer. */
static size_t put8(uint8_t *b, size_t o, unsigned v)
{
	b[o] = (uint8_t)v;
	return o + 1;
}
static size_t put16(uint8_t *b, size_t o, unsigned v)
{
	b[o] = (uint8_t)(v >> 8);
	b[o + 1] = (uint8_t)v;
	return o + 2;
}
static size_t putn(uint8_t *b, size_t o, const void *p, size_t n)
{
	memcpy(b + o, p, n);
	return o + n;
}

/* Offsets of the length fields in the last hello built, for the lie tests. */
static size_t off_rec_len, off_hs_len, off_sid_len, off_cs_len, off_comp_len, off_ext_len,
	off_sni_len, off_list_len, off_name_len;

/* A ClientHello record: a GREASE-like extension, then server_name, then ALPN. */
static size_t build_hello(uint8_t *b, const char *sni)
{
	size_t o = 0, hs, body, exts, e;
	o = put8(b, o, 0x16);
	o = put16(b, o, 0x0301);
	off_rec_len = o;
	o = put16(b, o, 0);
	hs = o;
	o = put8(b, o, 1);
	off_hs_len = o;
	o += 3;
	body = o;
	o = put16(b, o, 0x0303);
	memset(b + o, 0xab, 32);
	o += 32;
	off_sid_len = o;
	o = put8(b, o, 32);
	memset(b + o, 0xcd, 32);
	o += 32;
	off_cs_len = o;
	o = put16(b, o, 4);
	o = putn(b, o, "\x13\x01\xc0\x2f", 4);
	off_comp_len = o;
	o = put8(b, o, 1);
	o = put8(b, o, 0);
	off_ext_len = o;
	o = put16(b, o, 0);
	exts = o;
	o = put16(b, o, 0x0a0a);
	o = put16(b, o, 1);
	o = put8(b, o, 0);
	if (sni) {
		o = put16(b, o, 0);
		off_sni_len = o;
		o = put16(b, o, 0);
		e = o;
		off_list_len = o;
		o = put16(b, o, (unsigned)strlen(sni) + 3);
		o = put8(b, o, 0);
		off_name_len = o;
		o = put16(b, o, (unsigned)strlen(sni));
		o = putn(b, o, sni, strlen(sni));
		put16(b, off_sni_len, (unsigned)(o - e));
	}
	o = put16(b, o, 16);
	o = put16(b, o, 5);
	o = putn(b, o, "\x00\x03\x02h2", 5);
	put16(b, off_ext_len, (unsigned)(o - exts));
	size_t blen = o - body;
	b[off_hs_len] = (uint8_t)(blen >> 16);
	b[off_hs_len + 1] = (uint8_t)(blen >> 8);
	b[off_hs_len + 2] = (uint8_t)blen;
	put16(b, off_rec_len, (unsigned)(o - hs));
	return o;
}

static void check_sni(const char *want)
{
	CHECK_INT(nrec, 1);
	CHECK_STR(recs[0].value, want);
	CHECK_INT(recs[0].kind, FACT_TLS_SNI);
	CHECK_INT(recs[0].about, ABOUT_CLIENT);
	CHECK_INT(recs[0].port, 443);
	CHECK_STR(recs[0].proto, "tls");
}

static void test_normal(void)
{
	uint8_t b[1024];
	size_t n = build_hello(b, "www.example.com");
	struct dissect_input in = { .payload = b, .len = n, .from_client = true };
	CHECK(dissector_tls.match(&in));
	in.from_client = false;
	CHECK(!dissector_tls.match(&in));
	flow_begin();
	segn(true, b, n);
	check_sni("www.example.com"); /* complete: reported without waiting for the end */
	segn(true, b, n);
	flow_end();
	CHECK_INT(nrec, 1); /* once per flow */
	/* server data first and in between is ignored */
	flow_begin();
	segn(false, b, n);
	segn(true, b, n);
	check_sni("www.example.com");
	/* no SNI */
	n = build_hello(b, NULL);
	flow_begin();
	segn(true, b, n);
	flow_end();
	CHECK_INT(nrec, 0);
	/* stateless */
	stateless = true;
	n = build_hello(b, "a.b");
	flow_begin();
	segn(true, b, n);
	check_sni("a.b");
	stateless = false;
}

static void test_splits(void)
{
	uint8_t b[1024];
	size_t n = build_hello(b, "iot.vendor.example");
	for (size_t cut = 0; cut <= n; cut++) {
		flow_begin();
		segn(true, b, cut);
		segn(true, b + cut, n - cut);
		check_sni("iot.vendor.example");
	}
	flow_begin();
	for (size_t i = 0; i < n; i++)
		segn(true, b + i, 1);
	check_sni("iot.vendor.example");
	/* the handshake split over two records, at every point */
	size_t hl = n - 5;
	for (size_t cut = 1; cut < hl; cut++) {
		uint8_t r[1100];
		size_t o = putn(r, 0, "\x16\x03\x01", 3);
		o = put16(r, o, (unsigned)cut);
		o = putn(r, o, b + 5, cut);
		o = putn(r, o, "\x16\x03\x01", 3);
		o = put16(r, o, (unsigned)(hl - cut));
		o = putn(r, o, b + 5 + cut, hl - cut);
		flow_begin();
		segn(true, r, o);
		check_sni("iot.vendor.example");
	}
}

static void test_truncation(void)
{
	uint8_t b[1024];
	size_t n = build_hello(b, "trunc.example");
	for (size_t cut = 0; cut < n; cut++) {
		flow_begin();
		segn(true, b, cut);
		flow_end();
		CHECK(nrec == 0 || strcmp(recs[0].value, "trunc.example") == 0);
		stateless = true;
		flow_begin();
		segn(true, b, cut);
		CHECK(nrec == 0 || strcmp(recs[0].value, "trunc.example") == 0);
		stateless = false;
	}
}

/* Rewrites one length field of a good hello and dissects it. Returns the
 * SNI reported, or NULL. */
static const char *lie(size_t off, int width, unsigned v)
{
	uint8_t b[1024];
	size_t n = build_hello(b, "lie.example");
	if (width == 1)
		b[off] = (uint8_t)v;
	else if (width == 2)
		put16(b, off, v);
	else {
		b[off] = (uint8_t)(v >> 16);
		put16(b, off + 1, v & 0xffff);
	}
	flow_begin();
	segn(true, b, n);
	flow_end();
	CHECK(nrec <= 1);
	return nrec ? recs[0].value : NULL;
}

static void test_length_lies(void)
{
	const struct { size_t *off; int width; } f[] = {
		{ &off_rec_len, 2 }, { &off_hs_len, 3 },   { &off_sid_len, 1 }, { &off_cs_len, 2 },
		{ &off_comp_len, 1 }, { &off_ext_len, 2 }, { &off_sni_len, 2 }, { &off_list_len, 2 },
		{ &off_name_len, 2 },
	};
	uint8_t b[1024];
	build_hello(b, "lie.example"); /* sets the offsets */
	const unsigned vals[] = { 0, 1, 2, 3, 4, 5, 11, 12, 13, 14, 15, 16, 0x7f, 0x80, 0xff,
				  0x100, 0x1000, 0x7fff, 0xffff, 0xffffff };
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		for (size_t v = 0; v < sizeof vals / sizeof vals[0]; v++)
			lie(*f[i].off, f[i].width, vals[v]); /* garbage in, maybe garbage out, no overread */
	/* lengths claiming more than is there: the name is still read when whole */
	const char *r;
	r = lie(off_rec_len, 2, 0xffff);
	CHECK(r && strcmp(r, "lie.example") == 0);
	r = lie(off_hs_len, 3, 0xffffff);
	CHECK(r && strcmp(r, "lie.example") == 0);
	r = lie(off_ext_len, 2, 0xffff);
	CHECK(r && strcmp(r, "lie.example") == 0);
	r = lie(off_list_len, 2, 0xffff);
	CHECK(r && strcmp(r, "lie.example") == 0);
	/* ... but never a name running past its container */
	CHECK(lie(off_name_len, 2, 12) == NULL);
	CHECK(lie(off_name_len, 2, 0xffff) == NULL);
	CHECK(lie(off_sni_len, 2, 3) == NULL);
	r = lie(off_name_len, 2, 3); /* a shorter name is a different, valid name */
	CHECK(r && strcmp(r, "lie") == 0);
	/* a zero-length name and an over-long name are not reported */
	flow_begin();
	segn(true, b, build_hello(b, ""));
	CHECK_INT(nrec, 0);
	char longname[300];
	memset(longname, 'a', 299);
	longname[299] = '\0';
	flow_begin();
	segn(true, b, build_hello(b, longname));
	CHECK_INT(nrec, 0);
}

static void test_corruption(void)
{
	uint8_t b[1024], m[1024];
	size_t n = build_hello(b, "fuzz.example");
	uint32_t seed = 12345;
	for (int round = 0; round < 20000; round++) {
		memcpy(m, b, n);
		for (int k = 0; k < 3; k++) {
			seed = seed * 1103515245u + 12345u;
			m[(seed >> 8) % n] = (uint8_t)(seed >> 20);
		}
		flow_begin();
		segn(true, m, n);
		flow_end();
		CHECK(nrec <= 1);
	}
	/* a huge record length keeps the flow waiting until the buffer fills */
	flow_begin();
	segn(true, (const uint8_t *)"\x16\x03\x01\xff\xff\x01\xff\xff\xff", 9);
	for (int i = 0; i < 10; i++)
		segn(true, m, n);
	flow_end();
	CHECK_INT(nrec, 0);
	/* not a handshake record */
	flow_begin();
	segn(true, (const uint8_t *)"\x17\x03\x03\x00\x01\x00", 6);
	flow_end();
	CHECK_INT(nrec, 0);
}

static void test_match(void)
{
	struct dissect_input in = { .payload = (const uint8_t *)"\x16\x03\x05\x00\x10\x01", .len = 6,
				    .from_client = true };
	CHECK(!dissector_tls.match(&in));
	in.payload = (const uint8_t *)"\x16\x03\x00\x00\x10\x01";
	CHECK(dissector_tls.match(&in));
	in.len = 5;
	CHECK(!dissector_tls.match(&in));
	in.payload = (const uint8_t *)"\x16\x03\x01\x00\x10\x02";
	in.len = 6;
	CHECK(!dissector_tls.match(&in));
	CHECK(dissector_tls.state_size <= DISSECT_STATE_MAX);
}

int main(void)
{
	test_normal();
	test_splits();
	test_truncation();
	test_length_lies();
	test_corruption();
	test_match();
	free(state);
	return test_summary();
}
