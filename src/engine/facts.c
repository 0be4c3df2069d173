/* facts.c - attributes what the dissectors learnt (facts) to devices:
 * names, model and firmware, services and banners, peer names, and turns
 * cleartext logins into events. Every string is sanitised here, once. */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "detect/detector.h"
#include "engine/engine_internal.h"
#include "util/text.h"

#define FACT_TEXT_MAX 256

/* Local: inside the configured networks (or, when none are configured,
 * private/ULA addresses and the on-link IPv6 prefixes routers announce), or
 * an address a local device was given by DHCP. */
bool engine_ip_is_local(struct engine *e, const struct kaddr *ip)
{
	if (e->cfg.n_local_nets == 0) {
		if (kaddr_is_private(ip))
			return true;
		if (ip->family == KADDR_V6 && e->n_ra_prefixes && engine_in_ra_prefix(e, ip))
			return true;
	} else {
		for (size_t i = 0; i < e->cfg.n_local_nets; i++)
			if (kprefix_contains(&e->cfg.local_nets[i], ip))
				return true;
	}
	return !kaddr_is_multicast(ip) && inventory_by_ip(e->inv, ip) != NULL;
}

/* One end of the conversation a fact is about. */
struct endpoint {
	struct kaddr ip;
	const uint8_t *mac;
	int flow_end; /* FLOW_CLIENT, FLOW_SERVER, or -1 */
};

static void endpoint_of(const struct fact_ctx *fc, const struct fact *f, struct endpoint *ep)
{
	const struct packet *p = fc->pkt;
	const struct flow *fl = fc->flow;
	memset(ep, 0, sizeof *ep);
	ep->flow_end = -1;
	enum fact_about about = f->about;
	if (!fl && (about == ABOUT_CLIENT || about == ABOUT_SERVER))
		about = about == ABOUT_CLIENT ? ABOUT_SRC : ABOUT_DST;
	switch (about) {
	case ABOUT_SRC:
		ep->ip = p->src_ip;
		ep->mac = p->has_mac ? p->src_mac : NULL;
		ep->flow_end = fl ? (fc->from_client ? FLOW_CLIENT : FLOW_SERVER) : -1;
		break;
	case ABOUT_DST:
		ep->ip = p->dst_ip;
		ep->mac = p->has_dst_mac && !mac_is_group(p->dst_mac) ? p->dst_mac : NULL;
		ep->flow_end = fl ? (fc->from_client ? FLOW_SERVER : FLOW_CLIENT) : -1;
		break;
	case ABOUT_CLIENT:
	case ABOUT_SERVER: {
		int end = about == ABOUT_CLIENT ? FLOW_CLIENT : FLOW_SERVER;
		ep->ip.family = fl->family;
		memcpy(ep->ip.b, fl->addr[end], 16);
		ep->mac = fl->has_mac[end] ? fl->mac[end] : NULL;
		ep->flow_end = end;
		break;
	}
	case ABOUT_ADDR:
		ep->ip = f->addr;
		break;
	case ABOUT_MAC:
		ep->mac = f->mac;
		break;
	}
}

/* The local device an endpoint belongs to, or NULL. */
static struct device *endpoint_device(struct engine *e, const struct endpoint *ep)
{
	if (!ep->ip.family) /* known by MAC only (DHCP client) */
		return ep->mac && !mac_is_group(ep->mac) ? inventory_by_mac(e->inv, ep->mac) : NULL;
	bool unspecified = kaddr_is_unspecified(&ep->ip);
	if (!unspecified && !engine_ip_is_local(e, &ep->ip))
		return NULL;
	if (ep->mac) {
		struct device *d = inventory_by_mac(e->inv, ep->mac);
		if (d)
			return d;
	}
	return unspecified ? NULL : inventory_by_ip(e->inv, &ep->ip);
}

/* The address at the other end of the flow from `ep`. */
static bool other_end(const struct fact_ctx *fc, const struct endpoint *ep, struct kaddr *out)
{
	if (!fc->flow || ep->flow_end < 0)
		return false;
	out->family = fc->flow->family;
	memcpy(out->b, fc->flow->addr[1 - ep->flow_end], 16);
	return true;
}

static void name_peer(struct engine *e, struct device *d, const struct kaddr *ip, const char *name)
{
	inventory_name_set(e->inv, ip, name);
	struct peer *p = d ? device_peer(d, ip, false) : NULL;
	if (p)
		device_set_str(&p->name, name);
}

/* SNI / Host: the client names the server it talks to. */
static void fact_server_name(const struct fact_ctx *fc, const char *name)
{
	if (!fc->flow)
		return;
	struct kaddr server = {.family = fc->flow->family};
	memcpy(server.b, fc->flow->addr[FLOW_SERVER], 16);
	struct endpoint client = {.flow_end = FLOW_CLIENT};
	client.ip.family = fc->flow->family;
	memcpy(client.ip.b, fc->flow->addr[FLOW_CLIENT], 16);
	client.mac = fc->flow->has_mac[FLOW_CLIENT] ? fc->flow->mac[FLOW_CLIENT] : NULL;
	name_peer(fc->e, endpoint_device(fc->e, &client), &server, name);
}

/* DNS answer: the address is named for whoever receives the answer. */
static void fact_dns_answer(const struct fact_ctx *fc, const struct fact *f, const char *name)
{
	struct endpoint receiver;
	struct fact dst = {.about = ABOUT_DST};
	endpoint_of(fc, &dst, &receiver);
	struct device *d = endpoint_device(fc->e, &receiver);
	name_peer(fc->e, d, &f->addr, name);
	if (fc->e->n_detectors) {
		struct detect_dns q = {.name = name, .answer = f->addr, .client_ip = receiver.ip, .client_dev = d,
				       .ts_us = fc->pkt->ts_us};
		detect_dispatch_dns(fc->e, &q);
	}
}

static void fact_dns_query(const struct fact_ctx *fc, const struct fact *f, const char *name)
{
	struct endpoint asker;
	endpoint_of(fc, f, &asker);
	struct detect_dns q = {.name = name, .client_ip = asker.ip, .client_dev = endpoint_device(fc->e, &asker),
			       .ts_us = fc->pkt->ts_us};
	detect_dispatch_dns(fc->e, &q);
}

/* The service a fact is about, created (with a new-service event) if new. */
static struct service *fact_device_service(const struct fact_ctx *fc, struct device *d, const struct fact *f)
{
	uint8_t proto = fc->flow ? fc->flow->l4_proto : fc->pkt->l4_proto;
	uint16_t port = f->port ? f->port : (fc->flow ? fc->flow->port[FLOW_SERVER] : fc->pkt->src_port);
	bool created;
	struct service *s = device_service(d, port, proto, true, &created);
	if (!s)
		return NULL;
	if (created) {
		s->first_seen_us = fc->pkt->ts_us;
		struct endpoint ep;
		endpoint_of(fc, f, &ep);
		struct kaddr client = {0};
		other_end(fc, &ep, &client);
		event_new_service(fc->e, d, s, &client, fc->pkt->ts_us);
	}
	if (!s->name && f->proto)
		device_set_str(&s->name, f->proto);
	return s;
}

static void fact_banner(const struct fact_ctx *fc, struct device *d, const struct fact *f, const char *text)
{
	struct service *s = fact_device_service(fc, d, f);
	if (s && (f->kind == FACT_SERVER_BANNER || !s->banner))
		device_set_str(&s->banner, text);
}

static void fact_service(const struct fact_ctx *fc, const struct fact *f)
{
	struct endpoint ep;
	endpoint_of(fc, f, &ep);
	struct device *d = endpoint_device(fc->e, &ep);
	if (d)
		fact_device_service(fc, d, f);
}

static void fact_login(const struct fact_ctx *fc, struct device *server_dev, const struct endpoint *server,
		       const struct fact *f, const char *user)
{
	struct engine *e = fc->e;
	struct kaddr client_ip = {0};
	other_end(fc, server, &client_ip);
	if (e->n_detectors) {
		struct endpoint client = {.ip = client_ip, .flow_end = FLOW_CLIENT};
		client.mac = fc->flow && fc->flow->has_mac[FLOW_CLIENT] ? fc->flow->mac[FLOW_CLIENT] : NULL;
		struct detect_login l = {.proto = f->proto ? f->proto : "unknown", .user = user,
					 .password = f->secret, .password_len = f->secret ? f->secret_len : 0,
					 .server_ip = server->ip, .client_ip = client_ip, .server_dev = server_dev,
					 .client_dev = endpoint_device(e, &client),
					 .port = f->port ? f->port : (fc->flow ? fc->flow->port[FLOW_SERVER] : 0),
					 .ts_us = fc->pkt->ts_us};
		detect_dispatch_login(e, &l);
	}
	struct device *d = server_dev;
	struct kaddr dev_ip = server->ip, peer_ip = client_ip;
	bool device_is_server = true;
	if (!d) { /* a local client logging in to a remote server in the clear */
		struct endpoint client = {.ip = client_ip, .flow_end = FLOW_CLIENT};
		client.mac = fc->flow && fc->flow->has_mac[FLOW_CLIENT] ? fc->flow->mac[FLOW_CLIENT] : NULL;
		d = endpoint_device(e, &client);
		dev_ip = client_ip;
		peer_ip = server->ip;
		device_is_server = false;
	}
	if (!d)
		return;
	/* report each (device, peer, protocol, user) once */
	uint64_t h = 1469598103934665603ULL;
	char key[FACT_TEXT_MAX + 64];
	int n = snprintf(key, sizeof key, "%u|%s|%s|", d->id, f->proto ? f->proto : "", user ? user : "");
	for (int i = 0; i < n && i < (int)sizeof key; i++)
		h = (h ^ (uint8_t)key[i]) * 1099511628211ULL;
	h ^= kaddr_hash(&peer_ip, 7);
	h |= 1;
	uint64_t *slot = &e->login_seen[h & (LOGIN_SEEN_SIZE - 1)];
	if (*slot == h)
		return;
	*slot = h;
	uint16_t port = f->port ? f->port : (fc->flow ? fc->flow->port[FLOW_SERVER] : 0);
	event_cleartext_login(e, d, &dev_ip, f->proto ? f->proto : "unknown", user, &peer_ip, port,
			      device_is_server, fc->pkt->ts_us);
}

static void fact_apply(const struct fact_ctx *fc, struct device *d, const struct fact *f, const char *text)
{
	bool identity = false;
	switch (f->kind) {
	case FACT_HOSTNAME: strlist_add(&d->hostnames, text); break;
	case FACT_VENDOR_CLASS: device_set_str(&d->vendor_class, text); break;
	case FACT_DHCP_PARAMS: device_set_str(&d->dhcp_params, text); break;
	case FACT_MUD_URL: device_set_str(&d->mud_url, text); break;
	case FACT_MDNS_SERVICE: strlist_add(&d->mdns_services, text); break;
	case FACT_MANUFACTURER: identity = device_set_str(&d->manufacturer, text); break;
	case FACT_MODEL: identity = device_set_str(&d->model, text); break;
	case FACT_FIRMWARE: identity = device_set_str(&d->firmware, text); break;
	case FACT_USER_AGENT: strlist_add(&d->user_agents, text); break;
	case FACT_SERVER_BANNER:
	case FACT_HTTP_AUTH_REALM: fact_banner(fc, d, f, text); break;
	default: break;
	}
	if (identity)
		detect_dispatch_device(fc->e, d, fc->pkt->ts_us);
}

/* DHCP ACK: the server gave `addr` to the client whose MAC is the value. */
static void fact_dhcp_address(const struct fact_ctx *fc, const struct fact *f)
{
	if (f->value_len != 6 || !f->addr.family || kaddr_is_unspecified(&f->addr))
		return;
	const uint8_t *mac = (const uint8_t *)f->value;
	if (mac_is_group(mac) || mac_is_zero(mac))
		return;
	struct device *d = engine_device_for_mac(fc->e, mac, fc->pkt->ts_us);
	if (d)
		inventory_bind_ip(fc->e->inv, d, &f->addr);
}

void engine_handle_fact(void *ctx, const struct fact *f)
{
	const struct fact_ctx *fc = ctx;
	if (f->kind == FACT_DHCP_ADDRESS) {
		fact_dhcp_address(fc, f);
		return;
	}
	if (f->kind == FACT_SERVICE) {
		fact_service(fc, f);
		return;
	}
	char text[FACT_TEXT_MAX + 1];
	size_t n = f->value ? text_clean_into(text, sizeof text, f->value, f->value_len) : 0;
	if (n == 0 && f->kind != FACT_LOGIN) /* a login without a user name is still a login */
		return;
	if (n == 0)
		text[0] = '\0';
	if (f->kind == FACT_TLS_SNI || f->kind == FACT_HTTP_HOST) {
		fact_server_name(fc, text);
		return;
	}
	if (f->kind == FACT_DNS_ANSWER) {
		fact_dns_answer(fc, f, text);
		return;
	}
	if (f->kind == FACT_DNS_QUERY) {
		if (fc->e->n_detectors)
			fact_dns_query(fc, f, text);
		return;
	}
	struct endpoint ep;
	endpoint_of(fc, f, &ep);
	struct device *d = endpoint_device(fc->e, &ep);
	if (!d && f->about == ABOUT_MAC && f->mac && !mac_is_group(f->mac) && !mac_is_zero(f->mac))
		d = engine_device_for_mac(fc->e, f->mac, fc->pkt->ts_us);
	if (f->kind == FACT_LOGIN) {
		fact_login(fc, d, &ep, f, text);
		return;
	}
	if (d)
		fact_apply(fc, d, f, text);
}
