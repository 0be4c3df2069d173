/* engine.c - the packet path: decode, track the flow, learn local devices,
 * find services, hand payloads to the dissectors. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detector.h"
#include "device/oui.h"
#include "engine/engine_internal.h"
#include "util/text.h"

static void on_flow_end(void *ctx, struct flow *f, enum flow_end_reason why);

static bool stream_pool_init(struct engine *e)
{
	uint32_t n = e->cfg.stream_slots;
	if (n == 0)
		return true;
	e->stream_pool = malloc((size_t)n * DISSECT_STATE_MAX);
	e->stream_free = malloc((size_t)n * sizeof *e->stream_free);
	if (!e->stream_pool || !e->stream_free)
		return false;
	for (uint32_t i = 0; i < n; i++)
		e->stream_free[i] = (int32_t)(n - 1 - i);
	e->stream_free_n = n;
	return true;
}

struct engine *engine_new(const struct config *cfg, const struct engine_sink *sink, struct intel *intel,
			  char *err, size_t errsz)
{
	struct engine *e = calloc(1, sizeof *e);
	if (!e) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	e->cfg = *cfg;
	e->sink = *sink;
	e->intel = intel;
	uint32_t timeouts[3] = {cfg->tcp_idle_timeout_s, cfg->udp_idle_timeout_s, cfg->other_idle_timeout_s};
	e->flows = flow_table_new((size_t)cfg->flow_memory_kb * 1024, timeouts, on_flow_end, e);
	e->inv = inventory_new(cfg->max_devices);
	e->login_seen = calloc(LOGIN_SEEN_SIZE, sizeof *e->login_seen);
	if (!e->flows || !e->inv || !e->login_seen || !stream_pool_init(e)) {
		snprintf(err, errsz, "cannot allocate the engine's memory (flow_memory_kb=%u, stream_slots=%u)",
			 cfg->flow_memory_kb, cfg->stream_slots);
		engine_free(e);
		return NULL;
	}
	if (engine_detectors_init(e, err, errsz) != 0 || !config_check_unused(&e->cfg, err, errsz)) {
		engine_free(e);
		return NULL;
	}
	return e;
}

void engine_free(struct engine *e)
{
	if (!e)
		return;
	engine_detectors_free(e);
	flow_table_free(e->flows);
	inventory_free(e->inv);
	free(e->stream_pool);
	free(e->stream_free);
	free(e->login_seen);
	free(e);
}

struct inventory *engine_inventory(struct engine *e)
{
	return e->inv;
}

void engine_get_stats(const struct engine *e, struct engine_stats *out)
{
	*out = e->stats;
	flow_table_stats(e->flows, &out->flows);
}

/* ---- local devices ---- */

static bool device_has_ip(const struct device *d, const struct kaddr *ip)
{
	for (unsigned i = 0; i < d->n_ips; i++)
		if (kaddr_eq(&d->ips[i], ip))
			return true;
	return false;
}

static struct device *device_for(struct engine *e, const uint8_t *mac, const struct kaddr *ip, uint64_t ts)
{
	struct device *d = mac ? inventory_by_mac(e->inv, mac) : inventory_by_ip(e->inv, ip);
	if (d) {
		if (ts > d->last_seen_us)
			d->last_seen_us = ts;
		if (ip && ip->family && !device_has_ip(d, ip) && !kaddr_is_unspecified(ip))
			inventory_bind_ip(e->inv, d, ip);
		return d;
	}
	struct kaddr none = {0};
	bool bind = ip && ip->family && !kaddr_is_unspecified(ip);
	d = inventory_add(e->inv, mac, bind ? ip : &none, ts);
	if (!d)
		return NULL;
	d->local = true;
	if (mac)
		device_set_str(&d->vendor, oui_lookup(mac));
	event_new_device(e, d, ts);
	detect_dispatch_device(e, d, ts);
	return d;
}

struct device *engine_device_for_mac(struct engine *e, const uint8_t mac[6], uint64_t ts_us)
{
	return device_for(e, mac, NULL, ts_us);
}

/* Learns the sender of a packet if it is a local device. */
static struct device *learn_source(struct engine *e, const struct packet *p)
{
	if (p->is_arp) {
		if (p->arp_spa.family && !mac_is_group(p->arp_sha) && !mac_is_zero(p->arp_sha))
			return device_for(e, p->arp_sha, &p->arp_spa, p->ts_us);
		return NULL;
	}
	if (!p->ip_version || kaddr_is_multicast(&p->src_ip) || kaddr_is_broadcast(&p->src_ip))
		return NULL;
	bool unspecified = kaddr_is_unspecified(&p->src_ip);
	if (!unspecified && !engine_ip_is_local(e, &p->src_ip))
		return NULL;
	if (p->has_mac && !mac_is_group(p->src_mac) && !mac_is_zero(p->src_mac))
		return device_for(e, p->src_mac, &p->src_ip, p->ts_us);
	return unspecified ? NULL : device_for(e, NULL, &p->src_ip, p->ts_us);
}

/* The local device at one end of a flow, if known. */
static struct device *flow_device(struct engine *e, const struct flow *f, int end)
{
	struct kaddr ip = {.family = f->family};
	memcpy(ip.b, f->addr[end], 16);
	if (!engine_ip_is_local(e, &ip))
		return NULL;
	if (f->has_mac[end]) {
		struct device *d = inventory_by_mac(e->inv, f->mac[end]);
		if (d)
			return d;
	}
	return inventory_by_ip(e->inv, &ip);
}

static void note_peers(struct engine *e, const struct flow *f)
{
	for (int end = 0; end < 2; end++) {
		struct device *d = flow_device(e, f, end);
		if (!d)
			continue;
		struct kaddr other = {.family = f->family};
		memcpy(other.b, f->addr[1 - end], 16);
		if (kaddr_is_multicast(&other) || kaddr_is_broadcast(&other))
			continue;
		struct peer *p = device_peer(d, &other, true);
		if (!p)
			continue;
		p->flows++;
		p->last_seen_us = f->last_us;
		if (!p->name)
			device_set_str(&p->name, inventory_name_get(e->inv, &other));
	}
}

/* A local device answering on a port offers a service there. */
static void note_service(struct engine *e, struct flow *f, const struct packet *p, bool from_client)
{
	if (from_client || f->pkts[FLOW_SERVER] != 1)
		return;
	bool tcp_accept = p->l4_proto == IPPROTO_TCP && (p->tcp_flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK);
	bool udp_answer = p->l4_proto == IPPROTO_UDP && f->port[FLOW_SERVER] < 49152 &&
			  f->port[FLOW_SERVER] != f->port[FLOW_CLIENT];
	if (!tcp_accept && !udp_answer)
		return;
	struct device *d = flow_device(e, f, FLOW_SERVER);
	if (!d)
		return;
	bool created;
	struct service *s = device_service(d, f->port[FLOW_SERVER], p->l4_proto, true, &created);
	if (s && created) {
		s->first_seen_us = p->ts_us;
		struct kaddr client = {.family = f->family};
		memcpy(client.b, f->addr[FLOW_CLIENT], 16);
		event_new_service(e, d, s, &client, p->ts_us);
	}
}

/* ---- dissectors ---- */

static void *stream_state(struct engine *e, struct flow *f, const struct dissector *d)
{
	if (d->state_size == 0)
		return NULL;
	if (f->stream_slot < 0) {
		if (e->stream_free_n == 0 || d->state_size > DISSECT_STATE_MAX) {
			e->stats.stream_pool_full++;
			return NULL;
		}
		f->stream_slot = e->stream_free[--e->stream_free_n];
		memset(e->stream_pool + (size_t)f->stream_slot * DISSECT_STATE_MAX, 0, d->state_size);
	}
	return e->stream_pool + (size_t)f->stream_slot * DISSECT_STATE_MAX;
}

static void name_service(struct engine *e, struct flow *f, const struct dissector *d)
{
	struct device *dev = flow_device(e, f, FLOW_SERVER);
	struct service *s = dev ? device_service(dev, f->port[FLOW_SERVER], f->l4_proto, false, NULL) : NULL;
	if (s && !s->name)
		device_set_str(&s->name, d->name);
}

static void dissect_payload(struct engine *e, struct flow *f, const struct packet *p, bool from_client)
{
	struct dissect_input in = {
		.pkt = p,
		.payload = p->payload,
		.len = p->payload_len,
		.from_client = from_client,
		.server_port = f->port[FLOW_SERVER],
	};
	if (f->dissector == -1) {
		int idx = dissector_find(f->l4_proto, &in);
		f->dissector = (int16_t)(idx >= 0 ? idx : -2);
		if (idx >= 0)
			name_service(e, f, dissector_table[idx]);
	}
	if (f->dissector < 0 || f->ended)
		return;
	const struct dissector *d = dissector_table[f->dissector];
	void *state = stream_state(e, f, d);
	struct fact_ctx fc = {.e = e, .pkt = p, .flow = f, .from_client = from_client};
	struct fact_sink sink = {.emit = engine_handle_fact, .ctx = &fc};
	e->stats.dissected++;
	d->dissect(&in, state, &sink);
}

/* Flow end: let a stream dissector flush, then free its state slot. */
static void on_flow_end(void *ctx, struct flow *f, enum flow_end_reason why)
{
	(void)why;
	struct engine *e = ctx;
	detect_dispatch_flow_end(e, f);
	if (f->dissector >= 0 && f->stream_slot >= 0) {
		const struct dissector *d = dissector_table[f->dissector];
		struct packet p;
		memset(&p, 0, sizeof p);
		p.ts_us = f->last_us;
		p.ip_version = f->family;
		p.l4_proto = f->l4_proto;
		p.src_ip.family = p.dst_ip.family = f->family;
		memcpy(p.src_ip.b, f->addr[FLOW_CLIENT], 16);
		memcpy(p.dst_ip.b, f->addr[FLOW_SERVER], 16);
		p.src_port = f->port[FLOW_CLIENT];
		p.dst_port = f->port[FLOW_SERVER];
		struct dissect_input in = {.pkt = &p, .from_client = true, .flow_end = true,
					   .server_port = f->port[FLOW_SERVER]};
		struct fact_ctx fc = {.e = e, .pkt = &p, .flow = f, .from_client = true};
		struct fact_sink sink = {.emit = engine_handle_fact, .ctx = &fc};
		d->dissect(&in, e->stream_pool + (size_t)f->stream_slot * DISSECT_STATE_MAX, &sink);
	}
	if (f->stream_slot >= 0)
		e->stream_free[e->stream_free_n++] = f->stream_slot;
	f->stream_slot = -1;
}

/* ---- the packet path ---- */

static struct device *packet_dst_device(struct engine *e, const struct packet *p, bool dst_local)
{
	if (!dst_local)
		return NULL;
	if (p->has_dst_mac && !mac_is_group(p->dst_mac)) {
		struct device *d = inventory_by_mac(e->inv, p->dst_mac);
		if (d)
			return d;
	}
	return inventory_by_ip(e->inv, &p->dst_ip);
}

static void run_detectors(struct engine *e, const struct packet *p, const struct flow *f, bool from_client,
			  bool created, struct device *src_dev)
{
	struct detect_packet dp = {.pkt = p, .flow = f, .from_client = from_client, .flow_created = created,
				   .src_dev = src_dev};
	if (p->ip_version) {
		dp.src_local = engine_ip_is_local(e, &p->src_ip);
		dp.dst_local = engine_ip_is_local(e, &p->dst_ip);
		dp.dst_dev = packet_dst_device(e, p, dp.dst_local);
	}
	detect_dispatch_packet(e, &dp);
}

static void count_decode(struct engine *e, enum decode_status st)
{
	if (st == DECODE_TRUNCATED)
		e->stats.decode_truncated++;
	else if (st == DECODE_MALFORMED)
		e->stats.decode_malformed++;
	else if (st == DECODE_UNSUPPORTED)
		e->stats.decode_unsupported++;
}

void engine_packet(struct engine *e, int linktype, uint64_t ts_us, const uint8_t *data, uint32_t caplen,
		   uint32_t wirelen)
{
	struct packet p;
	enum decode_status st = decode_packet(linktype, data, caplen, &p);
	p.ts_us = ts_us;
	p.caplen = caplen;
	p.wirelen = wirelen;
	e->stats.packets++;
	e->stats.bytes += wirelen;
	if (!e->stats.first_us || ts_us < e->stats.first_us)
		e->stats.first_us = ts_us;
	if (ts_us > e->stats.last_us)
		e->stats.last_us = ts_us;
	count_decode(e, st);
	if (p.l4_proto == IPPROTO_ICMPV6)
		engine_learn_ra(e, &p);
	struct device *src_dev = learn_source(e, &p);
	if (!p.ip_version) {
		e->stats.non_ip++;
		if (e->n_detectors)
			run_detectors(e, &p, NULL, false, false, src_dev);
		return;
	}
	bool from_client = true, created = false;
	struct flow *f = flow_track(e->flows, &p, &from_client, &created);
	if (f) {
		if (created)
			note_peers(e, f);
		note_service(e, f, &p, from_client);
		if (p.has_l4 && p.payload_len > 0 && (p.l4_proto == IPPROTO_TCP || p.l4_proto == IPPROTO_UDP))
			dissect_payload(e, f, &p, from_client);
	}
	if (e->n_detectors)
		run_detectors(e, &p, f, from_client, created, src_dev);
	if (f && p.l4_proto == IPPROTO_TCP)
		flow_table_end_if_closed(e->flows, f);
}

void engine_finish(struct engine *e)
{
	flow_table_flush(e->flows);
	detect_dispatch_finish(e, e->stats.last_us);
}
