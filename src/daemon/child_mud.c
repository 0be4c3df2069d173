/* child_mud.c - in the engine child: traffic of a device with a MUD profile
 * that the profile does not permit becomes a `mud-violation` event (at most
 * one a minute per device, peer and port), whether the profile is enforced
 * (the packet is also dropped by nftables) or only monitored. Connections
 * are judged by their opening packet (TCP SYN); UDP and other protocols by
 * every packet, as either a request or a reply. DNS, DHCP, broadcast,
 * multicast and local peers are not judged (the gateway's own services and
 * the LAN are outside what koban's MUD rules cover). */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/child.h"

void child_mud_free(struct child *c)
{
	for (size_t i = 0; i < c->n_mud; i++)
		mud_free(c->mud[i].p);
	c->n_mud = 0;
}

/* {"mac": "...", "enforced": bool, "policy": {...} or null} */
void child_mud_set(struct child *c, const char *json, size_t len)
{
	json_t *o = json_loadb(json, len, 0, NULL);
	const json_t *mac = json_object_get(o, "mac"), *pol = json_object_get(o, "policy");
	uint8_t m[6];
	char err[128];
	if (!json_is_string(mac) || !mac_parse(m, json_string_value(mac))) {
		json_decref(o);
		return;
	}
	size_t i = 0;
	while (i < c->n_mud && memcmp(c->mud[i].mac, m, 6) != 0)
		i++;
	if (i < c->n_mud) { /* replaced or removed */
		mud_free(c->mud[i].p);
		c->mud[i] = c->mud[--c->n_mud];
	}
	struct mud_policy *p = json_is_object(pol) ? mud_from_json(pol, err, sizeof err) : NULL;
	if (p && c->n_mud < CHILD_MAX_MUD) {
		memcpy(c->mud[c->n_mud].mac, m, 6);
		c->mud[c->n_mud].enforced = json_is_true(json_object_get(o, "enforced"));
		c->mud[c->n_mud++].p = p;
	} else {
		mud_free(p);
	}
	json_decref(o);
}

struct l3 {
	struct kaddr src, dst;
	uint8_t proto;
	uint16_t sport, dport;
	bool syn, ack;
};

static bool parse_l3(const uint8_t *d, uint32_t n, struct l3 *o)
{
	size_t off = 14;
	if (n < 14)
		return false;
	uint16_t et = (uint16_t)(d[12] << 8 | d[13]);
	if (et == 0x8100 && n >= 18) {
		et = (uint16_t)(d[16] << 8 | d[17]);
		off = 18;
	}
	const uint8_t *ip = d + off, *l4;
	size_t left = n - off;
	if (et == 0x0800 && left >= 20 && (ip[0] >> 4) == 4) {
		size_t ihl = (size_t)(ip[0] & 15) * 4;
		if (ihl < 20 || left < ihl || (ip[6] & 0x1f) || ip[7]) /* fragments: not judged */
			return false;
		kaddr_v4(&o->src, ip + 12);
		kaddr_v4(&o->dst, ip + 16);
		o->proto = ip[9];
		l4 = ip + ihl;
		left -= ihl;
	} else if (et == 0x86dd && left >= 40) {
		kaddr_v6(&o->src, ip + 8);
		kaddr_v6(&o->dst, ip + 24);
		o->proto = ip[6];
		l4 = ip + 40;
		left -= 40;
	} else {
		return false;
	}
	if ((o->proto == IPPROTO_TCP && left >= 14) || (o->proto == IPPROTO_UDP && left >= 8)) {
		o->sport = (uint16_t)(l4[0] << 8 | l4[1]);
		o->dport = (uint16_t)(l4[2] << 8 | l4[3]);
		if (o->proto == IPPROTO_TCP) {
			o->syn = l4[13] & 0x02;
			o->ack = l4[13] & 0x10;
		}
	}
	return true;
}

static bool is_local(const struct child *c, const struct kaddr *a)
{
	for (size_t i = 0; i < c->n_local; i++)
		if (kprefix_contains(&c->local[i], a))
			return true;
	return false;
}

/* One report per device, peer and port a minute. */
static bool rate_ok(struct child *c, const uint8_t mac[6], const struct kaddr *peer, uint16_t port, uint64_t ts)
{
	uint64_t k = kaddr_hash(peer, port) * 0x9E3779B97F4A7C15ull;
	for (int i = 0; i < 6; i++)
		k = (k ^ mac[i]) * 0x100000001B3ull;
	size_t slot = k % CHILD_RATE_SLOTS;
	if (c->rate_key[slot] == k && ts < c->rate_ts[slot] + 60000000ull)
		return false;
	c->rate_key[slot] = k;
	c->rate_ts[slot] = ts;
	return true;
}

static void report(struct child *c, const struct child_mud *m, const struct l3 *l, int dir, uint64_t ts)
{
	const struct kaddr *dev = dir == MUD_FROM_DEVICE ? &l->src : &l->dst;
	const struct kaddr *peer = dir == MUD_FROM_DEVICE ? &l->dst : &l->src;
	uint16_t port = dir == MUD_FROM_DEVICE ? l->dport : l->sport;
	if (!rate_ok(c, m->mac, peer, port, ts))
		return;
	c->mud_violations++;
	struct event ev;
	char d[KADDR_STRLEN], p[KADDR_STRLEN], mac[MAC_STRLEN];
	memset(&ev, 0, sizeof ev);
	snprintf(ev.kind, sizeof ev.kind, "mud-violation");
	ev.severity = SEV_MEDIUM;
	ev.ts_us = ts;
	ev.has_mac = true;
	memcpy(ev.mac, m->mac, 6);
	ev.device_ip = *dev;
	ev.peer_ip = *peer;
	ev.peer_port = port;
	ev.key_points[0] = 11;
	ev.key_points[1] = 14;
	ev.n_key_points = 2;
	const char *what = m->enforced ? "dropped" : "seen (monitor mode)";
	snprintf(ev.summary_en, sizeof ev.summary_en, "%s (%s) %s %s port %u, which its MUD profile does not permit: %s",
		 mac_str(m->mac, mac, sizeof mac), kaddr_str(dev, d, sizeof d),
		 dir == MUD_FROM_DEVICE ? "sent traffic to" : "received traffic from", kaddr_str(peer, p, sizeof p), port,
		 what);
	snprintf(ev.summary_ja, sizeof ev.summary_ja, "%s (%s) の %s ポート %u との通信は MUD プロファイルで許可されていません(%s)",
		 mac, d, p, port, m->enforced ? "遮断しました" : "監視のみ");
	ev.evidence = json_pack("{s:s, s:s, s:i, s:b}", "mud_url", m->p->url, "direction",
				dir == MUD_FROM_DEVICE ? "from-device" : "to-device", "protocol", l->proto, "enforced",
				m->enforced);
	child_event(c, &ev);
	json_decref(ev.evidence);
}

static bool judged(const struct child *c, const struct l3 *l, const struct kaddr *peer)
{
	if (kaddr_is_multicast(peer) || kaddr_is_broadcast(peer) || is_local(c, peer))
		return false;
	if ((l->proto == IPPROTO_UDP || l->proto == IPPROTO_TCP) &&
	    (l->sport == 53 || l->dport == 53 || l->sport == 67 || l->dport == 67 || l->sport == 68 || l->dport == 68))
		return false;
	return !(l->proto == IPPROTO_TCP && !(l->syn && !l->ack));
}

static void check_one(struct child *c, const struct child_mud *m, const struct l3 *l, int dir, uint64_t ts)
{
	const struct kaddr *peer = dir == MUD_FROM_DEVICE ? &l->dst : &l->src;
	if (!judged(c, l, peer))
		return;
	bool ok;
	if (l->proto == IPPROTO_TCP)
		ok = mud_permits(m->p, dir, peer, l->proto, l->sport, l->dport, dir == MUD_FROM_DEVICE, c->local,
				 c->n_local);
	else
		ok = mud_permits(m->p, dir, peer, l->proto, l->sport, l->dport, true, c->local, c->n_local) ||
		     mud_permits(m->p, dir, peer, l->proto, l->sport, l->dport, false, c->local, c->n_local);
	if (!ok)
		report(c, m, l, dir, ts);
}

void child_mud_packet(struct child *c, int linktype, uint64_t ts_us, const uint8_t *data, uint32_t caplen)
{
	if (!c->n_mud || linktype != 1 || caplen < 14)
		return;
	const struct child_mud *from = NULL, *to = NULL;
	for (size_t i = 0; i < c->n_mud; i++) {
		if (memcmp(data + 6, c->mud[i].mac, 6) == 0)
			from = &c->mud[i];
		if (memcmp(data, c->mud[i].mac, 6) == 0)
			to = &c->mud[i];
	}
	struct l3 l = {0};
	if ((!from && !to) || !parse_l3(data, caplen, &l))
		return;
	if (from)
		check_one(c, from, &l, MUD_FROM_DEVICE, ts_us);
	if (to)
		check_one(c, to, &l, MUD_TO_DEVICE, ts_us);
}
