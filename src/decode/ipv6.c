/* ipv6.c - IPv6 decoding (RFC 8200): the fixed header, then the extension
 * header chain (hop-by-hop, routing, fragment, destination options, AH) up
 * to the upper-layer protocol. The chain stops at ESP and no-next-header and
 * is bounded in length; a non-first fragment gets no L4 view. */
#include <stdint.h>

#include "decode/decode_int.h"

enum {
	NH_HOPOPTS = 0,
	NH_ROUTING = 43,
	NH_FRAGMENT = 44,
	NH_AH = 51,
	NH_DSTOPTS = 60,
	IP6_HDR = 40,
	IP6_MAX_EXT = 8, /* more extension headers than this is not real traffic */
};

static bool is_ext(uint8_t nh)
{
	return nh == NH_HOPOPTS || nh == NH_ROUTING || nh == NH_FRAGMENT || nh == NH_AH ||
	       nh == NH_DSTOPTS;
}

/* The fragment header (already bounds-checked, 8 bytes). Returns true if
 * this is a non-first fragment. */
static bool ipv6_frag(struct cursor *h, struct packet *pkt)
{
	cur_skip(h, 2); /* next header, reserved */
	uint16_t offm = cur_be16(h);
	uint32_t id = cur_be32(h);
	uint16_t offset = offm >> 3;
	pkt->frag_id = id;
	if (offset || (offm & 1)) { /* offset 0 and M=0 is an atomic fragment (RFC 6946) */
		pkt->is_fragment = true;
		pkt->is_first_fragment = offset == 0;
	}
	return offset != 0;
}

/* Walks the extension headers starting at next-header value nh. */
static enum decode_status ipv6_chain(struct cursor *c, size_t claimed, uint8_t nh,
				     struct packet *pkt)
{
	for (unsigned n = 0; is_ext(nh); n++) {
		if (n == IP6_MAX_EXT)
			return DECODE_MALFORMED;
		enum decode_status st = dec_need(c, claimed, 8); /* every one is >= 8 bytes */
		if (st != DECODE_OK)
			return st;
		struct cursor peek = *c;
		uint8_t next = cur_u8(&peek);
		uint8_t hl = cur_u8(&peek);
		size_t len = nh == NH_FRAGMENT ? 8 : nh == NH_AH ? ((size_t)hl + 2) * 4
							     : ((size_t)hl + 1) * 8;
		st = dec_need(c, claimed, len);
		if (st != DECODE_OK)
			return st;
		struct cursor h = cur_sub(c, len);
		claimed -= len;
		if (nh == NH_FRAGMENT && ipv6_frag(&h, pkt)) {
			pkt->l4_proto = next;
			return DECODE_OK;
		}
		nh = next;
	}
	return decode_l4(nh, c, claimed, pkt);
}

enum decode_status decode_ipv6(struct cursor *c, struct packet *pkt)
{
	struct cursor peek = *c;
	uint8_t v = cur_u8(&peek);
	if (peek.err)
		return DECODE_TRUNCATED;
	if (v >> 4 != 6) /* even if the rest is cut off */
		return DECODE_MALFORMED;
	cur_skip(c, 4); /* version, traffic class, flow label */
	uint16_t plen = cur_be16(c);
	uint8_t nh = cur_u8(c);
	uint8_t hlim = cur_u8(c);
	const uint8_t *src = cur_take(c, 16);
	const uint8_t *dst = cur_take(c, 16);
	if (c->err)
		return DECODE_TRUNCATED;

	pkt->ip_version = 6;
	kaddr_v6(&pkt->src_ip, src);
	kaddr_v6(&pkt->dst_ip, dst);
	pkt->ttl = hlim;
	size_t claimed = plen;
	pkt->ip_len = IP6_HDR + plen;
	if (plen == 0 && nh == NH_HOPOPTS) {
		/* jumbogram (RFC 2675): the length is in a hop-by-hop option we
		 * do not read; treat it as unknown and take what was captured */
		claimed = SIZE_MAX;
		pkt->ip_len = (uint32_t)(IP6_HDR + cur_left(c));
	}
	struct cursor p = cur_sub(c, claimed);
	return ipv6_chain(&p, claimed, nh, pkt);
}
