/* mud.h - Manufacturer Usage Description profiles (RFC 8520): the JSON form
 * of the ietf-mud and ietf-access-control-list YANG models, reduced to what a
 * gateway can enforce with nftables: for each access-control entry, the
 * direction (from or to the device), the peer (a network, a DNS name, or the
 * local networks), the protocol, ports and which side initiates.
 *
 * Entries whose matches koban cannot enforce (same-manufacturer, manufacturer,
 * model, controller, my-controller, Ethernet ACLs) are skipped and counted,
 * never widened into an accept: what is not understood is not allowed.
 * The parser treats the profile as hostile input (bounded sizes, every type
 * checked). Fetching a profile from its URL and checking its signature is in
 * mud_fetch.c. */
#ifndef KOBAN_MUD_H
#define KOBAN_MUD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "util/addr.h"

#define MUD_MAX_ACES 256
#define MUD_MAX_RESOLVED 8
#define MUD_MAX_BYTES (256 * 1024)

enum { MUD_FROM_DEVICE = 1, MUD_TO_DEVICE = 2 };

struct mud_ace {
	uint8_t dir;            /* MUD_FROM_DEVICE or MUD_TO_DEVICE: the policy it belongs to */
	uint8_t family;         /* KADDR_V4 or KADDR_V6 */
	uint8_t proto;          /* IP protocol, 0 = any */
	bool local_networks;    /* the peer is any local network */
	bool has_net;           /* the peer is `net` */
	struct kprefix net;
	char dnsname[254];      /* the peer is this name ("" = none) */
	uint16_t sport_lo, sport_hi; /* 0,0 = any */
	uint16_t dport_lo, dport_hi;
	uint8_t initiated;      /* TCP: MUD_FROM_DEVICE / MUD_TO_DEVICE only, 0 = either */
	struct kaddr resolved[MUD_MAX_RESOLVED]; /* dnsname's addresses (mud_resolve) */
	uint8_t n_resolved;
};

struct mud_policy {
	char url[512];          /* mud-url */
	char systeminfo[256];
	struct mud_ace *aces;   /* accept entries only */
	size_t n;
	unsigned skipped;       /* entries koban cannot enforce */
};

/* Parses a MUD file. NULL with a reason in err on anything malformed. */
struct mud_policy *mud_parse(const char *text, size_t len, char *err, size_t errsz);
void mud_free(struct mud_policy *p);
struct mud_policy *mud_dup(const struct mud_policy *p);

/* Resolves every dnsname with getaddrinfo (the gateway's resolver). Names
 * that do not resolve keep no address (so they permit nothing). Returns the
 * number of names that did not resolve. */
unsigned mud_resolve(struct mud_policy *p);

/* Is this packet permitted? dir: MUD_FROM_DEVICE (peer = destination) or
 * MUD_TO_DEVICE (peer = source); ports as on the wire; dev_initiated tells
 * which side opened the flow. local: the local networks. */
bool mud_permits(const struct mud_policy *p, int dir, const struct kaddr *peer, uint8_t proto, uint16_t sport,
		 uint16_t dport, bool dev_initiated, const struct kprefix *local, size_t n_local);

/* The reduced form (with resolved addresses) as JSON, and back: the state
 * file and the message to the engine use it. */
json_t *mud_to_json(const struct mud_policy *p);
struct mud_policy *mud_from_json(const json_t *o, char *err, size_t errsz);

/* ---- mud_fetch.c ---- */

struct mud_fetch_cfg {
	const char *ca_file;        /* CA that must sign the profile (PEM) */
	const char *tls_ca_file;    /* CAs for the HTTPS server (PEM); NULL/"" = the system's */
	long timeout_s;
	size_t max_bytes;
};

/* Fetches URL (https only) and URL's signature (the "mud-signature" URL of
 * the profile, else URL with .json replaced by .p7s), verifies the detached
 * CMS signature against ca_file, and returns the parsed profile. NULL with a
 * reason in err otherwise. */
struct mud_policy *mud_fetch(const char *url, const struct mud_fetch_cfg *cfg, char *err, size_t errsz);

/* Verifies a detached CMS (PKCS#7) signature in DER or PEM over data against
 * the CA file. Returns true if it verifies. */
bool mud_verify_cms(const void *data, size_t len, const void *sig, size_t siglen, const char *ca_file, char *err,
		    size_t errsz);

#endif
