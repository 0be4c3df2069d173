/* flood.c - the `flood` detector: a local device sending a flood at one
 * target (UDP, TCP SYN, other TCP, ICMP, other IP protocols), being used as
 * a reflector (answering from UDP 53/123/1900/11211 ... with more bytes
 * than it was sent), or sending requests to such ports with a forged source
 * address (launching a reflection attack on that address). This file: the
 * packet path, incidents and events; the tables, rates and the flooding
 * test are in flood_track.c.
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
 * Severity high, critical at flood.critical_pps; key points 5, 9.
 * Incidents: reported when the tracker starts flooding ("first"); again
 * ("update") when its peak rate has risen by half since the last report (at
 * most once per flood.update_interval seconds), at once when it becomes
 * critical, and once per flood.repeat seconds while it goes on. It ends
 * after max(flood.repeat, flood.window) seconds without flooding, at the
 * end of the input, or when its tracker is evicted; a "final" report then
 * gives its peak and totals if it sent more since the last report.
 * Memory: see flood_track.c. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/flood_int.h"

enum report_kind { FL_FIRST, FL_UPDATE, FL_FINAL };
static const char *const report_name[] = {"first", "update", "final"};
static const char *const class_name[] = {"udp", "tcp-syn", "tcp", "icmp", "ip", "reflection", "spoofed-requests"};
static const char *const class_label[] = {"UDP", "TCP SYN", "TCP", "ICMP", "IP", "reflection", "forged requests"};

static const struct reflector {
	uint16_t port;
	const char *service;
} reflectors[] = {{19, "chargen"},  {53, "dns"},       {123, "ntp"},    {161, "snmp"},
		  {389, "cldap"},   {1900, "ssdp"},    {3702, "ws-discovery"}, {5351, "nat-pmp"},
		  {5683, "coap"},   {10001, "ubiquiti"}, {11211, "memcached"}};
#define N_REFLECTORS (sizeof reflectors / sizeof reflectors[0])

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

static json_t *evidence(struct flood *f, const struct tracker *t, const struct fdev *d, enum report_kind kind,
			uint64_t now)
{
	char ip[KADDR_STRLEN];
	uint32_t peak_pkts;
	uint64_t peak_bytes;
	window_peak(f, t, &peak_pkts, &peak_bytes);
	json_t *ev = json_object(), *ports = json_array();
	json_object_set_new(ev, "direction", json_string("outbound"));
	json_object_set_new(ev, "target", json_string(kaddr_str(&t->target, ip, sizeof ip)));
	json_object_set_new(ev, "proto", json_string(class_name[t->cls]));
	json_object_set_new(ev, "report", json_string(report_name[kind]));
	json_object_set_new(ev, "incident", json_integer(t->inc_id));
	json_object_set_new(ev, "window_start", ts_json(window_start(f, t)));
	json_object_set_new(ev, "window_end", ts_json(kind == FL_FINAL ? t->last_us : now));
	json_object_set_new(ev, "window_seconds", json_integer(f->window));
	json_object_set_new(ev, "packets", json_integer(t->sum_pkts));
	json_object_set_new(ev, "bytes", json_integer((json_int_t)t->sum_bytes));
	json_object_set_new(ev, "rate_pps", json_real((double)t->sum_pkts / f->window));
	json_object_set_new(ev, "rate_bps", json_real((double)t->sum_bytes * 8.0 / f->window));
	json_object_set_new(ev, "peak_pps", json_integer(peak_pkts));
	json_object_set_new(ev, "peak_bps", json_integer((json_int_t)(peak_bytes * 8)));
	json_object_set_new(ev, "baseline_pps", d && d->have_base ? json_real(d->ewma) : json_null());
	json_object_set_new(ev, "incident_start", ts_json(t->inc_start_us));
	json_object_set_new(ev, "incident_end", ts_json(t->inc_last_us));
	json_object_set_new(ev, "incident_packets", json_integer((json_int_t)t->inc_pkts));
	json_object_set_new(ev, "incident_bytes", json_integer((json_int_t)t->inc_bytes));
	for (int i = 0; i < t->n_ports; i++)
		json_array_append_new(ports, json_integer(t->ports[i]));
	json_object_set_new(ev, "sample_ports", ports);
	evidence_class(ev, t);
	return ev;
}

/* A volumetric flood's final report: its totals, in the past tense. */
static void summary_final(struct event *ev, const struct tracker *t, const char *who, const char *tgt, uint32_t peak,
			  double mbps)
{
	double secs = (double)(t->last_us > t->inc_start_us ? t->last_us - t->inc_start_us : 0) / 1e6;
	snprintf(ev->summary_en, sizeof ev->summary_en,
		 "%s flooded %s with %s traffic%s: %llu packets in %.1f s, peak %u packets/s and %.1f Mbit/s (final report)",
		 who, tgt, class_label[t->cls], t->spoofed ? " from forged source addresses" : "",
		 (unsigned long long)t->inc_pkts, secs, peak, mbps);
	snprintf(ev->summary_ja, sizeof ev->summary_ja,
		 "%s が %s へ %s の大量の通信%sを送りました: %.1f 秒間に %llu パケット、最大 毎秒 %u パケット・%.1f Mbit/s（最終報告）",
		 who, tgt, class_label[t->cls], t->spoofed ? "（送信元アドレスを偽装）" : "", secs,
		 (unsigned long long)t->inc_pkts, peak, mbps);
}

static void append(char *buf, size_t bufsz, const char *tail)
{
	size_t n = strlen(buf), k = strlen(tail);
	if (n + k < bufsz)
		memcpy(buf + n, tail, k + 1);
}

static void summaries(struct flood *f, struct event *ev, const struct tracker *t, const char *who,
		      enum report_kind kind)
{
	char tgt[KADDR_STRLEN];
	uint32_t peak_pkts;
	uint64_t peak_bytes;
	window_peak(f, t, &peak_pkts, &peak_bytes);
	double pps = (double)t->sum_pkts / f->window, mbps = (double)peak_bytes * 8.0 / 1e6;
	const char *svc = reflector_service(t->svc_port);
	kaddr_str(&t->target, tgt, sizeof tgt);
	if (kind == FL_FINAL && !pattern_class(t->cls)) {
		summary_final(ev, t, who, tgt, peak_pkts, mbps);
		return;
	}
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
	append(ev->summary_en, sizeof ev->summary_en, kind == FL_UPDATE ? " (update)" : kind == FL_FINAL ? " (final report)" : "");
	append(ev->summary_ja, sizeof ev->summary_ja, kind == FL_UPDATE ? "（続報）" : kind == FL_FINAL ? "（最終報告）" : "");
}

/* The device of an event: the local device by address (if its MAC matches
 * the tracker's), else just the MAC; none for forged sources but the MAC. */
static struct device *event_device(struct detect_ctx *ctx, const struct tracker *t, char *who, size_t whosz)
{
	char mac[MAC_STRLEN], ip[KADDR_STRLEN];
	struct device *dev = t->spoofed ? NULL : detect_device_by_ip(ctx, &t->src_ip);
	if (dev && t->dev.has_mac && (!dev->has_mac || memcmp(dev->mac, t->dev.mac, 6) != 0))
		dev = NULL;
	const char *addr = t->spoofed ? NULL : kaddr_str(&t->src_ip, ip, sizeof ip);
	if (dev && dev->hostnames.n)
		snprintf(who, whosz, "%s (%s)", dev->hostnames.v[0], addr);
	else if (t->dev.has_mac)
		snprintf(who, whosz, "%s%s%s%s%s%s", dev && dev->vendor ? dev->vendor : "", dev && dev->vendor ? " " : "",
			 mac_str(t->dev.mac, mac, sizeof mac), addr ? " (" : "", addr ? addr : "", addr ? ")" : "");
	else
		snprintf(who, whosz, "%s", addr ? addr : "?");
	return dev;
}

static void report(struct flood *f, struct detect_ctx *ctx, struct tracker *t, const struct fdev *d,
		   enum severity sev, enum report_kind kind, uint64_t now)
{
	static const uint8_t kps[] = {5, 9};
	char who[256];
	if (kind == FL_FIRST)
		t->inc_id = ++f->incidents;
	else if (t->reported_sev > sev)
		sev = t->reported_sev;
	struct device *dev = event_device(ctx, t, who, sizeof who);
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
	summaries(f, &ev, t, who, kind);
	json_decref(ev.evidence);
	ev.evidence = evidence(f, t, d, kind, now);
	uint64_t peak_bytes;
	window_peak(f, t, &t->reported_peak, &peak_bytes);
	t->reported_sev = sev;
	t->reported_us = now;
	t->reported_pkts = t->inc_pkts;
	detect_emit(ctx, &ev);
}

/* ---- incidents ---- */

static bool incident_over(const struct flood *f, const struct tracker *t, uint64_t now)
{
	uint64_t gap = f->repeat_us > f->window * 1000000ULL ? f->repeat_us : f->window * 1000000ULL;
	return now > t->inc_last_us + gap;
}

/* The final report carries the time the incident was last seen flooding,
 * not the time its end was noticed (max(repeat, window) later). */
void flood_incident_end(struct flood *f, struct detect_ctx *ctx, struct tracker *t, uint64_t now)
{
	uint64_t ts = t->inc_last_us > t->reported_us ? t->inc_last_us : t->reported_us;
	if (t->inc_id && t->inc_pkts != t->reported_pkts)
		report(f, ctx, t, dev_get(f, &t->dev, false, now), t->reported_sev, FL_FINAL, ts);
	t->in_incident = false;
	t->inc_id = 0;
}

static void incident_start(struct flood *f, struct tracker *t)
{
	t->inc_peak_pkts = 0;
	t->inc_peak_bytes = 0;
	window_peak(f, t, &t->inc_peak_pkts, &t->inc_peak_bytes);
	t->in_incident = true;
	t->inc_start_us = window_start(f, t);
	t->inc_pkts = t->sum_pkts;
	t->inc_bytes = t->sum_bytes;
}

static void evaluate(struct flood *f, struct detect_ctx *ctx, struct tracker *t, uint64_t now)
{
	struct fdev *d = dev_get(f, &t->dev, false, now);
	if (!flooding(f, t, d))
		return;
	if (d)
		d->alarm_until = now / 1000000u + f->window + 1;
	if (t->in_incident && incident_over(f, t, now))
		flood_incident_end(f, ctx, t, now);
	if (!t->in_incident)
		incident_start(f, t);
	t->inc_last_us = now;
	enum severity sev = (uint64_t)t->sum_pkts >= (uint64_t)f->critical_pps * f->window ? SEV_CRITICAL : SEV_HIGH;
	if (!t->inc_id) {
		report(f, ctx, t, d, sev, FL_FIRST, now);
		return;
	}
	uint32_t peak;
	uint64_t peak_bytes;
	window_peak(f, t, &peak, &peak_bytes);
	bool escalated = sev > t->reported_sev;
	bool grew = f->update_us && now >= t->reported_us + f->update_us && peak > t->reported_peak &&
		    (uint64_t)peak * 2 >= (uint64_t)t->reported_peak * 3;
	bool repeat = f->repeat_us && now >= t->reported_us + f->repeat_us;
	if (escalated || grew || repeat)
		report(f, ctx, t, d, sev, FL_UPDATE, now);
}

/* Visits one tracker set per packet: ends incidents that are over. */
/* One step of the background sweep that ends incidents which are over:
 * every SWEEP_EVERY packets, or sooner when a millisecond of capture time
 * has passed (a busy link does not pay a table walk per packet). */
#define SWEEP_EVERY 32
#define SWEEP_US 1000

static void sweep(struct flood *f, struct detect_ctx *ctx, uint64_t now)
{
	if (++f->sweep_skip < SWEEP_EVERY && now < f->sweep_us + SWEEP_US)
		return;
	f->sweep_skip = 0;
	f->sweep_us = now;
	struct tracker *set = &f->t[(size_t)f->sweep * FL_WAYS];
	f->sweep = (f->sweep + 1) & (f->tsets - 1);
	for (int i = 0; i < FL_WAYS; i++)
		if (set[i].used && set[i].inc_id && incident_over(f, &set[i], now))
			flood_incident_end(f, ctx, &set[i], now);
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
	struct tracker *t = tr_get(f, NULL, k, &p->dst_ip, FC_SYN, false, p->ts_us);
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
	struct tracker *t = tr_get(f, ctx, k, target, (uint8_t)cls, true, p->ts_us);
	if (t->inc_id && incident_over(f, t, p->ts_us)) /* before this packet counts in it */
		flood_incident_end(f, ctx, t, p->ts_us);
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
	struct tracker *t = cls < 0 ? NULL : tr_get(f, NULL, &k, &p->src_ip, (uint8_t)cls, false, p->ts_us);
	if (t)
		tr_add(f, t, p->ts_us, bytes, true);
}

static void flood_packet(void *state, struct detect_ctx *ctx, const struct detect_packet *dp)
{
	struct flood *f = state;
	const struct packet *p = dp->pkt;
	if (!p->ip_version)
		return;
	sweep(f, ctx, p->ts_us);
	uint32_t bytes = p->wirelen ? p->wirelen : p->caplen;
	struct dkey k;
	bool spoofed;
	if (sender_of(f, dp, &k, &spoofed))
		outbound(f, ctx, dp, &k, spoofed, bytes);
	if (dp->dst_local && addr_is_target(&p->dst_ip) && addr_is_target(&p->src_ip))
		reply(f, dp, bytes);
}


/* End of the input: every open incident ends. */
static void flood_finish(void *state, struct detect_ctx *ctx, uint64_t ts_us)
{
	struct flood *f = state;
	for (size_t i = 0; i < (size_t)f->tsets * FL_WAYS; i++) {
		struct tracker *t = &f->t[i];
		if (t->used && t->inc_id)
			flood_incident_end(f, ctx, t, ts_us > t->last_us ? ts_us : t->last_us);
	}
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
		.update_us = (uint64_t)detect_param_u32(ctx, "update_interval", 60, &ok) * 1000000u,
		.factor = detect_param_double(ctx, "baseline_factor", 10.0, &ok),
		.reply_ratio = detect_param_double(ctx, "max_reply_ratio", 0.1, &ok),
		.min_amp = detect_param_double(ctx, "min_amplification", 2.0, &ok),
	};
	double tau = detect_param_double(ctx, "baseline_seconds", 300.0, &ok);
	uint32_t max_trackers = detect_param_u32(ctx, "max_trackers", 4096, &ok);
	if (!ok || c.window < 1 || c.window > FL_MAX_WINDOW || !c.min_pps || !c.reflect_min_pps || !c.critical_pps ||
	    tau < 1 || c.factor > 1e6 || c.reply_ratio > 1e6 || c.min_amp > 1e6 || max_trackers < FL_WAYS ||
	    max_trackers > (1u << 22) || c.repeat_us > 30ULL * 86400 * 1000000u || c.update_us > 86400ULL * 1000000u) {
		snprintf(err, errsz,
			 "flood: bad parameter (window 1..60 s, rates >= 1, baseline_seconds >= 1, max_trackers 8..4194304, "
			 "repeat <= 2592000 s, update_interval <= 86400 s)");
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
		f->tags = calloc((size_t)c.tsets * FL_WAYS, sizeof *f->tags);
		f->b = calloc((size_t)c.tsets * FL_WAYS * c.window, sizeof *f->b);
		f->d = calloc((size_t)c.dsets * FL_WAYS, sizeof *f->d);
	}
	if (!f || !f->t || !f->tags || !f->b || !f->d) {
		if (f) {
			free(f->t);
			free(f->tags);
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
	free(f->tags);
	free(f->b);
	free(f->d);
	free(f);
}

const struct detector detector_flood = {
	.name = "flood",
	.create = flood_create,
	.destroy = flood_destroy,
	.on_packet = flood_packet,
	.on_finish = flood_finish,
};
