/* koban_device.h - libkoban-device: the device-side measures of Japan's IoT
 * Security Guideline for firmware (key points 4, 13, 15-18; chapter 3 rule
 * 4): signed A/B updates with trial boot and roll-back, per-unit default
 * passwords with forced change and lockout, a hash-chained event log, crypto
 * erase, and a signed status report that koban verifies on the gateway.
 *
 * The core allocates nothing: the caller owns struct kd_device and hands in
 * work buffers. Flash and cryptography come through two interfaces
 * (struct kd_storage, struct kd_crypto); kd_backend.h has the reference
 * implementations (a file as flash, libsodium). Formats and the power-loss
 * argument: docs/device-library.md. */
#ifndef KOBAN_DEVICE_H
#define KOBAN_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------ errors */
enum {
	KD_OK = 0,
	KD_ERR_ARG = -1,        /* bad argument */
	KD_ERR_STORAGE = -2,    /* the storage interface failed */
	KD_ERR_CRYPTO = -3,     /* the crypto backend failed */
	KD_ERR_FORMAT = -4,     /* malformed input */
	KD_ERR_SIGNATURE = -5,  /* a signature does not verify */
	KD_ERR_HASH = -6,       /* payload hash mismatch */
	KD_ERR_ROLLBACK = -7,   /* security counter below the device's minimum */
	KD_ERR_WRONG_DEVICE = -8, /* image for another hardware class */
	KD_ERR_TOO_LARGE = -9,  /* does not fit the slot or buffer */
	KD_ERR_AUTH = -10,      /* wrong password */
	KD_ERR_LOCKED = -11,    /* too many failures: wait */
	KD_ERR_WEAK = -12,      /* new password refused by the strength check */
	KD_ERR_DEFAULT_PASSWORD = -13, /* locked until the default password is changed */
	KD_ERR_NOT_FOUND = -14,
	KD_ERR_STATE = -15,     /* call out of order (e.g. update during a trial boot) */
	KD_ERR_NO_IMAGE = -16,  /* no slot holds a valid, verified image */
	KD_ERR_TAMPERED = -17,  /* event log chain broken */
	KD_ERR_SPACE = -18,     /* buffer too small */
	KD_ERR_UNKNOWN_KEY = -19, /* signed with a key the verifier does not know */
};
const char *kd_strerror(int err);

/* ------------------------------------------------------------ storage
 * Regions of flash. Flash semantics: erase() sets whole sectors to 0xFF,
 * write() may only program erased bytes (NOR: the result is old AND new).
 * Every function returns 0 or a negative value; a failure may have changed
 * part of the range (power loss). */
enum kd_region {
	KD_REGION_IDENTITY = 0, /* factory data, read-only for the library */
	KD_REGION_SLOT_A,       /* image slots: manifest + payload */
	KD_REGION_SLOT_B,
	KD_REGION_BOOT,         /* boot/update state, two copies (>= 2 sectors) */
	KD_REGION_CRED,         /* password state, two copies */
	KD_REGION_LOG,          /* event log ring (>= 2 sectors) */
	KD_REGION_KEYS,         /* user-data key, two copies */
	KD_REGION_DATA,         /* encrypted user data, one blob per sector */
	KD_REGION_COUNT
};

struct kd_storage {
	void *ctx;
	uint32_t sector_size; /* erase unit, a power of two >= 256 */
	uint32_t (*size)(void *ctx, enum kd_region r);
	int (*read)(void *ctx, enum kd_region r, uint32_t off, void *buf, size_t len);
	int (*write)(void *ctx, enum kd_region r, uint32_t off, const void *buf, size_t len);
	int (*erase)(void *ctx, enum kd_region r, uint32_t off, size_t len);
};

/* ------------------------------------------------------------ crypto
 * SHA-256, HMAC-SHA-256, Ed25519, Argon2id, XChaCha20-Poly1305, random.
 * Every function returns 0 on success (verify: 0 = valid). */
#define KD_HASH_STATE_SIZE 256

typedef union {
	uint64_t align;
	uint8_t b[KD_HASH_STATE_SIZE];
} kd_hash_state;

struct kd_crypto {
	void *ctx;
	int (*sha256_init)(void *ctx, kd_hash_state *st);
	int (*sha256_update)(void *ctx, kd_hash_state *st, const uint8_t *p, size_t n);
	int (*sha256_final)(void *ctx, kd_hash_state *st, uint8_t out[32]);
	int (*hmac_sha256)(void *ctx, const uint8_t *key, size_t klen, const uint8_t *msg, size_t mlen,
			   uint8_t out[32]);
	int (*ed25519_public)(void *ctx, const uint8_t seed[32], uint8_t pk[32]);
	int (*ed25519_sign)(void *ctx, const uint8_t seed[32], const uint8_t *m, size_t n, uint8_t sig[64]);
	int (*ed25519_verify)(void *ctx, const uint8_t pk[32], const uint8_t *m, size_t n, const uint8_t sig[64]);
	/* Argon2id: out = H(pw, salt) with `ops` passes over `mem_kib` KiB. */
	int (*pwhash)(void *ctx, uint8_t out[32], const char *pw, size_t pwlen, const uint8_t salt[16],
		      uint32_t ops, uint32_t mem_kib);
	/* XChaCha20-Poly1305: c has mlen + 16 bytes. decrypt: 0 only if authentic. */
	int (*aead_encrypt)(void *ctx, uint8_t *c, const uint8_t *m, size_t mlen, const uint8_t *ad, size_t adlen,
			    const uint8_t nonce[24], const uint8_t key[32]);
	int (*aead_decrypt)(void *ctx, uint8_t *m, const uint8_t *c, size_t clen, const uint8_t *ad, size_t adlen,
			    const uint8_t nonce[24], const uint8_t key[32]);
	int (*random)(void *ctx, uint8_t *p, size_t n);
};

/* ------------------------------------------------------------ sizes */
#define KD_ID_MAX 64          /* device id text */
#define KD_CLASS_MAX 32       /* hardware class (model) text */
#define KD_MAKER_MAX 32
#define KD_VERSION_MAX 24     /* firmware version text */
#define KD_DATE_LEN 10        /* "YYYY-MM-DD" */
#define KD_CERT_MAX 320       /* device certificate (COSE_Sign1) */
#define KD_MANIFEST_SIZE 256
#define KD_LOG_RECORD 128
#define KD_LOG_PAYLOAD 40
#define KD_STATUS_MAX 1024    /* a signed status report fits this */
#define KD_PW_MAX 128
#define KD_LABEL_PW_LEN 14    /* "XXXX-XXXX-XXXX" */

/* ------------------------------------------------------------ identity
 * Written once at the factory (koban-device-tool provision) into the
 * IDENTITY region: who the unit is, its secrets, the maker's update key and
 * the device certificate (the device's status key signed by the maker). */
struct kd_identity {
	char device_id[KD_ID_MAX + 1];
	char hw_class[KD_CLASS_MAX + 1];
	char maker[KD_MAKER_MAX + 1];
	char end_of_support[KD_DATE_LEN + 1]; /* "" if not announced */
	uint8_t secret[32];      /* device secret: label password, log and data keys derive from it */
	uint8_t sign_seed[32];   /* Ed25519 seed of the status key */
	uint8_t maker_pub[32];   /* Ed25519 key that signs firmware */
	uint8_t cert[KD_CERT_MAX];
	uint16_t cert_len;
};
#define KD_IDENTITY_SIZE 768
/* Serialises / parses the IDENTITY region's block (magic, fields, SHA-256). */
int kd_identity_encode(const struct kd_crypto *cr, const struct kd_identity *id, uint8_t out[KD_IDENTITY_SIZE]);
int kd_identity_parse(const struct kd_crypto *cr, const uint8_t in[KD_IDENTITY_SIZE], struct kd_identity *id);

/* ------------------------------------------------------------ manifest */
struct kd_manifest {
	uint32_t security_counter; /* anti-rollback: never below the device's minimum */
	uint32_t payload_size;
	uint64_t release_time;     /* seconds since 1970 (UTC): the firmware's release */
	char version[KD_VERSION_MAX + 1];
	char hw_class[KD_CLASS_MAX + 1];
	uint8_t key_id[8];         /* first 8 bytes of SHA-256 of the signing key */
	uint8_t payload_hash[32];  /* SHA-256 of the payload */
	uint8_t signature[64];     /* Ed25519 over the first 192 bytes */
};
/* Parses the 256-byte manifest (no signature check). */
int kd_manifest_parse(const uint8_t *buf, size_t len, struct kd_manifest *m);
/* Encodes m (signature and key_id are filled in from seed) into out. */
int kd_manifest_sign(const struct kd_crypto *cr, struct kd_manifest *m, const uint8_t seed[32],
		     uint8_t out[KD_MANIFEST_SIZE]);
/* Parses and checks the signature against pub. */
int kd_manifest_verify(const struct kd_crypto *cr, const uint8_t *buf, size_t len, const uint8_t pub[32],
		       struct kd_manifest *m);
/* A whole image in memory (manifest + payload): signature, size, hash. */
int kd_image_verify_buf(const struct kd_crypto *cr, const uint8_t *img, size_t len, const uint8_t pub[32],
			struct kd_manifest *m);
/* The key id of a public key. */
int kd_key_id(const struct kd_crypto *cr, const uint8_t pub[32], uint8_t id[8]);

/* ------------------------------------------------------------ device */
enum kd_update_state {
	KD_UPD_NONE = 0,        /* never updated */
	KD_UPD_SUCCESS = 1,     /* installed, booted and confirmed */
	KD_UPD_FAILED = 2,      /* see the reason */
	KD_UPD_NOT_APPLIED = 3, /* offered and verified, but deferred (not installed) */
	KD_UPD_PENDING = 4,     /* installed, trial boot not yet confirmed */
};
enum kd_update_reason {
	KD_RSN_NONE = 0,
	KD_RSN_BAD_MANIFEST, KD_RSN_BAD_SIGNATURE, KD_RSN_UNKNOWN_KEY, KD_RSN_WRONG_DEVICE,
	KD_RSN_ROLLBACK, KD_RSN_TOO_LARGE, KD_RSN_HASH_MISMATCH, KD_RSN_STORAGE,
	KD_RSN_INTERRUPTED,     /* the update did not finish (power loss, transfer cut) */
	KD_RSN_NOT_CONFIRMED,   /* the trial boot was not confirmed: rolled back */
	KD_RSN_REJECTED,        /* the new firmware's self-test failed: rolled back */
	KD_RSN_DOWNLOAD,        /* the transport failed (recorded by the application) */
	KD_RSN_DEFERRED,        /* not applied: outside the update window / postponed */
	KD_RSN_COUNT
};
const char *kd_update_state_str(int state);
const char *kd_update_reason_str(int reason);

struct kd_update_status {
	uint8_t state, reason;
	char version[KD_VERSION_MAX + 1]; /* the version the status is about */
	uint64_t time;
};

struct kd_boot_state {
	uint8_t active;   /* confirmed slot: 0 = A, 1 = B */
	uint8_t pending;  /* slot on trial, KD_NO_SLOT if none */
	uint8_t attempts; /* trial boots started without confirmation */
	uint32_t min_counter; /* anti-rollback floor */
	uint32_t boot_count;
	struct kd_update_status status;
};
#define KD_NO_SLOT 0xFF

/* A double-buffered record in a region (two halves, newest valid wins). */
struct kd_rec {
	uint8_t region, cur; /* cur: half holding the newest copy, KD_NO_SLOT if none */
	uint32_t seq;
};

struct kd_cred_state {
	uint8_t changed;        /* the default password was replaced */
	uint32_t fails;         /* consecutive failed logins */
	uint64_t locked_until;  /* no login before this time */
	uint32_t ops, mem_kib;  /* Argon2id parameters of hash */
	uint8_t salt[16], hash[32];
};

struct kd_log {
	uint32_t slots;      /* records the ring holds */
	uint32_t next_slot;  /* where the next record goes */
	uint32_t head_seq;   /* sequence number of the newest record (0: none yet) */
	uint8_t head_hash[32];
};

struct kd_keys {
	uint8_t pending, flags; /* an erase in progress and what it covers */
	uint32_t generation;
	uint8_t key[32];        /* user-data key (zero while an erase is pending) */
};

/* An update being received into the inactive slot. */
struct kd_update {
	uint8_t active, slot;
	uint32_t written;
	struct kd_manifest m;
	uint8_t raw[KD_MANIFEST_SIZE];
	kd_hash_state hs;
};

struct kd_config {
	const struct kd_storage *storage;
	const struct kd_crypto *crypto;
	uint64_t (*now)(void *ctx); /* seconds since 1970 (UTC), or since boot without a clock */
	void *now_ctx;
	uint32_t pw_ops, pw_mem_kib;  /* Argon2id cost; 0 = 3 passes over 256 KiB */
	uint32_t lock_after;          /* failures before lockout; 0 = 5 */
	uint32_t lock_base_s, lock_max_s; /* first delay, doubling up to the cap; 0 = 30 s / 3600 s */
};

struct kd_device {
	struct kd_config cfg;
	struct kd_identity id;
	struct kd_rec boot_rec, cred_rec, keys_rec;
	struct kd_boot_state boot;
	struct kd_cred_state cred;
	struct kd_keys keys;
	struct kd_log log;
	struct kd_update upd;
	bool updating;
	uint8_t running_slot;  /* set by kd_boot */
	bool trial;            /* running an unconfirmed image */
	struct kd_manifest running;
};

/* Opens the device: reads the identity, the boot, password and key state,
 * mounts the event log and finishes an erase that power loss interrupted.
 * First start: creates the user-data key and logs the start of the log. */
int kd_device_open(struct kd_device *dev, const struct kd_config *cfg);
/* Forgets secrets held in RAM. */
void kd_device_close(struct kd_device *dev);
uint64_t kd_now(const struct kd_device *dev);

/* ------------------------------------------------------------ update / boot
 * The boot decision (what a bootloader runs): rolls back an unconfirmed
 * trial, verifies the chosen slot (signature, hash, counter, hardware
 * class) and falls back to the other slot if it is damaged. work: a buffer
 * for reading the slot (any size >= 64; larger is faster). */
int kd_boot(struct kd_device *dev, uint8_t *work, size_t wlen);
/* Verifies the image in a slot. */
int kd_slot_verify(struct kd_device *dev, uint8_t slot, uint8_t *work, size_t wlen, struct kd_manifest *m);

/* Receiving an update: begin with the 256-byte manifest (signature,
 * hardware class, counter and size are checked before anything is
 * erased), write the payload in pieces, finish (hash checked, manifest
 * written, image re-verified from flash, trial boot armed). Every refusal
 * is recorded in the update status and the log. */
int kd_update_begin(struct kd_device *dev, const uint8_t *manifest, size_t len);
int kd_update_write(struct kd_device *dev, const uint8_t *p, size_t n);
int kd_update_finish(struct kd_device *dev, uint8_t *work, size_t wlen);
/* Abandons a transfer (status: failed with reason). */
void kd_update_abort(struct kd_device *dev, int reason);
/* The running trial image passed its self-test: make it permanent and raise
 * the anti-rollback floor to its counter. */
int kd_update_confirm(struct kd_device *dev);
/* The running trial image failed its self-test: roll back now (the next
 * boot runs the previous image). */
int kd_update_reject(struct kd_device *dev);
/* An update was offered and verified but is not installed now. */
int kd_update_defer(struct kd_device *dev, const uint8_t *manifest, size_t len);
const struct kd_update_status *kd_update_status(const struct kd_device *dev);

/* ------------------------------------------------------------ credentials */
enum kd_pw_verdict {
	KD_PW_OK = 0,
	KD_PW_TOO_SHORT,        /* fewer than KD_PW_MIN_LEN characters */
	KD_PW_TOO_LONG,
	KD_PW_BAD_CHARS,        /* control characters or NUL */
	KD_PW_FEW_CLASSES,      /* under 16 characters and fewer than 3 of lower/upper/digit/other */
	KD_PW_ON_DEFAULT_LIST,  /* on koban's default-credential list (also with digits/symbols around it) */
	KD_PW_PATTERN,          /* repeats, sequences, keyboard runs */
	KD_PW_IDENTITY,         /* contains the device id, user name or default password */
};
#define KD_PW_MIN_LEN 10
const char *kd_pw_verdict_str(int v);

/* The strength check. list: koban's data/default-credentials (user TAB
 * password TAB source lines, '#' comments), may be NULL. user / device_id /
 * default_pw may be NULL. */
int kd_password_check(const char *pw, size_t len, const char *list, size_t listlen, const char *user,
		      const char *device_id, const char *default_pw);
/* The default-credential list: number of pairs, or KD_ERR_FORMAT (*bad_line
 * set) when a line is malformed. */
int kd_credlist_count(const char *list, size_t len, unsigned *bad_line);
/* 1-based entry whose password equals pw (case-insensitive when fold), 0 if none. */
unsigned kd_credlist_find(const char *list, size_t len, const char *pw, size_t pwlen, bool fold);

/* The unit's default password (printable on its label), from the device
 * secret: out >= KD_LABEL_PW_LEN + 1. The same function runs in the host tool. */
int kd_label_password(const struct kd_crypto *cr, const uint8_t secret[32], const char *device_id, char *out,
		      size_t outsz);
/* true until the default password has been changed: callers refuse service. */
bool kd_cred_is_default(const struct kd_device *dev);
/* KD_OK, or KD_ERR_DEFAULT_PASSWORD while the default password is unchanged. */
int kd_cred_require_changed(const struct kd_device *dev);
/* Login. KD_ERR_LOCKED with *retry_after (seconds) while locked out. Each
 * failure is counted in flash before the password is checked. */
int kd_cred_login(struct kd_device *dev, const char *pw, size_t len, uint32_t *retry_after);
/* Changes the password (old must be right). KD_ERR_WEAK with *verdict. */
int kd_cred_change(struct kd_device *dev, const char *old_pw, size_t oldlen, const char *new_pw, size_t newlen,
		   const char *list, size_t listlen, int *verdict);

/* ------------------------------------------------------------ event log */
enum kd_log_category { KD_CAT_SECURITY = 1, KD_CAT_SAFETY = 2, KD_CAT_RELIABILITY = 3 };
enum kd_log_code {
	KD_EV_LOG_START = 0x0001,
	KD_EV_LOGIN_OK, KD_EV_LOGIN_FAIL, KD_EV_LOCKOUT, KD_EV_PASSWORD_CHANGED, KD_EV_PASSWORD_REFUSED,
	KD_EV_UPDATE_REFUSED, KD_EV_ERASE_START, KD_EV_ERASE_DONE,
	KD_EV_BOOT = 0x0101, KD_EV_UPDATE_INSTALLED, KD_EV_UPDATE_CONFIRMED, KD_EV_UPDATE_DEFERRED,
	KD_EV_ROLLBACK = 0x0201, KD_EV_IMAGE_INVALID, KD_EV_NO_IMAGE,
	KD_EV_APP = 0x8000 /* application codes start here */
};
struct kd_log_record {
	uint8_t category, payload_len;
	uint16_t code;
	uint32_t seq;
	uint64_t time;
	uint8_t payload[KD_LOG_PAYLOAD];
	uint8_t prev[32], hash[32];
};
struct kd_log_verdict {
	uint32_t records;     /* whole records checked */
	uint32_t first_seq, last_seq;
	uint32_t bad_seq;     /* where the chain breaks (0 if intact) */
	uint32_t bad_slot;
	const char *what;     /* "altered", "missing", "out of order", NULL */
};
int kd_log_append(struct kd_device *dev, uint8_t category, uint16_t code, const void *payload, size_t len);
void kd_log_head(const struct kd_device *dev, uint32_t *seq, uint8_t hash[32]);
/* Walks the ring oldest to newest: KD_OK or KD_ERR_TAMPERED with v filled. */
int kd_log_verify(struct kd_device *dev, struct kd_log_verdict *v);
/* Copies whole 128-byte records with seq >= from into buf, oldest first.
 * Returns the number of records; *next is the seq to ask for next time. */
int kd_log_export(struct kd_device *dev, uint32_t from, uint8_t *buf, size_t cap, uint32_t *next);
/* Collector side: checks exported records (and, if anchor is not NULL,
 * that the first one follows the record whose hash it is). */
int kd_log_verify_records(const struct kd_crypto *cr, const uint8_t *recs, size_t n, const uint8_t *anchor,
			  struct kd_log_verdict *v);
int kd_log_record_parse(const uint8_t rec[KD_LOG_RECORD], struct kd_log_record *out);
const char *kd_log_category_str(int cat);
const char *kd_log_code_str(int code);

/* ------------------------------------------------------------ user data, erase */
#define KD_ERASE_DATA 0x01  /* crypto-erase + wipe of user data (always done) */
#define KD_ERASE_CREDS 0x02 /* back to the label password, locked until changed */
#define KD_ERASE_LOG 0x04   /* wipe the event log (a new chain starts) */
/* Encrypted user data: one blob per sector of the DATA region. */
int kd_data_put(struct kd_device *dev, uint32_t index, const uint8_t *p, size_t n, uint8_t *work, size_t wlen);
/* *n_out bytes into buf; KD_ERR_NOT_FOUND when the blob is empty or was erased. */
int kd_data_get(struct kd_device *dev, uint32_t index, uint8_t *buf, size_t cap, size_t *n_out, uint8_t *work,
		size_t wlen);
uint32_t kd_data_slots(const struct kd_device *dev);
/* Full erase: destroys the user-data key (one record write: from then on the
 * erase completes, across power loss, at the next kd_device_open), wipes
 * the data sectors, and per flags resets credentials and the log. */
int kd_erase(struct kd_device *dev, unsigned flags);

/* ------------------------------------------------------------ status report
 * COSE_Sign1 (EdDSA) over a CBOR claims map, with the device certificate (a
 * COSE_Sign1 by the maker) in the unprotected header. */
struct kd_status {
	char device_id[KD_ID_MAX + 1];
	char hw_class[KD_CLASS_MAX + 1];
	char fw_version[KD_VERSION_MAX + 1];
	uint64_t fw_release;    /* seconds since 1970 */
	uint32_t security_counter;
	uint64_t time;          /* when the report was made (device clock) */
	struct kd_update_status update;
	uint32_t log_seq;
	uint8_t log_hash[32];
	bool password_changed;
	char end_of_support[KD_DATE_LEN + 1];
	bool has_mac;
	uint8_t mac[6];
	uint8_t nonce[32];
	uint8_t nonce_len;
	/* from the certificate */
	char maker[KD_MAKER_MAX + 1];
	uint8_t maker_kid[8];
	uint8_t device_pub[32];
	uint64_t cert_issued;
};
/* Builds and signs a report. work >= KD_STATUS_MAX bytes. mac/nonce may be NULL. */
int kd_status_build(struct kd_device *dev, const uint8_t *mac, const uint8_t *nonce, size_t nonce_len,
		    uint8_t *out, size_t cap, size_t *out_len, uint8_t *work, size_t wlen);
/* Parses a report and its certificate without checking signatures. */
int kd_status_parse(const uint8_t *buf, size_t len, struct kd_status *s);
/* Looks up a maker key by key id: 0 and pub filled, or KD_ERR_UNKNOWN_KEY. */
typedef int (*kd_key_lookup)(void *ctx, const uint8_t kid[8], uint8_t pub[32]);
/* Parses and verifies: the certificate against the maker key found by
 * lookup, then the report against the certified device key. */
int kd_status_verify(const struct kd_crypto *cr, const uint8_t *buf, size_t len, kd_key_lookup lookup, void *lctx,
		     uint8_t *work, size_t wlen, struct kd_status *s);
/* Issues a device certificate (host tool): maker seed signs the device key. */
int kd_cert_issue(const struct kd_crypto *cr, const uint8_t maker_seed[32], const char *maker, const char *device_id,
		  const char *hw_class, const uint8_t device_pub[32], uint64_t issued, uint8_t *out, size_t cap,
		  size_t *out_len, uint8_t *work, size_t wlen);

/* ------------------------------------------------------------ helpers */
/* "YYYY-MM-DD" <-> days since 1970-01-01; parse returns false if invalid. */
bool kd_date_parse(const char *s, size_t len, int64_t *days);
void kd_date_format(int64_t days, char out[KD_DATE_LEN + 1]);
/* Constant-time comparison: 0 if equal. */
int kd_ct_compare(const void *a, const void *b, size_t n);
/* SHA-256 of a buffer through the backend. */
int kd_sha256(const struct kd_crypto *cr, const uint8_t *p, size_t n, uint8_t out[32]);
void kd_wipe(void *p, size_t n);

#endif
