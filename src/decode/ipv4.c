/* ipv4.c - IPv4 decoding (RFC 791): version/IHL/total-length validation,
 * options skipped, fragments recognised. The L4 header is decoded for
 * unfragmented datagrams and first fragments only; a non-first fragment
 * carries no L4 header, so it gets no L4 view and no payload. */
#include "decode/decode_int.h"

enum {
	IP4_MF = 0x2000,        /* more fragments */
	IP4_OFFMASK = 0x1fff,   /* fragment offset, 8-byte units */
	IP4_MIN_HDR = 20,
};

enum decode_status decode_ipv4(struct cursor *c, struct packet *pkt)
{
	uint8_t vihl = cur_u8(c);
	if (c->err)
		return DECODE_TRUNCATED;
	if (vihl >> 4 != 4) /* even if the rest is cut off */
		return DECODE_MALFORMED;
	cur_skip(c, 1); /* DSCP/ECN */
	uint16_t total = cur_be16(c);
	uint16_t id = cur_be16(c);
	uint16_t frag = cur_be16(c);
	uint8_t ttl = cur_u8(c);
	uint8_t proto = cur_u8(c);
	cur_skip(c, 2); /* checksum */
	const uint8_t *src = cur_take(c, 4);
	const uint8_t *dst = cur_take(c, 4);
	if (c->err)
		return DECODE_TRUNCATED;

	pkt->ip_version = 4;
	kaddr_v4(&pkt->src_ip, src);
	kaddr_v4(&pkt->dst_ip, dst);
	pkt->ttl = ttl;
	pkt->l4_proto = proto;
	pkt->ip_len = total;
	pkt->frag_id = id;
	size_t hlen = (size_t)(vihl & 0x0f) * 4;
	if (hlen < IP4_MIN_HDR || total < hlen)
		return DECODE_MALFORMED;
	if (!cur_skip(c, hlen - IP4_MIN_HDR)) /* options */
		return DECODE_TRUNCATED;

	uint16_t offset = frag & IP4_OFFMASK;
	if ((frag & IP4_MF) || offset) {
		pkt->is_fragment = true;
		pkt->is_first_fragment = offset == 0;
		if (offset)
			return DECODE_OK;
	}
	size_t claimed = total - hlen;
	struct cursor l4 = cur_sub(c, claimed);
	return decode_l4(proto, &l4, claimed, pkt);
}
