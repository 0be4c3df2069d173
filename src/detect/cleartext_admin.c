/* cleartext_admin.c - the `cleartext-admin` detector: TELNET or FTP in use
 * at all (guideline key point 15 asks to stop them). A local device that
 * accepts a TELNET (TCP 23, 2323) or FTP (TCP 21) connection - handshake
 * completed, the device is the server - or a local device that uses them as
 * a client towards a server outside the local networks. The same protocols
 * on other ports count when a dissector recognised the flow.
 * Severity medium; high when the server is reached from outside.
 * One event per (device, service, role), plus one more when a server first
 * seen from inside is later reached from outside.
 * Memory: a fixed table of reported keys (oldest guess overwritten when a
 * probe run is full: at worst a device is reported again). */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detectors.h"
#include "device/label.h"
#include "proto/dissect.h"
#include "util/text.h"

#define CA_SLOTS 2048 /* power of two */
#define CA_PROBE 8
#define CA_REPORTED 1
#define CA_OUTSIDE 2

struct ca_entry {
	uint64_t key;
	uint8_t flags;
};

struct ca_state {
	struct ca_entry slots[CA_SLOTS];
};

static void *ca_create(struct detect_ctx *ctx, char *err, size_t errsz)
{
	(void)ctx;
	struct ca_state *st = calloc(1, sizeof *st);
	if (!st)
		snprintf(err, errsz, "cleartext-admin: out of memory");
	return st;
}

static void ca_destroy(void *state)
{
	free(state);
}

/* "telnet", "ftp" or NULL for the flow's server side. */
static const char *service_of(const struct flow *f)
{
	uint16_t p = f->port[FLOW_SERVER];
	if (p == 23 || p == 2323)
		return "telnet";
	if (p == 21)
		return "ftp";
	if (f->dissector >= 0 && (size_t)f->dissector < dissector_count) {
		const char *n = dissector_table[f->dissector]->name;
		if (!strcmp(n, "telnet") || !strcmp(n, "ftp"))
			return n;
	}
	return NULL;
}

static struct ca_entry *entry_get(struct ca_state *st, uint64_t key)
{
	struct ca_entry *empty = NULL;
	for (uint32_t i = 0; i < CA_PROBE; i++) {
		struct ca_entry *e = &st->slots[(key + i) & (CA_SLOTS - 1)];
		if (e->key == key)
			return e;
		if (!e->key && !empty)
			empty = e;
	}
	struct ca_entry *e = empty ? empty : &st->slots[key & (CA_SLOTS - 1)];
	e->key = key;
	e->flags = 0;
	return e;
}

static uint64_t entry_key(const struct device *d, const struct kaddr *ip, const char *svc, bool server)
{
	uint64_t dev = d ? d->id : (1ULL << 40) | kaddr_hash(ip, 0xc1ea);
	uint64_t h = dev * 0x9e3779b97f4a7c15ULL ^ ((uint64_t)(svc[0] == 't') << 1 | server);
	h ^= h >> 31;
	return (h * 0xbf58476d1ce4e5b9ULL) | 1;
}

#define LABEL_MAX 128

static const char *host_label(const struct device *d, const struct kaddr *ip, char *buf)
{
	return device_label(d, ip, buf, LABEL_MAX);
}

struct ca_use {
	const char *svc;
	uint16_t port;
	bool server;        /* the local device is the server */
	bool outside;       /* the other end is outside the local networks */
	struct kaddr dev_ip, peer;
	uint64_t first_us;
};

static void ca_summaries(const struct ca_use *u, const struct device *d, struct event *ev)
{
	char dev[LABEL_MAX], peer[KADDR_STRLEN];
	host_label(d, &u->dev_ip, dev);
	kaddr_str(&u->peer, peer, sizeof peer);
	if (u->server) {
		snprintf(ev->summary_en, sizeof ev->summary_en,
			 "%s accepts %s connections on port %u, an administration service without encryption "
			 "(connection from %s%s)",
			 dev, u->svc, u->port, u->outside ? "the Internet, " : "", peer);
		snprintf(ev->summary_ja, sizeof ev->summary_ja,
			 "%s がポート %u で %s の接続を受け付けています。暗号化されない管理用サービスです（接続元 %s%s）",
			 dev, u->port, u->svc, u->outside ? "インターネット上の " : "", peer);
	} else {
		snprintf(ev->summary_en, sizeof ev->summary_en,
			 "%s uses %s without encryption to reach %s port %u outside the local network", dev, u->svc,
			 peer, u->port);
		snprintf(ev->summary_ja, sizeof ev->summary_ja,
			 "%s が暗号化されない %s でローカルネットワークの外（%s のポート %u）へ接続しています", dev,
			 u->svc, peer, u->port);
	}
}

static void ca_emit(struct detect_ctx *ctx, const struct ca_use *u, const struct device *d, uint64_t ts)
{
	struct event ev;
	char a[KADDR_STRLEN], t[32];
	detect_event_init(&ev, "cleartext-admin", u->server && u->outside ? SEV_HIGH : SEV_MEDIUM, d, &u->dev_ip, ts);
	static const uint8_t kp_server[] = {4, 15}, kp_exposed[] = {4, 14, 15}, kp_client[] = {14, 15};
	if (u->server && u->outside)
		detect_event_key_points(&ev, kp_exposed, 3);
	else
		detect_event_key_points(&ev, u->server ? kp_server : kp_client, 2);
	ev.peer_ip = u->peer;
	ev.peer_port = u->server ? 0 : u->port;
	ca_summaries(u, d, &ev);
	json_object_set_new(ev.evidence, "protocol", json_string(u->svc));
	json_object_set_new(ev.evidence, "port", json_integer(u->port));
	json_object_set_new(ev.evidence, "role", json_string(u->server ? "server" : "client"));
	json_object_set_new(ev.evidence, "peer", json_string(kaddr_str(&u->peer, a, sizeof a)));
	json_object_set_new(ev.evidence, "peer_outside", json_boolean(u->outside));
	json_object_set_new(ev.evidence, "first_seen", json_string(ts_iso8601(u->first_us, t, sizeof t)));
	detect_emit(ctx, &ev);
}

/* Which local device uses the flow's service, in which role; false if none. */
static bool ca_classify(struct detect_ctx *ctx, const struct flow *f, struct ca_use *u)
{
	struct kaddr c = {.family = f->family}, s = {.family = f->family};
	memcpy(c.b, f->addr[FLOW_CLIENT], 16);
	memcpy(s.b, f->addr[FLOW_SERVER], 16);
	bool c_local = detect_is_local(ctx, &c), s_local = detect_is_local(ctx, &s);
	if (!s_local && !c_local)
		return false;
	u->server = s_local;
	u->outside = !(s_local && c_local);
	u->dev_ip = s_local ? s : c;
	u->peer = s_local ? c : s;
	u->port = f->port[FLOW_SERVER];
	u->first_us = f->first_us;
	return true;
}

static void ca_packet(void *state, struct detect_ctx *ctx, const struct detect_packet *dp)
{
	struct ca_state *st = state;
	const struct flow *f = dp->flow;
	if (!f || f->l4_proto != IPPROTO_TCP || !(f->tcp_state & FLOW_TCP_ESTABLISHED))
		return;
	struct ca_use u = {.svc = service_of(f)};
	if (!u.svc || !ca_classify(ctx, f, &u))
		return;
	struct device *d = detect_device_by_ip(ctx, &u.dev_ip);
	struct ca_entry *e = entry_get(st, entry_key(d, &u.dev_ip, u.svc, u.server));
	bool first = !(e->flags & CA_REPORTED);
	bool newly_outside = u.server && u.outside && !(e->flags & CA_OUTSIDE);
	if (!first && !newly_outside)
		return;
	e->flags |= CA_REPORTED | (u.outside ? CA_OUTSIDE : 0);
	ca_emit(ctx, &u, d, dp->pkt->ts_us);
}

const struct detector detector_cleartext_admin = {
	.name = "cleartext-admin",
	.create = ca_create,
	.destroy = ca_destroy,
	.on_packet = ca_packet,
};
