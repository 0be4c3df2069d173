/* test_dns.c - unit tests for the DNS dissector and the shared DNS wire
 * decoder (names, compression, limits), with hand-made messages. */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#define FACTS_MAX 128
#define FACT_VALUE_MAX 600
#include "datagram_run.h"
#include "dns_msg.h"
#include "proto/dissect.h"
#include "proto/dns_wire.h"
#include "proto/protocols.h"
#include "test.h"

static void run_ports(const uint8_t *p, size_t n, uint16_t sport, uint16_t dport)
{
	datagram_run(&dissector_dns, p, n, sport, dport, 53);
}

static void run(const uint8_t *p, size_t n)
{
	run_ports(p, n, 53, 40000);
}

static bool matches(const uint8_t *p, size_t n, uint16_t sport, uint16_t dport)
{
	return datagram_matches(&dissector_dns, p, n, sport, dport);
}

/* ---- a message builder ---- */

static void header(struct msg *m, unsigned flags, unsigned qd, unsigned an, unsigned ns,
		   unsigned ar)
{
	msg_header(m, 0x1234, flags, qd, an, ns, ar);
}

/* Dotted name as uncompressed labels; ends with a 0 unless ptr >= 0, in
 * which case it ends with a compression pointer to ptr. */
static void name_ptr(struct msg *m, const char *s, int ptr)
{
	msg_name(m, s, '.', ptr);
}

static void name(struct msg *m, const char *s) { name_ptr(m, s, -1); }

static void rr_a(struct msg *m, int owner_ptr, const char *owner, uint8_t a, uint8_t b,
		 uint8_t c, uint8_t d)
{
	name_ptr(m, owner, owner_ptr);
	put16(m, DNS_TYPE_A);
	put16(m, 1);
	put32(m, 300);
	put16(m, 4);
	put8(m, a); put8(m, b); put8(m, c); put8(m, d);
}

static void query(struct msg *m, const char *q)
{
	header(m, 0x0100, 1, 0, 0, 0);
	name(m, q);
	put16(m, DNS_TYPE_A);
	put16(m, 1);
}

static bool addr_is(const struct kaddr *a, const char *text)
{
	struct kaddr want;
	return kaddr_parse(&want, text) && kaddr_eq(a, &want);
}

/* ---- dissector tests ---- */

static void test_query(void)
{
	struct msg m;
	query(&m, "www.Example.com");
	run(m.b, m.n);
	CHECK_INT(nrec, 1);
	CHECK_INT(recs[0].kind, FACT_DNS_QUERY);
	CHECK_INT(recs[0].about, ABOUT_SRC);
	CHECK_STR(recs[0].value, "www.Example.com");
	CHECK_INT(recs[0].len, 15);

	/* two questions, the second compressed against the first */
	header(&m, 0x0100, 2, 0, 0, 0);
	name(&m, "example.com");
	put16(&m, 1); put16(&m, 1);
	name_ptr(&m, "www", 12);
	put16(&m, 28); put16(&m, 1);
	run(m.b, m.n);
	CHECK_INT(nrec, 2);
	CHECK_STR(recs[0].value, "example.com");
	CHECK_STR(recs[1].value, "www.example.com");

	/* the root name is not worth reporting; opcode UPDATE is ignored */
	header(&m, 0x0100, 1, 0, 0, 0);
	put8(&m, 0); put16(&m, 2); put16(&m, 1);
	run(m.b, m.n);
	CHECK_INT(nrec, 0);
	query(&m, "zone.example");
	m.b[2] = 0x28; /* opcode 5 */
	run(m.b, m.n);
	CHECK_INT(nrec, 0);
}

/* Response for www.example.com: CNAME to edge.cdn.net, A and AAAA for the
 * edge, plus an A record for an unrelated name that must not be named. */
static void build_cname_response(struct msg *m)
{
	header(m, 0x8180, 1, 5, 0, 0);
	name(m, "www.example.com");          /* offset 12 */
	put16(m, 1); put16(m, 1);
	name_ptr(m, "", 12);                 /* www.example.com CNAME edge.cdn.net */
	put16(m, DNS_TYPE_CNAME); put16(m, 1); put32(m, 60);
	size_t rdlen_at = m->n;
	put16(m, 0);
	size_t edge = m->n;
	name(m, "edge.cdn.net");
	m->b[rdlen_at + 1] = (uint8_t)(m->n - edge);
	rr_a(m, (int)edge, "", 93, 184, 216, 34);
	name_ptr(m, "", (int)edge);          /* AAAA 2606:2800::1 */
	put16(m, DNS_TYPE_AAAA); put16(m, 1); put32(m, 60); put16(m, 16);
	static const uint8_t v6[16] = {0x26, 0x06, 0x28, 0x00, [15] = 1};
	putn(m, v6, 16);
	rr_a(m, -1, "evil.example.org", 6, 6, 6, 6);
	name_ptr(m, "", (int)edge);          /* A with a bad length: ignored */
	put16(m, DNS_TYPE_A); put16(m, 1); put32(m, 60); put16(m, 3);
	put8(m, 1); put8(m, 2); put8(m, 3);
}

static void test_response(void)
{
	struct msg m;
	build_cname_response(&m);
	run(m.b, m.n);
	CHECK_INT(nrec, 2);
	CHECK_INT(recs[0].kind, FACT_DNS_ANSWER);
	CHECK_INT(recs[0].about, ABOUT_ADDR);
	CHECK_STR(recs[0].value, "www.example.com");
	CHECK(addr_is(&recs[0].addr, "93.184.216.34"));
	CHECK_INT(recs[1].kind, FACT_DNS_ANSWER);
	CHECK_STR(recs[1].value, "www.example.com");
	CHECK(addr_is(&recs[1].addr, "2606:2800::1"));

	/* truncated at every length: never more facts, nothing read out of bounds */
	size_t full = m.n;
	for (size_t n = 0; n < full; n++) {
		run(m.b, n);
		CHECK(nrec <= 2);
	}

	/* the CNAME after the address it leads to still counts */
	header(&m, 0x8180, 1, 2, 0, 0);
	name(&m, "a.example");
	put16(&m, 1); put16(&m, 1);
	rr_a(&m, -1, "b.example", 10, 0, 0, 1);
	name_ptr(&m, "", 12);
	put16(&m, DNS_TYPE_CNAME); put16(&m, 1); put32(&m, 60); put16(&m, 11);
	name(&m, "b.example");
	run(m.b, m.n);
	CHECK_INT(nrec, 1);
	CHECK_STR(recs[0].value, "a.example");
	CHECK(addr_is(&recs[0].addr, "10.0.0.1"));
}

static void test_counts(void)
{
	struct msg m;
	/* ancount claims 65535; only two answers exist */
	header(&m, 0x8180, 1, 0xffff, 0, 0);
	name(&m, "h.example");
	put16(&m, 1); put16(&m, 1);
	rr_a(&m, 12, "", 10, 0, 0, 1);
	rr_a(&m, 12, "", 10, 0, 0, 2);
	run(m.b, m.n);
	CHECK_INT(nrec, 2);

	/* 100 real answers: only the first 64 are examined */
	header(&m, 0x8180, 1, 100, 0, 0);
	name(&m, "h.example");
	put16(&m, 1); put16(&m, 1);
	for (unsigned i = 0; i < 100; i++)
		rr_a(&m, 12, "", 10, 0, 0, (uint8_t)i);
	run(m.b, m.n);
	CHECK_INT(nrec, 64);

	/* qdcount 65535 in a query: reports what is there, at most 4 */
	header(&m, 0x0100, 0xffff, 0, 0, 0);
	for (int i = 0; i < 6; i++) {
		name(&m, "q.example");
		put16(&m, 1); put16(&m, 1);
	}
	run(m.b, m.n);
	CHECK_INT(nrec, 4);

	/* a response with more questions than we allow is ignored */
	header(&m, 0x8180, 9, 1, 0, 0);
	for (int i = 0; i < 9; i++) {
		name(&m, "q.example");
		put16(&m, 1); put16(&m, 1);
	}
	rr_a(&m, 12, "", 10, 0, 0, 9);
	run(m.b, m.n);
	CHECK_INT(nrec, 0);
}

static void test_hostile_names(void)
{
	struct msg m;
	/* pointer to itself */
	header(&m, 0x0100, 1, 0, 0, 0);
	put16(&m, 0xc00c);
	put16(&m, 1); put16(&m, 1);
	run(m.b, m.n);
	CHECK_INT(nrec, 0);

	/* label then a pointer back to the start of the same name (loop) */
	header(&m, 0x0100, 1, 0, 0, 0);
	name_ptr(&m, "a", 12);
	put16(&m, 1); put16(&m, 1);
	run(m.b, m.n);
	CHECK_INT(nrec, 0);

	/* forward pointer to a valid name later in the message: rejected */
	header(&m, 0x0100, 1, 0, 0, 0);
	put16(&m, 0xc000 | 18);
	put16(&m, 1); put16(&m, 1);
	name(&m, "fwd.example");
	run(m.b, m.n);
	CHECK_INT(nrec, 0);

	/* label length 64 (0x40 type) and 0x80 type */
	query(&m, "x.example");
	m.b[12] = 0x40;
	run(m.b, m.n);
	CHECK_INT(nrec, 0);
	m.b[12] = 0x81;
	run(m.b, m.n);
	CHECK_INT(nrec, 0);

	/* pointer past the end of the message */
	header(&m, 0x0100, 1, 0, 0, 0);
	put16(&m, 0xffff);
	run(m.b, m.n);
	CHECK_INT(nrec, 0);
}

/* ---- wire decoder tests ---- */

static char l63[64];

static bool decode_at(const struct msg *m, size_t off, struct dns_name *out, size_t *end)
{
	struct dns_msg dm;
	if (!dns_msg_init(&dm, m->b, m->n))
		return false;
	struct cursor c = dns_msg_cursor(&dm, off);
	bool ok = dns_name_read(&dm, &c, out);
	*end = c.off;
	CHECK(ok == !c.err);
	return ok;
}

static void test_wire_lengths(void)
{
	struct msg m;
	struct dns_name n;
	size_t end;
	char buf[300];
	memset(l63, 'a', 63);

	/* 63+63+63+61 labels: 255 octets on the wire, 253 bytes of text */
	header(&m, 0, 0, 0, 0, 0);
	snprintf(buf, sizeof buf, "%s.%s.%s.%.61s", l63, l63, l63, l63);
	name(&m, buf);
	CHECK(decode_at(&m, 12, &n, &end));
	CHECK_INT(n.len, 253);
	CHECK_INT(n.nlabels, 4);
	CHECK_INT(end, m.n);
	CHECK_STR(n.text, buf);

	/* one more octet: 256 on the wire */
	header(&m, 0, 0, 0, 0, 0);
	snprintf(buf, sizeof buf, "%s.%s.%s.%.62s", l63, l63, l63, l63);
	name(&m, buf);
	CHECK(!decode_at(&m, 12, &n, &end));
	CHECK_INT(n.len, 0);

	/* too long only after decompression */
	header(&m, 0, 0, 0, 0, 0);
	snprintf(buf, sizeof buf, "%s.%s", l63, l63);
	name(&m, buf);                   /* at 12: 129 octets */
	size_t second = m.n;
	snprintf(buf, sizeof buf, "%s.%s", l63, l63);
	name_ptr(&m, buf, 12);           /* 128 + 129 = 257 */
	CHECK(!decode_at(&m, second, &n, &end));

	/* 127 one-byte labels (255 octets) is the most labels allowed */
	header(&m, 0, 0, 0, 0, 0);
	for (int i = 0; i < 127; i++) {
		put8(&m, 1);
		put8(&m, 'x');
	}
	put8(&m, 0);
	CHECK(decode_at(&m, 12, &n, &end));
	CHECK_INT(n.nlabels, 127);
	CHECK_INT(n.len, 253);
}

static void test_wire_pointers(void)
{
	struct msg m;
	struct dns_name n;
	size_t end;

	/* chains of pointers to pointers: 128 jumps allowed, 129 not */
	header(&m, 0, 0, 0, 0, 0);
	name(&m, "com");                 /* at 12 */
	size_t prev = 12, at[200];
	for (int i = 0; i < 200; i++) {
		at[i] = m.n;
		put16(&m, 0xc000 | (unsigned)prev);
		prev = at[i];
	}
	CHECK(decode_at(&m, at[127], &n, &end));
	CHECK_STR(n.text, "com");
	CHECK_INT(end, at[127] + 2);     /* the cursor stops after the first pointer */
	CHECK(!decode_at(&m, at[128], &n, &end));

	/* backward pointer into the middle of an earlier name */
	header(&m, 0, 0, 0, 0, 0);
	name(&m, "www.example.com");     /* "example" starts at 16 */
	size_t second = m.n;
	name_ptr(&m, "mail", 16);
	CHECK(decode_at(&m, second, &n, &end));
	CHECK_STR(n.text, "mail.example.com");
	CHECK_INT(end, m.n);

	/* A -> B -> A where B is a pointer into the first run */
	header(&m, 0, 0, 0, 0, 0);
	put8(&m, 1); put8(&m, 'a');      /* 12: "a" */
	put16(&m, 0xc000 | 16);          /* 14: -> 16 (forward) */
	put16(&m, 0xc000 | 12);          /* 16: -> 12 */
	CHECK(!decode_at(&m, 12, &n, &end));
	CHECK(!decode_at(&m, 16, &n, &end));

	/* truncated pointer, truncated label */
	header(&m, 0, 0, 0, 0, 0);
	put8(&m, 0xc0);
	CHECK(!decode_at(&m, 12, &n, &end));
	header(&m, 0, 0, 0, 0, 0);
	put8(&m, 5); putn(&m, "abc", 3);
	CHECK(!decode_at(&m, 12, &n, &end));
}

static void test_wire_labels(void)
{
	struct msg m;
	struct dns_name a, b;
	size_t end, len;

	header(&m, 0, 0, 0, 0, 0);
	put8(&m, 6); putn(&m, "My.Lab", 6);
	name(&m, "LOCAL");
	CHECK(decode_at(&m, 12, &a, &end));
	CHECK_INT(a.nlabels, 2);
	CHECK_STR(a.text, "My.Lab.LOCAL");
	const char *l = dns_label(&a, 0, &len);
	CHECK_INT(len, 6);
	CHECK(memcmp(l, "My.Lab", 6) == 0);
	CHECK(dns_label_is(&a, 1, "local"));
	CHECK(!dns_label_is(&a, 2, "local"));
	l = dns_name_from(&a, 1, &len);
	CHECK_INT(len, 5);
	CHECK(memcmp(l, "LOCAL", 5) == 0);

	/* same text, different label boundaries: not equal */
	header(&m, 0, 0, 0, 0, 0);
	name(&m, "my.lab.local");
	CHECK(decode_at(&m, 12, &b, &end));
	CHECK_STR(b.text, "my.lab.local");
	CHECK(!dns_name_eq(&a, &b));
	header(&m, 0, 0, 0, 0, 0);
	put8(&m, 6); putn(&m, "MY.LAB", 6);
	name(&m, "local");
	CHECK(decode_at(&m, 12, &b, &end));
	CHECK(dns_name_eq(&a, &b));
	CHECK_INT(dns_name_hash(&a), dns_name_hash(&b));

	/* the root name */
	header(&m, 0, 0, 0, 0, 0);
	put8(&m, 0);
	CHECK(decode_at(&m, 12, &a, &end));
	CHECK_INT(a.len, 0);
	CHECK_INT(a.nlabels, 0);
}

static void test_match(void)
{
	struct msg m;
	query(&m, "a.example");
	CHECK(matches(m.b, m.n, 40000, 53));
	CHECK(matches(m.b, m.n, 53, 40000));
	CHECK(!matches(m.b, m.n, 5353, 53));
	CHECK(!matches(m.b, m.n, 5353, 5353));
	CHECK(!matches(m.b, m.n, 40000, 40001));
	CHECK(!matches(m.b, 11, 40000, 53));
	CHECK_STR(dissector_dns.name, "dns");
	CHECK_INT(dissector_dns.l4_proto, IPPROTO_UDP);
	CHECK_INT(dissector_dns.state_size, 0);
}

static void test_truncated_query(void)
{
	struct msg m;
	query(&m, "truncated.example.com");
	for (size_t n = 0; n < m.n; n++) {
		run(m.b, n);
		CHECK_INT(nrec, 0);
	}
	run(m.b, m.n);
	CHECK_INT(nrec, 1);
}

int main(void)
{
	test_query();
	test_response();
	test_counts();
	test_hostile_names();
	test_wire_lengths();
	test_wire_pointers();
	test_wire_labels();
	test_match();
	test_truncated_query();
	return test_summary();
}
