/* ra.c - learns the LAN's IPv6 prefixes from Router Advertisements (the
 * on-link Prefix Information options, RFC 4861 §4.6.2), so that devices
 * with global IPv6 addresses count as local when no local_networks are
 * configured, as private IPv4 and ULA addresses do. */
#include <netinet/in.h>
#include <string.h>

#include "engine/engine_internal.h"
#include "util/cursor.h"

enum { ND_ROUTER_ADVERT = 134, ND_OPT_PREFIX_INFO = 3, PIO_ON_LINK = 0x80 };

static void add_prefix(struct engine *e, const uint8_t prefix[16], uint8_t len)
{
	struct kprefix p = {.addr = {.family = KADDR_V6}, .len = len};
	memcpy(p.addr.b, prefix, 16);
	/* keep only the prefix bits, so equal prefixes compare equal */
	for (int bit = len; bit < 128; bit++)
		p.addr.b[bit / 8] &= (uint8_t)~(0x80 >> (bit % 8));
	if (kaddr_is_private(&p.addr) || kaddr_is_multicast(&p.addr) || kaddr_is_unspecified(&p.addr))
		return; /* ULA and link-local are local anyway */
	for (size_t i = 0; i < e->n_ra_prefixes; i++)
		if (e->ra_prefixes[i].len == len && kaddr_eq(&e->ra_prefixes[i].addr, &p.addr))
			return;
	if (e->n_ra_prefixes < ENGINE_MAX_RA_PREFIXES)
		e->ra_prefixes[e->n_ra_prefixes++] = p;
}

/* The ICMPv6 payload of an RA starts after its first 8 bytes (type, code,
 * checksum, hop limit, flags, lifetime): reachable and retrans timers, then
 * the options. Only RAs from a link-local source (as RFC 4861 requires) with
 * hop limit 255 are believed. */
void engine_learn_ra(struct engine *e, const struct packet *p)
{
	if (e->cfg.n_local_nets || p->l4_proto != IPPROTO_ICMPV6 || !p->has_l4 || p->icmp_type != ND_ROUTER_ADVERT ||
	    p->icmp_code != 0 || p->ttl != 255 || p->src_ip.b[0] != 0xfe || (p->src_ip.b[1] & 0xc0) != 0x80)
		return;
	struct cursor c;
	cur_init(&c, p->payload, p->payload_len);
	if (!cur_skip(&c, 8))
		return;
	while (cur_left(&c) >= 8) {
		uint8_t type = cur_u8(&c), units = cur_u8(&c);
		if (units == 0)
			return; /* a zero length is invalid and would loop */
		struct cursor opt = cur_sub(&c, (size_t)units * 8 - 2);
		if (c.err)
			return;
		if (type != ND_OPT_PREFIX_INFO || units != 4)
			continue;
		uint8_t len = cur_u8(&opt), flags = cur_u8(&opt);
		cur_skip(&opt, 12); /* valid and preferred lifetimes, reserved */
		const uint8_t *prefix = cur_take(&opt, 16);
		if (prefix && (flags & PIO_ON_LINK) && len >= 8 && len <= 128)
			add_prefix(e, prefix, len);
	}
}

bool engine_in_ra_prefix(const struct engine *e, const struct kaddr *ip)
{
	for (size_t i = 0; i < e->n_ra_prefixes; i++)
		if (kprefix_contains(&e->ra_prefixes[i], ip))
			return true;
	return false;
}
