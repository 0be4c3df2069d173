/* flood.c - the `flood` detector: a local device sending a flood at one
 * target (UDP, TCP SYN, other TCP, ICMP, other IP protocols), being used as
 * a reflector (answering from UDP 53/123/1900/11211 ... with more bytes
 * than it was sent), or sending requests to such ports with a forged source
 * address (launching a reflection attack on that address).
 *
 * Per (device, target, class): packets, bytes and replies in 1-second
 * buckets over flood.window seconds. A tracker floods when, averaged over
 * the window:
 *   - its rate reaches the floor: flood.min_pps (or flood.min_bps when set;
 *     flood.reflect_min_pps for reflection and forged requests);
 *   - the target hardly answers: replies <= flood.max_reply_ratio x packets
 *     (for SYNs: completed handshakes; not for ICMP); for reflection the
 *     answers carry >= flood.min_amplification x the request bytes;
 *   - volumetric classes only: the rate is >= flood.critical_pps or >=
 *     flood.baseline_factor x the device's baseline: its outbound packets
 *     in its first full second, then an EWMA (time constant
 *     flood.baseline_seconds) of its packets per second, frozen while it
 *     floods. So a device busy all the time is judged against its usual
 *     rate. Before the baseline exists the floor alone decides: a device
 *     that floods from the moment it appears is caught if it reaches the
 *     floor within its first one or two seconds.
 * Severity high, critical at flood.critical_pps; key points 5, 9. One event
 * per incident, repeated at most once per flood.repeat seconds (sooner if
 * the severity rises). Memory: fixed tables of trackers and devices
 * (8-way set-associative, least recently active evicted). */
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detectors.h"

#define FL_WAYS 8
#define FL_PORTS 4
#define FL_SPOOF_SAMPLES 3
#define FL_REFLECTORS 16
#define FL_MAX_WINDOW 60

enum fclass { FC_UDP, FC_SYN, FC_TCP, FC_ICMP, FC_IP, FC_REFLECT, FC_SPOOFREQ };
static const char *const class_name[] = {"udp", "tcp-syn", "tcp", "icmp", "ip", "reflection", "spoofed-requests"};
static const char *const class_label[] = {"UDP", "TCP SYN", "TCP", "ICMP", "IP", "reflection", "forged requests"};

static const struct reflector {
	uint16_t port;
	const char *service;
} reflectors[] = {{19, "chargen"},  {53, "dns"},       {123, "ntp"},    {161, "snmp"},
		  {389, "cldap"},   {1900, "ssdp"},    {3702, "ws-discovery"}, {5351, "nat-pmp"},
		  {5683, "coap"},   {10001, "ubiquiti"}, {11211, "memcached"}};
#define N_REFLECTORS (sizeof reflectors / sizeof reflectors[0])

/* A sender: a local device by MAC, else by address. */
struct dkey {
	bool has_mac;
	uint8_t mac[6];
	struct kaddr ip;
};

struct bucket {
	uint32_t pkts, replies;
	uint64_t bytes, rbytes;
};

struct tracker {
	bool used, spoofed, reported, in_incident;
	uint8_t cls;
	struct dkey dev;
	struct kaddr target;
	struct kaddr src_ip;          /* the device's address as last sent */
	uint64_t last_us, first_us;
	uint64_t sec;                 /* second of the newest bucket */
	uint32_t sum_pkts, sum_replies;
	uint64_t sum_bytes, sum_rbytes;
	uint64_t inc_start_us, inc_last_us, inc_pkts, inc_bytes, inc_peak_bytes;
	uint32_t inc_peak_pkts;
	uint16_t ports[FL_PORTS];
	uint16_t svc_port;
	uint8_t n_ports, n_spoof;
	struct kaddr spoof[FL_SPOOF_SAMPLES]; /* forged sources (or forged-request reflectors) */
	uint32_t refl_hash[FL_REFLECTORS];
	uint8_t n_refl;
	enum severity reported_sev;
	uint64_t reported_us;
};

struct fdev {
	bool used, have_base;
	struct dkey key;
	uint64_t last_us;
	uint64_t first_sec, sec, alarm_until;
	uint32_t sec_pkts;
	double ewma;
};

struct flood {
	uint32_t window, min_pps, reflect_min_pps, critical_pps;
	uint64_t min_bps, repeat_us;
	double factor, alpha, reply_ratio, min_amp;
	uint32_t tsets, dsets;
	struct tracker *t;
	struct bucket *b;             /* window buckets per tracker */
	struct fdev *d;
};

/* ---- keys and tables ---- */

static bool dkey_eq(const struct dkey *a, const struct dkey *b)
{
	if (a->has_mac != b->has_mac)
		return false;
	return a->has_mac ? memcmp(a->mac, b->mac, 6) == 0 : kaddr_eq(&a->ip, &b->ip);
}

static uint32_t dkey_hash(const struct dkey *k)
{
	if (!k->has_mac)
		return kaddr_hash(&k->ip, 0xd1u);
	struct kaddr m = {.family = 0};
	memcpy(m.b, k->mac, 6);
	return kaddr_hash(&m, 0xd2u);
}

static struct fdev *dev_get(struct flood *f, const struct dkey *k, bool create, uint64_t now)
{
	struct fdev *set = &f->d[(size_t)(dkey_hash(k) & (f->dsets - 1)) * FL_WAYS];
	struct fdev *victim = &set[0];
	for (int i = 0; i < FL_WAYS; i++) {
		if (set[i].used && dkey_eq(&set[i].key, k))
			return &set[i];
		if (victim->used && (!set[i].used || set[i].last_us < victim->last_us))
			victim = &set[i];
	}
	if (!create)
		return NULL;
	memset(victim, 0, sizeof *victim);
	victim->used = true;
	victim->key = *k;
	victim->first_sec = victim->sec = now / 1000000u;
	victim->last_us = now;
	return victim;
}

static struct tracker *tr_get(struct flood *f, const struct dkey *k, const struct kaddr *target, uint8_t cls,
			      bool create, uint64_t now)
{
	uint32_t h = dkey_hash(k) ^ kaddr_hash(target, 0xf1u + cls);
	size_t base = (size_t)(h & (f->tsets - 1)) * FL_WAYS;
	struct tracker *set = &f->t[base];
	int victim = 0;
	for (int i = 0; i < FL_WAYS; i++) {
		if (set[i].used && set[i].cls == cls && kaddr_eq(&set[i].target, target) && dkey_eq(&set[i].dev, k))
			return &set[i];
		if (set[victim].used && (!set[i].used || set[i].last_us < set[victim].last_us))
			victim = i;
	}
	if (!create)
		return NULL;
	struct tracker *t = &set[victim];
	memset(t, 0, sizeof *t);
	memset(&f->b[(base + (size_t)victim) * f->window], 0, f->window * sizeof *f->b);
	t->used = true;
	t->cls = cls;
	t->dev = *k;
	t->target = *target;
	t->first_us = t->last_us = now;
	t->sec = now / 1000000u;
	return t;
}

static struct bucket *buckets_of(struct flood *f, const struct tracker *t)
{
	return &f->b[(size_t)(t - f->t) * f->window];
}

/* ---- rates ---- */

/* Moves a tracker's window to second `sec`, dropping buckets that fell out. */
static void tr_roll(struct flood *f, struct tracker *t, uint64_t sec)
{
	if (sec <= t->sec)
		return;
	struct bucket *b = buckets_of(f, t);
	uint64_t steps = sec - t->sec;
	if (steps > f->window)
		steps = f->window;
	for (uint64_t i = 1; i <= steps; i++) {
		struct bucket *old = &b[(t->sec + i) % f->window];
		if (t->in_incident) {
			const struct bucket *done = &b[(t->sec + i - 1) % f->window];
			if (i == 1 && done->pkts > t->inc_peak_pkts)
				t->inc_peak_pkts = done->pkts;
			if (i == 1 && done->bytes > t->inc_peak_bytes)
				t->inc_peak_bytes = done->bytes;
		}
		t->sum_pkts -= old->pkts;
		t->sum_replies -= old->replies;
		t->sum_bytes -= old->bytes;
		t->sum_rbytes -= old->rbytes;
		memset(old, 0, sizeof *old);
	}
	t->sec = sec;
}

static void tr_add(struct flood *f, struct tracker *t, uint64_t now, uint32_t bytes, bool reply)
{
	uint64_t sec = now / 1000000u;
	tr_roll(f, t, sec);
	struct bucket *b = &buckets_of(f, t)[t->sec % f->window]; /* late packets count in the newest second */
	if (reply) {
		b->replies++;
		b->rbytes += bytes;
		t->sum_replies++;
		t->sum_rbytes += bytes;
	} else {
		b->pkts++;
		b->bytes += bytes;
		t->sum_pkts++;
		t->sum_bytes += bytes;
		if (t->in_incident) {
			t->inc_pkts++;
			t->inc_bytes += bytes;
		}
	}
	if (now > t->last_us)
		t->last_us = now;
}

/* The device's baseline: its first full second's packet count, then an
 * EWMA of its packets per second (frozen while it floods). */
static void dev_count(struct flood *f, struct fdev *d, uint64_t now)
{
	uint64_t sec = now / 1000000u;
	if (sec > d->sec) {
		if (d->sec > d->first_sec && d->sec >= d->alarm_until) { /* a full second, not flooding */
			if (!d->have_base)
				d->ewma = d->sec_pkts;
			else
				d->ewma += f->alpha * ((double)d->sec_pkts - d->ewma);
			d->have_base = true;
			uint64_t idle = sec - d->sec - 1;
			if (idle)
				d->ewma *= pow(1.0 - f->alpha, (double)(idle < 1000000 ? idle : 1000000));
		}
		d->sec = sec;
		d->sec_pkts = 0;
	}
	d->sec_pkts++;
	if (now > d->last_us)
		d->last_us = now;
}

static bool pattern_class(uint8_t cls)
{
	return cls == FC_REFLECT || cls == FC_SPOOFREQ;
}

/* Is the tracker flooding now (window averages)? */
static bool flooding(const struct flood *f, const struct tracker *t, const struct fdev *d)
{
	uint64_t w = f->window;
	uint64_t floor = pattern_class(t->cls) ? f->reflect_min_pps : f->min_pps;
	if (!((uint64_t)t->sum_pkts >= floor * w || (f->min_bps && t->sum_bytes * 8 >= f->min_bps * w)))
		return false;
	switch (t->cls) {
	case FC_ICMP:
	case FC_SPOOFREQ:
		break;
	case FC_REFLECT:
		if (t->sum_rbytes && (double)t->sum_bytes < f->min_amp * (double)t->sum_rbytes)
			return false;
		break;
	default: /* replies, or for SYNs completed handshakes */
		if ((double)t->sum_replies > f->reply_ratio * (double)t->sum_pkts)
			return false;
	}
	if (pattern_class(t->cls) || (uint64_t)t->sum_pkts >= (uint64_t)f->critical_pps * w)
		return true;
	if (!d || !d->have_base) /* nothing known yet about the device: the floor decides */
		return true;
	return (double)t->sum_pkts >= f->factor * d->ewma * (double)w;
}

/* ---- events ---- */

static const char *reflector_service(uint16_t port)
{
	for (size_t i = 0; i < N_REFLECTORS; i++)
		if (reflectors[i].port == port)
			return reflectors[i].service;
	return NULL;
}

static json_t *ts_json(uint64_t ts)
{
	char b[32];
	return json_string(ts_iso8601(ts, b, sizeof b));
}

static void window_peak(struct flood *f, const struct tracker *t, uint32_t *pkts, uint64_t *bytes)
{
	const struct bucket *b = buckets_of(f, t);
	*pkts = t->inc_peak_pkts;
	*bytes = t->inc_peak_bytes;
	for (uint32_t i = 0; i < f->window; i++) {
		if (b[i].pkts > *pkts)
			*pkts = b[i].pkts;
		if (b[i].bytes > *bytes)
			*bytes = b[i].bytes;
	}
}

static uint64_t window_start(const struct flood *f, const struct tracker *t)
{
	uint64_t ws = (t->sec + 1 > f->window ? t->sec + 1 - f->window : 0) * 1000000u;
	return ws > t->first_us ? ws : t->first_us;
}

static void evidence_class(json_t *ev, const struct tracker *t)
{
	char ip[KADDR_STRLEN];
	const char *svc = reflector_service(t->svc_port);
	if (t->cls == FC_REFLECT) {
		json_object_set_new(ev, "service", svc ? json_string(svc) : json_null());
		json_object_set_new(ev, "service_port", json_integer(t->svc_port));
		json_object_set_new(ev, "request_packets", json_integer(t->sum_replies));
		json_object_set_new(ev, "request_bytes", json_integer((json_int_t)t->sum_rbytes));
		json_object_set_new(ev, "amplification", t->sum_rbytes ? json_real((double)t->sum_bytes / (double)t->sum_rbytes)
								      : json_null());
	} else if (t->cls == FC_SPOOFREQ) {
		json_object_set_new(ev, "service", svc ? json_string(svc) : json_null());
		json_object_set_new(ev, "service_port", json_integer(t->svc_port));
		json_object_set_new(ev, "reflectors", json_integer(t->n_refl));
	} else {
		json_object_set_new(ev, t->cls == FC_SYN ? "handshakes_completed" : "replies", json_integer(t->sum_replies));
	}
	json_object_set_new(ev, "spoofed_source", json_boolean(t->spoofed));
	if (t->n_spoof) {
		json_t *a = json_array();
		for (int i = 0; i < t->n_spoof; i++)
			json_array_append_new(a, json_string(kaddr_str(&t->spoof[i], ip, sizeof ip)));
		json_object_set_new(ev, t->cls == FC_SPOOFREQ ? "sample_reflectors" : "sample_forged_sources", a);
	}
}

static json_t *evidence(struct flood *f, const struct tracker *t, const struct fdev *d, uint64_t now)
{
	char ip[KADDR_STRLEN];
	uint32_t peak_pkts;
	uint64_t peak_bytes;
	window_peak(f, t, &peak_pkts, &peak_bytes);
	json_t *ev = json_object(), *ports = json_array();
	json_object_set_new(ev, "direction", json_string("outbound"));
	json_object_set_new(ev, "target", json_string(kaddr_str(&t->target, ip, sizeof ip)));
	json_object_set_new(ev, "proto", json_string(class_name[t->cls]));
	json_object_set_new(ev, "window_start", ts_json(window_start(f, t)));
	json_object_set_new(ev, "window_end", ts_json(now));
	json_object_set_new(ev, "window_seconds", json_integer(f->window));
	json_object_set_new(ev, "packets", json_integer(t->sum_pkts));
	json_object_set_new(ev, "bytes", json_integer((json_int_t)t->sum_bytes));
	json_object_set_new(ev, "rate_pps", json_real((double)t->sum_pkts / f->window));
	json_object_set_new(ev, "rate_bps", json_real((double)t->sum_bytes * 8.0 / f->window));
	json_object_set_new(ev, "peak_pps", json_integer(peak_pkts));
	json_object_set_new(ev, "peak_bps", json_integer((json_int_t)(peak_bytes * 8)));
	json_object_set_new(ev, "baseline_pps", d && d->have_base ? json_real(d->ewma) : json_null());
	json_object_set_new(ev, "incident_start", ts_json(t->inc_start_us));
	json_object_set_new(ev, "incident_packets", json_integer((json_int_t)t->inc_pkts));
	json_object_set_new(ev, "incident_bytes", json_integer((json_int_t)t->inc_bytes));
	for (int i = 0; i < t->n_ports; i++)
		json_array_append_new(ports, json_integer(t->ports[i]));
	json_object_set_new(ev, "sample_ports", ports);
	evidence_class(ev, t);
	return ev;
}

static void summaries(struct flood *f, struct event *ev, const struct tracker *t, const char *who)
{
	char tgt[KADDR_STRLEN];
	uint32_t peak_pkts;
	uint64_t peak_bytes;
	window_peak(f, t, &peak_pkts, &peak_bytes);
	double pps = (double)t->sum_pkts / f->window, mbps = (double)peak_bytes * 8.0 / 1e6;
	const char *svc = reflector_service(t->svc_port);
	kaddr_str(&t->target, tgt, sizeof tgt);
	if (t->cls == FC_REFLECT) {
		double amp = t->sum_rbytes ? (double)t->sum_bytes / (double)t->sum_rbytes : 0.0;
		snprintf(ev->summary_en, sizeof ev->summary_en,
			 "%s is being used as a reflector: it answers %s from UDP %u (%s) at %.0f packets/s, %.1f times the bytes it was sent",
			 who, tgt, t->svc_port, svc ? svc : "?", pps, amp);
		snprintf(ev->summary_ja, sizeof ev->summary_ja,
			 "%s が反射攻撃の踏み台にされています: %s へ UDP %u（%s）から毎秒 %.0f パケットの応答を返し、受けた要求の %.1f 倍のバイト数を送っています",
			 who, tgt, t->svc_port, svc ? svc : "?", pps, amp);
	} else if (t->cls == FC_SPOOFREQ) {
		snprintf(ev->summary_en, sizeof ev->summary_en,
			 "%s sends requests with the forged source address %s to %u servers on UDP %u (%s) at %.0f packets/s: a reflection attack against that address",
			 who, tgt, t->n_refl, t->svc_port, svc ? svc : "?", pps);
		snprintf(ev->summary_ja, sizeof ev->summary_ja,
			 "%s が送信元を %s に偽装した要求を %u 台のサーバ（UDP %u、%s）へ毎秒 %.0f パケット送っています。このアドレスへの反射攻撃です",
			 who, tgt, t->n_refl, t->svc_port, svc ? svc : "?", pps);
	} else {
		snprintf(ev->summary_en, sizeof ev->summary_en,
			 "%s is flooding %s with %s traffic%s: %.0f packets/s over %u s, peak %u packets/s and %.1f Mbit/s",
			 who, tgt, class_label[t->cls], t->spoofed ? " from forged source addresses" : "", pps, f->window,
			 peak_pkts, mbps);
		snprintf(ev->summary_ja, sizeof ev->summary_ja,
			 "%s が %s へ %s の大量の通信%sを送っています: %u 秒間の平均 毎秒 %.0f パケット、最大 毎秒 %u パケット・%.1f Mbit/s",
			 who, tgt, class_label[t->cls], t->spoofed ? "（送信元アドレスを偽装）" : "", f->window, pps, peak_pkts,
			 mbps);
	}
}

static void emit(struct flood *f, struct detect_ctx *ctx, struct tracker *t, const struct fdev *d, enum severity sev,
		 uint64_t now)
{
	static const uint8_t kps[] = {5, 9};
	char who[256], mac[MAC_STRLEN], ip[KADDR_STRLEN];
	struct device *dev = t->spoofed ? NULL : detect_device_by_ip(ctx, &t->src_ip);
	if (dev && t->dev.has_mac && (!dev->has_mac || memcmp(dev->mac, t->dev.mac, 6) != 0))
		dev = NULL;
	struct event ev;
	detect_event_init(&ev, "flood", sev, dev, t->spoofed ? NULL : &t->src_ip, now);
	if (!dev && t->dev.has_mac) {
		ev.has_mac = true;
		memcpy(ev.mac, t->dev.mac, 6);
	}
	detect_event_key_points(&ev, kps, sizeof kps);
	ev.peer_ip = t->target;
	const char *n = detect_name_of(ctx, &t->target);
	if (n)
		snprintf(ev.peer_name, sizeof ev.peer_name, "%s", n);
	const char *addr = t->spoofed ? NULL : kaddr_str(&t->src_ip, ip, sizeof ip);
	if (dev && dev->hostnames.n)
		snprintf(who, sizeof who, "%s (%s)", dev->hostnames.v[0], addr);
	else if (t->dev.has_mac)
		snprintf(who, sizeof who, "%s%s%s%s%s%s", dev && dev->vendor ? dev->vendor : "", dev && dev->vendor ? " " : "",
			 mac_str(t->dev.mac, mac, sizeof mac), addr ? " (" : "", addr ? addr : "", addr ? ")" : "");
	else
		snprintf(who, sizeof who, "%s", addr ? addr : "?");
	summaries(f, &ev, t, who);
	json_decref(ev.evidence);
	ev.evidence = evidence(f, t, d, now);
	t->reported = true;
	t->reported_us = now;
	t->reported_sev = sev;
	detect_emit(ctx, &ev);
}

static void evaluate(struct flood *f, struct detect_ctx *ctx, struct tracker *t, uint64_t now)
{
	struct fdev *d = dev_get(f, &t->dev, false, now);
	if (!flooding(f, t, d))
		return;
	if (d)
		d->alarm_until = now / 1000000u + f->window + 1;
	uint64_t gap = f->repeat_us > f->window * 1000000ULL ? f->repeat_us : f->window * 1000000ULL;
	if (!t->in_incident || now > t->inc_last_us + gap) { /* a new incident */
		t->inc_peak_pkts = 0;
		t->inc_peak_bytes = 0;
		window_peak(f, t, &t->inc_peak_pkts, &t->inc_peak_bytes);
		t->in_incident = true;
		t->inc_start_us = window_start(f, t);
		t->inc_pkts = t->sum_pkts;
		t->inc_bytes = t->sum_bytes;
	}
	t->inc_last_us = now;
	enum severity sev = (uint64_t)t->sum_pkts >= (uint64_t)f->critical_pps * f->window ? SEV_CRITICAL : SEV_HIGH;
	if (t->reported && (!f->repeat_us || now < t->reported_us + f->repeat_us) && sev <= t->reported_sev)
		return; /* repeat 0: once per tracker */
	emit(f, ctx, t, d, sev, now);
}

/* ---- the packet path ---- */

static bool is_reflector_port(uint16_t port)
{
	return reflector_service(port) != NULL;
}

static bool icmp_is_error(const struct packet *p)
{
	if (p->l4_proto == IPPROTO_ICMPV6)
		return p->icmp_type < 128;
	return p->icmp_type == 3 || p->icmp_type == 4 || p->icmp_type == 5 || p->icmp_type == 11 || p->icmp_type == 12;
}

static bool addr_is_target(const struct kaddr *a)
{
	return !kaddr_is_multicast(a) && !kaddr_is_broadcast(a) && !kaddr_is_unspecified(a);
}

/* Who sent the packet: a local device (by MAC, else address), or a known
 * local MAC sending IPv4 with a forged, non-local source address. */
static bool sender_of(struct flood *f, const struct detect_packet *dp, struct dkey *k, bool *spoofed)
{
	const struct packet *p = dp->pkt;
	memset(k, 0, sizeof *k);
	*spoofed = false;
	if (dp->src_local) {
		if (!addr_is_target(&p->src_ip))
			return false;
		if (dp->src_dev && dp->src_dev->has_mac) {
			k->has_mac = true;
			memcpy(k->mac, dp->src_dev->mac, 6);
		}
		k->ip = p->src_ip;
		return true;
	}
	if (p->ip_version != 4 || dp->dst_local || !p->has_mac || mac_is_group(p->src_mac))
		return false;
	k->has_mac = true;
	memcpy(k->mac, p->src_mac, 6);
	*spoofed = dev_get(f, k, false, 0) != NULL;
	return *spoofed;
}

static int out_class(const struct packet *p, bool spoofed, bool dst_local)
{
	switch (p->l4_proto) {
	case IPPROTO_UDP:
		if (spoofed && p->has_l4 && is_reflector_port(p->dst_port))
			return FC_SPOOFREQ;
		if (!spoofed && p->has_l4 && !dst_local && is_reflector_port(p->src_port))
			return FC_REFLECT;
		return FC_UDP;
	case IPPROTO_TCP:
		return p->has_l4 && (p->tcp_flags & (TCP_SYN | TCP_ACK)) == TCP_SYN ? FC_SYN : FC_TCP;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return p->has_l4 && icmp_is_error(p) ? -1 : FC_ICMP;
	default:
		return FC_IP;
	}
}

static void note_port(struct tracker *t, uint16_t port)
{
	for (int i = 0; i < t->n_ports; i++)
		if (t->ports[i] == port)
			return;
	if (t->n_ports < FL_PORTS)
		t->ports[t->n_ports++] = port;
}

static void note_addr(struct tracker *t, const struct kaddr *a)
{
	for (int i = 0; i < t->n_spoof; i++)
		if (kaddr_eq(&t->spoof[i], a))
			return;
	if (t->n_spoof < FL_SPOOF_SAMPLES)
		t->spoof[t->n_spoof++] = *a;
}

static void note_reflector(struct tracker *t, const struct kaddr *a)
{
	uint32_t h = kaddr_hash(a, 0x7e1u);
	for (int i = 0; i < t->n_refl; i++)
		if (t->refl_hash[i] == h)
			return;
	if (t->n_refl < FL_REFLECTORS)
		t->refl_hash[t->n_refl++] = h;
	note_addr(t, a);
}

/* A SYN flood's "replies" are the handshakes the device completes. */
static void note_handshake(struct flood *f, const struct detect_packet *dp, const struct dkey *k, uint32_t bytes)
{
	const struct packet *p = dp->pkt;
	const struct flow *fl = dp->flow;
	if (!p->has_l4 || (p->tcp_flags & (TCP_SYN | TCP_ACK | TCP_RST)) != TCP_ACK || !fl || !dp->from_client ||
	    !(fl->tcp_state & FLOW_TCP_ESTABLISHED) || fl->pkts[FLOW_CLIENT] > 3)
		return;
	struct tracker *t = tr_get(f, k, &p->dst_ip, FC_SYN, false, p->ts_us);
	if (t)
		tr_add(f, t, p->ts_us, bytes, true);
}

static void outbound(struct flood *f, struct detect_ctx *ctx, const struct detect_packet *dp, const struct dkey *k,
		     bool spoofed, uint32_t bytes)
{
	const struct packet *p = dp->pkt;
	int cls = out_class(p, spoofed, dp->dst_local);
	struct fdev *d = dev_get(f, k, !spoofed, p->ts_us);
	if (d)
		dev_count(f, d, p->ts_us);
	const struct kaddr *target = cls == FC_SPOOFREQ ? &p->src_ip : &p->dst_ip;
	if (cls < 0 || !addr_is_target(target))
		return;
	if (cls == FC_TCP)
		note_handshake(f, dp, k, bytes);
	struct tracker *t = tr_get(f, k, target, (uint8_t)cls, true, p->ts_us);
	tr_add(f, t, p->ts_us, bytes, false);
	t->spoofed = spoofed;
	if (!spoofed)
		t->src_ip = p->src_ip;
	if (cls == FC_SPOOFREQ) {
		t->svc_port = p->dst_port;
		note_reflector(t, &p->dst_ip);
	} else {
		if (spoofed)
			note_addr(t, &p->src_ip);
		if (cls == FC_REFLECT)
			t->svc_port = p->src_port;
		if (p->has_l4 && cls != FC_ICMP && cls != FC_IP)
			note_port(t, p->dst_port);
	}
	evaluate(f, ctx, t, p->ts_us);
}

/* A packet to a local device: a reply (or a request to its reflector port)
 * from the target of one of its trackers. */
static void reply(struct flood *f, const struct detect_packet *dp, uint32_t bytes)
{
	const struct packet *p = dp->pkt;
	struct dkey k = {.ip = p->dst_ip};
	if (dp->dst_dev && dp->dst_dev->has_mac) {
		k.has_mac = true;
		memcpy(k.mac, dp->dst_dev->mac, 6);
	}
	int cls;
	if (p->l4_proto == IPPROTO_UDP)
		cls = p->has_l4 && !dp->src_local && is_reflector_port(p->dst_port) ? FC_REFLECT : FC_UDP;
	else if (p->l4_proto == IPPROTO_TCP)
		cls = p->has_l4 && !(p->tcp_flags & TCP_RST) && (p->tcp_flags & (TCP_SYN | TCP_ACK)) != TCP_SYN ? FC_TCP : -1;
	else if (p->l4_proto == IPPROTO_ICMP || p->l4_proto == IPPROTO_ICMPV6)
		cls = -1;
	else
		cls = FC_IP;
	struct tracker *t = cls < 0 ? NULL : tr_get(f, &k, &p->src_ip, (uint8_t)cls, false, p->ts_us);
	if (t)
		tr_add(f, t, p->ts_us, bytes, true);
}

static void flood_packet(void *state, struct detect_ctx *ctx, const struct detect_packet *dp)
{
	struct flood *f = state;
	const struct packet *p = dp->pkt;
	if (!p->ip_version)
		return;
	uint32_t bytes = p->wirelen ? p->wirelen : p->caplen;
	struct dkey k;
	bool spoofed;
	if (sender_of(f, dp, &k, &spoofed))
		outbound(f, ctx, dp, &k, spoofed, bytes);
	if (dp->dst_local && addr_is_target(&p->dst_ip) && addr_is_target(&p->src_ip))
		reply(f, dp, bytes);
}

/* ---- set-up ---- */

static void *flood_create(struct detect_ctx *ctx, char *err, size_t errsz)
{
	bool ok = true;
	struct flood c = {
		.window = detect_param_u32(ctx, "window", 10, &ok),
		.min_pps = detect_param_u32(ctx, "min_pps", 1000, &ok),
		.min_bps = detect_param_u32(ctx, "min_bps", 0, &ok),
		.reflect_min_pps = detect_param_u32(ctx, "reflect_min_pps", 100, &ok),
		.critical_pps = detect_param_u32(ctx, "critical_pps", 10000, &ok),
		.repeat_us = (uint64_t)detect_param_u32(ctx, "repeat", 600, &ok) * 1000000u,
		.factor = detect_param_double(ctx, "baseline_factor", 10.0, &ok),
		.reply_ratio = detect_param_double(ctx, "max_reply_ratio", 0.1, &ok),
		.min_amp = detect_param_double(ctx, "min_amplification", 2.0, &ok),
	};
	double tau = detect_param_double(ctx, "baseline_seconds", 300.0, &ok);
	uint32_t max_trackers = detect_param_u32(ctx, "max_trackers", 4096, &ok);
	if (!ok || c.window < 1 || c.window > FL_MAX_WINDOW || !c.min_pps || !c.reflect_min_pps || !c.critical_pps ||
	    tau < 1 || c.factor > 1e6 || c.reply_ratio > 1e6 || c.min_amp > 1e6 || max_trackers < FL_WAYS ||
	    max_trackers > (1u << 22) || c.repeat_us > 30ULL * 86400 * 1000000u) {
		snprintf(err, errsz,
			 "flood: bad parameter (window 1..60 s, rates >= 1, baseline_seconds >= 1, max_trackers 8..4194304, "
			 "repeat <= 2592000 s)");
		return NULL;
	}
	c.alpha = 1.0 / tau;
	c.tsets = c.dsets = 1;
	while ((uint64_t)c.tsets * FL_WAYS < max_trackers)
		c.tsets <<= 1;
	while (c.dsets * 4 < c.tsets) /* a quarter as many devices as trackers */
		c.dsets <<= 1;
	struct flood *f = malloc(sizeof *f);
	if (f) {
		*f = c;
		f->t = calloc((size_t)c.tsets * FL_WAYS, sizeof *f->t);
		f->b = calloc((size_t)c.tsets * FL_WAYS * c.window, sizeof *f->b);
		f->d = calloc((size_t)c.dsets * FL_WAYS, sizeof *f->d);
	}
	if (!f || !f->t || !f->b || !f->d) {
		if (f) {
			free(f->t);
			free(f->b);
			free(f->d);
		}
		free(f);
		snprintf(err, errsz, "flood: out of memory");
		return NULL;
	}
	return f;
}

static void flood_destroy(void *state)
{
	struct flood *f = state;
	if (!f)
		return;
	free(f->t);
	free(f->b);
	free(f->d);
	free(f);
}

const struct detector detector_flood = {
	.name = "flood",
	.create = flood_create,
	.destroy = flood_destroy,
	.on_packet = flood_packet,
};
