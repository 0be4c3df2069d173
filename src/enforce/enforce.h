/* enforce.h - koban's containment actions and the nftables ruleset they
 * become. An action names a local device (MAC and addresses) and what to do
 * with it:
 *   quarantine    the device reaches only the gateway's DNS and DHCP, and
 *                 nothing reaches it, in either direction
 *   degrade       one port (TCP, UDP or both) of the device is closed
 *   block-target  the device's traffic toward one address is dropped
 *   lan-only      the device stays on the local networks (end of support)
 *   mud           only what the device's MUD profile (RFC 8520) permits
 * Every action is in `monitor` mode (recorded and alerted only) or `enforce`
 * mode (rules in `table inet koban` and `table bridge koban`). The rules are
 * generated as one nft script that replaces koban's own tables atomically
 * and never names any other table (nft_rules.c); nft.c applies it with
 * libnftables. */
#ifndef KOBAN_ENFORCE_H
#define KOBAN_ENFORCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "util/addr.h"

enum enf_kind { ENF_NONE = 0, ENF_QUARANTINE, ENF_DEGRADE, ENF_BLOCK_TARGET, ENF_LAN_ONLY, ENF_MUD, ENF__COUNT };
enum enf_mode { ENF_MONITOR = 0, ENF_ENFORCE };

#define ENF_MAX_IPS 8

/* The device an action applies to. */
struct enf_device {
	bool has_mac;
	uint8_t mac[6];
	struct kaddr ips[ENF_MAX_IPS];
	uint8_t n_ips;
};

struct mud_policy; /* enforce/mud.h */

struct enf_action {
	enum enf_kind kind;
	struct enf_device dev;
	struct kaddr target;       /* block-target: the address protected */
	uint16_t port;             /* degrade: the port closed */
	uint8_t proto;             /* degrade: IPPROTO_TCP, IPPROTO_UDP or 0 = both */
	bool enforced;             /* false: monitor mode, no rule */
	uint64_t since;            /* wall-clock seconds */
	char origin[48];           /* "ctl uid 0", "auto scan" ... (clean ASCII) */
	char reason[256];          /* why (clean text) */
	struct mud_policy *mud;    /* ENF_MUD: owned */
};

const char *enf_kind_name(enum enf_kind k);
enum enf_kind enf_kind_parse(const char *s); /* ENF_NONE if unknown */

/* Parses "aa:bb:cc:dd:ee:ff" or an IPv4/IPv6 address into d. */
bool enf_device_parse(struct enf_device *d, const char *s);
/* The device's label: its MAC, else its first address. buf >= KADDR_STRLEN. */
const char *enf_device_str(const struct enf_device *d, char *buf, size_t bufsz);
/* Same device: same MAC when both have one, else a shared address. */
bool enf_device_same(const struct enf_device *a, const struct enf_device *b);
/* Adds an address (no duplicates); false when full. */
bool enf_device_add_ip(struct enf_device *d, const struct kaddr *ip);

/* A set of actions (the daemon's containment state). */
struct enf_set {
	struct enf_action *v;
	size_t n, cap;
};

void enf_set_init(struct enf_set *s);
void enf_set_free(struct enf_set *s);
/* Adds a copy of a (taking over a->mud); an equal action already present
 * (same kind, device, target, port) is replaced. Returns its index or -1. */
int enf_set_add(struct enf_set *s, struct enf_action *a);
/* Removes every action on the device (kind ENF_NONE) or of one kind.
 * Returns how many were removed. */
size_t enf_set_remove(struct enf_set *s, const struct enf_device *d, enum enf_kind kind);
/* Sets the addresses of every action on the device with this MAC to the
 * ones it has now (n > 0; an address it gave up is dropped, so it no
 * longer matches whoever has it now). Returns true if anything changed. */
bool enf_set_update_ips(struct enf_set *s, const uint8_t mac[6], const struct kaddr *ips, size_t n);

/* JSON forms (the state file and `koban ctl status`). */
json_t *enf_action_to_json(const struct enf_action *a);
/* Parses what enf_action_to_json wrote. false with a reason on bad input. */
bool enf_action_from_json(const json_t *o, struct enf_action *a, char *err, size_t errsz);

/* What the ruleset is made from. */
struct enf_rules_in {
	const struct enf_set *set;
	const struct kprefix *local;   /* local networks (lan-only; MUD local-networks) */
	size_t n_local;
	const char *const *ifaces;     /* watched (LAN) interfaces, for fail-closed */
	size_t n_ifaces;
	bool fail_closed;              /* the engine is down and the fail mode is closed */
};

/* The nft script that replaces koban's tables with this state. Caller frees.
 * NULL on allocation failure. */
char *nft_rules_text(const struct enf_rules_in *in);
/* The script that removes koban's tables (both families). */
const char *nft_rules_delete_text(void);

/* libnftables: runs a script in one transaction. Returns 0, or -1 with
 * nft's message in err. */
int nft_apply(const char *script, char *err, size_t errsz);

#endif
