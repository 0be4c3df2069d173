/* intel.h - the threat-intelligence data detectors match against, loaded
 * once per run from the data directory (data/) and from files the user
 * names:
 *   data/indicators/ *.txt and *.json   C&C indicators: plain lists and STIX 2.1 bundles
 *   data/default-credentials            well-known IoT user/password pairs, each with its source
 *   data/advisories.json                vulnerable firmware: vendor, product, version ranges, JVN/CVE ids
 *   data/end-of-support.json            products whose support has ended
 * Every loader treats its file as hostile input: bounded, validated, and a
 * bad entry is reported with file and line/index, never half-loaded (a file
 * with an error adds nothing). The one exception, documented in
 * docs/intel.md: an indicator object of a STIX bundle whose pattern koban
 * cannot use is skipped with a warning and the rest of the bundle loads.
 * Formats, matching rules and the version comparator: docs/intel.md. */
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
	char *from_url;     /* for the host of a URL indicator: that URL, else NULL */
	bool is_prefix;     /* IND_IPV4/IND_IPV6 value is a CIDR prefix ("198.51.100.0/24") */
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
	char **products;    /* the product patterns ("*" = any model); product is their display form */
	size_t n_products;
	char **vendor_aliases; /* other names the vendor goes by, may be empty */
	size_t n_vendor_aliases;
};

struct eos_entry {
	char *vendor;
	char *product;
	char *end_date;     /* YYYY-MM-DD */
	char *note;
	char *url;
	char **products;
	size_t n_products;
	char **vendor_aliases;
	size_t n_vendor_aliases;
};

struct device;

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
size_t intel_advisory_count(const struct intel *in);
size_t intel_eos_count(const struct intel *in);
size_t intel_warning_count(const struct intel *in);

/* ---- device-level matching (what the detectors call) ----
 * Try the device's UPnP/mDNS manufacturer, then its OUI vendor, against
 * the entry's vendor and aliases; the entry's products against d->model;
 * for advisories d->firmware against the affected ranges. */
size_t intel_match_device_advisories(const struct intel *in, const struct device *d, const struct advisory **out,
				     size_t max);
const struct eos_entry *intel_match_device_eos(const struct intel *in, const struct device *d);
/* True when the entry's end date is on or before the day of ts_us (UTC). */
bool intel_eos_ended(const struct eos_entry *e, uint64_t ts_us);

/* ---- the matching rules, exposed for tests and other modules ---- */
/* Case-insensitive whole-word match of an entry's vendor name inside a
 * device vendor text ("Hikvision" in "Hangzhou Hikvision Digital Technology
 * Co.,Ltd."; "TP-Link" also matches "TPLINK"). */
bool intel_vendor_match(const char *entry_vendor, const char *device_vendor);
/* Case-insensitive match of the product pattern against whole words of
 * the model: it starts at the model's start or after a character that is
 * not a letter or digit, and ends at the model's end or before one; '?'
 * stands for any one character, a trailing '*' for any rest
 * ("DS-2CD2??2F-I*" matches "DS-2CD2032F-IWS"); "*" alone matches any
 * model (also none). */
bool intel_product_match(const char *product, const char *model);
/* Classifies one indicator text as a plain list line would (address,
 * CIDR prefix, domain, http(s) URL) and writes its normalised form (lower
 * case, canonical address) into norm. False for anything else. */
bool intel_classify(const char *text, enum indicator_type *type, char *norm, size_t normsz);
/* Tolerant firmware version order: <0, 0, >0 (see docs/intel.md). */
int intel_version_cmp(const char *a, const char *b);

/* ---- building an intel set piece by piece (tests, fuzzers, tools) ----
 * Each intel_add_* parses one buffer (`source` names it in messages and is
 * kept as the entries' source). It adds everything or nothing: returns the
 * number of entries added, or -1 with "source:line: reason" (or
 * "source: advisory N ID: reason", "source: entry N: reason" for JSON) in
 * err. Pointers returned by the match functions stay valid until
 * intel_free(). */
struct intel *intel_new(void);
typedef void (*intel_warn_fn)(void *ctx, const char *msg);
/* Where warnings go (skipped STIX indicators, missing data files). NULL
 * (the default of intel_new) counts them only; intel_load prints them. */
void intel_set_warn(struct intel *in, intel_warn_fn fn, void *ctx);
/* Plain list or STIX 2.1 bundle (a buffer starting with '{'). */
int intel_add_indicators(struct intel *in, const char *buf, size_t len, const char *source, char *err,
			 size_t errsz);
int intel_add_indicator_file(struct intel *in, const char *path, char *err, size_t errsz);
int intel_add_credentials(struct intel *in, const char *buf, size_t len, const char *source, char *err,
			  size_t errsz);
int intel_add_advisories(struct intel *in, const char *buf, size_t len, const char *source, char *err,
			 size_t errsz);
int intel_add_eos(struct intel *in, const char *buf, size_t len, const char *source, char *err, size_t errsz);

#endif
