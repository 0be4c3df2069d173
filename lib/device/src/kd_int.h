/* kd_int.h - internals shared by the library's modules: little-endian
 * fields, the double-buffered record store, a minimal CBOR codec, COSE_Sign1
 * and small wrappers over the storage and crypto interfaces. */
#ifndef KD_INT_H
#define KD_INT_H

#include <string.h>

#include "koban_device.h"

/* ---- little-endian fields ---- */
static inline void kd_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}
static inline void kd_put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}
static inline void kd_put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}
static inline uint16_t kd_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}
static inline uint32_t kd_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t kd_get64(const uint8_t *p)
{
	return (uint64_t)kd_get32(p) | (uint64_t)kd_get32(p + 4) << 32;
}

/* A NUL-padded text field of n bytes: printable ASCII, then only NULs.
 * Copies it into out (n + 1 bytes). False if malformed or empty when !may_be_empty. */
bool kd_text_field(const uint8_t *p, size_t n, char *out, bool may_be_empty);
/* Writes s NUL-padded into n bytes; false if too long or not printable. */
bool kd_text_put(uint8_t *p, size_t n, const char *s);
bool kd_printable(const char *s, size_t n);
bool kd_all(const uint8_t *p, size_t n, uint8_t v);

/* ---- storage / crypto shorthands ---- */
#define KD_ST(dev) ((dev)->cfg.storage)
#define KD_CR(dev) ((dev)->cfg.crypto)
int kd_read(const struct kd_storage *st, enum kd_region r, uint32_t off, void *buf, size_t len);
int kd_write(const struct kd_storage *st, enum kd_region r, uint32_t off, const void *buf, size_t len);
int kd_erase_range(const struct kd_storage *st, enum kd_region r, uint32_t off, uint32_t len);
/* SHA-256 of `len` bytes of a region, read through work. */
int kd_sha256_region(const struct kd_crypto *cr, const struct kd_storage *st, enum kd_region r, uint32_t off,
		     uint32_t len, uint8_t *work, size_t wlen, uint8_t out[32]);

/* ---- double-buffered records ----
 * Each half of the region holds [magic "KDRC", seq, len, payload, SHA-256].
 * Saving erases the half that does not hold the newest copy and writes
 * there, so power loss at any point leaves the previous copy readable. */
#define KD_REC_MAX 128
int kd_rec_load(const struct kd_device *dev, struct kd_rec *rec, enum kd_region r, uint8_t *buf, size_t cap,
		size_t *len);
int kd_rec_save(const struct kd_device *dev, struct kd_rec *rec, const uint8_t *buf, size_t len);
/* Erases the half that does not hold the newest copy (old secrets). */
int kd_rec_purge_other(const struct kd_device *dev, const struct kd_rec *rec);

/* ---- device internals ---- */
int kd_boot_save(struct kd_device *dev);
void kd_status_set(struct kd_device *dev, uint8_t state, uint8_t reason, const char *version);
int kd_log_mount(struct kd_device *dev);
int kd_keys_init(struct kd_device *dev);
int kd_erase_resume(struct kd_device *dev);
int kd_cred_load(struct kd_device *dev);
void kd_cred_defaults(struct kd_device *dev);

/* ---- CBOR (RFC 8949), definite lengths, preferred serialisation ---- */
enum { KD_CBOR_UINT = 0, KD_CBOR_NINT = 1, KD_CBOR_BSTR = 2, KD_CBOR_TSTR = 3, KD_CBOR_ARRAY = 4,
       KD_CBOR_MAP = 5, KD_CBOR_TAG = 6, KD_CBOR_SIMPLE = 7 };
struct kd_cbor_enc {
	uint8_t *p;
	size_t cap, len;
	bool overflow;
};
void kd_cbor_head(struct kd_cbor_enc *e, int major, uint64_t v);
void kd_cbor_int(struct kd_cbor_enc *e, int64_t v);
void kd_cbor_bytes(struct kd_cbor_enc *e, int major, const void *p, size_t n);
void kd_cbor_text(struct kd_cbor_enc *e, const char *s);
void kd_cbor_bool(struct kd_cbor_enc *e, bool v);

struct kd_cbor_dec {
	const uint8_t *p;
	size_t len, pos;
};
/* Reads an item head: major type and argument (length, value, simple). */
int kd_cbor_get_head(struct kd_cbor_dec *d, int *major, uint64_t *v);
int kd_cbor_get_uint(struct kd_cbor_dec *d, uint64_t *v);
int kd_cbor_get_int(struct kd_cbor_dec *d, int64_t *v);
int kd_cbor_get_bytes(struct kd_cbor_dec *d, int major, const uint8_t **p, size_t *n);
/* A text string into out (cap includes the NUL), printable ASCII only. */
int kd_cbor_get_text(struct kd_cbor_dec *d, char *out, size_t cap);
int kd_cbor_get_bool(struct kd_cbor_dec *d, bool *v);
int kd_cbor_expect(struct kd_cbor_dec *d, int major, uint64_t *n);
/* Skips one item of any type, nesting at most depth levels. */
int kd_cbor_skip(struct kd_cbor_dec *d, int depth);

/* ---- COSE_Sign1 with EdDSA ---- */
#define KD_COSE_CERT_LABEL (-65537) /* private-use header: the device certificate */
struct kd_cose {
	const uint8_t *protected_p, *payload, *sig, *cert;
	size_t protected_n, payload_n, cert_n;
	uint8_t kid[8];
	bool has_kid;
};
int kd_cose_parse(const uint8_t *buf, size_t len, struct kd_cose *c);
int kd_cose_verify(const struct kd_crypto *cr, const struct kd_cose *c, const uint8_t pub[32], uint8_t *work,
		   size_t wlen);
/* Writes COSE_Sign1 around payload into out, signed with seed; kid and
 * cert may be NULL. */
int kd_cose_sign(const struct kd_crypto *cr, const uint8_t seed[32], const uint8_t *kid, const uint8_t *payload,
		 size_t n, const uint8_t *cert, size_t cert_n, uint8_t *out, size_t cap, size_t *out_len,
		 uint8_t *work, size_t wlen);

#endif
