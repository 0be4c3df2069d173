/* link.c - link-layer decoding: Ethernet II (and 802.3 LLC/SNAP), 802.1Q /
 * 802.1ad / QinQ VLAN tags, Linux cooked capture v1 (SLL) and v2 (SLL2), BSD
 * null and OpenBSD loop headers, and the raw-IP link types. Fills the MAC,
 * VLAN and ethertype fields and reports the ethertype of the network layer. */
#include <string.h>

#include "decode/decode_int.h"

enum {
	ETH_P_8021Q = 0x8100,
	ETH_P_8021AD = 0x88a8,
	ETH_P_QINQ_OLD = 0x9100,
	ETH_P_MIN = 0x0600,      /* smaller type fields are 802.3 lengths */
	ETH_MAX_LEN = 1500,
	SLL_P_802_2 = 0x0004,    /* SLL: an 802.2 LLC header follows */
	ARPHRD_NETLINK = 824,    /* SLL: protocol is a netlink family, not an ethertype */
	VLAN_MAX_TAGS = 8,       /* deeper stacks are not real traffic */
};

static bool is_vlan_tpid(uint16_t t)
{
	return t == ETH_P_8021Q || t == ETH_P_8021AD || t == ETH_P_QINQ_OLD;
}

/* 802.2 LLC with a SNAP header carrying an ethertype (OUI 0 or 0x0000f8). */
static enum decode_status llc_snap(struct cursor *c, uint16_t *type)
{
	uint8_t dsap = cur_u8(c), ssap = cur_u8(c), ctl = cur_u8(c);
	if (c->err)
		return DECODE_TRUNCATED;
	if (dsap != 0xaa || ssap != 0xaa || ctl != 0x03)
		return DECODE_UNSUPPORTED;
	uint16_t oui_hi = cur_be16(c);
	uint8_t oui_lo = cur_u8(c);
	uint16_t t = cur_be16(c);
	if (c->err)
		return DECODE_TRUNCATED;
	if (oui_hi != 0 || (oui_lo != 0 && oui_lo != 0xf8) || t < ETH_P_MIN)
		return DECODE_UNSUPPORTED;
	*type = t;
	return DECODE_OK;
}

/* Everything after a type field: VLAN tags, then LLC/SNAP for 802.3
 * lengths; sets pkt->ethertype and *next. */
static enum decode_status ethertype_chain(struct cursor *c, struct packet *pkt, uint16_t type,
					  uint16_t *next)
{
	for (unsigned n = 0; is_vlan_tpid(type); n++) {
		if (n == VLAN_MAX_TAGS)
			return DECODE_MALFORMED;
		uint16_t tci = cur_be16(c);
		uint16_t inner = cur_be16(c);
		if (c->err)
			return DECODE_TRUNCATED;
		if (pkt->vlan_count < 2)
			pkt->vlan_id[pkt->vlan_count++] = tci & 0x0fff;
		type = inner;
	}
	if (type < ETH_P_MIN) {
		if (type > ETH_MAX_LEN)
			return DECODE_UNSUPPORTED;
		enum decode_status st = llc_snap(c, &type);
		if (st != DECODE_OK)
			return st;
	}
	pkt->ethertype = type;
	*next = type;
	return DECODE_OK;
}

static enum decode_status link_ethernet(struct cursor *c, struct packet *pkt, uint16_t *next)
{
	const uint8_t *dst = cur_take(c, 6);
	const uint8_t *src = cur_take(c, 6);
	uint16_t type = cur_be16(c);
	if (c->err)
		return DECODE_TRUNCATED;
	memcpy(pkt->dst_mac, dst, 6);
	memcpy(pkt->src_mac, src, 6);
	pkt->has_mac = true;
	pkt->has_dst_mac = true;
	return ethertype_chain(c, pkt, type, next);
}

/* The SLL/SLL2 tail: source address and protocol. */
static enum decode_status sll_common(struct cursor *c, struct packet *pkt, const uint8_t *addr,
				     unsigned halen, uint16_t hatype, uint16_t proto,
				     uint16_t *next)
{
	if (halen == 6) {
		memcpy(pkt->src_mac, addr, 6);
		pkt->has_mac = true;
	}
	if (hatype == ARPHRD_NETLINK)
		return DECODE_UNSUPPORTED;
	if (proto == SLL_P_802_2) {
		enum decode_status st = llc_snap(c, &proto);
		if (st != DECODE_OK)
			return st;
	} else if (proto < ETH_P_MIN) {
		return DECODE_UNSUPPORTED; /* raw 802.3, CAN, ... */
	}
	return ethertype_chain(c, pkt, proto, next);
}

/* Linux cooked v1: pkttype, hatype, halen, addr[8], protocol (16 bytes). */
static enum decode_status link_sll(struct cursor *c, struct packet *pkt, uint16_t *next)
{
	cur_skip(c, 2); /* packet type */
	uint16_t hatype = cur_be16(c);
	uint16_t halen = cur_be16(c);
	const uint8_t *addr = cur_take(c, 8);
	uint16_t proto = cur_be16(c);
	if (c->err)
		return DECODE_TRUNCATED;
	return sll_common(c, pkt, addr, halen, hatype, proto, next);
}

/* Linux cooked v2: protocol, reserved, ifindex, hatype, pkttype, halen,
 * addr[8] (20 bytes). */
static enum decode_status link_sll2(struct cursor *c, struct packet *pkt, uint16_t *next)
{
	uint16_t proto = cur_be16(c);
	cur_skip(c, 2 + 4); /* reserved, interface index */
	uint16_t hatype = cur_be16(c);
	cur_skip(c, 1); /* packet type */
	uint8_t halen = cur_u8(c);
	const uint8_t *addr = cur_take(c, 8);
	if (c->err)
		return DECODE_TRUNCATED;
	return sll_common(c, pkt, addr, halen, hatype, proto, next);
}

/* BSD null (host byte order) and OpenBSD loop (network byte order): a 4-byte
 * address family. Families are small, so the byte order is evident. */
static enum decode_status link_null(struct cursor *c, uint16_t *next)
{
	uint32_t fam = cur_be32(c);
	if (c->err)
		return DECODE_TRUNCATED;
	if (fam & 0xffff0000u)
		fam = __builtin_bswap32(fam);
	switch (fam) {
	case 2: /* AF_INET everywhere */
		*next = ETH_P_IPV4;
		return DECODE_OK;
	case 10: /* Linux */
	case 23: /* Windows (Npcap) */
	case 24: /* NetBSD, OpenBSD */
	case 28: /* FreeBSD, DragonFly */
	case 30: /* macOS */
		*next = ETH_P_IPV6;
		return DECODE_OK;
	default:
		return DECODE_UNSUPPORTED;
	}
}

/* Raw IP: the version nibble picks IPv4 or IPv6. */
static enum decode_status link_raw(struct cursor *c, uint16_t *next)
{
	struct cursor peek = *c;
	uint8_t v = cur_u8(&peek);
	if (peek.err)
		return DECODE_TRUNCATED;
	if (v >> 4 == 4)
		*next = ETH_P_IPV4;
	else if (v >> 4 == 6)
		*next = ETH_P_IPV6;
	else
		return DECODE_MALFORMED;
	return DECODE_OK;
}

enum decode_status decode_link(int linktype, struct cursor *c, struct packet *pkt, uint16_t *next)
{
	switch (linktype) {
	case LINK_ETHERNET:
		return link_ethernet(c, pkt, next);
	case LINK_SLL:
		return link_sll(c, pkt, next);
	case LINK_SLL2:
		return link_sll2(c, pkt, next);
	case LINK_NULL:
	case LINK_LOOP:
		return link_null(c, next);
	case LINK_RAW:
	case LINK_DLT_RAW:
	case LINK_DLT_RAW_ALT:
		return link_raw(c, next);
	case LINK_IPV4:
		*next = ETH_P_IPV4;
		return DECODE_OK;
	case LINK_IPV6:
		*next = ETH_P_IPV6;
		return DECODE_OK;
	default:
		return DECODE_UNSUPPORTED;
	}
}
