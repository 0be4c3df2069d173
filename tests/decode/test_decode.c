/* test_decode.c - unit tests for the packet decoder, layer by layer, on
 * hand-built frames: Ethernet, VLAN/QinQ, SLL/SLL2, null/loop, raw IP, ARP,
 * IPv4 (options, fragments), IPv6 (extension chain), TCP, UDP, ICMP/ICMPv6.
 * Truncation and malformed input are in test_decode_robust.c. */
#include "decode/packet.h"
#include "frames.h"
#include "test.h"

static struct packet P;

static enum decode_status dec(int lt, const struct fb *f)
{
	return decode_packet(lt, f->b, (uint32_t)f->n, &P);
}

static bool ip_is(const struct kaddr *a, const char *s)
{
	struct kaddr w;
	return kaddr_parse(&w, s) && kaddr_eq(a, &w);
}

static void test_eth_ipv4_tcp(void)
{
	struct fb f = {0};
	eth(&f, 0x0800);
	size_t ip = ip4(&f, 6, 0, 0x1234, 0x4000);
	tcp(&f, 49152, 443, TCP_SYN | TCP_ACK, 12);
	putmem(&f, "hello", 5);
	ip4_end(&f, ip);
	P.ts_us = 42;
	P.wirelen = 999;
	CHECK_INT(dec(LINK_ETHERNET, &f), DECODE_OK);
	CHECK_INT(P.ts_us, 42);
	CHECK_INT(P.wirelen, 999);
	CHECK_INT(P.caplen, f.n);
	CHECK(P.data == f.b);
	CHECK(P.has_mac && P.has_dst_mac);
	CHECK(memcmp(P.src_mac, MAC_A, 6) == 0);
	CHECK(memcmp(P.dst_mac, MAC_B, 6) == 0);
	CHECK_INT(P.vlan_count, 0);
	CHECK_INT(P.ethertype, 0x0800);
	CHECK(!P.is_arp);
	CHECK_INT(P.ip_version, 4);
	CHECK(ip_is(&P.src_ip, "192.168.1.10"));
	CHECK(ip_is(&P.dst_ip, "8.8.4.4"));
	CHECK_INT(P.ttl, 64);
	CHECK_INT(P.l4_proto, 6);
	CHECK_INT(P.ip_len, 20 + 32 + 5);
	CHECK(!P.is_fragment);
	CHECK(P.has_l4);
	CHECK_INT(P.src_port, 49152);
	CHECK_INT(P.dst_port, 443);
	CHECK_INT(P.tcp_flags, TCP_SYN | TCP_ACK);
	CHECK_INT(P.tcp_seq, 0x11223344);
	CHECK_INT(P.tcp_ack, 0x55667788);
	CHECK_INT(P.tcp_window, 29200);
	CHECK_INT(P.payload_len, 5);
	CHECK(P.payload == f.b + 14 + 20 + 32);
	CHECK(P.payload && memcmp(P.payload, "hello", 5) == 0);
}

static void test_eth_padding(void)
{
	struct fb f = {0};
	eth(&f, 0x0800);
	size_t ip = ip4(&f, 6, 0, 1, 0);
	tcp(&f, 1, 2, TCP_ACK, 0);
	ip4_end(&f, ip);
	putfill(&f, 0xee, 6); /* pad to 60 */
	CHECK_INT(f.n, 60);
	CHECK_INT(dec(LINK_ETHERNET, &f), DECODE_OK);
	CHECK(P.has_l4);
	CHECK_INT(P.payload_len, 0);
	CHECK_INT(P.ip_len, 40);

	/* IP claims more than was captured: payload clipped to the capture */
	struct fb g = {0};
	eth(&g, 0x0800);
	ip = ip4(&g, 17, 0, 1, 0);
	size_t u = udp(&g, 53, 53);
	putfill(&g, 'x', 100);
	udp_end(&g, u);
	ip4_end(&g, ip);
	g.n -= 60;
	CHECK_INT(dec(LINK_ETHERNET, &g), DECODE_OK);
	CHECK_INT(P.payload_len, 40);
	CHECK_INT(P.ip_len, 128);
}

static void test_vlan(void)
{
	struct fb f = {0};
	eth(&f, 0x8100);
	vlan(&f, 0x2064, 0x0800); /* PCP 1, VID 100 */
	size_t ip = ip4(&f, 17, 0, 1, 0);
	size_t u = udp(&f, 5353, 5353);
	putmem(&f, "mdns", 4);
	udp_end(&f, u);
	ip4_end(&f, ip);
	CHECK_INT(dec(LINK_ETHERNET, &f), DECODE_OK);
	CHECK_INT(P.vlan_count, 1);
	CHECK_INT(P.vlan_id[0], 100);
	CHECK_INT(P.ethertype, 0x0800);
	CHECK_INT(P.dst_port, 5353);
	CHECK_INT(P.payload_len, 4);

	static const uint16_t outer[] = {0x88a8, 0x9100, 0x8100};
	for (int i = 0; i < 3; i++) {
		struct fb q = {0};
		eth(&q, outer[i]);
		vlan(&q, 10, 0x8100);
		vlan(&q, 0xf14, 0x86dd);
		size_t v6 = ip6(&q, 59);
		ip6_end(&q, v6);
		CHECK_INT(dec(LINK_ETHERNET, &q), DECODE_OK);
		CHECK_INT(P.vlan_count, 2);
		CHECK_INT(P.vlan_id[0], 10);
		CHECK_INT(P.vlan_id[1], 0xf14);
		CHECK_INT(P.ethertype, 0x86dd);
		CHECK_INT(P.ip_version, 6);
		CHECK_INT(P.l4_proto, 59);
	}

	/* three tags: the third is skipped */
	struct fb t = {0};
	eth(&t, 0x88a8);
	vlan(&t, 1, 0x8100);
	vlan(&t, 2, 0x8100);
	vlan(&t, 3, 0x0806);
	arp(&t, 1, ARP_REQUEST);
	CHECK_INT(dec(LINK_ETHERNET, &t), DECODE_OK);
	CHECK_INT(P.vlan_count, 2);
	CHECK_INT(P.vlan_id[1], 2);
	CHECK(P.is_arp);
}

static void test_sll(void)
{
	struct fb f = {0};
	sll(&f, 1, 6, 0x0800);
	size_t ip = ip4(&f, 17, 0, 7, 0);
	size_t u = udp(&f, 68, 67);
	putfill(&f, 0, 10);
	udp_end(&f, u);
	ip4_end(&f, ip);
	CHECK_INT(dec(LINK_SLL, &f), DECODE_OK);
	CHECK(P.has_mac);
	CHECK(!P.has_dst_mac);
	CHECK(memcmp(P.src_mac, MAC_A, 6) == 0);
	CHECK_INT(P.ethertype, 0x0800);
	CHECK_INT(P.src_port, 68);
	CHECK_INT(P.payload_len, 10);

	struct fb n = {0}; /* no 6-byte address (e.g. a tunnel) */
	sll(&n, 65534, 0, 0x86dd);
	size_t v6 = ip6(&n, 59);
	ip6_end(&n, v6);
	CHECK_INT(dec(LINK_SLL, &n), DECODE_OK);
	CHECK(!P.has_mac);
	CHECK_INT(P.ip_version, 6);

	struct fb a = {0};
	sll(&a, 1, 6, 0x0806);
	arp(&a, 1, ARP_REPLY);
	CHECK_INT(dec(LINK_SLL, &a), DECODE_OK);
	CHECK(P.is_arp);
	CHECK_INT(P.arp_op, ARP_REPLY);

	struct fb v = {0}; /* VLAN tag left in the SLL payload */
	sll(&v, 1, 6, 0x8100);
	vlan(&v, 42, 0x0806);
	arp(&v, 1, ARP_REQUEST);
	CHECK_INT(dec(LINK_SLL, &v), DECODE_OK);
	CHECK_INT(P.vlan_count, 1);
	CHECK_INT(P.vlan_id[0], 42);
	CHECK(P.is_arp);

	struct fb nl = {0}; /* netlink: protocol is not an ethertype */
	sll(&nl, 824, 0, 0x0800);
	putfill(&nl, 0x45, 40);
	CHECK_INT(dec(LINK_SLL, &nl), DECODE_UNSUPPORTED);
	CHECK_INT(P.ip_version, 0);

	struct fb can = {0};
	sll(&can, 280, 0, 0x000c);
	putfill(&can, 0, 16);
	CHECK_INT(dec(LINK_SLL, &can), DECODE_UNSUPPORTED);
}

static void test_sll2(void)
{
	struct fb f = {0};
	sll2(&f, 1, 6, 0x86dd);
	size_t v6 = ip6(&f, 17);
	size_t u = udp(&f, 546, 547);
	putfill(&f, 7, 3);
	udp_end(&f, u);
	ip6_end(&f, v6);
	CHECK_INT(f.n, 20 + 40 + 11);
	CHECK_INT(dec(LINK_SLL2, &f), DECODE_OK);
	CHECK(P.has_mac && !P.has_dst_mac);
	CHECK(memcmp(P.src_mac, MAC_A, 6) == 0);
	CHECK_INT(P.ethertype, 0x86dd);
	CHECK_INT(P.ip_version, 6);
	CHECK(ip_is(&P.src_ip, "fe80::211:22ff:fe33:4455"));
	CHECK(ip_is(&P.dst_ip, "2001:db8::1"));
	CHECK_INT(P.ttl, 255);
	CHECK_INT(P.ip_len, 51);
	CHECK_INT(P.dst_port, 547);
	CHECK_INT(P.payload_len, 3);
	f.n = 19;
	CHECK_INT(dec(LINK_SLL2, &f), DECODE_TRUNCATED);
}

static void test_raw_and_null(void)
{
	struct fb f4 = {0};
	size_t ip = ip4(&f4, 1, 0, 1, 0);
	icmp(&f4, 8, 0, 0x00010002);
	putmem(&f4, "ping", 4);
	ip4_end(&f4, ip);
	static const int v4links[] = {LINK_RAW, LINK_DLT_RAW, LINK_DLT_RAW_ALT, LINK_IPV4};
	for (int i = 0; i < 4; i++) {
		CHECK_INT(dec(v4links[i], &f4), DECODE_OK);
		CHECK_INT(P.ip_version, 4);
		CHECK(!P.has_mac);
		CHECK_INT(P.ethertype, 0);
		CHECK_INT(P.icmp_type, 8);
		CHECK_INT(P.payload_len, 4);
	}
	CHECK_INT(dec(LINK_IPV6, &f4), DECODE_MALFORMED);
	CHECK_INT(P.ip_version, 0);

	struct fb f6 = {0};
	size_t v6 = ip6(&f6, 58);
	icmp(&f6, 128, 0, 0);
	ip6_end(&f6, v6);
	CHECK_INT(dec(LINK_RAW, &f6), DECODE_OK);
	CHECK_INT(P.ip_version, 6);
	CHECK_INT(P.icmp_type, 128);
	CHECK_INT(dec(LINK_IPV6, &f6), DECODE_OK);
	CHECK_INT(P.l4_proto, 58);
	CHECK_INT(dec(LINK_IPV4, &f6), DECODE_MALFORMED);

	struct fb bad = {0};
	put8(&bad, 0x50);
	putfill(&bad, 0, 39);
	CHECK_INT(dec(LINK_RAW, &bad), DECODE_MALFORMED);

	/* null: host order (little-endian here), loop: network order */
	struct fb n = {0};
	put32(&n, 0x02000000);
	putmem(&n, f4.b, f4.n);
	CHECK_INT(dec(LINK_NULL, &n), DECODE_OK);
	CHECK_INT(P.icmp_type, 8);
	struct fb l = {0};
	put32(&l, 24);
	putmem(&l, f6.b, f6.n);
	CHECK_INT(dec(LINK_LOOP, &l), DECODE_OK);
	CHECK_INT(P.ip_version, 6);
	struct fb m = {0};
	put32(&m, 0x1e000000); /* macOS AF_INET6, little-endian */
	putmem(&m, f6.b, f6.n);
	CHECK_INT(dec(LINK_NULL, &m), DECODE_OK);
	CHECK_INT(P.ip_version, 6);
	struct fb x = {0};
	put32(&x, 7);
	putmem(&x, f4.b, f4.n);
	CHECK_INT(dec(LINK_NULL, &x), DECODE_UNSUPPORTED);
}

static void test_arp(void)
{
	struct fb f = {0};
	eth(&f, 0x0806);
	arp(&f, 1, ARP_REQUEST);
	putfill(&f, 0, 18);
	CHECK_INT(dec(LINK_ETHERNET, &f), DECODE_OK);
	CHECK(P.is_arp);
	CHECK_INT(P.ethertype, 0x0806);
	CHECK_INT(P.arp_op, ARP_REQUEST);
	CHECK(memcmp(P.arp_sha, MAC_A, 6) == 0);
	CHECK(mac_is_zero(P.arp_tha));
	CHECK(ip_is(&P.arp_spa, "192.168.1.10"));
	CHECK(ip_is(&P.arp_tpa, "8.8.4.4"));
	CHECK_INT(P.ip_version, 0);
	CHECK(!P.has_l4);

	struct fb t = {0}; /* IEEE 802 hardware type: not decoded */
	eth(&t, 0x0806);
	arp(&t, 6, ARP_REQUEST);
	CHECK_INT(dec(LINK_ETHERNET, &t), DECODE_UNSUPPORTED);
	CHECK(!P.is_arp);

	f.n = 14 + 27;
	CHECK_INT(dec(LINK_ETHERNET, &f), DECODE_TRUNCATED);
	CHECK(!P.is_arp);
}

static void test_ipv4_options(void)
{
	struct fb f = {0};
	eth(&f, 0x0800);
	size_t ip = ip4(&f, 17, 4, 1, 0);
	f.b[f.n - 4] = 0x94; /* router alert */
	f.b[f.n - 3] = 4;
	f.b[f.n - 2] = 0;
	f.b[f.n - 1] = 0;
	size_t u = udp(&f, 1900, 1900);
	putmem(&f, "M-SEARCH", 8);
	udp_end(&f, u);
	ip4_end(&f, ip);
	CHECK_INT(dec(LINK_ETHERNET, &f), DECODE_OK);
	CHECK_INT(P.ip_len, 24 + 16);
	CHECK_INT(P.src_port, 1900);
	CHECK_INT(P.payload_len, 8);
	CHECK(P.payload && memcmp(P.payload, "M-SEARCH", 8) == 0);

	struct fb m = {0}; /* 40 bytes of options, the maximum */
	eth(&m, 0x0800);
	ip = ip4(&m, 6, 40, 1, 0);
	tcp(&m, 80, 1024, TCP_FIN, 0);
	ip4_end(&m, ip);
	CHECK_INT(dec(LINK_ETHERNET, &m), DECODE_OK);
	CHECK_INT(P.tcp_flags, TCP_FIN);
	CHECK_INT(P.src_port, 80);
}

static void test_ipv4_fragments(void)
{
	struct fb f = {0}; /* first fragment: MF, offset 0 */
	eth(&f, 0x0800);
	size_t ip = ip4(&f, 17, 0, 0xbeef, 0x2000);
	size_t u = udp(&f, 1234, 53);
	putfill(&f, 'a', 16);
	set16(&f, u + 4, 3000); /* the whole datagram's UDP length, > this fragment */
	ip4_end(&f, ip);
	CHECK_INT(dec(LINK_ETHERNET, &f), DECODE_OK);
	CHECK(P.is_fragment);
	CHECK(P.is_first_fragment);
	CHECK_INT(P.frag_id, 0xbeef);
	CHECK(P.has_l4);
	CHECK_INT(P.dst_port, 53);
	CHECK_INT(P.payload_len, 16);
	set16(&f, u + 4, 7);
	CHECK_INT(dec(LINK_ETHERNET, &f), DECODE_MALFORMED);

	struct fb t = {0}; /* tiny first fragment: the TCP header does not fit */
	eth(&t, 0x0800);
	ip = ip4(&t, 6, 0, 0xbeef, 0x2000);
	tcp(&t, 1, 2, TCP_SYN, 0);
	t.n -= 12;
	ip4_end(&t, ip);
	CHECK_INT(dec(LINK_ETHERNET, &t), DECODE_TRUNCATED);
	CHECK(P.is_first_fragment);
	CHECK(!P.has_l4);

	struct fb g = {0}; /* middle fragment, looks like a TCP header but is not */
	eth(&g, 0x0800);
	ip = ip4(&g, 6, 0, 0xbeef, 0x2000 | 185);
	tcp(&g, 1, 2, TCP_SYN, 0);
	ip4_end(&g, ip);
	CHECK_INT(dec(LINK_ETHERNET, &g), DECODE_OK);
	CHECK(P.is_fragment);
	CHECK(!P.is_first_fragment);
	CHECK(!P.has_l4);
	CHECK_INT(P.src_port, 0);
	CHECK_INT(P.tcp_flags, 0);
	CHECK_INT(P.l4_proto, 6);
	CHECK_INT(P.payload_len, 0);

	struct fb h = {0}; /* last fragment: no MF, offset set */
	eth(&h, 0x0800);
	ip = ip4(&h, 17, 0, 7, 0x4000 | 10);
	putfill(&h, 0, 8);
	ip4_end(&h, ip);
	CHECK_INT(dec(LINK_ETHERNET, &h), DECODE_OK);
	CHECK(P.is_fragment && !P.is_first_fragment && !P.has_l4);

	struct fb d = {0}; /* DF only: not a fragment */
	eth(&d, 0x0800);
	ip = ip4(&d, 17, 0, 7, 0x4000);
	u = udp(&d, 1, 2);
	udp_end(&d, u);
	ip4_end(&d, ip);
	CHECK_INT(dec(LINK_ETHERNET, &d), DECODE_OK);
	CHECK(!P.is_fragment && P.has_l4);
}

static void test_ipv6_chain(void)
{
	struct fb f = {0};
	eth(&f, 0x86dd);
	size_t v6 = ip6(&f, 0);
	ext6(&f, 60, 0);    /* hop-by-hop, 8 */
	ext6(&f, 43, 1);    /* destination options, 16 */
	ext6(&f, 44, 2);    /* routing, 24 */
	frag6(&f, 6, 0, 1, 0xcafe0001);
	tcp(&f, 22, 50000, TCP_PSH | TCP_ACK, 8);
	putmem(&f, "SSH-2.0-", 8);
	ip6_end(&f, v6);
	CHECK_INT(dec(LINK_ETHERNET, &f), DECODE_OK);
	CHECK_INT(P.l4_proto, 6);
	CHECK(P.is_fragment && P.is_first_fragment);
	CHECK_INT(P.frag_id, 0xcafe0001);
	CHECK(P.has_l4);
	CHECK_INT(P.src_port, 22);
	CHECK_INT(P.tcp_flags, TCP_PSH | TCP_ACK);
	CHECK_INT(P.payload_len, 8);
	CHECK(P.payload && memcmp(P.payload, "SSH-2.0-", 8) == 0);
	CHECK_INT(P.ip_len, f.n - 14);

	struct fb g = {0}; /* non-first fragment */
	eth(&g, 0x86dd);
	v6 = ip6(&g, 44);
	frag6(&g, 17, 181, 0, 9);
	putfill(&g, 0, 16);
	ip6_end(&g, v6);
	CHECK_INT(dec(LINK_ETHERNET, &g), DECODE_OK);
	CHECK(P.is_fragment && !P.is_first_fragment && !P.has_l4);
	CHECK_INT(P.l4_proto, 17);
	CHECK_INT(P.frag_id, 9);
	CHECK_INT(P.payload_len, 0);

	struct fb a = {0}; /* atomic fragment, then AH, then UDP */
	eth(&a, 0x86dd);
	v6 = ip6(&a, 44);
	frag6(&a, 51, 0, 0, 5);
	put8(&a, 17); /* AH: next, len 4 -> (4+2)*4 = 24 bytes */
	put8(&a, 4);
	putfill(&a, 0, 22);
	size_t u = udp(&a, 500, 500);
	udp_end(&a, u);
	ip6_end(&a, v6);
	CHECK_INT(dec(LINK_ETHERNET, &a), DECODE_OK);
	CHECK(!P.is_fragment);
	CHECK(P.has_l4);
	CHECK_INT(P.l4_proto, 17);
	CHECK_INT(P.src_port, 500);

	static const uint8_t stops[] = {50, 59};
	for (int i = 0; i < 2; i++) {
		struct fb e = {0};
		eth(&e, 0x86dd);
		v6 = ip6(&e, 60);
		ext6(&e, stops[i], 0);
		putfill(&e, 0xab, 24);
		ip6_end(&e, v6);
		CHECK_INT(dec(LINK_ETHERNET, &e), DECODE_OK);
		CHECK_INT(P.l4_proto, stops[i]);
		CHECK(!P.has_l4);
	}
}

static void test_udp(void)
{
	struct fb f = {0};
	eth(&f, 0x0800);
	size_t ip = ip4(&f, 17, 0, 1, 0);
	size_t u = udp(&f, 40000, 123);
	putfill(&f, 0xe3, 48);
	udp_end(&f, u);
	ip4_end(&f, ip);
	CHECK_INT(dec(LINK_ETHERNET, &f), DECODE_OK);
	CHECK(P.has_l4);
	CHECK_INT(P.l4_proto, 17);
	CHECK_INT(P.src_port, 40000);
	CHECK_INT(P.dst_port, 123);
	CHECK_INT(P.payload_len, 48);
	CHECK_INT(P.tcp_flags, 0);

	set16(&f, u + 4, 8 + 20); /* UDP shorter than the IP payload: clip */
	CHECK_INT(dec(LINK_ETHERNET, &f), DECODE_OK);
	CHECK_INT(P.payload_len, 20);
}

static void test_icmp(void)
{
	struct fb f = {0}; /* port unreachable quoting an IPv4/UDP packet */
	eth(&f, 0x0800);
	size_t ip = ip4(&f, 1, 0, 1, 0);
	icmp(&f, 3, 3, 0);
	size_t inner = ip4(&f, 17, 0, 2, 0);
	size_t u = udp(&f, 5000, 6000);
	udp_end(&f, u);
	ip4_end(&f, inner);
	ip4_end(&f, ip);
	CHECK_INT(dec(LINK_ETHERNET, &f), DECODE_OK);
	CHECK(P.has_l4);
	CHECK_INT(P.l4_proto, 1);
	CHECK_INT(P.icmp_type, 3);
	CHECK_INT(P.icmp_code, 3);
	CHECK_INT(P.src_port, 0);
	CHECK_INT(P.dst_port, 0);
	CHECK_INT(P.payload_len, 28);
	CHECK(P.payload == f.b + 14 + 20 + 8);

	struct fb n = {0}; /* ICMPv6 neighbour solicitation */
	eth(&n, 0x86dd);
	size_t v6 = ip6(&n, 58);
	icmp(&n, 135, 0, 0);
	putmem(&n, IP6_B, 16);
	ip6_end(&n, v6);
	CHECK_INT(dec(LINK_ETHERNET, &n), DECODE_OK);
	CHECK_INT(P.l4_proto, 58);
	CHECK_INT(P.icmp_type, 135);
	CHECK_INT(P.icmp_code, 0);
	CHECK_INT(P.payload_len, 16);

	struct fb g = {0}; /* GRE: no L4 view, still OK */
	eth(&g, 0x0800);
	ip = ip4(&g, 47, 0, 1, 0);
	putfill(&g, 0, 8);
	ip4_end(&g, ip);
	CHECK_INT(dec(LINK_ETHERNET, &g), DECODE_OK);
	CHECK_INT(P.l4_proto, 47);
	CHECK(!P.has_l4);
}

static void test_llc_and_unsupported(void)
{
	struct fb s = {0}; /* 802.3 + LLC/SNAP carrying IPv4 */
	eth(&s, 0);
	put8(&s, 0xaa);
	put8(&s, 0xaa);
	put8(&s, 0x03);
	put8(&s, 0);
	put16(&s, 0);
	put16(&s, 0x0800);
	size_t ip = ip4(&s, 17, 0, 1, 0);
	size_t u = udp(&s, 1, 2);
	udp_end(&s, u);
	ip4_end(&s, ip);
	set16(&s, 12, (uint16_t)(s.n - 14));
	CHECK_INT(dec(LINK_ETHERNET, &s), DECODE_OK);
	CHECK_INT(P.ethertype, 0x0800);
	CHECK_INT(P.dst_port, 2);

	struct fb stp = {0}; /* 802.3 + LLC: spanning tree */
	eth(&stp, 38);
	put8(&stp, 0x42);
	put8(&stp, 0x42);
	put8(&stp, 0x03);
	putfill(&stp, 0, 35);
	CHECK_INT(dec(LINK_ETHERNET, &stp), DECODE_UNSUPPORTED);
	CHECK(P.has_mac);
	CHECK_INT(P.ethertype, 0);

	struct fb l = {0};
	eth(&l, 0x88cc); /* LLDP */
	putfill(&l, 0, 46);
	CHECK_INT(dec(LINK_ETHERNET, &l), DECODE_UNSUPPORTED);
	CHECK(P.has_mac);
	CHECK_INT(P.ethertype, 0x88cc);
	CHECK(memcmp(P.src_mac, MAC_A, 6) == 0);

	CHECK_INT(dec(9999, &l), DECODE_UNSUPPORTED);
	CHECK(!P.has_mac);
	CHECK_INT(decode_packet(LINK_ETHERNET, NULL, 0, &P), DECODE_TRUNCATED);
}

static void test_misc(void)
{
	CHECK_STR(decode_status_str(DECODE_OK), "ok");
	CHECK_STR(decode_status_str(DECODE_TRUNCATED), "truncated");
	CHECK_STR(decode_status_str(DECODE_MALFORMED), "malformed");
	CHECK_STR(decode_status_str(DECODE_UNSUPPORTED), "unsupported");
	CHECK_STR(decode_status_str((enum decode_status)77), "unknown");
	static const int ok[] = {0, 1, 12, 14, 101, 108, 113, 228, 229, 276};
	for (int i = 0; i < 10; i++)
		CHECK(decode_linktype_supported(ok[i]));
	CHECK(!decode_linktype_supported(105)); /* 802.11 */
	CHECK(!decode_linktype_supported(127));
	CHECK(!decode_linktype_supported(-1));
}

int main(void)
{
	test_eth_ipv4_tcp();
	test_eth_padding();
	test_vlan();
	test_sll();
	test_sll2();
	test_raw_and_null();
	test_arp();
	test_ipv4_options();
	test_ipv4_fragments();
	test_ipv6_chain();
	test_udp();
	test_icmp();
	test_llc_and_unsupported();
	test_misc();
	return test_summary();
}
