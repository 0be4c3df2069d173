/* events.c - the engine's own events (new-device, new-service,
 * cleartext-login): kind, severity, guideline key points, summaries in
 * English and Japanese, and evidence. Passwords never reach an event. */
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "device/label.h"
#include "engine/engine_internal.h"
#include "util/text.h"

#define PASSWORD_MASK "********"

void event_emit(struct engine *e, struct event *ev)
{
	e->stats.events++;
	if (!ev->peer_name[0] && ev->peer_ip.family) { /* name the peer where DNS/SNI/Host did */
		const char *name = inventory_name_get(e->inv, &ev->peer_ip);
		if (name)
			snprintf(ev->peer_name, sizeof ev->peer_name, "%s", name);
	}
	text_fix_utf8_tail(ev->summary_en);
	text_fix_utf8_tail(ev->summary_ja);
	if (e->sink.event)
		e->sink.event(e->sink.ctx, ev);
	json_decref(ev->evidence);
	ev->evidence = NULL;
}

void event_init(struct event *ev, const char *kind, enum severity sev, const struct device *d,
		const struct kaddr *dev_ip, uint64_t ts_us)
{
	memset(ev, 0, sizeof *ev);
	snprintf(ev->kind, sizeof ev->kind, "%s", kind);
	ev->severity = sev;
	ev->ts_us = ts_us;
	if (d && d->has_mac) {
		ev->has_mac = true;
		memcpy(ev->mac, d->mac, 6);
	}
	if (dev_ip && dev_ip->family)
		ev->device_ip = *dev_ip;
	else if (d && d->n_ips)
		ev->device_ip = d->ips[0];
	ev->evidence = json_object();
}

static void event_key_points(struct event *ev, int n, ...)
{
	va_list ap;
	va_start(ap, n);
	for (int i = 0; i < n && i < EVENT_MAX_KEY_POINTS; i++)
		ev->key_points[ev->n_key_points++] = (uint8_t)va_arg(ap, int);
	va_end(ap);
}


void event_new_device(struct engine *e, const struct device *d, uint64_t ts_us)
{
	struct event ev;
	char label[320], ip[KADDR_STRLEN];
	event_init(&ev, "new-device", SEV_INFO, d, NULL, ts_us);
	event_key_points(&ev, 2, 16, 21);
	device_label(d, NULL, label, sizeof label);
	const char *where = d->n_ips ? kaddr_str(&d->ips[0], ip, sizeof ip) : NULL;
	snprintf(ev.summary_en, sizeof ev.summary_en, "New device on the network: %s%s%s", label,
		 where ? " at " : "", where ? where : "");
	snprintf(ev.summary_ja, sizeof ev.summary_ja, "ネットワークに新しい機器が接続されました: %s%s%s", label,
		 where ? " / " : "", where ? where : "");
	if (d->vendor)
		json_object_set_new(ev.evidence, "vendor", json_string(d->vendor));
	json_object_set_new(ev.evidence, "locally_administered_mac",
			    json_boolean(d->has_mac && mac_is_local_admin(d->mac)));
	event_emit(e, &ev);
}

static bool port_is_cleartext_admin(uint16_t port, uint8_t proto)
{
	return proto == IPPROTO_TCP && (port == 23 || port == 2323 || port == 21);
}

void event_new_service(struct engine *e, const struct device *d, const struct service *s,
		       const struct kaddr *client, uint64_t ts_us)
{
	struct event ev;
	char label[320];
	const char *proto = s->l4_proto == IPPROTO_UDP ? "udp" : "tcp";
	bool risky = port_is_cleartext_admin(s->port, s->l4_proto);
	event_init(&ev, "new-service", risky ? SEV_LOW : SEV_INFO, d, NULL, ts_us);
	event_key_points(&ev, 2, 4, 15);
	if (client && client->family)
		ev.peer_ip = *client;
	device_label(d, NULL, label, sizeof label);
	snprintf(ev.summary_en, sizeof ev.summary_en, "%s offers a service on port %u/%s%s", label, s->port, proto,
		 risky ? " (a cleartext administration port)" : "");
	snprintf(ev.summary_ja, sizeof ev.summary_ja, "%s がポート %u/%s でサービスを提供しています%s", label,
		 s->port, proto, risky ? "（暗号化されない管理用ポート）" : "");
	json_object_set_new(ev.evidence, "port", json_integer(s->port));
	json_object_set_new(ev.evidence, "proto", json_string(proto));
	event_emit(e, &ev);
}

void event_cleartext_login(struct engine *e, const struct device *d, const struct kaddr *dev_ip,
			   const char *proto, const char *user, const struct kaddr *peer, uint16_t port,
			   bool device_is_server, uint64_t ts_us)
{
	struct event ev;
	char label[320];
	event_init(&ev, "cleartext-login", SEV_MEDIUM, d, dev_ip, ts_us);
	event_key_points(&ev, 2, 14, 15);
	if (peer && peer->family)
		ev.peer_ip = *peer;
	ev.peer_port = device_is_server ? 0 : port;
	device_label(d, NULL, label, sizeof label);
	if (device_is_server) {
		snprintf(ev.summary_en, sizeof ev.summary_en,
			 "Login to %s over %s without encryption (user \"%s\"); the password crossed the network in the clear",
			 label, proto, user);
		snprintf(ev.summary_ja, sizeof ev.summary_ja,
			 "%s へ %s で暗号化されていないログインがありました（ユーザー \"%s\"）。パスワードが平文でネットワークを流れています",
			 label, proto, user);
	} else {
		snprintf(ev.summary_en, sizeof ev.summary_en,
			 "%s logged in to a remote server over %s without encryption (user \"%s\")", label, proto, user);
		snprintf(ev.summary_ja, sizeof ev.summary_ja,
			 "%s が外部のサーバへ %s で暗号化されていないログインを行いました（ユーザー \"%s\"）", label, proto,
			 user);
	}
	json_object_set_new(ev.evidence, "protocol", json_string(proto));
	json_object_set_new(ev.evidence, "user", json_string(user));
	json_object_set_new(ev.evidence, "password", json_string(PASSWORD_MASK));
	json_object_set_new(ev.evidence, "port", json_integer(port));
	json_object_set_new(ev.evidence, "direction", json_string(device_is_server ? "inbound" : "outbound"));
	event_emit(e, &ev);
}
