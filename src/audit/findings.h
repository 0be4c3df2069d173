/* findings.h - turning what the survey learnt about a host into events
 * (findings.c), a device record for the inventory, and the notice for the
 * device's administrator (notify.c). */
#ifndef KOBAN_AUDIT_FINDINGS_H
#define KOBAN_AUDIT_FINDINGS_H

#include <stdio.h>

#include "audit/audit.h"
#include "engine/model.h"

struct intel;
struct inventory;

typedef void (*finding_fn)(void *ctx, const struct event *ev);

/* Emits the host's findings, in a fixed order (services by port, then the
 * firmware matches): default-credential, no-authentication, cleartext-admin,
 * weak-tls per service; vulnerable-firmware and end-of-support from the
 * intel data (in may be NULL). Each event is freed after fn returns.
 * Returns the number emitted. */
size_t audit_findings(const struct audit_host *h, const struct device *dev, const struct intel *in,
		      uint64_t ts_us, finding_fn fn, void *ctx);

/* Adds the host to the inventory as a device: MAC (when ARP gave one) and
 * address, OUI vendor, UPnP manufacturer/model/firmware, open services with
 * their banners. Returns the device, or NULL. */
struct device *audit_device(struct inventory *inv, const struct audit_host *h, uint64_t ts_us);

/* Writes the administrator's notice for one device: what was found and
 * what to do, Japanese first, then English. events: the device's events as
 * JSON objects (event_to_json). */
int audit_notice_write(FILE *f, const struct audit_host *h, const struct device *dev, json_t *events,
		       const char *when);

#endif
