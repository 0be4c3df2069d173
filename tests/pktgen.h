/* pktgen.h - builds Ethernet/IPv4 frames for tests (TCP, UDP, ICMP, ARP),
 * so engine and detector tests can feed real frames through the decoder. */
#ifndef KOBAN_TEST_PKTGEN_H
#define KOBAN_TEST_PKTGEN_H

#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

static inline void pg_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void pg_put32(uint8_t *p, uint32_t v)
{
	pg_put16(p, (uint16_t)(v >> 16));
	pg_put16(p + 2, (uint16_t)v);
}

/* Ethernet + IPv4 header; returns the offset of the L4 header. */
static inline size_t pg_ipv4(uint8_t *buf, const uint8_t smac[6], const uint8_t dmac[6], const char *sip,
			     const char *dip, uint8_t proto, size_t l4_len)
{
	memcpy(buf, dmac, 6);
	memcpy(buf + 6, smac, 6);
	pg_put16(buf + 12, 0x0800);
	uint8_t *ip = buf + 14;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	pg_put16(ip + 2, (uint16_t)(20 + l4_len));
	ip[8] = 64;
	ip[9] = proto;
	inet_pton(AF_INET, sip, ip + 12);
	inet_pton(AF_INET, dip, ip + 16);
	return 34;
}

static inline size_t pg_tcp(uint8_t *buf, const uint8_t smac[6], const uint8_t dmac[6], const char *sip,
			    uint16_t sport, const char *dip, uint16_t dport, uint8_t flags, uint32_t seq,
			    const void *payload, size_t plen)
{
	size_t off = pg_ipv4(buf, smac, dmac, sip, dip, 6, 20 + plen);
	uint8_t *t = buf + off;
	memset(t, 0, 20);
	pg_put16(t, sport);
	pg_put16(t + 2, dport);
	pg_put32(t + 4, seq);
	pg_put32(t + 8, (flags & 0x10) ? 1 : 0);
	t[12] = 5 << 4;
	t[13] = flags;
	pg_put16(t + 14, 65535);
	if (plen)
		memcpy(t + 20, payload, plen);
	return off + 20 + plen;
}

static inline size_t pg_udp(uint8_t *buf, const uint8_t smac[6], const uint8_t dmac[6], const char *sip,
			    uint16_t sport, const char *dip, uint16_t dport, const void *payload, size_t plen)
{
	size_t off = pg_ipv4(buf, smac, dmac, sip, dip, 17, 8 + plen);
	uint8_t *u = buf + off;
	pg_put16(u, sport);
	pg_put16(u + 2, dport);
	pg_put16(u + 4, (uint16_t)(8 + plen));
	pg_put16(u + 6, 0);
	if (plen)
		memcpy(u + 8, payload, plen);
	return off + 8 + plen;
}

static inline size_t pg_icmp_echo(uint8_t *buf, const uint8_t smac[6], const uint8_t dmac[6], const char *sip,
				  const char *dip, size_t plen)
{
	size_t off = pg_ipv4(buf, smac, dmac, sip, dip, 1, 8 + plen);
	uint8_t *c = buf + off;
	memset(c, 0, 8 + plen);
	c[0] = 8;
	return off + 8 + plen;
}

static inline size_t pg_arp(uint8_t *buf, const uint8_t smac[6], const char *sip, const char *tip)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	memcpy(buf, bcast, 6);
	memcpy(buf + 6, smac, 6);
	pg_put16(buf + 12, 0x0806);
	uint8_t *a = buf + 14;
	pg_put16(a, 1);
	pg_put16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	pg_put16(a + 6, 1);
	memcpy(a + 8, smac, 6);
	inet_pton(AF_INET, sip, a + 14);
	memset(a + 18, 0, 6);
	inet_pton(AF_INET, tip, a + 24);
	return 42;
}

#endif
