/* scan_report.c - the scan detector's events: the evidence (counts, ports,
 * campaigns, samples), the English and Japanese summaries, and the device
 * and peer of an incident. The first report of an incident fixes its
 * device and peer; its updates and final report keep them, so the alert
 * layer folds every report of the incident into one alert incident. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/scan_int.h"

static const char *const report_name[] = {"first", "update", "final"};

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
			snprintf(k, sizeof k, "%u", scan_iot_ports[i]);
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
			json_array_append_new(a, json_pack("{s:i, s:I, s:s}", "port", scan_campaigns[i].port, "probes",
							   (json_int_t)e->campaign[i], "name", scan_campaigns[i].name_en));
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

static json_t *evidence(const struct scan *s, const struct source *e, const struct scan_verdict *v,
			enum scan_report_kind kind)
{
	char ip[KADDR_STRLEN];
	json_t *ev = json_object();
	json_object_set_new(ev, "direction", json_string(e->inbound ? "inbound" : "outbound"));
	json_object_set_new(ev, "source", json_string(kaddr_str(&e->addr, ip, sizeof ip)));
	json_object_set_new(ev, "scan_type", json_string(scan_type(s, e, v->hosts, v->ports)));
	json_object_set_new(ev, "report", json_string(report_name[kind]));
	json_object_set_new(ev, "incident", json_integer(e->inc.id));
	json_object_set_new(ev, "window_start", ts_json(e->win_start));
	json_object_set_new(ev, "window_end", ts_json(e->win_end));
	json_object_set_new(ev, "window_seconds", json_integer((json_int_t)(s->window_us / 1000000u)));
	json_object_set_new(ev, "attempts", json_integer(e->attempts));
	json_object_set_new(ev, "answered", json_integer(e->answered));
	json_object_set_new(ev, "unanswered", json_integer(e->unanswered));
	json_object_set_new(ev, "unanswered_remote", json_integer(e->unanswered_remote));
	json_object_set_new(ev, "distinct_hosts", json_integer(v->hosts));
	json_object_set_new(ev, "distinct_ports", json_integer(v->ports));
	json_object_set_new(ev, "counts_approximate", json_boolean(e->hosts.overflow || e->ports.overflow));
	evidence_ports(ev, e);
	json_object_set_new(ev, "mirai_seq_matches", json_integer(e->mirai));
	json_object_set_new(ev, "mirai_like", json_boolean(v->mirai));
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

static void summary_out(struct event *ev, const struct source *e, const char *who, const struct scan_verdict *v,
			uint32_t win_s)
{
	char tgt[KADDR_STRLEN];
	int c = campaign_idx(e);
	if (!v->threshold && v->mirai) {
		snprintf(ev->summary_en, sizeof ev->summary_en,
			 "%s is scanning like Mirai: %u of its %u connection attempts within %u s carry Mirai's mark (sequence number = target address)",
			 who, e->mirai, e->attempts, win_s);
		snprintf(ev->summary_ja, sizeof ev->summary_ja,
			 "%s がMiraiと同じ方法でスキャンを行っています: %u 秒以内の接続の試み %u 回のうち %u 回にMiraiの特徴（シーケンス番号＝宛先アドレス）があります",
			 who, win_s, e->attempts, e->mirai);
		return;
	}
	if (!v->threshold && c >= 0) {
		kaddr_str(&e->campaign_dst, tgt, sizeof tgt);
		snprintf(ev->summary_en, sizeof ev->summary_en, "%s probed %s on port %u/tcp, the port of the %s", who,
			 tgt, scan_campaigns[c].port, scan_campaigns[c].name_en);
		snprintf(ev->summary_ja, sizeof ev->summary_ja, "%s が %s のポート %u/tcp を探りました。%sで使われるポートです",
			 who, tgt, scan_campaigns[c].port, scan_campaigns[c].name_ja);
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
		 who, v->mirai ? " like Mirai" : "", e->unanswered, v->hosts, v->ports, win_s, top_port(e), mark_en);
	snprintf(ev->summary_ja, sizeof ev->summary_ja,
		 "%s が%sスキャンを行っています: %u 秒以内に %u 個のアドレス・%u 個のポートへ、応答のない接続の試み %u 回（最多ポート %u）%s",
		 who, v->mirai ? "Miraiと同じ方法で" : "", win_s, v->hosts, v->ports, e->unanswered, top_port(e), mark_ja);
}

static void summary_in(struct event *ev, const struct source *e, const char *who, const struct scan_verdict *v,
		       uint32_t win_s)
{
	char tgt[KADDR_STRLEN];
	int c = campaign_idx(e);
	if (!v->threshold && !v->mirai && c >= 0) {
		kaddr_str(&e->campaign_dst, tgt, sizeof tgt);
		snprintf(ev->summary_en, sizeof ev->summary_en,
			 "Remote host %s probed %s on port %u/tcp, the port of the %s%s", who, tgt, scan_campaigns[c].port,
			 scan_campaigns[c].name_en, e->campaign_accepted ? "; the device accepted the connection" : "");
		snprintf(ev->summary_ja, sizeof ev->summary_ja,
			 "外部のホスト %s が %s のポート %u/tcp を探りました。%sで使われるポートです%s", who, tgt,
			 scan_campaigns[c].port, scan_campaigns[c].name_ja,
			 e->campaign_accepted ? "。機器は接続を受け付けました" : "");
		return;
	}
	snprintf(ev->summary_en, sizeof ev->summary_en,
		 "Remote host %s scanned the local network: %u unanswered attempts to %u local address(es) on %u port(s) within %u s",
		 who, e->unanswered, v->hosts, v->ports, win_s);
	snprintf(ev->summary_ja, sizeof ev->summary_ja,
		 "外部のホスト %s がローカルネットワークをスキャンしました: %u 秒以内に %u 個のローカルアドレス・%u 個のポートへ、応答のない試み %u 回",
		 who, win_s, v->hosts, v->ports, e->unanswered);
}

/* The device and peer of a new incident. Inbound: the local host probed,
 * if one, and the scanner. Outbound: the source, and its one target, if
 * one (with the port, for a campaign probe). */
static void incident_subject(struct source *e, const struct scan_verdict *v)
{
	struct scan_incident *inc = &e->inc;
	bool probe = !v->threshold && !v->mirai && v->campaign;
	if (e->inbound) {
		if (probe)
			inc->dev_ip = e->campaign_dst;
		else if (v->hosts == 1)
			inc->dev_ip = e->one_host;
		inc->peer_ip = e->addr;
		return;
	}
	inc->dev_ip = e->addr;
	if (probe) {
		inc->peer_ip = e->campaign_dst;
		inc->peer_port = e->campaign_port;
	} else if (v->hosts == 1) {
		inc->peer_ip = e->one_host;
	}
}

static void append(char *buf, size_t bufsz, const char *tail)
{
	size_t n = strlen(buf), k = strlen(tail);
	if (n + k < bufsz)
		memcpy(buf + n, tail, k + 1);
}

static void summaries(struct event *ev, struct detect_ctx *ctx, const struct scan *s, const struct source *e,
		      const struct scan_verdict *v, enum scan_report_kind kind)
{
	static const char *const tail_en[] = {"", " (update)", " (final report)"};
	static const char *const tail_ja[] = {"", "（続報）", "（最終報告）"};
	uint32_t win_s = (uint32_t)(s->window_us / 1000000u);
	char who[256], ip[KADDR_STRLEN];
	if (e->inbound) {
		summary_in(ev, e, kaddr_str(&e->addr, ip, sizeof ip), v, win_s);
	} else {
		label_of(detect_device_by_ip(ctx, &e->addr), &e->addr, who, sizeof who);
		summary_out(ev, e, who, v, win_s);
	}
	append(ev->summary_en, sizeof ev->summary_en, tail_en[kind]);
	append(ev->summary_ja, sizeof ev->summary_ja, tail_ja[kind]);
}

/* Remembers what this report said, for the growth test of the next one. */
static void note_report(struct source *e, const struct scan_verdict *v, enum severity sev, uint64_t now)
{
	struct scan_incident *inc = &e->inc;
	inc->threshold |= v->threshold;
	inc->mirai |= v->mirai;
	inc->sev = sev;
	inc->us = now;
	inc->hosts = v->hosts;
	inc->ports = v->ports;
	inc->attempts = e->attempts;
	inc->answered = e->answered;
	inc->unanswered = e->unanswered;
	inc->iot_mask = iot_mask(e);
	inc->campaign_mask = campaign_mask(e);
}

void scan_report(struct scan *s, struct detect_ctx *ctx, struct source *e, const struct scan_verdict *v,
		 enum scan_report_kind kind, uint64_t now)
{
	static const uint8_t kp_out[] = {5, 9, 21}, kp_in[] = {7, 14};
	struct scan_incident *inc = &e->inc;
	if (kind == SCAN_FIRST) {
		memset(inc, 0, sizeof *inc);
		inc->id = ++s->incidents;
		incident_subject(e, v);
	}
	enum severity sev = kind == SCAN_FIRST || v->sev > inc->sev ? v->sev : inc->sev;
	const struct kaddr *dev_ip = inc->dev_ip.family ? &inc->dev_ip : NULL;
	struct event ev;
	detect_event_init(&ev, "scan", sev, dev_ip ? detect_device_by_ip(ctx, dev_ip) : NULL, dev_ip, now);
	if (e->inbound)
		detect_event_key_points(&ev, kp_in, sizeof kp_in);
	else
		detect_event_key_points(&ev, kp_out, sizeof kp_out);
	ev.peer_ip = inc->peer_ip;
	ev.peer_port = inc->peer_port;
	if (ev.peer_ip.family) {
		const char *n = detect_name_of(ctx, &ev.peer_ip);
		if (n)
			snprintf(ev.peer_name, sizeof ev.peer_name, "%s", n);
	}
	summaries(&ev, ctx, s, e, v, kind);
	json_decref(ev.evidence);
	ev.evidence = evidence(s, e, v, kind);
	note_report(e, v, sev, now);
	detect_emit(ctx, &ev);
}
