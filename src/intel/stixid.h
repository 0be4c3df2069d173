/* stixid.h - identifiers and times for writing STIX 2.1: random (version 4)
 * UUIDs for SDOs/SROs/bundles, deterministic (version 5) UUIDs for SCOs in
 * the STIX namespace 00abedb4-aa42-466c-9c01-fed23315a9b7, and the
 * spec's timestamp form. */
#ifndef KOBAN_STIXID_H
#define KOBAN_STIXID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STIX_ID_MAX 80 /* "observed-data--" + 36 + NUL, with room */

/* "TYPE--<uuid v4>" into buf (>= STIX_ID_MAX bytes). */
const char *stix_id_random(const char *type, char *buf, size_t bufsz);
/* "TYPE--<uuid v5>" of the canonical JSON `name` (the SCO's ID
 * contributing properties, e.g. {"value":"198.51.100.7"}), or NULL. */
const char *stix_id_sco(const char *type, const char *name, char *buf, size_t bufsz);
/* A UUID v5 of name in namespace ns (16 bytes) as text (37 bytes); false
 * when out of memory (stix_id_sco then returns NULL). */
bool uuid_v5(const uint8_t ns[16], const void *name, size_t len, char out[37]);
/* SHA-1 (only for UUID v5, as RFC 4122 requires). */
void sha1(const void *data, size_t len, uint8_t out[20]);

#endif
