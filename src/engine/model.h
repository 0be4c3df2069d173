/* model.h - koban's shared data model: devices and events.
 *
 * Every front (analyze, the store, the report, later the daemon and the
 * audit) works on these two types. All strings held here were copied out of
 * packets by the engine and sanitised (valid UTF-8, no control characters,
 * bounded length); they are still hostile text and must be escaped for HTML,
 * JSON, terminals and SQL by whoever writes them out. */
#ifndef KOBAN_MODEL_H
#define KOBAN_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "util/addr.h"

#define DEVICE_MAX_IPS 8
#define DEVICE_MAX_NAMES 8
#define DEVICE_MAX_SERVICES 64
#define DEVICE_MAX_PEERS 128

/* A bounded list of short, distinct strings (heap-allocated, sanitised). */
struct strlist {
	char *v[DEVICE_MAX_NAMES];
	uint8_t n;
};

struct service {
	uint16_t port;
	uint8_t l4_proto;   /* IPPROTO_TCP or IPPROTO_UDP */
	char *name;         /* protocol name when a dissector recognised it ("http", "telnet" ...), or NULL */
	char *banner;       /* Server:, TELNET banner ..., or NULL */
	uint64_t first_seen_us;
};

struct peer {
	struct kaddr ip;
	uint32_t hash;      /* kaddr_hash(ip), to skip most comparisons */
	char *name;         /* DNS/SNI/Host name the device used for this address, or NULL */
	uint32_t flows;     /* flows between the device and this peer */
	uint64_t last_seen_us;
};

struct device {
	uint32_t id;               /* order of discovery, from 1 */
	bool local;                /* a device on the local networks (else a remote host) */
	bool has_mac;
	uint8_t mac[6];
	struct kaddr ips[DEVICE_MAX_IPS];
	uint8_t n_ips;
	char *vendor;              /* OUI registry organisation, or NULL */
	struct strlist hostnames;  /* DHCP option 12, mDNS host names */
	char *manufacturer;        /* UPnP/mDNS */
	char *model;
	char *firmware;
	char *mud_url;
	char *vendor_class;        /* DHCP option 60 */
	char *dhcp_params;         /* DHCP option 55 */
	struct strlist user_agents;
	struct strlist mdns_services;
	struct service *services;  /* grows up to DEVICE_MAX_SERVICES */
	uint8_t n_services;
	struct peer *peers;        /* grows up to DEVICE_MAX_PEERS */
	uint8_t *peer_index;       /* open addressing over peers (index + 1; 0 = empty), 2 x DEVICE_MAX_PEERS */
	uint8_t n_peers;
	uint32_t peers_dropped;    /* peers not kept because the list was full */
	uint64_t first_seen_us;
	uint64_t last_seen_us;
};

enum severity { SEV_INFO = 0, SEV_LOW, SEV_MEDIUM, SEV_HIGH, SEV_CRITICAL };

#define EVENT_MAX_KEY_POINTS 6

struct event {
	uint64_t ts_us;            /* capture time */
	char kind[32];             /* "new-device", "new-service", "cleartext-login" ... */
	enum severity severity;
	bool has_mac;
	uint8_t mac[6];
	struct kaddr device_ip;    /* family 0 if unknown */
	struct kaddr peer_ip;      /* family 0 if there is no peer */
	uint16_t peer_port;
	char peer_name[256];       /* "" if none */
	uint8_t key_points[EVENT_MAX_KEY_POINTS];
	uint8_t n_key_points;
	char summary_en[512];
	char summary_ja[768];
	json_t *evidence;          /* a JSON object, owned by the event */
};

const char *severity_str(enum severity s);
/* Parses "info".."critical"; returns -1 for anything else. */
int severity_parse(const char *s);

/* ISO 8601 UTC with milliseconds: "2026-11-21T23:48:29.123Z". buf >= 25 bytes. */
const char *ts_iso8601(uint64_t ts_us, char *buf, size_t bufsz);

/* The JSON forms written to devices.json and events.jsonl (exact key names
 * as documented in README.md). Caller owns the result. */
json_t *device_to_json(const struct device *d);
json_t *event_to_json(const struct event *e);

#endif
