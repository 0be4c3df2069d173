/* frames.h - a small frame builder for the decoder tests: appends Ethernet,
 * VLAN, SLL, IPv4/IPv6 (with extension headers), TCP, UDP and ICMP headers
 * to a buffer, and patches length fields once the payload is known. */
#ifndef KOBAN_TEST_FRAMES_H
#define KOBAN_TEST_FRAMES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct fb {
	uint8_t b[2048];
	size_t n;
};

static const uint8_t MAC_A[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
static const uint8_t MAC_B[6] = {0xb8, 0x27, 0xeb, 0x01, 0x02, 0x03};
static const uint8_t IP4_A[4] = {192, 168, 1, 10};
static const uint8_t IP4_B[4] = {8, 8, 4, 4};
static const uint8_t IP6_A[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55};
static const uint8_t IP6_B[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01};

static inline void put8(struct fb *f, uint8_t v) { f->b[f->n++] = v; }
static inline void put16(struct fb *f, uint16_t v) { put8(f, (uint8_t)(v >> 8)); put8(f, (uint8_t)v); }
static inline void put32(struct fb *f, uint32_t v) { put16(f, (uint16_t)(v >> 16)); put16(f, (uint16_t)v); }
static inline void putmem(struct fb *f, const void *p, size_t n) { memcpy(f->b + f->n, p, n); f->n += n; }
static inline void putfill(struct fb *f, uint8_t v, size_t n) { memset(f->b + f->n, v, n); f->n += n; }
static inline void set16(struct fb *f, size_t at, uint16_t v) { f->b[at] = (uint8_t)(v >> 8); f->b[at + 1] = (uint8_t)v; }

static inline void eth(struct fb *f, uint16_t type)
{
	putmem(f, MAC_B, 6); /* dst */
	putmem(f, MAC_A, 6); /* src */
	put16(f, type);
}

static inline void vlan(struct fb *f, uint16_t tci, uint16_t type)
{
	put16(f, tci);
	put16(f, type);
}

/* Linux cooked v1 with a 6-byte source address unless halen says otherwise. */
static inline void sll(struct fb *f, uint16_t hatype, uint16_t halen, uint16_t proto)
{
	put16(f, 0); /* to us */
	put16(f, hatype);
	put16(f, halen);
	putmem(f, MAC_A, 6);
	put16(f, 0);
	put16(f, proto);
}

static inline void sll2(struct fb *f, uint16_t hatype, uint8_t halen, uint16_t proto)
{
	put16(f, proto);
	put16(f, 0);
	put32(f, 3); /* ifindex */
	put16(f, hatype);
	put8(f, 4); /* outgoing */
	put8(f, halen);
	putmem(f, MAC_A, 6);
	put16(f, 0);
}

/* IPv4 header with optlen bytes of options (NOPs); total length patched by ip4_end. */
static inline size_t ip4(struct fb *f, uint8_t proto, size_t optlen, uint16_t id, uint16_t frag)
{
	size_t at = f->n;
	put8(f, (uint8_t)(0x40 | ((20 + optlen) / 4)));
	put8(f, 0);
	put16(f, 0); /* total, patched */
	put16(f, id);
	put16(f, frag);
	put8(f, 64);
	put8(f, proto);
	put16(f, 0);
	putmem(f, IP4_A, 4);
	putmem(f, IP4_B, 4);
	putfill(f, 0x01, optlen);
	return at;
}
static inline void ip4_end(struct fb *f, size_t at) { set16(f, at + 2, (uint16_t)(f->n - at)); }

/* IPv6 header; payload length patched by ip6_end. */
static inline size_t ip6(struct fb *f, uint8_t nh)
{
	size_t at = f->n;
	put32(f, 0x60000000);
	put16(f, 0);
	put8(f, nh);
	put8(f, 255);
	putmem(f, IP6_A, 16);
	putmem(f, IP6_B, 16);
	return at;
}
static inline void ip6_end(struct fb *f, size_t at) { set16(f, at + 4, (uint16_t)(f->n - at - 40)); }

/* A generic extension header of (hl + 1) * 8 bytes (PadN-filled). */
static inline void ext6(struct fb *f, uint8_t nh, uint8_t hl)
{
	put8(f, nh);
	put8(f, hl);
	put8(f, 1); /* PadN */
	put8(f, (uint8_t)(4 + hl * 8));
	putfill(f, 0, 4 + (size_t)hl * 8);
}

static inline void frag6(struct fb *f, uint8_t nh, uint16_t offset, int more, uint32_t id)
{
	put8(f, nh);
	put8(f, 0);
	put16(f, (uint16_t)((offset << 3) | (more ? 1 : 0)));
	put32(f, id);
}

/* TCP header with optlen bytes of options (MSS, then NOPs). */
static inline void tcp(struct fb *f, uint16_t sp, uint16_t dp, uint8_t flags, size_t optlen)
{
	put16(f, sp);
	put16(f, dp);
	put32(f, 0x11223344);
	put32(f, 0x55667788);
	put8(f, (uint8_t)(((20 + optlen) / 4) << 4));
	put8(f, flags);
	put16(f, 29200);
	put32(f, 0);
	if (optlen >= 4) {
		put8(f, 2);
		put8(f, 4);
		put16(f, 1460);
		putfill(f, 1, optlen - 4);
	}
}

/* UDP header; length patched by udp_end. */
static inline size_t udp(struct fb *f, uint16_t sp, uint16_t dp)
{
	size_t at = f->n;
	put16(f, sp);
	put16(f, dp);
	put16(f, 0);
	put16(f, 0);
	return at;
}
static inline void udp_end(struct fb *f, size_t at) { set16(f, at + 4, (uint16_t)(f->n - at)); }

static inline void icmp(struct fb *f, uint8_t type, uint8_t code, uint32_t rest)
{
	put8(f, type);
	put8(f, code);
	put16(f, 0);
	put32(f, rest);
}

static inline void arp(struct fb *f, uint16_t htype, uint16_t op)
{
	put16(f, htype);
	put16(f, 0x0800);
	put8(f, 6);
	put8(f, 4);
	put16(f, op);
	putmem(f, MAC_A, 6);
	putmem(f, IP4_A, 4);
	putfill(f, 0, 6);
	putmem(f, IP4_B, 4);
}

#endif
