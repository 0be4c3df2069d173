/* intel.h - the threat-intelligence data detectors match against, loaded
 * once per run from the data directory (data/) and from files the user
 * names:
 *   data/indicators/ *.txt and *.json   C&C indicators: plain lists and STIX 2.1 bundles
 *   data/default-credentials            well-known IoT user/password pairs, each with its source
 *   data/advisories.json                vulnerable firmware: vendor, product, version ranges, JVN/CVE ids
 *   data/end-of-support.json            products whose support has ended
 * Every loader treats its file as hostile input: bounded, validated, and a
 * bad entry is reported with file and line/index, never half-loaded. */
#ifndef KOBAN_INTEL_H
#define KOBAN_INTEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/addr.h"

struct intel;

enum indicator_type { IND_IPV4 = 1, IND_IPV6, IND_DOMAIN, IND_URL };

struct indicator {
	enum indicator_type type;
	char *value;        /* address text, domain (lower case, no trailing dot) or URL */
	char *label;        /* what it is ("Mirai C2", STIX name ...), may be NULL */
	char *source;       /* file it came from */
	char *stix_id;      /* indicator--uuid when loaded from STIX, else NULL */
};

struct credential {
	unsigned entry;     /* 1-based number of the pair in the list (what events cite) */
	char *user;
	char *source;       /* public source noted for the pair */
	/* the password is kept only to compare against and is never exposed */
};

struct advisory {
	char *id;           /* koban's id for the entry */
	char *vendor;
	char *product;      /* matched against model (case-insensitive substring rules, see docs) */
	char *affected;     /* version range text as in the file, e.g. "< 5.5.0" */
	char *fixed;        /* first fixed version, may be NULL */
	char **refs;        /* JVN / CVE identifiers */
	size_t n_refs;
	char *summary;
	char *severity;     /* info|low|medium|high|critical */
	char *url;          /* advisory URL, may be NULL */
};

struct eos_entry {
	char *vendor;
	char *product;
	char *end_date;     /* YYYY-MM-DD */
	char *note;
	char *url;
};

/* Loads the data files from the data directory plus extra indicator files
 * (plain lists or STIX 2.1 bundles). Returns NULL with a message naming the
 * file and the problem in err. */
struct intel *intel_load(const char *const *extra_indicators, size_t n_extra, char *err, size_t errsz);
void intel_free(struct intel *in);

const struct indicator *intel_match_ip(const struct intel *in, const struct kaddr *ip);
/* Exact match or any parent domain listed (evil.example matches a.b.evil.example). */
const struct indicator *intel_match_domain(const struct intel *in, const char *name);
const struct credential *intel_match_credential(const struct intel *in, const char *user, const char *password,
						size_t password_len);
/* Advisories whose vendor/product match and whose affected range contains
 * firmware. Returns how many were written to out (at most max). */
size_t intel_match_advisories(const struct intel *in, const char *vendor, const char *model, const char *firmware,
			      const struct advisory **out, size_t max);
const struct eos_entry *intel_match_eos(const struct intel *in, const char *vendor, const char *model);

size_t intel_indicator_count(const struct intel *in);
size_t intel_credential_count(const struct intel *in);

#endif
