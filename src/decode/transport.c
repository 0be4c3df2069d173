/* transport.c - L4 decoding: TCP (ports, seq/ack, flags, window, data
 * offset validated, options skipped), UDP (length validated against the IP
 * length, payload clipped to it; in a first fragment the L4 length is not
 * known), ICMP and ICMPv6 (type and code only; the
 * packet embedded in an ICMP error is payload, not this packet's L4). Sets
 * payload/payload_len to the bytes after the L4 header. */
#include <stdint.h>

#include "decode/decode_int.h"

enum {
	PROTO_ICMP = 1,
	PROTO_TCP = 6,
	PROTO_UDP = 17,
	PROTO_ICMPV6 = 58,
	TCP_HDR = 20,
	UDP_HDR = 8,
	ICMP_HDR = 8,
};

/* The rest of the cursor is the payload. */
static void set_payload(struct cursor *c, struct packet *pkt)
{
	size_t n = cur_left(c);
	pkt->payload = cur_take(c, n);
	pkt->payload_len = (uint32_t)n;
}

static enum decode_status decode_tcp(struct cursor *c, size_t claimed, struct packet *pkt)
{
	enum decode_status st = dec_need(c, claimed, TCP_HDR);
	if (st != DECODE_OK)
		return st;
	pkt->src_port = cur_be16(c);
	pkt->dst_port = cur_be16(c);
	pkt->tcp_seq = cur_be32(c);
	pkt->tcp_ack = cur_be32(c);
	size_t hlen = (size_t)(cur_u8(c) >> 4) * 4;
	pkt->tcp_flags = cur_u8(c);
	pkt->tcp_window = cur_be16(c);
	cur_skip(c, 4); /* checksum, urgent pointer */
	if (hlen < TCP_HDR)
		return DECODE_MALFORMED;
	st = dec_need(c, claimed - TCP_HDR, hlen - TCP_HDR);
	if (st == DECODE_MALFORMED)
		return st;
	pkt->has_l4 = true;
	if (st != DECODE_OK)
		return st;
	cur_skip(c, hlen - TCP_HDR); /* options */
	set_payload(c, pkt);
	return DECODE_OK;
}

static enum decode_status decode_udp(struct cursor *c, size_t claimed, struct packet *pkt)
{
	enum decode_status st = dec_need(c, claimed, UDP_HDR);
	if (st != DECODE_OK)
		return st;
	pkt->src_port = cur_be16(c);
	pkt->dst_port = cur_be16(c);
	uint16_t len = cur_be16(c);
	cur_skip(c, 2); /* checksum */
	if (len < UDP_HDR || len > claimed)
		return DECODE_MALFORMED;
	pkt->has_l4 = true;
	struct cursor body = cur_sub(c, len - UDP_HDR); /* bytes past len are not UDP's */
	set_payload(&body, pkt);
	return DECODE_OK;
}

static enum decode_status decode_icmp(struct cursor *c, size_t claimed, struct packet *pkt)
{
	enum decode_status st = dec_need(c, claimed, 4);
	if (st != DECODE_OK)
		return st;
	pkt->icmp_type = cur_u8(c);
	pkt->icmp_code = cur_u8(c);
	cur_skip(c, 2); /* checksum */
	pkt->has_l4 = true;
	st = dec_need(c, claimed - 4, ICMP_HDR - 4);
	if (st != DECODE_OK)
		return st;
	cur_skip(c, ICMP_HDR - 4); /* type-specific word (id/seq, MTU, unused ...) */
	set_payload(c, pkt);
	return DECODE_OK;
}

enum decode_status decode_l4(uint8_t proto, struct cursor *c, size_t claimed, struct packet *pkt)
{
	pkt->l4_proto = proto;
	/* A first fragment holds the start of a longer datagram: the L4 length
	 * is unknown (UDP's length field covers all fragments), and a header
	 * running past the fragment is cut off (TRUNCATED), not malformed. */
	if (pkt->is_fragment)
		claimed = SIZE_MAX;
	switch (proto) {
	case PROTO_TCP:
		return decode_tcp(c, claimed, pkt);
	case PROTO_UDP:
		return decode_udp(c, claimed, pkt);
	case PROTO_ICMP:
	case PROTO_ICMPV6:
		return decode_icmp(c, claimed, pkt);
	default:
		return DECODE_OK; /* ESP, no-next-header, GRE ...: no L4 view */
	}
}
