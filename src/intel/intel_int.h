/* intel_int.h - what the intel loaders (the .c files of src/intel) share: the layout of
 * struct intel, the per-kind stores, limits, and small text helpers. Not
 * for use outside src/intel. */
#ifndef KOBAN_INTEL_INT_H
#define KOBAN_INTEL_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "intel/intel.h"

/* Limits: input files are hostile, every size is bounded. */
#define INTEL_MAX_INDICATOR_FILE (64u << 20) /* bytes per indicator file */
#define INTEL_MAX_DATA_FILE (8u << 20)       /* other data files */
#define INTEL_MAX_INDICATORS 2000000u        /* in total */
#define INTEL_MAX_PREFIXES 65536u            /* CIDR indicators (matched by a scan) */
#define INTEL_MAX_LINE 4096u                 /* plain text line, bytes */
#define INTEL_MAX_URL 2048u
#define INTEL_MAX_LABEL 200u
#define INTEL_MAX_CREDENTIALS 100000u
#define INTEL_MAX_PASSWORD 128u
#define INTEL_MAX_ENTRIES 20000u             /* advisories, end-of-support entries */
#define INTEL_MAX_WARN_TEXT 400u

/* An indicator with what matching needs. pub comes first: the public
 * pointer is the entry pointer. */
struct ind_entry {
	struct indicator pub;
	struct kaddr ip;      /* IND_IPV4/IND_IPV6 */
	uint8_t prefix_len;   /* when pub.is_prefix */
	uint64_t hash;
};

struct ind_store {
	struct ind_entry **all;   /* every indicator, in load order */
	size_t n, cap;
	struct ind_entry **slots; /* open addressing over exact IPs and domains */
	size_t n_slots, used;
	size_t n_prefixes;
	uint32_t v4_lens[33];     /* CIDR prefixes per length (lookups try each length present) */
	uint32_t v6_lens[129];
	uint8_t hash_key[16];
};

struct cred_entry {
	struct credential pub;
	uint8_t digest[32];       /* keyed BLAKE2b of the password; the text is not kept */
};

struct cred_store {
	struct cred_entry *v;
	size_t n, cap;
	uint8_t key[32];          /* random per run */
};

/* One affected range. Every bound may be absent (NULL / 0). */
struct vrange {
	char *introduced;         /* >= */
	char *fixed;              /* <  */
	char *last_affected;      /* <= */
	char *exact;              /* == */
	int32_t build_before;     /* build date in the firmware text < this day (days since 1970), 0 = none */
	char *build_before_text;  /* as written, "YYYY-MM-DD" */
	char **products;          /* the range applies to these models only (NULL = every product of the entry) */
	size_t n_products;
};

struct adv_entry {
	struct advisory pub;
	struct vrange *ranges;
	size_t n_ranges;
};

struct eos_item {
	struct eos_entry pub;
	int32_t end_days;         /* days since 1970-01-01 */
};

struct intel {
	struct ind_store ind;
	struct cred_store cred;
	struct adv_entry *adv;
	size_t n_adv;
	struct eos_item *eos;
	size_t n_eos;
	intel_warn_fn warn;
	void *warn_ctx;
	size_t n_warnings;
};

/* ---- intel.c ---- */
void intel_warn(struct intel *in, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Reads a whole file of at most max bytes (NUL-terminated copy). */
char *intel_read_file(const char *path, size_t max, size_t *len, char *err, size_t errsz);

/* ---- indicators.c / stix_pattern.c ---- */
void ind_store_free(struct ind_store *s);
/* Parses one indicator text (plain-list syntax) into e (value etc.
 * allocated); the host of a URL goes to *host (NULL otherwise). Returns NULL
 * or a reason. */
const char *ind_parse_value(const char *text, size_t len, struct ind_entry *e, struct ind_entry **host);
void ind_entry_free(struct ind_entry *e);

/* A comparison of a supported STIX pattern. */
struct stix_cmp {
	enum indicator_type type;
	char value[INTEL_MAX_URL + 1];
};
#define STIX_MAX_CMPS 64
/* Parses `[type:value = 'x'] OR ...`; returns NULL (n set) or a reason. */
const char *stix_pattern_parse(const char *pat, struct stix_cmp *out, size_t max, size_t *n);

/* Adds parsed entries (ownership taken, all or nothing). */
struct ind_batch {
	struct ind_entry **v;
	size_t n, cap;
};
int ind_batch_push(struct ind_batch *b, struct ind_entry *e);
void ind_batch_free(struct ind_batch *b);
int ind_commit(struct intel *in, struct ind_batch *b, char *err, size_t errsz, const char *source);
int stix_load(struct intel *in, const char *buf, size_t len, const char *source, char *err, size_t errsz);

/* ---- credentials.c / advisories.c / eos.c ---- */
void cred_store_free(struct cred_store *s);
void adv_free_all(struct intel *in);
void eos_free_all(struct intel *in);

/* ---- JSON helpers (intel.c) for advisories.c and eos.c ----
 * Each returns 0, or -1 with a reason naming the key in why. */
/* obj[key], a string of at most max bytes, sanitised; missing: *out NULL
 * (an error when required). */
int jfield_text(json_t *obj, const char *key, size_t max, bool required, char **out, char *why, size_t whysz);
/* obj[key], a string or an array of strings (1..max_items). */
int jfield_list(json_t *obj, const char *key, size_t max_items, size_t max_len, bool required, char ***out,
		size_t *n, char *why, size_t whysz);
/* Every key of obj is in allowed (NULL-terminated) or starts with "x_". */
int jcheck_keys(json_t *obj, const char *const *allowed, char *why, size_t whysz);
/* Parses a whole JSON array file; NULL with "source:line: reason" in err. */
json_t *jload_array(const char *buf, size_t len, const char *source, const char *what, char *err, size_t errsz);
void strv_free(char **v, size_t n);
/* "a, b, c" */
char *strv_join(char *const *v, size_t n);
bool valid_http_url(const char *s);
/* Whether any of the two device vendor texts (either may be NULL) matches
 * the entry's vendor or one of its aliases. */
bool vendor_match_any(const char *vendor, char *const *aliases, size_t n_aliases, const char *const dev[2]);
bool product_match_any(char *const *products, size_t n, const char *model);
/* "YYYY-MM-DD" (1970..2199) to days since 1970-01-01 (eos.c). */
bool intel_parse_date(const char *s, int32_t *days);
int32_t intel_days_from_civil(int y, unsigned m, unsigned d);

#endif
