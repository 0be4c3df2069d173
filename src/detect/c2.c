/* c2.c - the "c2" detector: contact with command-and-control (C&C)
 * infrastructure (the ISP measures against IoT botnets; key points 9, 21):
 *   - a local device looking up a listed domain (DNS query or answer): high;
 *   - a local device connecting or sending to a listed address, or to an
 *     address a listed domain resolved to earlier in the run (a derived
 *     indicator): critical once a TCP handshake completed or data flowed
 *     both ways, high for an attempt that got no answer;
 *   - beaconing: flows from one device to a rare external peer that start
 *     at regular intervals: medium (high when the peer is listed).
 * Only flow metadata and DNS names are used, never payload. Every table
 * has a fixed size and evicts its least recently used entry; all times are
 * capture times. Parameters and evidence fields: docs/detectors.md. */
#include <math.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detector.h"
#include "device/label.h"
#include "detect/detectors.h"
#include "intel/intel.h"

#define C2_WAYS 4              /* entries per bucket in every table */
#define C2_RING 16             /* flow starts kept per (device, peer, port) */
#define C2_FANIN_IDS 8         /* distinct local devices counted per peer */
#define C2_SEEN_SLOTS 4096     /* reported (device, indicator) pairs */
#define C2_WATCH_SLOTS 1024    /* undecided flows to listed addresses */
#define C2_DOMAIN_MAX 128
#define C2_COALESCE_US 1000000 /* flow starts closer than this are one contact */
#define C2_MAX_SLOTS (1u << 20)

struct c2_params {
	uint64_t repeat_us;
	bool beacon;
	uint32_t min_count;
	double max_cv;
	uint64_t min_period_us, max_period_us;
	uint32_t max_devices;
	uint32_t peer_slots, derived_slots;
};

/* What was reported for a (device, indicator) or (device, beacon peer). */
struct seen {
	uint64_t key;              /* 0 = free */
	uint64_t first_us;         /* when the window started (last report) */
	uint64_t last_us;
	uint32_t count;            /* sightings in the window */
	uint8_t sev;               /* highest severity reported in the window */
};

/* An address a listed domain resolved to. */
struct derived {
	struct kaddr ip;           /* family 0 = free */
	const struct indicator *ind;
	char domain[C2_DOMAIN_MAX];
	uint64_t ts_us;
};

/* A flow from a local device to a listed address, until it is decided. */
struct watch {
	const struct flow *f;      /* NULL = free */
	struct device *dev;
	struct kaddr dev_ip;
	const struct indicator *ind;
	char domain[C2_DOMAIN_MAX]; /* "" unless the address is a derived one */
	uint64_t ts_us;
};

/* The flow starts of one device towards one remote port. */
struct beacon {
	uint64_t dev;              /* device key, 0 = free */
	struct kaddr peer;
	uint16_t port;
	uint8_t proto;
	uint8_t n, head;           /* ring fill and next write position */
	uint64_t starts[C2_RING];
	uint64_t last_us;
};

/* Which local devices contacted a remote address. */
struct fanin {
	struct kaddr peer;         /* family 0 = free */
	uint64_t devs[C2_FANIN_IDS];
	uint8_t n;                 /* saturates at C2_FANIN_IDS */
	uint64_t last_us;
};

struct c2 {
	struct c2_params p;
	struct seen *seen;
	struct watch *watch;
	struct derived *derived;
	struct beacon *beacons;
	struct fanin *fanin;
	size_t seen_mask, watch_mask, derived_mask, beacon_mask, fanin_mask; /* buckets - 1 */
	size_t n_watch;
};

/* Summaries are cut to their buffers on purpose (the engine mends a cut
 * UTF-8 tail), so they are written through vsnprintf. */
__attribute__((format(printf, 3, 4))) static void text_put(char *dst, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(dst, n, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------ hashing */

static uint64_t mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ULL;
	return h;
}

static uint64_t hash_addr(uint64_t h, const struct kaddr *a)
{
	return hash_bytes(hash_bytes(h, &a->family, 1), a->b, sizeof a->b);
}

/* A device's identity in the tables: its inventory id, else its address. */
static uint64_t dev_key(const struct device *d, const struct kaddr *ip)
{
	if (d)
		return d->id;
	return hash_addr(1469598103934665603ULL, ip) | (1ULL << 63);
}

/* Bucket count for at least `slots` entries: a power of two, minus one. */
static size_t bucket_mask(uint32_t slots)
{
	size_t n = 1;
	while (n * C2_WAYS < slots)
		n <<= 1;
	return n - 1;
}

/* ------------------------------------------------------------ repeat suppression */

/* True if an event of this severity should go out for key now: the first
 * in the repeat window, or more severe than what the window reported. */
static bool seen_report(struct c2 *s, uint64_t key, enum severity sev, uint64_t ts, uint32_t *count)
{
	key |= 1;
	struct seen *b = &s->seen[(mix64(key) & s->seen_mask) * C2_WAYS], *e = NULL, *victim = b;
	for (int i = 0; i < C2_WAYS && !e; i++) {
		if (b[i].key == key)
			e = &b[i];
		else if (victim->key && (!b[i].key || b[i].last_us < victim->last_us))
			victim = &b[i];
	}
	if (e && ts < e->first_us + s->p.repeat_us) {
		e->count++;
		e->last_us = ts;
		*count = e->count;
		if ((uint8_t)sev <= e->sev)
			return false;
		e->sev = (uint8_t)sev;
		return true;
	}
	if (!e)
		e = victim;
	*e = (struct seen){.key = key, .first_us = ts, .last_us = ts, .count = 1, .sev = (uint8_t)sev};
	*count = 1;
	return true;
}

static uint64_t indicator_key(uint64_t dk, const char *tag, const char *value)
{
	uint64_t h = hash_bytes(mix64(dk), tag, strlen(tag));
	return hash_bytes(h, value, strlen(value));
}

/* ------------------------------------------------------------ derived indicators */

static struct derived *derived_find(struct c2 *s, const struct kaddr *ip, bool create)
{
	struct derived *b = &s->derived[(mix64(hash_addr(0, ip)) & s->derived_mask) * C2_WAYS], *victim = b;
	for (int i = 0; i < C2_WAYS; i++) {
		if (b[i].ip.family && kaddr_eq(&b[i].ip, ip))
			return &b[i];
		if (victim->ip.family && (!b[i].ip.family || b[i].ts_us < victim->ts_us))
			victim = &b[i];
	}
	return create ? victim : NULL;
}

static void derived_add(struct c2 *s, struct detect_ctx *ctx, const struct kaddr *ip,
			const struct indicator *ind, const char *domain, uint64_t ts)
{
	if (kaddr_is_unspecified(ip) || kaddr_is_loopback(ip) || kaddr_is_multicast(ip) || kaddr_is_broadcast(ip) ||
	    detect_is_local(ctx, ip))
		return; /* a sinkhole or block page answer is not C&C infrastructure */
	struct derived *d = derived_find(s, ip, true);
	d->ip = *ip;
	d->ind = ind;
	snprintf(d->domain, sizeof d->domain, "%s", domain);
	d->ts_us = ts;
}

/* The indicator a remote address matches: listed, else derived (domain set). */
static const struct indicator *match_peer(struct c2 *s, struct detect_ctx *ctx, const struct kaddr *ip,
					  const char **domain)
{
	*domain = NULL;
	const struct intel *in = detect_intel(ctx);
	const struct indicator *ind = in ? intel_match_ip(in, ip) : NULL;
	if (ind)
		return ind;
	struct derived *d = derived_find(s, ip, false);
	if (!d)
		return NULL;
	*domain = d->domain;
	return d->ind;
}

/* ------------------------------------------------------------ events */

static const char *indicator_type_str(enum indicator_type t)
{
	switch (t) {
	case IND_IPV4: return "ipv4";
	case IND_IPV6: return "ipv6";
	case IND_DOMAIN: return "domain";
	case IND_URL: return "url";
	}
	return "unknown";
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static void put_indicator(json_t *o, const struct indicator *ind)
{
	json_object_set_new(o, "indicator", json_string(ind->value));
	json_object_set_new(o, "indicator_type", json_string(indicator_type_str(ind->type)));
	json_object_set_new(o, "indicator_label", str_or_null(ind->label));
	json_object_set_new(o, "indicator_source", str_or_null(ind->source));
	if (ind->stix_id)
		json_object_set_new(o, "stix_id", json_string(ind->stix_id));
	if (ind->from_url)
		json_object_set_new(o, "indicator_url", json_string(ind->from_url));
}

static void put_time(json_t *o, const char *key, uint64_t ts)
{
	char buf[32];
	json_object_set_new(o, key, json_string(ts_iso8601(ts, buf, sizeof buf)));
}

static const char *proto_str(uint8_t proto, char *buf, size_t n)
{
	if (proto == IPPROTO_TCP)
		return "tcp";
	if (proto == IPPROTO_UDP)
		return "udp";
	if (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6)
		return "icmp";
	snprintf(buf, n, "%u", proto);
	return buf;
}


static void key_points(struct event *ev, bool beacon)
{
	static const uint8_t kps[] = {9, 21, 5};
	detect_event_key_points(ev, kps, beacon ? 3 : 2);
}

/* A DNS resolver asking upstream on behalf of another device. */
static bool is_resolver(const struct device *d)
{
	for (unsigned i = 0; d && i < d->n_services; i++)
		if (d->services[i].port == 53)
			return true;
	return false;
}

static void report_dns(struct c2 *s, struct detect_ctx *ctx, const struct detect_dns *q,
		       const struct indicator *ind)
{
	uint32_t count;
	uint64_t key = indicator_key(dev_key(q->client_dev, &q->client_ip), "ind", ind->value);
	if (!seen_report(s, key, SEV_HIGH, q->ts_us, &count))
		return;
	struct event ev;
	char label[320];
	bool resolver = is_resolver(q->client_dev);
	detect_event_init(&ev, "c2", SEV_HIGH, q->client_dev, &q->client_ip, q->ts_us);
	key_points(&ev, false);
	if (q->answer.family)
		ev.peer_ip = q->answer;
	snprintf(ev.peer_name, sizeof ev.peer_name, "%s", q->name);
	device_label(q->client_dev, &q->client_ip, label, sizeof label);
	text_put(ev.summary_en, sizeof ev.summary_en,
		 "%s looked up %s, a domain listed as command-and-control (C&C) infrastructure%s%s%s%s", label,
		 q->name, ind->label ? " (" : "", ind->label ? ind->label : "", ind->label ? ")" : "",
		 resolver ? "; this device is a DNS resolver and may be asking for another device" : "");
	text_put(ev.summary_ja, sizeof ev.summary_ja,
		 "%s が C&C サーバとして登録されているドメイン %s を名前解決しました%s%s%s%s", label, q->name,
		 ind->label ? "（" : "", ind->label ? ind->label : "", ind->label ? "）" : "",
		 resolver ? "。この機器は DNS サーバで、ほかの機器の代わりに問い合わせている可能性があります" : "");
	json_t *o = ev.evidence;
	json_object_set_new(o, "finding", json_string("dns"));
	put_indicator(o, ind);
	json_object_set_new(o, "domain", json_string(q->name));
	if (q->answer.family) {
		char a[KADDR_STRLEN];
		json_object_set_new(o, "address", json_string(kaddr_str(&q->answer, a, sizeof a)));
	}
	json_object_set_new(o, "dns", json_string(q->answer.family ? "answer" : "query"));
	json_object_set_new(o, "asker_is_resolver", json_boolean(resolver));
	json_object_set_new(o, "count", json_integer(count));
	detect_emit(ctx, &ev);
}

static void contact_summary(struct event *ev, const char *label, const struct flow *f, const char *addr,
			    const char *proto, const char *domain, bool exchanged)
{
	char en[KADDR_STRLEN + 32], ja[KADDR_STRLEN + 40];
	uint16_t port = f->port[FLOW_SERVER];
	if (port) {
		snprintf(en, sizeof en, "%s port %u/%s", addr, port, proto);
		snprintf(ja, sizeof ja, "%s のポート %u/%s", addr, port, proto);
	} else {
		snprintf(en, sizeof en, "%s (%s)", addr, proto);
		snprintf(ja, sizeof ja, "%s（%s）", addr, proto);
	}
	text_put(ev->summary_en, sizeof ev->summary_en, "%s %s %s, %s%s%s", label,
		 exchanged ? "exchanged data with" : "tried to contact", en,
		 *domain ? "an address of the listed C&C domain " : "a listed command-and-control (C&C) address",
		 domain, exchanged ? "" : " (no answer seen)");
	text_put(ev->summary_ja, sizeof ev->summary_ja, "%s が C&C サーバとして登録されている%s%s%s %s %s", label,
		 *domain ? "ドメイン " : "アドレス", domain, *domain ? " のアドレス" : "", ja,
		 exchanged ? "と通信しました（接続が成立しています）"
			   : "への接続を試みました（応答は確認されていません）");
}

/* A connection (or attempt) from a watched flow: exchanged = data flowed. */
static void report_contact(struct c2 *s, struct detect_ctx *ctx, const struct watch *w, bool exchanged,
			   uint64_t ts)
{
	const struct flow *f = w->f;
	enum severity sev = exchanged ? SEV_CRITICAL : SEV_HIGH;
	uint32_t count;
	if (!seen_report(s, indicator_key(dev_key(w->dev, &w->dev_ip), "ind", w->ind->value), sev, ts, &count))
		return;
	struct event ev;
	char label[320], a[KADDR_STRLEN], pb[8];
	struct kaddr ip = {.family = f->family};
	memcpy(ip.b, f->addr[FLOW_SERVER], 16);
	kaddr_str(&ip, a, sizeof a);
	const char *proto = proto_str(f->l4_proto, pb, sizeof pb);
	detect_event_init(&ev, "c2", sev, w->dev, &w->dev_ip, ts);
	key_points(&ev, false);
	ev.peer_ip = ip;
	ev.peer_port = f->port[FLOW_SERVER];
	snprintf(ev.peer_name, sizeof ev.peer_name, "%s", w->domain);
	contact_summary(&ev, device_label(w->dev, &w->dev_ip, label, sizeof label), f, a, proto, w->domain, exchanged);
	json_t *o = ev.evidence;
	json_object_set_new(o, "finding", json_string("connection"));
	put_indicator(o, w->ind);
	json_object_set_new(o, "address", json_string(a));
	json_object_set_new(o, "domain", w->domain[0] ? json_string(w->domain) : json_null());
	json_object_set_new(o, "port", json_integer(f->port[FLOW_SERVER]));
	json_object_set_new(o, "proto", json_string(proto));
	json_object_set_new(o, "established", json_boolean(exchanged));
	json_object_set_new(o, "tcp_handshake", json_boolean((f->tcp_state & FLOW_TCP_ESTABLISHED) != 0));
	json_object_set_new(o, "packets_out", json_integer(f->pkts[FLOW_CLIENT]));
	json_object_set_new(o, "packets_in", json_integer(f->pkts[FLOW_SERVER]));
	json_object_set_new(o, "bytes_out", json_integer((json_int_t)f->bytes[FLOW_CLIENT]));
	json_object_set_new(o, "bytes_in", json_integer((json_int_t)f->bytes[FLOW_SERVER]));
	put_time(o, "first", f->first_us);
	put_time(o, "last", f->last_us);
	json_object_set_new(o, "count", json_integer(count));
	detect_emit(ctx, &ev);
}

/* ------------------------------------------------------------ watched flows */

static uint64_t flow_key(const struct flow *f)
{
	uint64_t h = hash_bytes(1469598103934665603ULL, &f->l4_proto, 1);
	h = hash_bytes(h, f->addr, sizeof f->addr);
	h = hash_bytes(h, f->port, sizeof f->port);
	return mix64(hash_bytes(h, &f->first_us, sizeof f->first_us));
}

static struct watch *watch_bucket(struct c2 *s, const struct flow *f)
{
	return &s->watch[(flow_key(f) & s->watch_mask) * C2_WAYS];
}

static struct watch *watch_find(struct c2 *s, const struct flow *f)
{
	struct watch *b = watch_bucket(s, f);
	for (int i = 0; i < C2_WAYS; i++)
		if (b[i].f == f)
			return &b[i];
	return NULL;
}

/* Both sides talked: a TCP handshake, or (picked up mid-connection, or not
 * TCP) packets in both directions. */
static bool flow_exchanged(const struct flow *f)
{
	if (f->l4_proto == IPPROTO_TCP) {
		if (f->tcp_state & FLOW_TCP_ESTABLISHED)
			return true;
		if (f->tcp_state & (FLOW_TCP_SYN | FLOW_TCP_SYNACK | FLOW_TCP_RST))
			return false;
	}
	return f->pkts[FLOW_CLIENT] && f->pkts[FLOW_SERVER];
}

static void watch_done(struct c2 *s, struct detect_ctx *ctx, struct watch *w, uint64_t ts)
{
	report_contact(s, ctx, w, flow_exchanged(w->f), ts);
	w->f = NULL;
	s->n_watch--;
}

static void watch_add(struct c2 *s, struct detect_ctx *ctx, const struct detect_packet *dp,
		      const struct indicator *ind, const char *domain)
{
	struct watch *b = watch_bucket(s, dp->flow), *w = b;
	for (int i = 1; i < C2_WAYS && w->f; i++)
		if (!b[i].f || b[i].ts_us < w->ts_us)
			w = &b[i];
	if (w->f) /* bucket full: decide the oldest now */
		watch_done(s, ctx, w, dp->pkt->ts_us);
	*w = (struct watch){.f = dp->flow, .dev = dp->src_dev, .dev_ip = dp->pkt->src_ip, .ind = ind,
			    .ts_us = dp->pkt->ts_us};
	if (domain)
		snprintf(w->domain, sizeof w->domain, "%s", domain);
	s->n_watch++;
}

/* ------------------------------------------------------------ beaconing */

static struct fanin *fanin_slot(struct c2 *s, const struct kaddr *peer)
{
	struct fanin *b = &s->fanin[(mix64(hash_addr(7, peer)) & s->fanin_mask) * C2_WAYS], *victim = b;
	for (int i = 0; i < C2_WAYS; i++) {
		if (b[i].peer.family && kaddr_eq(&b[i].peer, peer))
			return &b[i];
		if (victim->peer.family && (!b[i].peer.family || b[i].last_us < victim->last_us))
			victim = &b[i];
	}
	memset(victim, 0, sizeof *victim);
	victim->peer = *peer;
	return victim;
}

/* Counts the device among the peer's local contacts; returns how many. */
static unsigned fanin_note(struct c2 *s, const struct kaddr *peer, uint64_t dk, uint64_t ts)
{
	struct fanin *e = fanin_slot(s, peer);
	e->last_us = ts;
	for (unsigned i = 0; i < e->n; i++)
		if (e->devs[i] == dk)
			return e->n;
	if (e->n < C2_FANIN_IDS)
		e->devs[e->n++] = dk;
	return e->n;
}

static struct beacon *beacon_slot(struct c2 *s, uint64_t dk, const struct kaddr *peer, uint16_t port,
				  uint8_t proto)
{
	uint64_t h = hash_bytes(hash_addr(mix64(dk), peer), &port, sizeof port);
	h = mix64(hash_bytes(h, &proto, 1));
	struct beacon *b = &s->beacons[(h & s->beacon_mask) * C2_WAYS], *victim = b;
	for (int i = 0; i < C2_WAYS; i++) {
		struct beacon *e = &b[i];
		if (e->dev == dk && e->port == port && e->proto == proto && kaddr_eq(&e->peer, peer))
			return e;
		if (victim->dev && (!e->dev || e->last_us < victim->last_us))
			victim = e;
	}
	*victim = (struct beacon){.dev = dk, .peer = *peer, .port = port, .proto = proto};
	return victim;
}

/* Adds a flow start; false if it merely continues the previous contact. */
static bool beacon_push(struct beacon *b, uint64_t ts)
{
	if (b->n) {
		uint64_t prev = b->starts[(b->head + C2_RING - 1) % C2_RING];
		if (ts >= prev && ts - prev < C2_COALESCE_US)
			return false;
	}
	b->starts[b->head] = ts;
	b->head = (uint8_t)((b->head + 1) % C2_RING);
	if (b->n < C2_RING)
		b->n++;
	b->last_us = ts;
	return true;
}

struct beacon_stats {
	double period_s, cv;
	uint64_t first_us, last_us;
};

/* The last min_count starts: regular (coefficient of variation of the
 * intervals below max_cv) with a mean period inside the allowed range? */
static bool beacon_regular(const struct c2 *s, const struct beacon *b, struct beacon_stats *st)
{
	uint32_t m = s->p.min_count;
	if (b->n < m)
		return false;
	double d[C2_RING], sum = 0, var = 0;
	size_t k = m - 1, first = (b->head + C2_RING - m) % C2_RING;
	for (size_t i = 0; i < k; i++) {
		uint64_t t0 = b->starts[(first + i) % C2_RING], t1 = b->starts[(first + i + 1) % C2_RING];
		d[i] = (double)(int64_t)(t1 - t0);
		sum += d[i];
	}
	double mean = sum / (double)k;
	if (mean < (double)s->p.min_period_us || mean > (double)s->p.max_period_us)
		return false;
	for (size_t i = 0; i < k; i++)
		var += (d[i] - mean) * (d[i] - mean);
	st->cv = sqrt(var / (double)k) / mean;
	st->period_s = mean / 1e6;
	st->first_us = b->starts[first];
	st->last_us = b->starts[(first + k) % C2_RING];
	return st->cv < s->p.max_cv;
}

static void report_beacon(struct c2 *s, struct detect_ctx *ctx, const struct detect_packet *dp,
			  const struct beacon_stats *st, unsigned fan, const struct indicator *ind,
			  const char *domain)
{
	const struct flow *f = dp->flow;
	enum severity sev = ind ? SEV_HIGH : SEV_MEDIUM;
	uint32_t count;
	char a[KADDR_STRLEN], label[320], pb[8];
	const struct kaddr *peer = &dp->pkt->dst_ip;
	uint64_t key = hash_bytes(hash_addr(mix64(dev_key(dp->src_dev, &dp->pkt->src_ip)), peer), "beacon", 6);
	if (!seen_report(s, key, sev, dp->pkt->ts_us, &count))
		return;
	struct event ev;
	detect_event_init(&ev, "c2", sev, dp->src_dev, &dp->pkt->src_ip, dp->pkt->ts_us);
	key_points(&ev, true);
	ev.peer_ip = *peer;
	ev.peer_port = f->port[FLOW_SERVER];
	if (domain)
		snprintf(ev.peer_name, sizeof ev.peer_name, "%s", domain);
	device_label(dp->src_dev, &dp->pkt->src_ip, label, sizeof label);
	const char *proto = proto_str(f->l4_proto, pb, sizeof pb);
	kaddr_str(peer, a, sizeof a);
	text_put(ev.summary_en, sizeof ev.summary_en,
		 "%s contacts %s port %u/%s every %.0f s (%u times in a row, jitter %.1f%%), a regular pattern "
		 "typical of malware checking in with its command-and-control server (local devices talking to that "
		 "host: %u)%s",
		 label, a, f->port[FLOW_SERVER], proto, st->period_s, s->p.min_count, st->cv * 100, fan,
		 ind ? "; the host is listed as C&C infrastructure" : "");
	text_put(ev.summary_ja, sizeof ev.summary_ja,
		 "%s が %s のポート %u/%s へ約 %.0f 秒ごとに規則的に通信しています（%u 回連続、ばらつき "
		 "%.1f%%）。マルウェアが C&C サーバへ指令を取りに行く通信によく見られるパターンです"
		 "（この相手と通信している機器: %u 台）%s",
		 label, a, f->port[FLOW_SERVER], proto, st->period_s, s->p.min_count, st->cv * 100, fan,
		 ind ? "。相手は C&C サーバとして登録されています" : "");
	json_t *o = ev.evidence;
	json_object_set_new(o, "finding", json_string("beacon"));
	if (ind)
		put_indicator(o, ind);
	json_object_set_new(o, "address", json_string(a));
	json_object_set_new(o, "domain", str_or_null(domain ? domain : detect_name_of(ctx, peer)));
	json_object_set_new(o, "port", json_integer(f->port[FLOW_SERVER]));
	json_object_set_new(o, "proto", json_string(proto));
	json_object_set_new(o, "period_s", json_real(st->period_s));
	json_object_set_new(o, "jitter", json_real(st->cv));
	json_object_set_new(o, "flows", json_integer(s->p.min_count));
	json_object_set_new(o, "local_devices", json_integer(fan));
	put_time(o, "first", st->first_us);
	put_time(o, "last", st->last_us);
	json_object_set_new(o, "count", json_integer(count));
	detect_emit(ctx, &ev);
}

static void beacon_note(struct c2 *s, struct detect_ctx *ctx, const struct detect_packet *dp,
			const struct indicator *ind, const char *domain)
{
	const struct flow *f = dp->flow;
	uint16_t port = f->port[FLOW_SERVER];
	if (port == 53 || port == 123)
		return; /* DNS and NTP are periodic by design */
	uint64_t dk = dev_key(dp->src_dev, &dp->pkt->src_ip);
	unsigned fan = fanin_note(s, &dp->pkt->dst_ip, dk, f->first_us);
	struct beacon *b = beacon_slot(s, dk, &dp->pkt->dst_ip, port, f->l4_proto);
	struct beacon_stats st;
	if (!beacon_push(b, f->first_us) || !beacon_regular(s, b, &st) || fan >= s->p.max_devices)
		return;
	report_beacon(s, ctx, dp, &st, fan, ind, domain);
}

/* ------------------------------------------------------------ hooks */

/* A new flow: a local device starting to talk to a remote host. */
static void flow_start(struct c2 *s, struct detect_ctx *ctx, const struct detect_packet *dp)
{
	const struct kaddr *dst = &dp->pkt->dst_ip;
	if (!dp->src_local || dp->dst_local || kaddr_is_multicast(dst) || kaddr_is_broadcast(dst) ||
	    kaddr_is_unspecified(dst))
		return;
	const char *domain;
	const struct indicator *ind = match_peer(s, ctx, dst, &domain);
	if (s->p.beacon)
		beacon_note(s, ctx, dp, ind, domain);
	if (ind)
		watch_add(s, ctx, dp, ind, domain);
}

static void c2_on_packet(void *state, struct detect_ctx *ctx, const struct detect_packet *dp)
{
	struct c2 *s = state;
	if (!dp->flow)
		return;
	if (dp->flow_created) {
		flow_start(s, ctx, dp);
		return;
	}
	if (!s->n_watch)
		return;
	struct watch *w = watch_find(s, dp->flow);
	if (w && flow_exchanged(dp->flow))
		watch_done(s, ctx, w, dp->pkt->ts_us);
}

static void c2_on_flow_end(void *state, struct detect_ctx *ctx, const struct flow *f)
{
	struct c2 *s = state;
	struct watch *w = s->n_watch ? watch_find(s, f) : NULL;
	if (w)
		watch_done(s, ctx, w, f->last_us);
}

static void c2_on_dns(void *state, struct detect_ctx *ctx, const struct detect_dns *q)
{
	struct c2 *s = state;
	const struct intel *in = detect_intel(ctx);
	if (!in || !q->name || !q->name[0])
		return;
	const struct indicator *ind = intel_match_domain(in, q->name);
	if (!ind)
		return;
	if (q->answer.family)
		derived_add(s, ctx, &q->answer, ind, q->name, q->ts_us);
	if (q->client_dev || (q->client_ip.family && detect_is_local(ctx, &q->client_ip)))
		report_dns(s, ctx, q, ind);
}

/* ------------------------------------------------------------ life cycle */

static void c2_destroy(void *state)
{
	struct c2 *s = state;
	if (!s)
		return;
	free(s->seen);
	free(s->watch);
	free(s->derived);
	free(s->beacons);
	free(s->fanin);
	free(s);
}

static bool read_params(struct detect_ctx *ctx, struct c2_params *p, char *err, size_t errsz)
{
	bool ok = true;
	p->repeat_us = (uint64_t)detect_param_u32(ctx, "repeat_window", 3600, &ok) * 1000000u;
	p->beacon = detect_param_bool(ctx, "beacon", true, &ok);
	p->min_count = detect_param_u32(ctx, "beacon_min_count", 8, &ok);
	p->max_cv = detect_param_double(ctx, "beacon_max_cv", 0.1, &ok);
	p->min_period_us = (uint64_t)detect_param_u32(ctx, "beacon_min_period", 10, &ok) * 1000000u;
	p->max_period_us = (uint64_t)detect_param_u32(ctx, "beacon_max_period", 3600, &ok) * 1000000u;
	p->max_devices = detect_param_u32(ctx, "beacon_max_devices", 2, &ok);
	p->peer_slots = detect_param_u32(ctx, "max_peers", 4096, &ok);
	p->derived_slots = detect_param_u32(ctx, "max_derived", 4096, &ok);
	const char *why = NULL;
	if (!ok)
		why = "a c2.* parameter is malformed (numbers, or yes/no for c2.beacon)";
	else if (p->min_count < 3 || p->min_count > C2_RING)
		why = "c2.beacon_min_count must be between 3 and 16";
	else if (p->max_cv <= 0)
		why = "c2.beacon_max_cv must be above 0";
	else if (p->min_period_us == 0 || p->max_period_us < p->min_period_us)
		why = "c2.beacon_min_period must be at least 1 and at most c2.beacon_max_period";
	else if (p->max_devices < 2 || p->max_devices > C2_FANIN_IDS)
		why = "c2.beacon_max_devices must be between 2 and 8";
	else if (p->peer_slots < C2_WAYS || p->peer_slots > C2_MAX_SLOTS || p->derived_slots < C2_WAYS ||
		 p->derived_slots > C2_MAX_SLOTS)
		why = "c2.max_peers and c2.max_derived must be between 4 and 1048576";
	if (why)
		snprintf(err, errsz, "%s", why);
	return !why;
}

static void *c2_create(struct detect_ctx *ctx, char *err, size_t errsz)
{
	struct c2 *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errsz, "c2: out of memory");
		return NULL;
	}
	if (!read_params(ctx, &s->p, err, errsz)) {
		free(s);
		return NULL;
	}
	s->seen_mask = bucket_mask(C2_SEEN_SLOTS);
	s->watch_mask = bucket_mask(C2_WATCH_SLOTS);
	s->derived_mask = bucket_mask(s->p.derived_slots);
	s->beacon_mask = bucket_mask(s->p.peer_slots);
	s->fanin_mask = bucket_mask(s->p.peer_slots);
	s->seen = calloc((s->seen_mask + 1) * C2_WAYS, sizeof *s->seen);
	s->watch = calloc((s->watch_mask + 1) * C2_WAYS, sizeof *s->watch);
	s->derived = calloc((s->derived_mask + 1) * C2_WAYS, sizeof *s->derived);
	s->beacons = s->p.beacon ? calloc((s->beacon_mask + 1) * C2_WAYS, sizeof *s->beacons) : NULL;
	s->fanin = s->p.beacon ? calloc((s->fanin_mask + 1) * C2_WAYS, sizeof *s->fanin) : NULL;
	if (!s->seen || !s->watch || !s->derived || (s->p.beacon && (!s->beacons || !s->fanin))) {
		snprintf(err, errsz, "c2: out of memory");
		c2_destroy(s);
		return NULL;
	}
	return s;
}

const struct detector detector_c2 = {
	.name = "c2",
	.create = c2_create,
	.destroy = c2_destroy,
	.on_packet = c2_on_packet,
	.on_flow_end = c2_on_flow_end,
	.on_dns = c2_on_dns,
};
