/* decode.c - the packet decoder's entry points: decode_packet() runs the
 * link layer, then dispatches on the ethertype to ARP, IPv4 or IPv6 (which
 * go on to the transport layer); plus status names and the supported
 * link-type test. */
#include <string.h>

#include "decode/decode_int.h"

enum decode_status decode_l3(uint16_t ethertype, struct cursor *c, struct packet *pkt)
{
	switch (ethertype) {
	case ETH_P_IPV4:
		return decode_ipv4(c, pkt);
	case ETH_P_IPV6:
		return decode_ipv6(c, pkt);
	case ETH_P_ARP:
		return decode_arp(c, pkt);
	default:
		return DECODE_UNSUPPORTED;
	}
}

enum decode_status decode_packet(int linktype, const uint8_t *data, uint32_t caplen,
				 struct packet *pkt)
{
	uint64_t ts_us = pkt->ts_us; /* the caller's, set before or after */
	uint32_t wirelen = pkt->wirelen;
	memset(pkt, 0, sizeof *pkt);
	pkt->ts_us = ts_us;
	pkt->wirelen = wirelen;
	pkt->caplen = caplen;
	pkt->data = data;

	struct cursor c;
	cur_init(&c, data, caplen);
	uint16_t next = 0;
	enum decode_status st = decode_link(linktype, &c, pkt, &next);
	if (st != DECODE_OK)
		return st;
	return decode_l3(next, &c, pkt);
}

const char *decode_status_str(enum decode_status st)
{
	switch (st) {
	case DECODE_OK:
		return "ok";
	case DECODE_TRUNCATED:
		return "truncated";
	case DECODE_MALFORMED:
		return "malformed";
	case DECODE_UNSUPPORTED:
		return "unsupported";
	}
	return "unknown";
}

bool decode_linktype_supported(int linktype)
{
	switch (linktype) {
	case LINK_NULL:
	case LINK_ETHERNET:
	case LINK_RAW:
	case LINK_DLT_RAW:
	case LINK_DLT_RAW_ALT:
	case LINK_LOOP:
	case LINK_SLL:
	case LINK_IPV4:
	case LINK_IPV6:
	case LINK_SLL2:
		return true;
	default:
		return false;
	}
}
