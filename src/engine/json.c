/* json.c - the JSON forms of devices and events (devices.json, events.jsonl,
 * the store and the report all use these), plus severity and time helpers. */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "engine/model.h"

static const char *const severity_names[] = {"info", "low", "medium", "high", "critical"};

const char *severity_str(enum severity s)
{
	return (unsigned)s < 5 ? severity_names[s] : "info";
}

int severity_parse(const char *s)
{
	for (int i = 0; i < 5; i++)
		if (s && strcmp(s, severity_names[i]) == 0)
			return i;
	return -1;
}

const char *ts_iso8601(uint64_t ts_us, char *buf, size_t bufsz)
{
	time_t secs = (time_t)(ts_us / 1000000u);
	unsigned ms = (unsigned)((ts_us % 1000000u) / 1000u);
	struct tm tm;
	if (!gmtime_r(&secs, &tm)) {
		snprintf(buf, bufsz, "1970-01-01T00:00:00.000Z");
		return buf;
	}
	snprintf(buf, bufsz, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
	return buf;
}

static json_t *json_str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *json_addr_or_null(const struct kaddr *a)
{
	char buf[KADDR_STRLEN];
	return a->family ? json_string(kaddr_str(a, buf, sizeof buf)) : json_null();
}

static json_t *json_ts(uint64_t ts_us)
{
	char buf[32];
	return ts_us ? json_string(ts_iso8601(ts_us, buf, sizeof buf)) : json_null();
}

static json_t *strlist_to_json(const struct strlist *l)
{
	json_t *a = json_array();
	for (unsigned i = 0; i < l->n; i++)
		json_array_append_new(a, json_string(l->v[i]));
	return a;
}

static json_t *services_to_json(const struct device *d)
{
	json_t *a = json_array();
	for (unsigned i = 0; i < d->n_services; i++) {
		const struct service *s = &d->services[i];
		json_array_append_new(a, json_pack("{s:i, s:s, s:o, s:o}", "port", (int)s->port, "proto",
						   s->l4_proto == IPPROTO_UDP ? "udp" : "tcp", "name",
						   json_str_or_null(s->name), "banner",
						   json_str_or_null(s->banner)));
	}
	return a;
}

static json_t *peers_to_json(const struct device *d)
{
	json_t *a = json_array();
	for (unsigned i = 0; i < d->n_peers; i++) {
		const struct peer *p = &d->peers[i];
		json_array_append_new(a, json_pack("{s:o, s:o, s:i}", "ip", json_addr_or_null(&p->ip), "name",
						   json_str_or_null(p->name), "flows", (json_int_t)p->flows));
	}
	return a;
}

json_t *device_to_json(const struct device *d)
{
	char mac[MAC_STRLEN];
	json_t *ips = json_array();
	for (unsigned i = 0; i < d->n_ips; i++)
		json_array_append_new(ips, json_addr_or_null(&d->ips[i]));
	json_t *o = json_object();
	json_object_set_new(o, "mac", d->has_mac ? json_string(mac_str(d->mac, mac, sizeof mac)) : json_null());
	json_object_set_new(o, "ips", ips);
	json_object_set_new(o, "vendor", json_str_or_null(d->vendor));
	json_object_set_new(o, "hostnames", strlist_to_json(&d->hostnames));
	json_object_set_new(o, "model", json_str_or_null(d->model));
	json_object_set_new(o, "firmware", json_str_or_null(d->firmware));
	json_object_set_new(o, "mud_url", json_str_or_null(d->mud_url));
	json_object_set_new(o, "services", services_to_json(d));
	json_object_set_new(o, "peers", peers_to_json(d));
	json_object_set_new(o, "first_seen", json_ts(d->first_seen_us));
	json_object_set_new(o, "last_seen", json_ts(d->last_seen_us));
	return o;
}

json_t *event_to_json(const struct event *e)
{
	char mac[MAC_STRLEN];
	json_t *o = json_object();
	json_object_set_new(o, "ts", json_ts(e->ts_us));
	json_object_set_new(o, "kind", json_string(e->kind));
	json_object_set_new(o, "severity", json_string(severity_str(e->severity)));
	json_object_set_new(o, "device", json_pack("{s:o, s:o}", "mac",
						    e->has_mac ? json_string(mac_str(e->mac, mac, sizeof mac))
							       : json_null(),
						    "ip", json_addr_or_null(&e->device_ip)));
	if (e->peer_ip.family || e->peer_name[0])
		json_object_set_new(o, "peer", json_pack("{s:o, s:o, s:o}", "ip", json_addr_or_null(&e->peer_ip),
							 "port", e->peer_port ? json_integer(e->peer_port) : json_null(),
							 "name", e->peer_name[0] ? json_string(e->peer_name) : json_null()));
	else
		json_object_set_new(o, "peer", json_null());
	json_t *kps = json_array();
	for (unsigned i = 0; i < e->n_key_points && i < EVENT_MAX_KEY_POINTS; i++)
		json_array_append_new(kps, json_integer(e->key_points[i]));
	json_object_set_new(o, "key_points", kps);
	json_object_set_new(o, "summary", json_pack("{s:s, s:s}", "en", e->summary_en, "ja", e->summary_ja));
	json_object_set_new(o, "evidence", e->evidence ? json_incref(e->evidence) : json_object());
	return o;
}
