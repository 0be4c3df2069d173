/* inventory.c - device records, MAC/IP indexes and the remote-name cache. */
#include "device/inventory.h"

#include <stdlib.h>
#include <string.h>

#define NAME_CACHE_SIZE 65536 /* power of two */
#define NAME_PROBE 8

struct mac_slot {
	uint8_t mac[6];
	uint32_t dev; /* device id (index + 1); 0 = empty */
};

struct ip_slot {
	struct kaddr ip;
	uint32_t dev; /* device id; 0 = empty */
};

struct name_slot {
	struct kaddr ip;
	char *name;
};

/* The MAC and IP indexes start small and double when half full, so a small
 * network's lookups stay in the cache; keys are stored inline so a miss
 * costs one probe and no pointer chase. */
struct inventory {
	struct device **devs;
	size_t n, cap, max;
	uint64_t dropped;
	struct mac_slot *mac_index;
	size_t mac_mask;
	struct ip_slot *ip_index;
	size_t ip_mask;
	size_t ips_bound; /* occupied ip_index slots */
	size_t ips_max;   /* bound on ips_bound: DEVICE_MAX_IPS per device */
	struct name_slot *names;
};

static uint64_t mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

static size_t mac_hash(const uint8_t mac[6])
{
	uint64_t v = 0;
	memcpy(&v, mac, 6);
	return (size_t)mix64(v);
}

static size_t ip_hash(const struct kaddr *ip)
{
	uint64_t a, b;
	memcpy(&a, ip->b, 8);
	memcpy(&b, ip->b + 8, 8);
	return (size_t)mix64(a ^ mix64(b + ip->family));
}

struct inventory *inventory_new(uint32_t max_devices)
{
	struct inventory *inv = calloc(1, sizeof *inv);
	if (!inv)
		return NULL;
	inv->max = max_devices;
	inv->ips_max = (size_t)max_devices * DEVICE_MAX_IPS;
	inv->mac_mask = inv->ip_mask = 63;
	inv->mac_index = calloc(64, sizeof *inv->mac_index);
	inv->ip_index = calloc(64, sizeof *inv->ip_index);
	inv->names = calloc(NAME_CACHE_SIZE, sizeof *inv->names);
	if (!inv->mac_index || !inv->ip_index || !inv->names) {
		inventory_free(inv);
		return NULL;
	}
	return inv;
}

static struct mac_slot *mac_slot_find(struct mac_slot *index, size_t mask, const uint8_t mac[6])
{
	size_t s = mac_hash(mac) & mask;
	while (index[s].dev && memcmp(index[s].mac, mac, 6) != 0)
		s = (s + 1) & mask;
	return &index[s];
}

static struct ip_slot *ip_slot_in(struct ip_slot *index, size_t mask, const struct kaddr *ip)
{
	size_t s = ip_hash(ip) & mask;
	while (index[s].dev && !kaddr_eq(&index[s].ip, ip))
		s = (s + 1) & mask;
	return &index[s];
}

/* Doubles the MAC index when it is half full. */
static bool mac_index_reserve(struct inventory *inv)
{
	if (inv->n + 1 <= (inv->mac_mask + 1) / 2)
		return true;
	size_t size = (inv->mac_mask + 1) * 2;
	struct mac_slot *ni = calloc(size, sizeof *ni);
	if (!ni)
		return false;
	for (size_t i = 0; i <= inv->mac_mask; i++)
		if (inv->mac_index[i].dev)
			*mac_slot_find(ni, size - 1, inv->mac_index[i].mac) = inv->mac_index[i];
	free(inv->mac_index);
	inv->mac_index = ni;
	inv->mac_mask = size - 1;
	return true;
}

static bool ip_index_reserve(struct inventory *inv)
{
	if (inv->ips_bound + 1 <= (inv->ip_mask + 1) / 2)
		return true;
	size_t size = (inv->ip_mask + 1) * 2;
	struct ip_slot *ni = calloc(size, sizeof *ni);
	if (!ni)
		return false;
	for (size_t i = 0; i <= inv->ip_mask; i++)
		if (inv->ip_index[i].dev)
			*ip_slot_in(ni, size - 1, &inv->ip_index[i].ip) = inv->ip_index[i];
	free(inv->ip_index);
	inv->ip_index = ni;
	inv->ip_mask = size - 1;
	return true;
}

static void strlist_free(struct strlist *l)
{
	for (unsigned i = 0; i < l->n; i++)
		free(l->v[i]);
}

static void device_free(struct device *d)
{
	free(d->vendor);
	free(d->manufacturer);
	free(d->model);
	free(d->firmware);
	free(d->mud_url);
	free(d->vendor_class);
	free(d->dhcp_params);
	strlist_free(&d->hostnames);
	strlist_free(&d->user_agents);
	strlist_free(&d->mdns_services);
	for (unsigned i = 0; i < d->n_services; i++) {
		free(d->services[i].name);
		free(d->services[i].banner);
	}
	for (unsigned i = 0; i < d->n_peers; i++)
		free(d->peers[i].name);
	free(d->services);
	free(d->peers);
	free(d->peer_index);
	free(d);
}

void inventory_free(struct inventory *inv)
{
	if (!inv)
		return;
	for (size_t i = 0; i < inv->n; i++)
		device_free(inv->devs[i]);
	if (inv->names)
		for (size_t i = 0; i < NAME_CACHE_SIZE; i++)
			free(inv->names[i].name);
	free(inv->devs);
	free(inv->mac_index);
	free(inv->ip_index);
	free(inv->names);
	free(inv);
}

struct device *inventory_by_mac(struct inventory *inv, const uint8_t mac[6])
{
	struct mac_slot *slot = mac_slot_find(inv->mac_index, inv->mac_mask, mac);
	return slot->dev ? inv->devs[slot->dev - 1] : NULL;
}

static struct ip_slot *ip_slot_find(struct inventory *inv, const struct kaddr *ip)
{
	return ip_slot_in(inv->ip_index, inv->ip_mask, ip);
}

struct device *inventory_by_ip(struct inventory *inv, const struct kaddr *ip)
{
	struct ip_slot *slot = ip_slot_find(inv, ip);
	return slot->dev ? inv->devs[slot->dev - 1] : NULL;
}

struct device *inventory_add(struct inventory *inv, const uint8_t *mac, const struct kaddr *ip, uint64_t ts_us)
{
	if (inv->n >= inv->max || (mac && !mac_index_reserve(inv))) {
		inv->dropped++;
		return NULL;
	}
	if (inv->n == inv->cap) {
		size_t cap = inv->cap ? inv->cap * 2 : 64;
		struct device **nd = realloc(inv->devs, cap * sizeof *nd);
		if (!nd)
			return NULL;
		inv->devs = nd;
		inv->cap = cap;
	}
	struct device *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->id = (uint32_t)inv->n + 1;
	d->first_seen_us = d->last_seen_us = ts_us;
	inv->devs[inv->n++] = d;
	if (mac) {
		memcpy(d->mac, mac, 6);
		d->has_mac = true;
		struct mac_slot *slot = mac_slot_find(inv->mac_index, inv->mac_mask, mac);
		memcpy(slot->mac, mac, 6);
		slot->dev = d->id;
	}
	if (ip && ip->family)
		inventory_bind_ip(inv, d, ip);
	return d;
}

static void device_drop_ip(struct device *d, const struct kaddr *ip)
{
	for (unsigned i = 0; i < d->n_ips; i++) {
		if (kaddr_eq(&d->ips[i], ip)) {
			memmove(&d->ips[i], &d->ips[i + 1], (d->n_ips - i - 1) * sizeof d->ips[0]);
			d->n_ips--;
			return;
		}
	}
}

bool inventory_bind_ip(struct inventory *inv, struct device *d, const struct kaddr *ip)
{
	struct ip_slot *slot = ip_slot_find(inv, ip);
	if (slot->dev == d->id)
		return false;
	/* keep the addresses first seen when the device's list or the index is full */
	if (d->n_ips == DEVICE_MAX_IPS || (!slot->dev && inv->ips_bound >= inv->ips_max))
		return false;
	if (!slot->dev) {
		if (!ip_index_reserve(inv))
			return false;
		slot = ip_slot_find(inv, ip);
	}
	if (slot->dev)
		device_drop_ip(inv->devs[slot->dev - 1], ip);
	else
		inv->ips_bound++;
	d->ips[d->n_ips++] = *ip;
	slot->ip = *ip;
	slot->dev = d->id;
	return true;
}

size_t inventory_count(const struct inventory *inv)
{
	return inv->n;
}

struct device *inventory_at(struct inventory *inv, size_t i)
{
	return i < inv->n ? inv->devs[i] : NULL;
}

uint64_t inventory_dropped(const struct inventory *inv)
{
	return inv->dropped;
}

bool strlist_add(struct strlist *l, const char *s)
{
	if (!s || !*s)
		return false;
	for (unsigned i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return false;
	if (l->n == DEVICE_MAX_NAMES)
		return false;
	char *copy = strdup(s);
	if (!copy)
		return false;
	l->v[l->n++] = copy;
	return true;
}

bool device_set_str(char **field, const char *s)
{
	if (!s || !*s || (*field && strcmp(*field, s) == 0))
		return false;
	char *copy = strdup(s);
	if (!copy)
		return false;
	free(*field);
	*field = copy;
	return true;
}

struct service *device_service(struct device *d, uint16_t port, uint8_t l4_proto, bool create, bool *created)
{
	if (created)
		*created = false;
	for (unsigned i = 0; i < d->n_services; i++)
		if (d->services[i].port == port && d->services[i].l4_proto == l4_proto)
			return &d->services[i];
	if (!create || d->n_services == DEVICE_MAX_SERVICES)
		return NULL;
	if ((d->n_services & (d->n_services - 1)) == 0) { /* grow at powers of two */
		size_t cap = d->n_services ? (size_t)d->n_services * 2 : 2;
		struct service *ns = realloc(d->services, cap * sizeof *ns);
		if (!ns)
			return NULL;
		d->services = ns;
	}
	struct service *s = &d->services[d->n_services++];
	memset(s, 0, sizeof *s);
	s->port = port;
	s->l4_proto = l4_proto;
	if (created)
		*created = true;
	return s;
}

#define PEER_INDEX_SIZE (2 * DEVICE_MAX_PEERS) /* power of two, at most half full */

struct peer *device_peer(struct device *d, const struct kaddr *ip, bool create)
{
	uint32_t h = kaddr_hash(ip, 0);
	size_t slot = h & (PEER_INDEX_SIZE - 1);
	if (d->peer_index) {
		for (; d->peer_index[slot]; slot = (slot + 1) & (PEER_INDEX_SIZE - 1)) {
			struct peer *p = &d->peers[d->peer_index[slot] - 1];
			if (p->hash == h && kaddr_eq(&p->ip, ip))
				return p;
		}
	}
	if (!create)
		return NULL;
	if (d->n_peers == DEVICE_MAX_PEERS) {
		d->peers_dropped++;
		return NULL;
	}
	if (!d->peer_index) {
		d->peer_index = calloc(PEER_INDEX_SIZE, 1);
		if (!d->peer_index)
			return NULL;
	}
	if ((d->n_peers & (d->n_peers - 1)) == 0) {
		size_t cap = d->n_peers ? (size_t)d->n_peers * 2 : 4;
		struct peer *np = realloc(d->peers, cap * sizeof *np);
		if (!np)
			return NULL;
		d->peers = np;
	}
	struct peer *p = &d->peers[d->n_peers++];
	memset(p, 0, sizeof *p);
	p->ip = *ip;
	p->hash = h;
	d->peer_index[slot] = d->n_peers; /* slot is the empty one the probe ended on */
	return p;
}

static struct name_slot *name_slot(struct inventory *inv, const struct kaddr *ip, bool for_write)
{
	size_t base = kaddr_hash(ip, 0x9e3779b9u) & (NAME_CACHE_SIZE - 1);
	for (size_t k = 0; k < NAME_PROBE; k++) {
		struct name_slot *s = &inv->names[(base + k) & (NAME_CACHE_SIZE - 1)];
		if (s->name && kaddr_eq(&s->ip, ip))
			return s;
		if (!s->name && for_write)
			return s;
	}
	/* full probe window: overwrite the home slot */
	return for_write ? &inv->names[base] : NULL;
}

void inventory_name_set(struct inventory *inv, const struct kaddr *ip, const char *name)
{
	if (!name || !*name || !ip->family)
		return;
	struct name_slot *s = name_slot(inv, ip, true);
	if (s->name && kaddr_eq(&s->ip, ip) && strcmp(s->name, name) == 0)
		return;
	char *copy = strdup(name);
	if (!copy)
		return;
	free(s->name);
	s->name = copy;
	s->ip = *ip;
}

const char *inventory_name_get(struct inventory *inv, const struct kaddr *ip)
{
	struct name_slot *s = name_slot(inv, ip, false);
	return s ? s->name : NULL;
}
