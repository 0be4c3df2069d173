/* enforce.c - containment actions: names, devices, the action set and the
 * JSON form kept in the daemon's state file. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enforce/enforce.h"
#include "enforce/mud.h"
#include "util/text.h"

static const char *const kind_names[ENF__COUNT] = {
	[ENF_NONE] = "none",	       [ENF_QUARANTINE] = "quarantine", [ENF_DEGRADE] = "degrade",
	[ENF_BLOCK_TARGET] = "block-target", [ENF_LAN_ONLY] = "lan-only", [ENF_MUD] = "mud",
};

const char *enf_kind_name(enum enf_kind k)
{
	return k > ENF_NONE && k < ENF__COUNT ? kind_names[k] : "none";
}

enum enf_kind enf_kind_parse(const char *s)
{
	for (int k = ENF_QUARANTINE; k < ENF__COUNT; k++)
		if (strcmp(s, kind_names[k]) == 0)
			return (enum enf_kind)k;
	return ENF_NONE;
}

bool enf_device_parse(struct enf_device *d, const char *s)
{
	memset(d, 0, sizeof *d);
	if (mac_parse(d->mac, s)) {
		d->has_mac = !mac_is_zero(d->mac) && !mac_is_group(d->mac);
		return d->has_mac;
	}
	struct kaddr a;
	if (!kaddr_parse(&a, s) || kaddr_is_unspecified(&a) || kaddr_is_multicast(&a))
		return false;
	d->ips[d->n_ips++] = a;
	return true;
}

const char *enf_device_str(const struct enf_device *d, char *buf, size_t bufsz)
{
	if (d->has_mac)
		return mac_str(d->mac, buf, bufsz);
	if (d->n_ips)
		return kaddr_str(&d->ips[0], buf, bufsz);
	snprintf(buf, bufsz, "?");
	return buf;
}

static bool shares_ip(const struct enf_device *a, const struct enf_device *b)
{
	for (size_t i = 0; i < a->n_ips; i++)
		for (size_t j = 0; j < b->n_ips; j++)
			if (kaddr_eq(&a->ips[i], &b->ips[j]))
				return true;
	return false;
}

bool enf_device_same(const struct enf_device *a, const struct enf_device *b)
{
	if (a->has_mac && b->has_mac)
		return memcmp(a->mac, b->mac, 6) == 0;
	return shares_ip(a, b);
}

bool enf_device_add_ip(struct enf_device *d, const struct kaddr *ip)
{
	for (size_t i = 0; i < d->n_ips; i++)
		if (kaddr_eq(&d->ips[i], ip))
			return true;
	if (d->n_ips == ENF_MAX_IPS)
		return false;
	d->ips[d->n_ips++] = *ip;
	return true;
}

void enf_set_init(struct enf_set *s)
{
	memset(s, 0, sizeof *s);
}

void enf_set_free(struct enf_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		mud_free(s->v[i].mud);
	free(s->v);
	memset(s, 0, sizeof *s);
}

static bool same_action(const struct enf_action *a, const struct enf_action *b)
{
	return a->kind == b->kind && enf_device_same(&a->dev, &b->dev) && kaddr_eq(&a->target, &b->target) &&
	       a->port == b->port && a->proto == b->proto;
}

int enf_set_add(struct enf_set *s, struct enf_action *a)
{
	for (size_t i = 0; i < s->n; i++) {
		if (same_action(&s->v[i], a)) {
			mud_free(s->v[i].mud);
			s->v[i] = *a;
			a->mud = NULL;
			return (int)i;
		}
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct enf_action *v = realloc(s->v, cap * sizeof *v);
		if (!v)
			return -1;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n] = *a;
	a->mud = NULL;
	return (int)s->n++;
}

size_t enf_set_remove(struct enf_set *s, const struct enf_device *d, enum enf_kind kind)
{
	size_t removed = 0, j = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (enf_device_same(&s->v[i].dev, d) && (kind == ENF_NONE || s->v[i].kind == kind)) {
			mud_free(s->v[i].mud);
			removed++;
			continue;
		}
		s->v[j++] = s->v[i];
	}
	s->n = j;
	return removed;
}

bool enf_set_update_ips(struct enf_set *s, const uint8_t mac[6], const struct kaddr *ips, size_t n)
{
	bool changed = false;
	if (!n)
		return false; /* no address known now: keep the last ones */
	for (size_t i = 0; i < s->n; i++) {
		struct enf_device *d = &s->v[i].dev, now = {.has_mac = true};
		if (!d->has_mac || memcmp(d->mac, mac, 6) != 0)
			continue;
		memcpy(now.mac, mac, 6);
		for (size_t k = 0; k < n; k++)
			enf_device_add_ip(&now, &ips[k]);
		if (now.n_ips != d->n_ips || memcmp(now.ips, d->ips, now.n_ips * sizeof now.ips[0]) != 0) {
			*d = now; /* an address the device gave up no longer names it */
			changed = true;
		}
	}
	return changed;
}

static const char *proto_name(uint8_t p)
{
	return p == IPPROTO_TCP ? "tcp" : p == IPPROTO_UDP ? "udp" : "any";
}

json_t *enf_action_to_json(const struct enf_action *a)
{
	char buf[KADDR_STRLEN];
	json_t *o = json_object(), *ips = json_array();
	json_object_set_new(o, "action", json_string(enf_kind_name(a->kind)));
	json_object_set_new(o, "mac", a->dev.has_mac ? json_string(mac_str(a->dev.mac, buf, sizeof buf)) : json_null());
	for (size_t i = 0; i < a->dev.n_ips; i++)
		json_array_append_new(ips, json_string(kaddr_str(&a->dev.ips[i], buf, sizeof buf)));
	json_object_set_new(o, "ips", ips);
	if (a->kind == ENF_BLOCK_TARGET)
		json_object_set_new(o, "target", json_string(kaddr_str(&a->target, buf, sizeof buf)));
	if (a->kind == ENF_DEGRADE) {
		json_object_set_new(o, "port", json_integer(a->port));
		json_object_set_new(o, "proto", json_string(proto_name(a->proto)));
	}
	json_object_set_new(o, "mode", json_string(a->enforced ? "enforce" : "monitor"));
	json_object_set_new(o, "since", json_integer((json_int_t)a->since));
	json_object_set_new(o, "origin", json_string(a->origin));
	json_object_set_new(o, "reason", json_string(a->reason));
	if (a->mud)
		json_object_set_new(o, "mud", mud_to_json(a->mud));
	return o;
}

static bool ips_from_json(const json_t *arr, struct enf_device *d)
{
	size_t i;
	json_t *v;
	if (!json_is_array(arr))
		return false;
	json_array_foreach(arr, i, v) {
		struct kaddr a;
		if (!json_is_string(v) || !kaddr_parse(&a, json_string_value(v)) || !enf_device_add_ip(d, &a))
			return false;
	}
	return true;
}

static bool str_field(const json_t *o, const char *key, char *dst, size_t dstsz)
{
	const json_t *v = json_object_get(o, key);
	if (!json_is_string(v))
		return false;
	text_clean_into(dst, dstsz, json_string_value(v), json_string_length(v));
	return true;
}

static bool degrade_from_json(const json_t *o, struct enf_action *a)
{
	const json_t *port = json_object_get(o, "port"), *proto = json_object_get(o, "proto");
	if (!json_is_integer(port) || json_integer_value(port) < 1 || json_integer_value(port) > 65535 ||
	    !json_is_string(proto))
		return false;
	a->port = (uint16_t)json_integer_value(port);
	const char *p = json_string_value(proto);
	a->proto = !strcmp(p, "tcp") ? IPPROTO_TCP : !strcmp(p, "udp") ? IPPROTO_UDP : 0;
	return a->proto || !strcmp(p, "any");
}

bool enf_action_from_json(const json_t *o, struct enf_action *a, char *err, size_t errsz)
{
	memset(a, 0, sizeof *a);
	const json_t *kind = json_object_get(o, "action"), *mac = json_object_get(o, "mac");
	const json_t *mode = json_object_get(o, "mode"), *since = json_object_get(o, "since");
	a->kind = json_is_string(kind) ? enf_kind_parse(json_string_value(kind)) : ENF_NONE;
	bool ok = a->kind != ENF_NONE && ips_from_json(json_object_get(o, "ips"), &a->dev) &&
		  json_is_string(mode) && json_is_integer(since);
	if (ok && json_is_string(mac)) {
		ok = mac_parse(a->dev.mac, json_string_value(mac));
		a->dev.has_mac = ok;
	}
	if (ok && !a->dev.has_mac && !a->dev.n_ips)
		ok = false;
	if (ok && a->kind == ENF_BLOCK_TARGET) {
		const json_t *t = json_object_get(o, "target");
		ok = json_is_string(t) && kaddr_parse(&a->target, json_string_value(t));
	}
	if (ok && a->kind == ENF_DEGRADE)
		ok = degrade_from_json(o, a);
	if (ok) {
		a->enforced = strcmp(json_string_value(mode), "enforce") == 0;
		a->since = (uint64_t)json_integer_value(since);
		str_field(o, "origin", a->origin, sizeof a->origin);
		str_field(o, "reason", a->reason, sizeof a->reason);
	}
	if (ok && a->kind == ENF_MUD) {
		a->mud = mud_from_json(json_object_get(o, "mud"), err, errsz);
		return a->mud != NULL;
	}
	if (!ok)
		snprintf(err, errsz, "malformed action");
	return ok;
}
