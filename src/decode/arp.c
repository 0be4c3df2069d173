/* arp.c - ARP decoding (RFC 826), Ethernet/IPv4 only: opcode and the sender
 * and target hardware and protocol addresses. */
#include <string.h>

#include "decode/decode_int.h"

enum { ARP_HTYPE_ETHER = 1 };

enum decode_status decode_arp(struct cursor *c, struct packet *pkt)
{
	uint16_t htype = cur_be16(c);
	uint16_t ptype = cur_be16(c);
	uint8_t hlen = cur_u8(c);
	uint8_t plen = cur_u8(c);
	uint16_t op = cur_be16(c);
	if (c->err)
		return DECODE_TRUNCATED;
	if (htype != ARP_HTYPE_ETHER || ptype != ETH_P_IPV4 || hlen != 6 || plen != 4)
		return DECODE_UNSUPPORTED;

	const uint8_t *sha = cur_take(c, 6);
	const uint8_t *spa = cur_take(c, 4);
	const uint8_t *tha = cur_take(c, 6);
	const uint8_t *tpa = cur_take(c, 4);
	if (c->err)
		return DECODE_TRUNCATED;
	pkt->is_arp = true;
	pkt->arp_op = op;
	memcpy(pkt->arp_sha, sha, 6);
	memcpy(pkt->arp_tha, tha, 6);
	kaddr_v4(&pkt->arp_spa, spa);
	kaddr_v4(&pkt->arp_tpa, tpa);
	return DECODE_OK;
}
