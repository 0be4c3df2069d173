/* mud_json.c - the reduced MUD policy: checking a packet against it (the
 * engine reports what the profile does not permit), and koban's own JSON
 * form of it (state file, message to the engine). */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enforce/mud.h"
#include "util/text.h"

static bool in_range(uint16_t v, uint16_t lo, uint16_t hi)
{
	return (!lo && !hi) || (v >= lo && v <= hi);
}

static bool peer_matches(const struct mud_ace *a, const struct kaddr *peer, const struct kprefix *local,
			 size_t n_local)
{
	if (peer->family != a->family)
		return false;
	if (a->local_networks) {
		for (size_t i = 0; i < n_local; i++)
			if (kprefix_contains(&local[i], peer))
				return true;
		return false;
	}
	if (a->has_net)
		return kprefix_contains(&a->net, peer);
	if (a->dnsname[0]) {
		for (size_t i = 0; i < a->n_resolved; i++)
			if (kaddr_eq(&a->resolved[i], peer))
				return true;
		return false;
	}
	return true;
}

/* A flow is permitted when its opening direction matches an entry of that
 * direction's policy; every packet of it, both ways, is then permitted. */
bool mud_permits(const struct mud_policy *p, int dir, const struct kaddr *peer, uint8_t proto, uint16_t sport,
		 uint16_t dport, bool dev_initiated, const struct kprefix *local, size_t n_local)
{
	int opener = dev_initiated ? MUD_FROM_DEVICE : MUD_TO_DEVICE;
	bool same = dir == opener;
	uint16_t sp = same ? sport : dport, dp = same ? dport : sport;
	for (size_t i = 0; i < p->n; i++) {
		const struct mud_ace *a = &p->aces[i];
		if (a->dir != opener || (a->proto && a->proto != proto) || !peer_matches(a, peer, local, n_local))
			continue;
		if (!in_range(sp, a->sport_lo, a->sport_hi) || !in_range(dp, a->dport_lo, a->dport_hi))
			continue;
		if (a->initiated && a->initiated != opener)
			continue;
		return true;
	}
	return false;
}

static json_t *range(uint16_t lo, uint16_t hi)
{
	return json_pack("[ii]", lo, hi);
}

json_t *mud_to_json(const struct mud_policy *p)
{
	json_t *aces = json_array();
	char b[KADDR_STRLEN];
	for (size_t i = 0; i < p->n; i++) {
		const struct mud_ace *a = &p->aces[i];
		json_t *o = json_object(), *res = json_array();
		json_object_set_new(o, "dir", json_string(a->dir == MUD_FROM_DEVICE ? "from" : "to"));
		json_object_set_new(o, "family", json_integer(a->family));
		json_object_set_new(o, "proto", json_integer(a->proto));
		json_object_set_new(o, "local", json_boolean(a->local_networks));
		if (a->has_net) {
			char net[KADDR_STRLEN + 4];
			snprintf(net, sizeof net, "%s/%u", kaddr_str(&a->net.addr, b, sizeof b), a->net.len);
			json_object_set_new(o, "net", json_string(net));
		}
		json_object_set_new(o, "dnsname", json_string(a->dnsname));
		json_object_set_new(o, "sport", range(a->sport_lo, a->sport_hi));
		json_object_set_new(o, "dport", range(a->dport_lo, a->dport_hi));
		json_object_set_new(o, "initiated", json_integer(a->initiated));
		for (size_t k = 0; k < a->n_resolved; k++)
			json_array_append_new(res, json_string(kaddr_str(&a->resolved[k], b, sizeof b)));
		json_object_set_new(o, "resolved", res);
		json_array_append_new(aces, o);
	}
	return json_pack("{s:s, s:s, s:i, s:o}", "url", p->url, "systeminfo", p->systeminfo, "skipped", p->skipped,
			 "aces", aces);
}

static bool get_range(const json_t *v, uint16_t *lo, uint16_t *hi)
{
	json_int_t a, b;
	if (json_unpack((json_t *)v, "[II]", &a, &b) != 0 || a < 0 || b < a || b > 65535)
		return false;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return true;
}

static bool ace_from_json(const json_t *o, struct mud_ace *a)
{
	const char *dir, *name;
	json_int_t family, proto, initiated;
	int local;
	const json_t *sp, *dp, *res;
	memset(a, 0, sizeof *a);
	if (json_unpack((json_t *)o, "{s:s, s:I, s:I, s:b, s:s, s:o, s:o, s:I, s:o}", "dir", &dir, "family", &family,
			"proto", &proto, "local", &local, "dnsname", &name, "sport", &sp, "dport", &dp, "initiated",
			&initiated, "resolved", &res) != 0)
		return false;
	a->dir = !strcmp(dir, "from") ? MUD_FROM_DEVICE : !strcmp(dir, "to") ? MUD_TO_DEVICE : 0;
	if (!a->dir || (family != KADDR_V4 && family != KADDR_V6) || proto < 0 || proto > 255 || initiated < 0 ||
	    initiated > 2 || strlen(name) >= sizeof a->dnsname || !json_is_array(res) ||
	    json_array_size(res) > MUD_MAX_RESOLVED)
		return false;
	a->family = (uint8_t)family;
	a->proto = (uint8_t)proto;
	a->local_networks = local;
	a->initiated = (uint8_t)initiated;
	snprintf(a->dnsname, sizeof a->dnsname, "%s", name);
	const json_t *net = json_object_get(o, "net");
	if (net && (!json_is_string(net) || !kprefix_parse(&a->net, json_string_value(net))))
		return false;
	a->has_net = net != NULL;
	if (!get_range(sp, &a->sport_lo, &a->sport_hi) || !get_range(dp, &a->dport_lo, &a->dport_hi))
		return false;
	for (size_t i = 0; i < json_array_size(res); i++) {
		const json_t *v = json_array_get(res, i);
		if (!json_is_string(v) || !kaddr_parse(&a->resolved[a->n_resolved++], json_string_value(v)))
			return false;
	}
	return true;
}

struct mud_policy *mud_from_json(const json_t *o, char *err, size_t errsz)
{
	const char *url, *info;
	json_int_t skipped;
	const json_t *aces;
	if (!json_is_object(o) || json_unpack((json_t *)o, "{s:s, s:s, s:I, s:o}", "url", &url, "systeminfo", &info,
					      "skipped", &skipped, "aces", &aces) != 0 ||
	    !json_is_array(aces) || json_array_size(aces) > MUD_MAX_ACES) {
		snprintf(err, errsz, "malformed MUD policy");
		return NULL;
	}
	struct mud_policy *p = calloc(1, sizeof *p);
	if (!p || (json_array_size(aces) && !(p->aces = calloc(json_array_size(aces), sizeof *p->aces)))) {
		free(p);
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	text_clean_into(p->url, sizeof p->url, url, strlen(url));
	text_clean_into(p->systeminfo, sizeof p->systeminfo, info, strlen(info));
	p->skipped = (unsigned)skipped;
	for (size_t i = 0; i < json_array_size(aces); i++) {
		if (!ace_from_json(json_array_get(aces, i), &p->aces[p->n++])) {
			mud_free(p);
			snprintf(err, errsz, "malformed MUD policy entry");
			return NULL;
		}
	}
	return p;
}
