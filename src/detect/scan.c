/* scan.c - the `scan` detector: a host trying to reach many addresses
 * (horizontal) or many ports (vertical) in a short time.
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
 * One event when a source crosses a threshold, then at most once per
 * scan.repeat seconds; earlier only if the severity rises, or when a source
 * first reported for a probe or Mirai-marked SYNs crosses a threshold.
 * Memory: a fixed table of sources (8-way set-associative, least recently
 * active evicted); per source fixed-size distinct counters (exact up to 32,
 * then linear counting over a 512-bit bitmap), 16 pending SYNs, an IoT
 * port histogram and the top ports. */
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detectors.h"

#define SCAN_WAYS 8
#define SCAN_PENDING 16
#define DSET_EXACT 32
#define DSET_BITS 512
#define SCAN_TOP 8
#define SCAN_SAMPLES 4
#define SEED_HOST 0x5ca11u
#define SEED_SET 0x7ab1eu

static const uint16_t iot_ports[] = {22,   23,   80,   81,   443,  554,  1883, 2323,  5555,  7547,
				     8080, 8291, 8443, 9530, 9673, 34567, 37215, 37777, 52869, 60001};
#define N_IOT (sizeof iot_ports / sizeof iot_ports[0])

static const struct campaign {
	uint16_t port;
	const char *name_en, *name_ja;
} campaigns[] = {
	{9530, "Mirai-like campaign against HiSilicon-based video recorders (9530/TCP, since Feb 2020; specific data turns Telnet on)",
	 "HiSilicon系の録画機を狙うMirai類似の攻撃（9530/TCP、2020年2月以降。特定のデータでTelnetが有効になる）"},
	{9673, "Mirai variant XTC (9673/TCP, since April 2020)", "Mirai亜種 XTC（9673/TCP、2020年4月以降）"},
};
#define N_CAMPAIGNS 2

/* A distinct counter: exact while small, then linear counting. */
struct dset {
	uint32_t exact[DSET_EXACT];
	uint64_t bits[DSET_BITS / 64];
	uint8_t n;
	bool overflow;
};

struct top_port {
	uint16_t port;
	uint32_t n;
};

struct pending {
	struct kaddr dst;
	uint16_t port;
	bool remote;
	uint64_t ts_us;
};

struct source {
	bool used, inbound, reported;
	struct kaddr addr;
	uint64_t last_us;            /* LRU */
	uint64_t first_us;           /* first attempt kept in this entry */
	uint64_t win_start, win_end; /* the current window */
	uint32_t attempts, answered, unanswered, unanswered_remote, mirai;
	uint64_t total_attempts;
	uint32_t iot[N_IOT];
	uint32_t campaign[N_CAMPAIGNS];
	bool campaign_accepted;
	struct kaddr campaign_dst;
	uint16_t campaign_port;
	struct top_port top[SCAN_TOP];
	struct { struct kaddr a; uint16_t port; } sample[SCAN_SAMPLES];
	uint8_t n_sample, p_head, p_n;
	struct kaddr one_host;       /* the unanswered host, while there is only one */
	struct dset hosts, ports;
	struct pending pend[SCAN_PENDING];
	bool reported_threshold;     /* the last report was about a threshold crossed */
	enum severity reported_sev;
	uint64_t reported_us;
};

struct scan {
	uint64_t window_us, repeat_us, wait_us;
	uint32_t min_hosts, min_ports, in_min_hosts, in_min_ports, mirai_min;
	bool inbound;
	uint32_t nsets, sweep;
	struct source *v;
};

/* ---- distinct counter ---- */

static void dset_add(struct dset *d, uint32_t h)
{
	uint32_t bit = (h * 0x9e3779b1u) >> 23; /* 9 bits: 0..511 */
	d->bits[bit / 64] |= 1ULL << (bit % 64);
	if (d->overflow)
		return;
	for (unsigned i = 0; i < d->n; i++)
		if (d->exact[i] == h)
			return;
	if (d->n < DSET_EXACT)
		d->exact[d->n++] = h;
	else
		d->overflow = true;
}

static uint32_t dset_count(const struct dset *d)
{
	if (!d->overflow)
		return d->n;
	unsigned set = 0;
	for (unsigned i = 0; i < DSET_BITS / 64; i++)
		set += (unsigned)__builtin_popcountll(d->bits[i]);
	double est = set >= DSET_BITS ? DSET_BITS * log(DSET_BITS) : -DSET_BITS * log(1.0 - (double)set / DSET_BITS);
	uint32_t n = (uint32_t)(est + 0.5);
	return n > DSET_EXACT ? n : DSET_EXACT + 1;
}

/* ---- the source table ---- */

static uint32_t set_of(const struct scan *s, const struct kaddr *a)
{
	return kaddr_hash(a, SEED_SET) & (s->nsets - 1);
}

static struct source *src_find(struct scan *s, const struct kaddr *a)
{
	struct source *set = &s->v[(size_t)set_of(s, a) * SCAN_WAYS];
	for (int i = 0; i < SCAN_WAYS; i++)
		if (set[i].used && kaddr_eq(&set[i].addr, a))
			return &set[i];
	return NULL;
}

static struct source *src_get(struct scan *s, const struct kaddr *a, bool inbound, uint64_t now)
{
	struct source *e = src_find(s, a);
	if (!e) {
		struct source *set = &s->v[(size_t)set_of(s, a) * SCAN_WAYS];
		e = &set[0];
		for (int i = 0; i < SCAN_WAYS && e->used; i++)
			if (!set[i].used || set[i].last_us < e->last_us)
				e = &set[i];
		memset(e, 0, sizeof *e);
		e->used = true;
		e->addr = *a;
		e->inbound = inbound;
		e->first_us = now;
	}
	if (now > e->last_us)
		e->last_us = now;
	return e;
}

static void window_reset(struct source *e, uint64_t now)
{
	e->win_start = e->win_end = now;
	e->attempts = e->answered = e->unanswered = e->unanswered_remote = e->mirai = 0;
	memset(e->iot, 0, sizeof e->iot);
	memset(e->campaign, 0, sizeof e->campaign);
	e->campaign_accepted = false;
	memset(e->top, 0, sizeof e->top);
	e->n_sample = 0;
	memset(&e->hosts, 0, sizeof e->hosts);
	memset(&e->ports, 0, sizeof e->ports);
}

/* Space-saving top-k over attempted ports. */
static void top_add(struct source *e, uint16_t port)
{
	int min = 0;
	for (int i = 0; i < SCAN_TOP; i++) {
		if (e->top[i].n && e->top[i].port == port) {
			e->top[i].n++;
			return;
		}
		if (e->top[i].n < e->top[min].n)
			min = i;
	}
	e->top[min].port = port;
	e->top[min].n++;
}

/* An unanswered attempt: it counts towards the thresholds. */
static void commit_failed(struct source *e, const struct kaddr *dst, uint16_t port, bool remote)
{
	uint32_t h = kaddr_hash(dst, SEED_HOST);
	uint32_t before = e->hosts.n;
	dset_add(&e->hosts, h);
	dset_add(&e->ports, port * 0x85ebca6bu + 1);
	if (e->unanswered == 0)
		e->one_host = *dst;
	e->unanswered++;
	if (remote)
		e->unanswered_remote++;
	if (e->hosts.n > before && e->n_sample < SCAN_SAMPLES) {
		e->sample[e->n_sample].a = *dst;
		e->sample[e->n_sample++].port = port;
	}
}

static void pend_drop(struct source *e, int idx)
{
	/* shift the ring's later entries down by one */
	for (int k = idx; k + 1 < e->p_n; k++)
		e->pend[(e->p_head + k) % SCAN_PENDING] = e->pend[(e->p_head + k + 1) % SCAN_PENDING];
	e->p_n--;
}

/* Finds a pending SYN to dst:port; commits it as failed or drops it as answered. */
static bool pend_resolve(struct source *e, const struct kaddr *dst, uint16_t port, bool failed)
{
	bool found = false;
	for (int k = 0; k < e->p_n;) {
		struct pending *p = &e->pend[(e->p_head + k) % SCAN_PENDING];
		if (p->port == port && kaddr_eq(&p->dst, dst)) {
			if (failed && !found)
				commit_failed(e, &p->dst, p->port, p->remote);
			found = true;
			pend_drop(e, k);
		} else {
			k++;
		}
	}
	return found;
}

static void pend_commit_oldest(struct source *e)
{
	struct pending *p = &e->pend[e->p_head];
	commit_failed(e, &p->dst, p->port, p->remote);
	e->p_head = (uint8_t)((e->p_head + 1) % SCAN_PENDING);
	e->p_n--;
}

/* Commits pending SYNs older than the answer wait (all of them if flush);
 * returns how many. */
static int pend_age(const struct scan *s, struct source *e, uint64_t now, bool flush)
{
	int n = 0;
	for (; e->p_n && (flush || e->pend[e->p_head].ts_us + s->wait_us <= now); n++)
		pend_commit_oldest(e);
	return n;
}

static void pend_push(struct source *e, const struct kaddr *dst, uint16_t port, bool remote, uint64_t now)
{
	if (e->p_n == SCAN_PENDING) /* faster than answers can come: the oldest counts now */
		pend_commit_oldest(e);
	struct pending *p = &e->pend[(e->p_head + e->p_n) % SCAN_PENDING];
	p->dst = *dst;
	p->port = port;
	p->remote = remote;
	p->ts_us = now;
	e->p_n++;
}

/* ---- events ---- */

static const char *label_of(const struct device *d, const struct kaddr *ip, char *buf, size_t bufsz)
{
	char mac[MAC_STRLEN], a[KADDR_STRLEN];
	kaddr_str(ip, a, sizeof a);
	if (d && d->hostnames.n)
		snprintf(buf, bufsz, "%s (%s)", d->hostnames.v[0], a);
	else if (d && d->vendor && d->has_mac)
		snprintf(buf, bufsz, "%s %s (%s)", d->vendor, mac_str(d->mac, mac, sizeof mac), a);
	else
		snprintf(buf, bufsz, "%s", a);
	return buf;
}

static json_t *ts_json(uint64_t ts)
{
	char b[32];
	return json_string(ts_iso8601(ts, b, sizeof b));
}

static json_t *target_json(const struct kaddr *a, uint16_t port)
{
	char ip[KADDR_STRLEN], buf[KADDR_STRLEN + 10];
	kaddr_str(a, ip, sizeof ip);
	snprintf(buf, sizeof buf, a->family == KADDR_V6 ? "[%s]:%u" : "%s:%u", ip, port);
	return json_string(buf);
}

static int top_cmp(const void *a, const void *b)
{
	const struct top_port *x = a, *y = b;
	return x->n != y->n ? (x->n < y->n ? 1 : -1) : (int)x->port - (int)y->port;
}

static void evidence_ports(json_t *ev, const struct source *e)
{
	json_t *top = json_array(), *iot = json_object();
	struct top_port t[SCAN_TOP];
	memcpy(t, e->top, sizeof t);
	qsort(t, SCAN_TOP, sizeof *t, top_cmp);
	for (int i = 0; i < SCAN_TOP && t[i].n; i++)
		json_array_append_new(top, json_pack("{s:i, s:I}", "port", t[i].port, "count", (json_int_t)t[i].n));
	for (size_t i = 0; i < N_IOT; i++)
		if (e->iot[i]) {
			char k[8];
			snprintf(k, sizeof k, "%u", iot_ports[i]);
			json_object_set_new(iot, k, json_integer(e->iot[i]));
		}
	json_object_set_new(ev, "top_ports", top);
	json_object_set_new(ev, "iot_ports", iot);
}

static json_t *campaigns_json(const struct source *e)
{
	json_t *a = json_array();
	for (int i = 0; i < N_CAMPAIGNS; i++)
		if (e->campaign[i])
			json_array_append_new(a, json_pack("{s:i, s:I, s:s}", "port", campaigns[i].port, "probes",
							   (json_int_t)e->campaign[i], "name", campaigns[i].name_en));
	return a;
}

static const char *scan_type(const struct scan *s, const struct source *e, uint32_t hosts, uint32_t ports)
{
	uint32_t mh = e->inbound ? s->in_min_hosts : s->min_hosts, mp = e->inbound ? s->in_min_ports : s->min_ports;
	bool h = hosts >= mh, p = ports >= mp;
	if (h && p)
		return "horizontal+vertical";
	if (h)
		return "horizontal";
	if (p)
		return "vertical";
	return e->mirai >= s->mirai_min ? "mirai-probes" : "probe";
}

static json_t *evidence(const struct scan *s, const struct source *e, uint32_t hosts, uint32_t ports, bool mirai)
{
	char ip[KADDR_STRLEN];
	json_t *ev = json_object();
	json_object_set_new(ev, "direction", json_string(e->inbound ? "inbound" : "outbound"));
	json_object_set_new(ev, "source", json_string(kaddr_str(&e->addr, ip, sizeof ip)));
	json_object_set_new(ev, "scan_type", json_string(scan_type(s, e, hosts, ports)));
	json_object_set_new(ev, "window_start", ts_json(e->win_start));
	json_object_set_new(ev, "window_end", ts_json(e->win_end));
	json_object_set_new(ev, "window_seconds", json_integer((json_int_t)(s->window_us / 1000000u)));
	json_object_set_new(ev, "attempts", json_integer(e->attempts));
	json_object_set_new(ev, "answered", json_integer(e->answered));
	json_object_set_new(ev, "unanswered", json_integer(e->unanswered));
	json_object_set_new(ev, "unanswered_remote", json_integer(e->unanswered_remote));
	json_object_set_new(ev, "distinct_hosts", json_integer(hosts));
	json_object_set_new(ev, "distinct_ports", json_integer(ports));
	json_object_set_new(ev, "counts_approximate", json_boolean(e->hosts.overflow || e->ports.overflow));
	evidence_ports(ev, e);
	json_object_set_new(ev, "mirai_seq_matches", json_integer(e->mirai));
	json_object_set_new(ev, "mirai_like", json_boolean(mirai));
	json_object_set_new(ev, "campaigns", campaigns_json(e));
	json_t *samples = json_array();
	for (int i = 0; i < e->n_sample; i++)
		json_array_append_new(samples, target_json(&e->sample[i].a, e->sample[i].port));
	json_object_set_new(ev, "sample_targets", samples);
	json_object_set_new(ev, "first_seen", ts_json(e->first_us));
	json_object_set_new(ev, "total_attempts", json_integer((json_int_t)e->total_attempts));
	return ev;
}

static uint16_t top_port(const struct source *e)
{
	struct top_port t[SCAN_TOP];
	memcpy(t, e->top, sizeof t);
	qsort(t, SCAN_TOP, sizeof *t, top_cmp);
	return t[0].port;
}

static int campaign_idx(const struct source *e)
{
	for (int i = 0; i < N_CAMPAIGNS; i++)
		if (e->campaign[i])
			return i;
	return -1;
}

static void summary_out(struct event *ev, const struct source *e, const char *who, uint32_t hosts, uint32_t ports,
			bool threshold, bool mirai, uint32_t win_s)
{
	char tgt[KADDR_STRLEN];
	int c = campaign_idx(e);
	if (!threshold && mirai) {
		snprintf(ev->summary_en, sizeof ev->summary_en,
			 "%s is scanning like Mirai: %u of its %u connection attempts within %u s carry Mirai's mark (sequence number = target address)",
			 who, e->mirai, e->attempts, win_s);
		snprintf(ev->summary_ja, sizeof ev->summary_ja,
			 "%s がMiraiと同じ方法でスキャンを行っています: %u 秒以内の接続の試み %u 回のうち %u 回にMiraiの特徴（シーケンス番号＝宛先アドレス）があります",
			 who, win_s, e->attempts, e->mirai);
		return;
	}
	if (!threshold && c >= 0) {
		kaddr_str(&e->campaign_dst, tgt, sizeof tgt);
		snprintf(ev->summary_en, sizeof ev->summary_en, "%s probed %s on port %u/tcp, the port of the %s", who,
			 tgt, campaigns[c].port, campaigns[c].name_en);
		snprintf(ev->summary_ja, sizeof ev->summary_ja, "%s が %s のポート %u/tcp を探りました。%sで使われるポートです",
			 who, tgt, campaigns[c].port, campaigns[c].name_ja);
		return;
	}
	char mark_en[128] = "", mark_ja[160] = "";
	if (e->mirai) {
		snprintf(mark_en, sizeof mark_en, "; %u SYNs carry Mirai's mark (sequence number = target address)",
			 e->mirai);
		snprintf(mark_ja, sizeof mark_ja, "。%u 個のSYNにMiraiの特徴（シーケンス番号＝宛先アドレス）があります",
			 e->mirai);
	}
	snprintf(ev->summary_en, sizeof ev->summary_en,
		 "%s is scanning%s: %u unanswered connection attempts to %u address(es) on %u port(s) within %u s (top port %u)%s",
		 who, mirai ? " like Mirai" : "", e->unanswered, hosts, ports, win_s, top_port(e), mark_en);
	snprintf(ev->summary_ja, sizeof ev->summary_ja,
		 "%s が%sスキャンを行っています: %u 秒以内に %u 個のアドレス・%u 個のポートへ、応答のない接続の試み %u 回（最多ポート %u）%s",
		 who, mirai ? "Miraiと同じ方法で" : "", win_s, hosts, ports, e->unanswered, top_port(e), mark_ja);
}

static void summary_in(struct event *ev, const struct source *e, const char *who, uint32_t hosts, uint32_t ports,
		       bool scanning, uint32_t win_s)
{
	char tgt[KADDR_STRLEN];
	int c = campaign_idx(e);
	if (!scanning && c >= 0) {
		kaddr_str(&e->campaign_dst, tgt, sizeof tgt);
		snprintf(ev->summary_en, sizeof ev->summary_en,
			 "Remote host %s probed %s on port %u/tcp, the port of the %s%s", who, tgt, campaigns[c].port,
			 campaigns[c].name_en, e->campaign_accepted ? "; the device accepted the connection" : "");
		snprintf(ev->summary_ja, sizeof ev->summary_ja,
			 "外部のホスト %s が %s のポート %u/tcp を探りました。%sで使われるポートです%s", who, tgt,
			 campaigns[c].port, campaigns[c].name_ja, e->campaign_accepted ? "。機器は接続を受け付けました" : "");
		return;
	}
	snprintf(ev->summary_en, sizeof ev->summary_en,
		 "Remote host %s scanned the local network: %u unanswered attempts to %u local address(es) on %u port(s) within %u s",
		 who, e->unanswered, hosts, ports, win_s);
	snprintf(ev->summary_ja, sizeof ev->summary_ja,
		 "外部のホスト %s がローカルネットワークをスキャンしました: %u 秒以内に %u 個のローカルアドレス・%u 個のポートへ、応答のない試み %u 回",
		 who, win_s, hosts, ports, e->unanswered);
}

/* The local device an inbound event is about: the one host probed, if one. */
static const struct kaddr *inbound_target(const struct source *e, bool scanning, uint32_t hosts)
{
	if (!scanning && campaign_idx(e) >= 0)
		return &e->campaign_dst;
	return hosts == 1 ? &e->one_host : NULL;
}

static void emit(struct scan *s, struct detect_ctx *ctx, struct source *e, enum severity sev, bool threshold,
		 bool mirai, uint64_t now)
{
	bool scanning = threshold || mirai;
	static const uint8_t kp_out[] = {5, 9, 21}, kp_in[] = {7, 14};
	uint32_t hosts = dset_count(&e->hosts), ports = dset_count(&e->ports);
	uint32_t win_s = (uint32_t)(s->window_us / 1000000u);
	char who[256];
	struct event ev;
	if (e->inbound) {
		const struct kaddr *t = inbound_target(e, scanning, hosts);
		struct device *d = t ? detect_device_by_ip(ctx, t) : NULL;
		detect_event_init(&ev, "scan", sev, d, t, now);
		detect_event_key_points(&ev, kp_in, sizeof kp_in);
		ev.peer_ip = e->addr;
		char ip[KADDR_STRLEN];
		summary_in(&ev, e, kaddr_str(&e->addr, ip, sizeof ip), hosts, ports, scanning, win_s);
	} else {
		struct device *d = detect_device_by_ip(ctx, &e->addr);
		detect_event_init(&ev, "scan", sev, d, &e->addr, now);
		detect_event_key_points(&ev, kp_out, sizeof kp_out);
		if (!scanning && campaign_idx(e) >= 0) {
			ev.peer_ip = e->campaign_dst;
			ev.peer_port = e->campaign_port;
		} else if (hosts == 1) {
			ev.peer_ip = e->one_host;
		}
		label_of(d, &e->addr, who, sizeof who);
		summary_out(&ev, e, who, hosts, ports, threshold, mirai, win_s);
	}
	if (ev.peer_ip.family) {
		const char *n = detect_name_of(ctx, &ev.peer_ip);
		if (n)
			snprintf(ev.peer_name, sizeof ev.peer_name, "%s", n);
	}
	json_decref(ev.evidence);
	ev.evidence = evidence(s, e, hosts, ports, mirai);
	e->reported = true;
	e->reported_us = now;
	e->reported_sev = sev;
	detect_emit(ctx, &ev);
}

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

/* Checks a source against the thresholds; reports if due. */
static void evaluate(struct scan *s, struct detect_ctx *ctx, struct source *e, uint64_t now)
{
	uint32_t hosts = dset_count(&e->hosts), ports = dset_count(&e->ports);
	bool mirai = !e->inbound && e->mirai >= s->mirai_min;
	bool campaign = campaign_idx(e) >= 0;
	bool threshold;
	enum severity sev;
	if (e->inbound) {
		threshold = hosts >= s->in_min_hosts || ports >= s->in_min_ports;
		sev = SEV_LOW;
		if (campaign && campaign_target_listens(ctx, e))
			sev = SEV_MEDIUM;
	} else {
		threshold = hosts >= s->min_hosts || ports >= s->min_ports;
		sev = campaign || e->unanswered_remote ? SEV_HIGH : SEV_MEDIUM;
		if (mirai)
			sev = SEV_CRITICAL;
	}
	if (!threshold && !mirai && !campaign)
		return;
	/* within the repeat time (0: ever) only a higher severity, or a first
	 * threshold after a probe or Mirai-marked SYNs, is news */
	bool fresh = !e->reported || (s->repeat_us && now >= e->reported_us + s->repeat_us);
	if (!fresh && sev <= e->reported_sev && (!threshold || e->reported_threshold))
		return;
	e->reported_threshold = threshold || (!fresh && e->reported_threshold);
	emit(s, ctx, e, sev, threshold, mirai, now);
}

/* ---- the packet path ---- */

static int campaign_of(uint16_t port)
{
	for (int i = 0; i < N_CAMPAIGNS; i++)
		if (campaigns[i].port == port)
			return i;
	return -1;
}

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
	struct source *e = src_get(s, src, !src_local, now);
	if (pend_age(s, e, now, false))
		evaluate(s, ctx, e, now); /* the window that is about to end */
	if (e->attempts == 0 || now > e->win_start + s->window_us)
		window_reset(e, now);
	if (now > e->win_end)
		e->win_end = now;
	return e;
}

static void count_attempt(struct source *e, uint16_t port)
{
	e->attempts++;
	e->total_attempts++;
	top_add(e, port);
	for (size_t i = 0; i < N_IOT; i++)
		if (iot_ports[i] == port)
			e->iot[i]++;
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

/* Ages the pending SYNs of one set per packet, so quiet sources report too. */
static void sweep(struct scan *s, struct detect_ctx *ctx, uint64_t now)
{
	struct source *set = &s->v[(size_t)s->sweep * SCAN_WAYS];
	s->sweep = (s->sweep + 1) & (s->nsets - 1);
	for (int i = 0; i < SCAN_WAYS; i++) {
		struct source *e = &set[i];
		if (e->used && e->p_n && e->pend[e->p_head].ts_us + s->wait_us <= now) {
			pend_age(s, e, now, false);
			evaluate(s, ctx, e, now);
		}
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

static void scan_finish(void *state, struct detect_ctx *ctx, uint64_t ts_us)
{
	struct scan *s = state;
	for (size_t i = 0; i < (size_t)s->nsets * SCAN_WAYS; i++) {
		struct source *e = &s->v[i];
		if (e->used && e->p_n) {
			pend_age(s, e, ts_us, true);
			evaluate(s, ctx, e, ts_us > e->last_us ? ts_us : e->last_us);
		}
	}
}

/* ---- set-up ---- */

static void *scan_create(struct detect_ctx *ctx, char *err, size_t errsz)
{
	bool ok = true;
	uint32_t window = detect_param_u32(ctx, "window", 60, &ok);
	uint32_t repeat = detect_param_u32(ctx, "repeat", 600, &ok);
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
	if (!ok || window == 0 || window > 86400 || repeat > 30 * 86400 || wait > 600 || max_sources < SCAN_WAYS ||
	    max_sources > (1u << 22) || !cfg.min_hosts || !cfg.min_ports || !cfg.in_min_hosts || !cfg.in_min_ports ||
	    !cfg.mirai_min) {
		snprintf(err, errsz,
			 "scan: bad parameter (window 1..86400 s, repeat <= 2592000 s, answer_wait <= 600 s, "
			 "max_sources 8..4194304, thresholds >= 1, inbound yes/no)");
		return NULL;
	}
	cfg.window_us = (uint64_t)window * 1000000u;
	cfg.repeat_us = (uint64_t)repeat * 1000000u;
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
