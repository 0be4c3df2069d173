/* scan.c - the `scan` detector: a host trying to reach many addresses
 * (horizontal) or many ports (vertical) in a short time. This file: the
 * packet hooks, the thresholds and the incidents; the source table is in
 * scan_track.c, the events in scan_report.c.
 *
 * Attempts are TCP SYNs without ACK, and UDP datagrams that a target
 * answered with an ICMP port unreachable. What counts towards the
 * thresholds is *unanswered* attempts: a SYN counts once it was refused (RST,
 * ICMP unreachable) or got no SYN+ACK within scan.answer_wait seconds, so a
 * browser opening connections to 40 web servers, or a NAS syncing, is not a
 * scan. Per source, in windows of scan.window seconds that start at its
 * first attempt:
 *   outbound (a local device): distinct unanswered addresses >= min_hosts,
 *     or distinct unanswered ports >= min_ports, or mirai_min SYNs whose
 *     sequence number equals the target's IPv4 address (Mirai's scanner).
 *     Critical when Mirai-like, high with remote targets, medium when only
 *     local addresses were scanned. Key points 5, 9, 21.
 *   inbound (a remote host probing local addresses): inbound_min_hosts or
 *     inbound_min_ports. Low. Key points 7, 14.
 *   any SYN to 9530/TCP or 9673/TCP (the 2020 Mirai-like campaigns): high
 *     outbound; inbound low, medium once the local target accepts it.
 * Incidents: the first report ("first") opens one; while it is open the
 * window does not restart, so its counts grow with the scan. It is reported
 * again ("update") when it grows materially (distinct hosts or ports
 * doubled, a new campaign or IoT port, the Mirai trait), at most once per
 * scan.update_interval seconds, at once when the severity rises or a
 * probe's source crosses a threshold, and at least once per scan.repeat
 * seconds while it goes on. It ends after scan.window seconds without an
 * attempt, at the end of the input, or when its source is evicted; a
 * "final" report then gives its full counts if they changed since the last
 * report. Memory: see scan_track.c. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/scan_int.h"

/* ---- thresholds and incidents ---- */

/* Does the local device listen on the campaign port it was probed on? */
static bool campaign_target_listens(struct detect_ctx *ctx, const struct source *e)
{
	if (e->campaign_accepted)
		return true;
	struct device *d = detect_device_by_ip(ctx, &e->campaign_dst);
	for (unsigned i = 0; d && i < d->n_services; i++)
		if (d->services[i].port == e->campaign_port && d->services[i].l4_proto == IPPROTO_TCP)
			return true;
	return false;
}

static void judge(const struct scan *s, struct detect_ctx *ctx, const struct source *e, struct scan_verdict *v)
{
	v->hosts = dset_count(&e->hosts);
	v->ports = dset_count(&e->ports);
	v->mirai = !e->inbound && e->mirai >= s->mirai_min;
	v->campaign = campaign_idx(e) >= 0;
	if (e->inbound) {
		v->threshold = v->hosts >= s->in_min_hosts || v->ports >= s->in_min_ports;
		v->sev = SEV_LOW;
		if (v->campaign && campaign_target_listens(ctx, e))
			v->sev = SEV_MEDIUM;
	} else {
		v->threshold = v->hosts >= s->min_hosts || v->ports >= s->min_ports;
		v->sev = v->campaign || e->unanswered_remote ? SEV_HIGH : SEV_MEDIUM;
		if (v->mirai)
			v->sev = SEV_CRITICAL;
	}
}

static bool doubled(uint32_t now, uint32_t then)
{
	return now >= 2 * (uint64_t)(then ? then : 1);
}

/* Has the incident grown materially since its last report? */
static bool grown(const struct source *e, const struct scan_verdict *v)
{
	const struct scan_incident *inc = &e->inc;
	return doubled(v->hosts, inc->hosts) || doubled(v->ports, inc->ports) ||
	       (campaign_mask(e) & ~inc->campaign_mask) || (iot_mask(e) & ~inc->iot_mask) || (v->mirai && !inc->mirai);
}

/* Has anything changed since the last report? */
static bool changed(const struct source *e)
{
	const struct scan_incident *inc = &e->inc;
	return e->attempts != inc->attempts || e->answered != inc->answered || e->unanswered != inc->unanswered;
}

/* Is the open incident over: a window without an attempt? */
static bool incident_over(const struct scan *s, const struct source *e, uint64_t now)
{
	return now > e->win_end + s->window_us;
}

/* Checks a source against the thresholds; reports if due. */
static void evaluate(struct scan *s, struct detect_ctx *ctx, struct source *e, uint64_t now)
{
	struct scan_verdict v;
	judge(s, ctx, e, &v);
	const struct scan_incident *inc = &e->inc;
	if (!inc->id) {
		if (v.threshold || v.mirai || v.campaign)
			scan_report(s, ctx, e, &v, SCAN_FIRST, now);
		return;
	}
	if (incident_over(s, e, now)) /* its final report comes from scan_incident_end() */
		return;
	bool escalated = v.sev > inc->sev || (v.threshold && !inc->threshold);
	bool grew = s->update_us && now >= inc->us + s->update_us && grown(e, &v);
	bool repeat = s->repeat_us && now >= inc->us + s->repeat_us && e->attempts != inc->attempts;
	if (escalated || grew || repeat)
		scan_report(s, ctx, e, &v, SCAN_UPDATE, now);
}

/* The final report carries the time of the incident's last activity (its
 * last attempt, or a later report), not the time its end was noticed. */
void scan_incident_end(struct scan *s, struct detect_ctx *ctx, struct source *e, uint64_t now)
{
	pend_age(s, e, now, true);
	if (e->inc.id && changed(e)) {
		struct scan_verdict v;
		judge(s, ctx, e, &v);
		scan_report(s, ctx, e, &v, SCAN_FINAL, e->win_end > e->inc.us ? e->win_end : e->inc.us);
	}
	memset(&e->inc, 0, sizeof e->inc);
	window_reset(e, now);
}

/* ---- the packet path ---- */

static bool mirai_mark(const struct packet *p)
{
	if (p->dst_ip.family != KADDR_V4)
		return false;
	const uint8_t *b = p->dst_ip.b;
	uint32_t dst = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	return p->tcp_seq == dst;
}

/* The source of an attempt, created if needed; NULL when not watched. */
static struct source *attempt_source(struct scan *s, struct detect_ctx *ctx, const struct kaddr *src,
				     const struct kaddr *dst, bool src_local, bool dst_local, uint64_t now)
{
	if (kaddr_is_multicast(dst) || kaddr_is_broadcast(dst) || kaddr_is_unspecified(dst) ||
	    kaddr_is_unspecified(src))
		return NULL;
	if (!src_local && (!dst_local || !s->inbound))
		return NULL;
	struct source *e = src_get(s, ctx, src, !src_local, now);
	if (pend_age(s, e, now, false))
		evaluate(s, ctx, e, now); /* the window that is about to end */
	if (e->inc.id && incident_over(s, e, now))
		scan_incident_end(s, ctx, e, now);
	/* an open incident keeps its window; else a new one starts after scan.window */
	if (e->attempts == 0 || (!e->inc.id && now > e->win_start + s->window_us))
		window_reset(e, now);
	if (now > e->win_end)
		e->win_end = now;
	return e;
}

static void on_syn(struct scan *s, struct detect_ctx *ctx, const struct detect_packet *dp)
{
	const struct packet *p = dp->pkt;
	uint64_t now = p->ts_us;
	struct source *e = attempt_source(s, ctx, &p->src_ip, &p->dst_ip, dp->src_local, dp->dst_local, now);
	if (!e)
		return;
	count_attempt(e, p->dst_port);
	if (mirai_mark(p))
		e->mirai++;
	int c = campaign_of(p->dst_port);
	if (c >= 0) {
		if (campaign_idx(e) < 0) {
			e->campaign_dst = p->dst_ip;
			e->campaign_port = p->dst_port;
		}
		e->campaign[c]++;
	}
	pend_push(e, &p->dst_ip, p->dst_port, !dp->dst_local, now);
	evaluate(s, ctx, e, now);
}

/* A SYN+ACK (answered) or RST (refused) from a target back to a source. */
static void on_answer(struct scan *s, struct detect_ctx *ctx, const struct packet *p, bool refused)
{
	struct source *e = src_find(s, &p->dst_ip);
	if (!e)
		return;
	bool found = pend_resolve(e, &p->src_ip, p->src_port, refused);
	if (found && !refused) {
		e->answered++;
		if (campaign_of(p->src_port) >= 0 && e->campaign_port == p->src_port &&
		    kaddr_eq(&e->campaign_dst, &p->src_ip))
			e->campaign_accepted = true;
	}
	if (found)
		evaluate(s, ctx, e, p->ts_us);
}

/* The packet quoted in an ICMP destination unreachable. */
struct quoted {
	struct kaddr src, dst;
	uint8_t proto;
	uint16_t dport;
};

static bool parse_quoted(const struct packet *p, struct quoted *q)
{
	const uint8_t *b = p->payload;
	uint32_t n = p->payload_len;
	size_t hl;
	if (p->ip_version == 4 && p->icmp_type == 3 && n >= 20 && (b[0] >> 4) == 4) {
		hl = (size_t)(b[0] & 15) * 4;
		if (hl < 20 || n < hl + 4 || (b[6] & 0x1f) || b[7]) /* a non-first fragment quotes no ports */
			return false;
		q->proto = b[9];
		kaddr_v4(&q->src, b + 12);
		kaddr_v4(&q->dst, b + 16);
	} else if (p->ip_version == 6 && p->icmp_type == 1 && n >= 44 && (b[0] >> 4) == 6) {
		hl = 40;
		q->proto = b[6];
		kaddr_v6(&q->src, b + 8);
		kaddr_v6(&q->dst, b + 24);
	} else {
		return false;
	}
	q->dport = (uint16_t)(b[hl + 2] << 8 | b[hl + 3]);
	return true;
}

static void on_unreachable(struct scan *s, struct detect_ctx *ctx, const struct packet *p)
{
	struct quoted q;
	if (!parse_quoted(p, &q))
		return;
	uint64_t now = p->ts_us;
	if (q.proto == IPPROTO_TCP) {
		struct source *e = src_find(s, &q.src);
		if (e && pend_resolve(e, &q.dst, q.dport, true))
			evaluate(s, ctx, e, now);
		return;
	}
	bool port_unreach = p->ip_version == 4 ? p->icmp_code == 3 : p->icmp_code == 4;
	/* a UDP port closed: only the target itself says so, to the sender */
	if (q.proto != IPPROTO_UDP || !port_unreach || !kaddr_eq(&q.src, &p->dst_ip) || !kaddr_eq(&q.dst, &p->src_ip))
		return;
	bool src_local = detect_is_local(ctx, &q.src), dst_local = detect_is_local(ctx, &q.dst);
	struct source *e = attempt_source(s, ctx, &q.src, &q.dst, src_local, dst_local, now);
	if (!e)
		return;
	count_attempt(e, q.dport);
	commit_failed(e, &q.dst, q.dport, !dst_local);
	evaluate(s, ctx, e, now);
}

/* Visits one set per packet: ages pending SYNs, so quiet sources report
 * too, and ends incidents whose window passed without an attempt. */
/* One step of the background sweep that ages sources which have gone quiet:
 * every SWEEP_EVERY packets, or sooner when a millisecond of capture time
 * has passed, so a busy link does not pay a table walk per packet and a
 * quiet one still ages its sources promptly. */
#define SWEEP_EVERY 32
#define SWEEP_US 1000

static void sweep(struct scan *s, struct detect_ctx *ctx, uint64_t now)
{
	if (++s->sweep_skip < SWEEP_EVERY && now < s->sweep_us + SWEEP_US)
		return;
	s->sweep_skip = 0;
	s->sweep_us = now;
	struct source *set = &s->v[(size_t)s->sweep * SCAN_WAYS];
	s->sweep = (s->sweep + 1) & (s->nsets - 1);
	for (int i = 0; i < SCAN_WAYS; i++) {
		struct source *e = &set[i];
		if (!e->used)
			continue;
		if (e->p_n && e->pend[e->p_head].ts_us + s->wait_us <= now) {
			pend_age(s, e, now, false);
			evaluate(s, ctx, e, now);
		}
		if (e->inc.id && incident_over(s, e, now))
			scan_incident_end(s, ctx, e, now);
	}
}

static void scan_packet(void *state, struct detect_ctx *ctx, const struct detect_packet *dp)
{
	struct scan *s = state;
	const struct packet *p = dp->pkt;
	if (!p->ip_version || !p->has_l4)
		return;
	sweep(s, ctx, p->ts_us);
	if (p->l4_proto == IPPROTO_TCP) {
		uint8_t f = p->tcp_flags & (TCP_SYN | TCP_ACK | TCP_RST);
		if (f == TCP_SYN)
			on_syn(s, ctx, dp);
		else if (f == (TCP_SYN | TCP_ACK))
			on_answer(s, ctx, p, false);
		else if (f & TCP_RST)
			on_answer(s, ctx, p, true);
	} else if (p->l4_proto == IPPROTO_ICMP || p->l4_proto == IPPROTO_ICMPV6) {
		on_unreachable(s, ctx, p);
	}
}

/* End of the input: pending SYNs count, open incidents end. */
static void scan_finish(void *state, struct detect_ctx *ctx, uint64_t ts_us)
{
	struct scan *s = state;
	for (size_t i = 0; i < (size_t)s->nsets * SCAN_WAYS; i++) {
		struct source *e = &s->v[i];
		uint64_t t = ts_us > e->last_us ? ts_us : e->last_us;
		if (!e->used || (!e->p_n && !e->inc.id))
			continue;
		pend_age(s, e, t, true);
		if (!e->inc.id)
			evaluate(s, ctx, e, t);
		else
			scan_incident_end(s, ctx, e, t);
	}
}

/* ---- set-up ---- */

static void *scan_create(struct detect_ctx *ctx, char *err, size_t errsz)
{
	bool ok = true;
	uint32_t window = detect_param_u32(ctx, "window", 60, &ok);
	uint32_t repeat = detect_param_u32(ctx, "repeat", 600, &ok);
	uint32_t update = detect_param_u32(ctx, "update_interval", 60, &ok);
	double wait = detect_param_double(ctx, "answer_wait", 3.0, &ok);
	uint32_t max_sources = detect_param_u32(ctx, "max_sources", 4096, &ok);
	struct scan cfg = {
		.min_hosts = detect_param_u32(ctx, "min_hosts", 20, &ok),
		.min_ports = detect_param_u32(ctx, "min_ports", 20, &ok),
		.in_min_hosts = detect_param_u32(ctx, "inbound_min_hosts", 10, &ok),
		.in_min_ports = detect_param_u32(ctx, "inbound_min_ports", 20, &ok),
		.mirai_min = detect_param_u32(ctx, "mirai_min", 3, &ok),
		.inbound = detect_param_bool(ctx, "inbound", true, &ok),
	};
	if (!ok || window == 0 || window > 86400 || repeat > 30 * 86400 || update > 86400 || wait > 600 ||
	    max_sources < SCAN_WAYS || max_sources > (1u << 22) || !cfg.min_hosts || !cfg.min_ports ||
	    !cfg.in_min_hosts || !cfg.in_min_ports || !cfg.mirai_min) {
		snprintf(err, errsz,
			 "scan: bad parameter (window 1..86400 s, repeat <= 2592000 s, update_interval <= 86400 s, "
			 "answer_wait <= 600 s, max_sources 8..4194304, thresholds >= 1, inbound yes/no)");
		return NULL;
	}
	cfg.window_us = (uint64_t)window * 1000000u;
	cfg.repeat_us = (uint64_t)repeat * 1000000u;
	cfg.update_us = (uint64_t)update * 1000000u;
	cfg.wait_us = (uint64_t)(wait * 1e6);
	cfg.nsets = 1;
	while ((uint64_t)cfg.nsets * SCAN_WAYS < max_sources)
		cfg.nsets <<= 1;
	struct scan *s = malloc(sizeof *s);
	if (s) {
		*s = cfg;
		s->v = calloc((size_t)cfg.nsets * SCAN_WAYS, sizeof *s->v);
	}
	if (!s || !s->v) {
		free(s);
		snprintf(err, errsz, "scan: out of memory");
		return NULL;
	}
	return s;
}

static void scan_destroy(void *state)
{
	struct scan *s = state;
	if (s)
		free(s->v);
	free(s);
}

const struct detector detector_scan = {
	.name = "scan",
	.create = scan_create,
	.destroy = scan_destroy,
	.on_packet = scan_packet,
	.on_finish = scan_finish,
};
