/* inventory.h - the device inventory: local devices keyed by MAC (or by IP
 * where the capture has no link layer), with their addresses, names,
 * services and peers; and a bounded cache of names learnt for remote
 * addresses (DNS answers, TLS SNI, HTTP Host). Memory is bounded by
 * max_devices and the per-device list limits in model.h. */
#ifndef KOBAN_INVENTORY_H
#define KOBAN_INVENTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/model.h"

struct inventory;

struct inventory *inventory_new(uint32_t max_devices);
void inventory_free(struct inventory *inv);

/* Lookups; NULL if unknown. */
struct device *inventory_by_mac(struct inventory *inv, const uint8_t mac[6]);
struct device *inventory_by_ip(struct inventory *inv, const struct kaddr *ip);

/* Creates a device keyed by MAC (mac != NULL) or by IP. Returns NULL when
 * max_devices is reached (counted in inventory_dropped()). */
struct device *inventory_add(struct inventory *inv, const uint8_t *mac, const struct kaddr *ip, uint64_t ts_us);

/* Binds an address to a device (moving it from another device that had it).
 * Returns true if the address was new for this device. */
bool inventory_bind_ip(struct inventory *inv, struct device *d, const struct kaddr *ip);

size_t inventory_count(const struct inventory *inv);
struct device *inventory_at(struct inventory *inv, size_t i);
uint64_t inventory_dropped(const struct inventory *inv);

/* Per-device lists. Strings passed in are already clean; the device takes
 * a copy. Return true if something changed. */
bool strlist_add(struct strlist *l, const char *s);
bool device_set_str(char **field, const char *s);
struct service *device_service(struct device *d, uint16_t port, uint8_t l4_proto, bool create, bool *created);
struct peer *device_peer(struct device *d, const struct kaddr *ip, bool create);

/* Remote names (bounded cache). The name is copied. */
void inventory_name_set(struct inventory *inv, const struct kaddr *ip, const char *name);
const char *inventory_name_get(struct inventory *inv, const struct kaddr *ip);

#endif
