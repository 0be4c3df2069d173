/* test_decode_robust.c - the decoder on broken input: frames truncated at
 * every byte, bad IHL, bad TCP data offset, UDP length lies, IP lengths that
 * contradict the headers, absurd IPv6 extension chains and VLAN stacks, and
 * a seeded random-mutation run that checks the decoder's invariants. */
#include <stdlib.h>

#include "decode/packet.h"
#include "frames.h"
#include "test.h"

static struct packet P;

static enum decode_status dec_n(int lt, const struct fb *f, size_t n)
{
	return decode_packet(lt, f->b, (uint32_t)n, &P);
}

static enum decode_status dec(int lt, const struct fb *f)
{
	return dec_n(lt, f, f->n);
}

static const int LINKS[] = {LINK_NULL, LINK_ETHERNET, LINK_RAW, LINK_DLT_RAW, LINK_DLT_RAW_ALT,
			    LINK_LOOP, LINK_SLL, LINK_IPV4, LINK_IPV6, LINK_SLL2};
enum { NLINKS = sizeof LINKS / sizeof LINKS[0] };

/* What must hold after any decode of data[0..n). */
static bool invariants(const uint8_t *data, size_t n)
{
	if (P.payload_len && (P.payload < data || P.payload + P.payload_len > data + n))
		return false;
	if (P.has_l4 && P.ip_version == 0)
		return false;
	if (P.is_first_fragment && !P.is_fragment)
		return false;
	if (P.is_fragment && !P.is_first_fragment && P.has_l4)
		return false;
	return P.vlan_count <= 2 && P.caplen == n;
}

static void test_truncated_tcp(void)
{
	struct fb f = {0};
	eth(&f, 0x0800);
	size_t ip = ip4(&f, 6, 0, 1, 0);
	tcp(&f, 1000, 80, TCP_SYN, 12);
	putmem(&f, "GET /", 5);
	ip4_end(&f, ip);
	const size_t hdrs = 14 + 20 + 32;
	CHECK_INT(f.n, hdrs + 5);
	int bad = 0;
	for (size_t n = 0; n <= f.n; n++) {
		enum decode_status st = dec_n(LINK_ETHERNET, &f, n);
		bad += st != (n < hdrs ? DECODE_TRUNCATED : DECODE_OK);
		bad += P.has_mac != (n >= 14);
		bad += (P.ip_version == 4) != (n >= 34);
		bad += P.has_l4 != (n >= 54); /* fixed header there, options maybe not */
		bad += P.payload_len != (n > hdrs ? n - hdrs : 0);
		bad += !invariants(f.b, n);
	}
	CHECK_INT(bad, 0);

	/* the same with IPv4 options: cut inside the options is TRUNCATED */
	struct fb o = {0};
	eth(&o, 0x0800);
	ip = ip4(&o, 6, 8, 1, 0);
	tcp(&o, 1000, 80, TCP_SYN, 0);
	ip4_end(&o, ip);
	bad = 0;
	for (size_t n = 0; n <= o.n; n++)
		bad += dec_n(LINK_ETHERNET, &o, n) != (n < o.n ? DECODE_TRUNCATED : DECODE_OK);
	CHECK_INT(bad, 0);
}

static void test_truncated_v6_vlan(void)
{
	struct fb f = {0};
	eth(&f, 0x8100);
	vlan(&f, 7, 0x86dd);
	size_t v6 = ip6(&f, 0);
	ext6(&f, 44, 1);
	frag6(&f, 17, 0, 1, 77);
	size_t u = udp(&f, 9, 10);
	putfill(&f, 1, 3);
	udp_end(&f, u);
	ip6_end(&f, v6);
	const size_t hdrs = 18 + 40 + 16 + 8 + 8;
	int bad = 0;
	for (size_t n = 0; n <= f.n; n++) {
		enum decode_status st = dec_n(LINK_ETHERNET, &f, n);
		bad += st != (n < hdrs ? DECODE_TRUNCATED : DECODE_OK);
		bad += P.vlan_count != (n >= 18);
		bad += (P.ip_version == 6) != (n >= 58);
		bad += P.has_l4 != (n >= hdrs);
		bad += !invariants(f.b, n);
	}
	CHECK_INT(bad, 0);

	struct fb s = {0};
	sll(&s, 1, 6, 0x0806);
	arp(&s, 1, ARP_REQUEST);
	bad = 0;
	for (size_t n = 0; n <= s.n; n++) {
		bad += dec_n(LINK_SLL, &s, n) != (n < s.n ? DECODE_TRUNCATED : DECODE_OK);
		bad += P.is_arp != (n == s.n);
	}
	CHECK_INT(bad, 0);
}

/* Every prefix of a frame under every link type: no crash, invariants hold. */
static void test_every_prefix_every_link(void)
{
	struct fb f = {0};
	sll2(&f, 1, 6, 0x86dd);
	size_t v6 = ip6(&f, 60);
	ext6(&f, 58, 2);
	icmp(&f, 1, 4, 0);
	putfill(&f, 0x45, 60);
	ip6_end(&f, v6);
	int bad = 0;
	for (int l = 0; l < NLINKS; l++)
		for (size_t n = 0; n <= f.n; n++) {
			dec_n(LINKS[l], &f, n);
			bad += !invariants(f.b, n);
		}
	CHECK_INT(bad, 0);
}

static void test_bad_ipv4(void)
{
	struct fb f = {0};
	eth(&f, 0x0800);
	size_t ip = ip4(&f, 6, 0, 1, 0);
	tcp(&f, 1, 2, TCP_ACK, 0);
	ip4_end(&f, ip);
	for (uint8_t ihl = 0; ihl < 5; ihl++) {
		f.b[ip] = (uint8_t)(0x40 | ihl);
		CHECK_INT(dec(LINK_ETHERNET, &f), DECODE_MALFORMED);
		CHECK(!P.has_l4);
	}
	f.b[ip] = 0x4f; /* 60-byte header: longer than the total length */
	CHECK_INT(dec(LINK_ETHERNET, &f), DECODE_MALFORMED);
	f.b[ip] = 0x45;
	static const uint16_t totals[] = {0, 1, 19};
	for (int i = 0; i < 3; i++) {
		set16(&f, ip + 2, totals[i]);
		CHECK_INT(dec(LINK_ETHERNET, &f), DECODE_MALFORMED);
		CHECK(!P.has_l4);
	}
	set16(&f, ip + 2, 20); /* header only: TCP does not fit */
	CHECK_INT(dec(LINK_ETHERNET, &f), DECODE_MALFORMED);
	CHECK(!P.has_l4);
	set16(&f, ip + 2, 30);
	CHECK_INT(dec(LINK_ETHERNET, &f), DECODE_MALFORMED);
	set16(&f, ip + 2, 40);
	f.b[ip] = 0x65; /* version 6 under ethertype 0x0800 */
	CHECK_INT(dec(LINK_ETHERNET, &f), DECODE_MALFORMED);
	CHECK_INT(P.ip_version, 0);
	CHECK_INT(dec_n(LINK_ETHERNET, &f, 15), DECODE_MALFORMED);
}

static void test_bad_tcp(void)
{
	struct fb f = {0};
	eth(&f, 0x0800);
	size_t ip = ip4(&f, 6, 0, 1, 0);
	size_t t = f.n;
	tcp(&f, 1, 2, TCP_ACK, 0);
	putfill(&f, 'p', 20);
	ip4_end(&f, ip);
	for (uint8_t off = 0; off < 5; off++) {
		f.b[t + 12] = (uint8_t)(off << 4);
		CHECK_INT(dec(LINK_ETHERNET, &f), DECODE_MALFORMED);
		CHECK(!P.has_l4);
		CHECK_INT(P.payload_len, 0);
	}
	f.b[t + 12] = 10 << 4; /* 40 bytes: exactly the segment */
	CHECK_INT(dec(LINK_ETHERNET, &f), DECODE_OK);
	CHECK(P.has_l4);
	CHECK_INT(P.payload_len, 0);
	f.b[t + 12] = 11 << 4; /* 44 bytes: more than the IP length allows */
	CHECK_INT(dec(LINK_ETHERNET, &f), DECODE_MALFORMED);
	CHECK(!P.has_l4);
	f.b[t + 12] = 15 << 4; /* IP claims enough, but the capture is cut */
	set16(&f, ip + 2, 100);
	CHECK_INT(dec(LINK_ETHERNET, &f), DECODE_TRUNCATED);
	CHECK(P.has_l4);
	CHECK_INT(P.src_port, 1);
}

static void test_udp_lies(void)
{
	struct fb f = {0};
	eth(&f, 0x0800);
	size_t ip = ip4(&f, 17, 0, 1, 0);
	size_t u = udp(&f, 1, 2);
	putfill(&f, 'u', 12);
	udp_end(&f, u);
	ip4_end(&f, ip);
	static const uint16_t lies[] = {0, 1, 7, 21, 0xffff};
	for (int i = 0; i < 5; i++) {
		set16(&f, u + 4, lies[i]);
		CHECK_INT(dec(LINK_ETHERNET, &f), DECODE_MALFORMED);
		CHECK(!P.has_l4);
		CHECK_INT(P.payload_len, 0);
	}
	set16(&f, u + 4, 8);
	CHECK_INT(dec(LINK_ETHERNET, &f), DECODE_OK);
	CHECK_INT(P.payload_len, 0);
	set16(&f, u + 4, 20);
	set16(&f, ip + 2, 24); /* IP payload shorter than a UDP header */
	CHECK_INT(dec(LINK_ETHERNET, &f), DECODE_MALFORMED);
	set16(&f, ip + 2, 48); /* consistent lengths, capture cut: payload clipped */
	set16(&f, u + 4, 28);
	CHECK_INT(dec(LINK_ETHERNET, &f), DECODE_OK);
	CHECK_INT(P.payload_len, 12);
	CHECK_INT(dec_n(LINK_ETHERNET, &f, f.n - 5), DECODE_OK);
	CHECK_INT(P.payload_len, 7);
}

static void test_absurd_chains(void)
{
	for (int count = 1; count <= 9; count++) { /* 8 extension headers allowed */
		struct fb f = {0};
		size_t v6 = ip6(&f, 60);
		for (int i = 0; i < count; i++)
			ext6(&f, i == count - 1 ? 6 : 60, 0);
		tcp(&f, 1, 2, TCP_SYN, 0);
		ip6_end(&f, v6);
		CHECK_INT(dec(LINK_IPV6, &f), count <= 8 ? DECODE_OK : DECODE_MALFORMED);
		CHECK(P.has_l4 == (count <= 8));
	}
	struct fb h = {0}; /* 200 hop-by-hop headers */
	size_t v6 = ip6(&h, 0);
	for (int i = 0; i < 200; i++)
		ext6(&h, 0, 0);
	ip6_end(&h, v6);
	CHECK_INT(dec(LINK_RAW, &h), DECODE_MALFORMED);
	CHECK(!P.has_l4);

	struct fb b = {0}; /* extension header longer than the payload length */
	v6 = ip6(&b, 43);
	ext6(&b, 6, 0);
	b.b[41] = 255;
	putfill(&b, 0, 40);
	ip6_end(&b, v6);
	CHECK_INT(dec(LINK_IPV6, &b), DECODE_MALFORMED);
	set16(&b, 4, 2048 + 20);
	CHECK_INT(dec(LINK_IPV6, &b), DECODE_TRUNCATED); /* fits the claim, not the capture */
	set16(&b, 4, 4); /* payload length shorter than any extension header */
	CHECK_INT(dec(LINK_IPV6, &b), DECODE_MALFORMED);
	set16(&b, 4, 0); /* zero payload length, TCP next: nothing fits */
	b.b[6] = 6;
	CHECK_INT(dec(LINK_IPV6, &b), DECODE_MALFORMED);

	struct fb j = {0}; /* jumbogram: payload length 0, hop-by-hop first */
	v6 = ip6(&j, 0);
	put8(&j, 17);
	put8(&j, 0);
	put8(&j, 0xc2); /* jumbo payload option */
	put8(&j, 4);
	put32(&j, 70000);
	size_t u = udp(&j, 7, 8);
	putfill(&j, 'j', 100);
	udp_end(&j, u);
	CHECK_INT(dec(LINK_IPV6, &j), DECODE_OK);
	CHECK_INT(P.ip_len, j.n);
	CHECK_INT(P.dst_port, 8);
	CHECK_INT(P.payload_len, 100);
	j.n = 40 + 8 + 4; /* cut inside UDP: truncated, not malformed */
	CHECK_INT(dec(LINK_IPV6, &j), DECODE_TRUNCATED);

	struct fb v = {0}; /* nine VLAN tags */
	eth(&v, 0x8100);
	for (int i = 0; i < 9; i++)
		vlan(&v, (uint16_t)i, i == 8 ? 0x0806 : 0x8100);
	arp(&v, 1, 1);
	CHECK_INT(dec(LINK_ETHERNET, &v), DECODE_MALFORMED);
	CHECK(!P.is_arp);
}

static uint32_t rng = 2463534242u;
static uint32_t xorshift(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* Seeded mutations of a few valid frames under every link type. */
static void test_random_mutations(void)
{
	static struct fb seeds[3];
	eth(&seeds[0], 0x8100);
	vlan(&seeds[0], 5, 0x0800);
	size_t ip = ip4(&seeds[0], 6, 4, 1, 0);
	tcp(&seeds[0], 1, 2, TCP_SYN, 8);
	ip4_end(&seeds[0], ip);
	size_t v6 = ip6(&seeds[1], 0);
	ext6(&seeds[1], 44, 0);
	frag6(&seeds[1], 17, 0, 1, 3);
	size_t u = udp(&seeds[1], 1, 2);
	putfill(&seeds[1], 0, 10);
	udp_end(&seeds[1], u);
	ip6_end(&seeds[1], v6);
	sll(&seeds[2], 1, 6, 0x0806);
	arp(&seeds[2], 1, 2);
	int bad = 0;
	struct fb m;
	for (int it = 0; it < 200000; it++) {
		m = seeds[it % 3];
		int flips = 1 + (int)(xorshift() % 4);
		for (int k = 0; k < flips; k++)
			m.b[xorshift() % m.n] = (uint8_t)xorshift();
		size_t n = xorshift() % 4 ? m.n : xorshift() % (m.n + 1);
		enum decode_status st = dec_n(LINKS[xorshift() % NLINKS], &m, n);
		bad += st > DECODE_UNSUPPORTED || !invariants(m.b, n);
	}
	CHECK_INT(bad, 0);
}

int main(void)
{
	test_truncated_tcp();
	test_truncated_v6_vlan();
	test_every_prefix_every_link();
	test_bad_ipv4();
	test_bad_tcp();
	test_udp_lies();
	test_absurd_chains();
	test_random_mutations();
	return test_summary();
}
