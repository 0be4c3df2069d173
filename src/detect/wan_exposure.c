/* wan_exposure.c - the `wan-exposure` detector: a host outside the local
 * networks reaches a local device's administration or remote-access port
 * and the connection succeeds. TCP: the handshake completed with the
 * remote host as initiator and the local device as responder (a SYN
 * answered by RST is not exposure). UDP ports (written "1900/udp"): the
 * local device answered a remote host's datagram.
 * Ports: wan-exposure.ports; severity high, critical for
 * wan-exposure.critical_ports; key points 7, 14, 21. One event per
 * (device, port), repeated at most once per wan-exposure.repeat seconds
 * while new connections arrive, with updated counts.
 * Memory: fixed tables of (device, port) entries and of recently counted
 * connections; the least recently active entry of a probe run is evicted. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detectors.h"
#include "device/label.h"
#include "util/text.h"

#define WX_SLOTS 1024 /* power of two */
#define WX_PROBE 8
#define WX_PEERS 32   /* distinct remote peers told apart exactly */
#define WX_SAMPLES 5
#define WX_FLOWS 4096 /* connections already counted (direct-mapped) */
#define WX_DEFAULT_PORTS                                                                             \
	"21,22,23,80,81,102,443,445,502,554,1883,2323,3389,5555,5900,7547,8000,8080,8443,8883,9530,9673," \
	"20000,34567,37777,44818,49152,161/udp,1900/udp,47808/udp"

struct wx_entry {
	bool used;
	uint64_t dev_key;
	struct kaddr dev_ip;
	uint16_t port;
	uint8_t l4;
	uint64_t first_us, last_us;
	uint32_t conns, peers;
	uint32_t peer_hash[WX_PEERS];
	uint8_t n_peer_hash, n_samples;
	struct kaddr samples[WX_SAMPLES];
	uint32_t reports;
	uint64_t last_report_us;
};

struct wx_state {
	uint64_t repeat_us;
	uint8_t tcp[65536 / 8], udp[65536 / 8], crit_tcp[65536 / 8], crit_udp[65536 / 8];
	uint64_t counted[WX_FLOWS];
	struct wx_entry slots[WX_SLOTS];
};

/* ---- parameters ---- */

static bool bit(const uint8_t *bits, uint16_t port)
{
	return bits[port / 8] & (1u << (port % 8));
}

/* "23,2323,1900/udp" into TCP and UDP bitmaps ("none" or "" for none). */
static bool parse_ports(const char *s, uint8_t *tcp, uint8_t *udp)
{
	memset(tcp, 0, 65536 / 8);
	memset(udp, 0, 65536 / 8);
	if (!strcmp(s, "none"))
		return true;
	while (*s) {
		while (*s == ' ' || *s == ',')
			s++;
		if (!*s)
			break;
		char *end;
		unsigned long n = strtoul(s, &end, 10);
		if (end == s || n == 0 || n > 65535)
			return false;
		uint8_t *bits = tcp;
		if (!strncmp(end, "/udp", 4) || !strncmp(end, "/tcp", 4)) {
			bits = end[1] == 'u' ? udp : tcp;
			end += 4;
		}
		if (*end && *end != ',' && *end != ' ')
			return false;
		bits[n / 8] |= (uint8_t)(1u << (n % 8));
		s = end;
	}
	return true;
}

static void *wx_create(struct detect_ctx *ctx, char *err, size_t errsz)
{
	struct wx_state *st = calloc(1, sizeof *st);
	if (!st) {
		snprintf(err, errsz, "wan-exposure: out of memory");
		return NULL;
	}
	bool ok = true;
	st->repeat_us = detect_param_u32(ctx, "repeat", 86400, &ok) * 1000000ULL;
	const char *ports = detect_param_str(ctx, "ports", WX_DEFAULT_PORTS);
	const char *crit = detect_param_str(ctx, "critical_ports", "23,2323,5555,7547");
	if (!ok || !parse_ports(ports, st->tcp, st->udp) || !parse_ports(crit, st->crit_tcp, st->crit_udp)) {
		snprintf(err, errsz,
			 "wan-exposure: bad parameter (repeat: seconds; ports, critical_ports: comma lists like "
			 "\"23,2323,1900/udp\")");
		free(st);
		return NULL;
	}
	return st;
}

static void wx_destroy(void *state)
{
	free(state);
}

/* ---- tables ---- */

/* True the first time a connection (5-tuple and start time) is seen. */
static bool flow_first_time(struct wx_state *st, const struct flow *f)
{
	uint64_t h = f->first_us * 0x9e3779b97f4a7c15ULL;
	h ^= (uint64_t)f->port[FLOW_CLIENT] << 16 | f->port[FLOW_SERVER];
	for (int end = 0; end < 2; end++)
		for (int i = 0; i < 16; i += 4)
			h = (h ^ ((uint64_t)f->addr[end][i] << 24 | (uint64_t)f->addr[end][i + 1] << 16 |
				  (uint64_t)f->addr[end][i + 2] << 8 | f->addr[end][i + 3])) *
			    0xbf58476d1ce4e5b9ULL;
	h = (h ^ (h >> 31)) | 1;
	uint64_t *slot = &st->counted[h & (WX_FLOWS - 1)];
	if (*slot == h)
		return false;
	*slot = h;
	return true;
}

static struct wx_entry *entry_get(struct wx_state *st, uint64_t dev_key, const struct kaddr *dev_ip,
				  uint16_t port, uint8_t l4)
{
	uint32_t h = (uint32_t)(dev_key * 0x9e3779b9u) ^ (uint32_t)port * 2654435761u ^ l4;
	struct wx_entry *victim = NULL;
	for (uint32_t i = 0; i < WX_PROBE; i++) {
		struct wx_entry *e = &st->slots[(h + i) & (WX_SLOTS - 1)];
		if (e->used && e->dev_key == dev_key && e->port == port && e->l4 == l4)
			return e;
		if (!victim || (victim->used && (!e->used || e->last_us < victim->last_us)))
			victim = e;
	}
	memset(victim, 0, sizeof *victim);
	victim->used = true;
	victim->dev_key = dev_key;
	victim->dev_ip = *dev_ip;
	victim->port = port;
	victim->l4 = l4;
	return victim;
}

static void note_peer(struct wx_entry *e, const struct kaddr *peer)
{
	uint32_t h = kaddr_hash(peer, 0x3e7);
	for (size_t i = 0; i < e->n_peer_hash; i++)
		if (e->peer_hash[i] == h)
			return;
	if (e->n_peer_hash < WX_PEERS)
		e->peer_hash[e->n_peer_hash++] = h;
	e->peers++;
	if (e->n_samples < WX_SAMPLES)
		e->samples[e->n_samples++] = *peer;
}

/* ---- events ---- */

static const char *service_name(uint16_t port, uint8_t l4)
{
	static const struct {
		uint16_t port;
		const char *name;
	} names[] = {
		{21, "ftp"}, {22, "ssh"}, {23, "telnet"}, {80, "http"}, {81, "http"}, {102, "s7comm"},
		{161, "snmp"}, {443, "https"}, {445, "smb"}, {502, "modbus"}, {554, "rtsp"}, {1883, "mqtt"},
		{1900, "upnp-ssdp"}, {2323, "telnet"}, {3389, "rdp"}, {5555, "adb"}, {5900, "vnc"},
		{7547, "tr-069"}, {8000, "http"}, {8080, "http"}, {8443, "https"}, {8883, "mqtt-tls"},
		{9530, "dvr-backdoor"}, {9673, "xtc-mirai"}, {20000, "dnp3"}, {34567, "dvr-xmeye"},
		{37777, "dvr-dahua"}, {44818, "ethernet-ip"}, {47808, "bacnet"}, {49152, "upnp"},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].port == port)
			return names[i].name;
	return l4 == IPPROTO_UDP ? "udp" : "tcp";
}

#define LABEL_MAX 128

static const char *host_label(const struct device *d, const struct kaddr *ip, char *buf)
{
	return device_label(d, ip, buf, LABEL_MAX);
}

static void wx_evidence(const struct wx_entry *e, json_t *ev, const char *svc)
{
	char a[KADDR_STRLEN], t[32];
	json_object_set_new(ev, "port", json_integer(e->port));
	json_object_set_new(ev, "transport", json_string(e->l4 == IPPROTO_UDP ? "udp" : "tcp"));
	json_object_set_new(ev, "service", json_string(svc));
	json_object_set_new(ev, "connections", json_integer(e->conns));
	json_object_set_new(ev, "remote_peers", json_integer(e->peers));
	json_t *samples = json_array();
	for (unsigned i = 0; i < e->n_samples; i++)
		json_array_append_new(samples, json_string(kaddr_str(&e->samples[i], a, sizeof a)));
	json_object_set_new(ev, "peer_samples", samples);
	json_object_set_new(ev, "first_seen", json_string(ts_iso8601(e->first_us, t, sizeof t)));
	json_object_set_new(ev, "last_seen", json_string(ts_iso8601(e->last_us, t, sizeof t)));
	json_object_set_new(ev, "report", json_integer(e->reports));
}

static void wx_report(struct wx_state *st, struct detect_ctx *ctx, struct wx_entry *e, const struct kaddr *peer,
		      uint64_t ts)
{
	bool critical = bit(e->l4 == IPPROTO_UDP ? st->crit_udp : st->crit_tcp, e->port);
	const char *svc = service_name(e->port, e->l4);
	const char *l4 = e->l4 == IPPROTO_UDP ? "udp" : "tcp";
	struct device *d = detect_device_by_ip(ctx, &e->dev_ip);
	char dev[LABEL_MAX], p[KADDR_STRLEN];
	e->reports++;
	e->last_report_us = ts;
	struct event ev;
	detect_event_init(&ev, "wan-exposure", critical ? SEV_CRITICAL : SEV_HIGH, d, &e->dev_ip, ts);
	static const uint8_t kps[] = {7, 14, 21};
	detect_event_key_points(&ev, kps, 3);
	ev.peer_ip = *peer;
	host_label(d, &e->dev_ip, dev);
	kaddr_str(peer, p, sizeof p);
	snprintf(ev.summary_en, sizeof ev.summary_en,
		 "%s can be reached from the Internet on port %u/%s (%s): %u connection%s from %u remote host%s, "
		 "latest from %s",
		 dev, e->port, l4, svc, e->conns, e->conns == 1 ? "" : "s", e->peers, e->peers == 1 ? "" : "s", p);
	snprintf(ev.summary_ja, sizeof ev.summary_ja,
		 "%s にインターネットからポート %u/%s（%s）で接続できます: 外部の %u 台から %u 回の接続（最新の接続元 %s）",
		 dev, e->port, l4, svc, e->peers, e->conns, p);
	wx_evidence(e, ev.evidence, svc);
	detect_emit(ctx, &ev);
}

/* ---- hooks ---- */

/* A remote host's connection to a listed port of a local device that the
 * device accepted (TCP) or answered (UDP). */
static bool wx_accepted(const struct wx_state *st, const struct flow *f)
{
	if (f->l4_proto == IPPROTO_TCP)
		return (f->tcp_state & FLOW_TCP_ESTABLISHED) && bit(st->tcp, f->port[FLOW_SERVER]);
	if (f->l4_proto == IPPROTO_UDP)
		return f->pkts[FLOW_SERVER] > 0 && bit(st->udp, f->port[FLOW_SERVER]);
	return false;
}

static void wx_packet(void *state, struct detect_ctx *ctx, const struct detect_packet *dp)
{
	struct wx_state *st = state;
	const struct flow *f = dp->flow;
	if (!f || !wx_accepted(st, f))
		return;
	struct kaddr c = {.family = f->family}, s = {.family = f->family};
	memcpy(c.b, f->addr[FLOW_CLIENT], 16);
	memcpy(s.b, f->addr[FLOW_SERVER], 16);
	if (!flow_first_time(st, f) || kaddr_is_unspecified(&c) || detect_is_local(ctx, &c) ||
	    !detect_is_local(ctx, &s))
		return;
	struct device *d = detect_device_by_ip(ctx, &s);
	uint64_t key = d ? d->id : (1ULL << 40) | kaddr_hash(&s, 0x3a9);
	uint64_t ts = dp->pkt->ts_us;
	struct wx_entry *e = entry_get(st, key, &s, f->port[FLOW_SERVER], f->l4_proto);
	if (!e->first_us)
		e->first_us = ts;
	if (ts > e->last_us)
		e->last_us = ts;
	e->conns++;
	note_peer(e, &c);
	if (!e->reports || (st->repeat_us && ts >= e->last_report_us && ts - e->last_report_us >= st->repeat_us))
		wx_report(st, ctx, e, &c, ts);
}

const struct detector detector_wan_exposure = {
	.name = "wan-exposure",
	.create = wx_create,
	.destroy = wx_destroy,
	.on_packet = wx_packet,
};
