/* manifest.c - the firmware manifest: 256 bytes in front of the payload.
 *   0 "KBNM" | 4 format u16 = 1 | 6 header size u16 = 256 | 8 security counter u32
 *  12 payload size u32 | 16 release time u64 | 24 version[24] | 48 hw class[32]
 *  80 key id[8] | 88 SHA-256 of the payload[32] | 120 zero[72]
 * 192 Ed25519 signature over bytes 0..191
 * Integers are little-endian; text fields printable ASCII, NUL-padded. */
#include "kd_int.h"

#define SIGNED_LEN 192
#define MAX_PAYLOAD 0x10000000u

int kd_manifest_parse(const uint8_t *b, size_t len, struct kd_manifest *m)
{
	memset(m, 0, sizeof *m);
	if (!b || len < KD_MANIFEST_SIZE)
		return KD_ERR_FORMAT;
	if (memcmp(b, "KBNM", 4) != 0 || kd_get16(b + 4) != 1 || kd_get16(b + 6) != KD_MANIFEST_SIZE)
		return KD_ERR_FORMAT;
	m->security_counter = kd_get32(b + 8);
	m->payload_size = kd_get32(b + 12);
	m->release_time = kd_get64(b + 16);
	if (m->payload_size == 0 || m->payload_size > MAX_PAYLOAD)
		return KD_ERR_FORMAT;
	if (!kd_text_field(b + 24, KD_VERSION_MAX, m->version, false) ||
	    !kd_text_field(b + 48, KD_CLASS_MAX, m->hw_class, false) || !kd_all(b + 120, 72, 0))
		return KD_ERR_FORMAT;
	memcpy(m->key_id, b + 80, 8);
	memcpy(m->payload_hash, b + 88, 32);
	memcpy(m->signature, b + SIGNED_LEN, 64);
	return KD_OK;
}

int kd_key_id(const struct kd_crypto *cr, const uint8_t pub[32], uint8_t id[8])
{
	uint8_t h[32];
	int rc = kd_sha256(cr, pub, 32, h);
	memcpy(id, h, 8);
	return rc;
}

int kd_manifest_sign(const struct kd_crypto *cr, struct kd_manifest *m, const uint8_t seed[32],
		     uint8_t out[KD_MANIFEST_SIZE])
{
	uint8_t pub[32];
	if (m->payload_size == 0 || m->payload_size > MAX_PAYLOAD)
		return KD_ERR_ARG;
	if (cr->ed25519_public(cr->ctx, seed, pub) || kd_key_id(cr, pub, m->key_id))
		return KD_ERR_CRYPTO;
	memset(out, 0, KD_MANIFEST_SIZE);
	memcpy(out, "KBNM", 4);
	kd_put16(out + 4, 1);
	kd_put16(out + 6, KD_MANIFEST_SIZE);
	kd_put32(out + 8, m->security_counter);
	kd_put32(out + 12, m->payload_size);
	kd_put64(out + 16, m->release_time);
	if (!m->version[0] || !m->hw_class[0] || !kd_text_put(out + 24, KD_VERSION_MAX, m->version) ||
	    !kd_text_put(out + 48, KD_CLASS_MAX, m->hw_class))
		return KD_ERR_ARG;
	memcpy(out + 80, m->key_id, 8);
	memcpy(out + 88, m->payload_hash, 32);
	if (cr->ed25519_sign(cr->ctx, seed, out, SIGNED_LEN, m->signature))
		return KD_ERR_CRYPTO;
	memcpy(out + SIGNED_LEN, m->signature, 64);
	return KD_OK;
}

int kd_manifest_verify(const struct kd_crypto *cr, const uint8_t *buf, size_t len, const uint8_t pub[32],
		       struct kd_manifest *m)
{
	uint8_t kid[8];
	int rc = kd_manifest_parse(buf, len, m);
	if (rc)
		return rc;
	if (kd_key_id(cr, pub, kid))
		return KD_ERR_CRYPTO;
	if (memcmp(kid, m->key_id, 8) != 0)
		return KD_ERR_UNKNOWN_KEY;
	return cr->ed25519_verify(cr->ctx, pub, buf, SIGNED_LEN, m->signature) == 0 ? KD_OK : KD_ERR_SIGNATURE;
}

int kd_image_verify_buf(const struct kd_crypto *cr, const uint8_t *img, size_t len, const uint8_t pub[32],
			struct kd_manifest *m)
{
	uint8_t h[32];
	int rc = kd_manifest_verify(cr, img, len, pub, m);
	if (rc)
		return rc;
	if (len - KD_MANIFEST_SIZE != m->payload_size)
		return KD_ERR_FORMAT;
	if (kd_sha256(cr, img + KD_MANIFEST_SIZE, m->payload_size, h))
		return KD_ERR_CRYPTO;
	return kd_ct_compare(h, m->payload_hash, 32) == 0 ? KD_OK : KD_ERR_HASH;
}
