/* cose.c - COSE_Sign1 (RFC 9052) with EdDSA (alg -8), as used by the status
 * report and the device certificate: tag 18, [protected {1: -8, ?4: kid},
 * unprotected {?-65537: certificate}, payload, signature]. The signature
 * covers the Sig_structure ["Signature1", protected, h'', payload]. */
#include "kd_int.h"

#define COSE_TAG 18

static int parse_protected(const uint8_t *p, size_t n, struct kd_cose *c)
{
	struct kd_cbor_dec d = { p, n, 0 };
	uint64_t entries;
	bool has_alg = false;
	if (kd_cbor_expect(&d, KD_CBOR_MAP, &entries) || entries > 2)
		return KD_ERR_FORMAT;
	for (uint64_t i = 0; i < entries; i++) {
		int64_t key, alg;
		const uint8_t *kid;
		size_t kidn;
		if (kd_cbor_get_int(&d, &key))
			return KD_ERR_FORMAT;
		if (key == 1 && !has_alg) {
			if (kd_cbor_get_int(&d, &alg) || alg != -8)
				return KD_ERR_FORMAT;
			has_alg = true;
		} else if (key == 4 && !c->has_kid) {
			if (kd_cbor_get_bytes(&d, KD_CBOR_BSTR, &kid, &kidn) || kidn != 8)
				return KD_ERR_FORMAT;
			memcpy(c->kid, kid, 8);
			c->has_kid = true;
		} else {
			return KD_ERR_FORMAT;
		}
	}
	return has_alg && d.pos == d.len ? KD_OK : KD_ERR_FORMAT;
}

static int parse_unprotected(struct kd_cbor_dec *d, struct kd_cose *c)
{
	uint64_t entries;
	if (kd_cbor_expect(d, KD_CBOR_MAP, &entries) || entries > 8)
		return KD_ERR_FORMAT;
	for (uint64_t i = 0; i < entries; i++) {
		int64_t key;
		if (kd_cbor_get_int(d, &key))
			return KD_ERR_FORMAT;
		if (key == KD_COSE_CERT_LABEL && !c->cert) {
			if (kd_cbor_get_bytes(d, KD_CBOR_BSTR, &c->cert, &c->cert_n) || c->cert_n > KD_CERT_MAX)
				return KD_ERR_FORMAT;
		} else if (key == KD_COSE_CERT_LABEL || kd_cbor_skip(d, 4)) {
			return KD_ERR_FORMAT;
		}
	}
	return KD_OK;
}

int kd_cose_parse(const uint8_t *buf, size_t len, struct kd_cose *c)
{
	struct kd_cbor_dec d = { buf, len, 0 };
	uint64_t v;
	size_t sign;
	memset(c, 0, sizeof *c);
	if (kd_cbor_expect(&d, KD_CBOR_TAG, &v) || v != COSE_TAG || kd_cbor_expect(&d, KD_CBOR_ARRAY, &v) || v != 4)
		return KD_ERR_FORMAT;
	if (kd_cbor_get_bytes(&d, KD_CBOR_BSTR, &c->protected_p, &c->protected_n) ||
	    parse_protected(c->protected_p, c->protected_n, c))
		return KD_ERR_FORMAT;
	if (parse_unprotected(&d, c) || kd_cbor_get_bytes(&d, KD_CBOR_BSTR, &c->payload, &c->payload_n))
		return KD_ERR_FORMAT;
	if (kd_cbor_get_bytes(&d, KD_CBOR_BSTR, &c->sig, &sign) || sign != 64 || d.pos != d.len)
		return KD_ERR_FORMAT;
	return KD_OK;
}

/* The Sig_structure into work. */
static int sig_structure(const uint8_t *prot, size_t pn, const uint8_t *payload, size_t n, uint8_t *work,
			 size_t wlen, size_t *out)
{
	struct kd_cbor_enc e = { work, wlen, 0, false };
	kd_cbor_head(&e, KD_CBOR_ARRAY, 4);
	kd_cbor_text(&e, "Signature1");
	kd_cbor_bytes(&e, KD_CBOR_BSTR, prot, pn);
	kd_cbor_bytes(&e, KD_CBOR_BSTR, NULL, 0);
	kd_cbor_bytes(&e, KD_CBOR_BSTR, payload, n);
	*out = e.len;
	return e.overflow ? KD_ERR_SPACE : KD_OK;
}

int kd_cose_verify(const struct kd_crypto *cr, const struct kd_cose *c, const uint8_t pub[32], uint8_t *work,
		   size_t wlen)
{
	size_t n;
	int rc = sig_structure(c->protected_p, c->protected_n, c->payload, c->payload_n, work, wlen, &n);
	if (rc)
		return rc;
	return cr->ed25519_verify(cr->ctx, pub, work, n, c->sig) == 0 ? KD_OK : KD_ERR_SIGNATURE;
}

int kd_cose_sign(const struct kd_crypto *cr, const uint8_t seed[32], const uint8_t *kid, const uint8_t *payload,
		 size_t n, const uint8_t *cert, size_t cert_n, uint8_t *out, size_t cap, size_t *out_len,
		 uint8_t *work, size_t wlen)
{
	uint8_t prot[16], sig[64];
	struct kd_cbor_enc pe = { prot, sizeof prot, 0, false }, e = { out, cap, 0, false };
	size_t sn;
	kd_cbor_head(&pe, KD_CBOR_MAP, kid ? 2 : 1);
	kd_cbor_int(&pe, 1);
	kd_cbor_int(&pe, -8);
	if (kid) {
		kd_cbor_int(&pe, 4);
		kd_cbor_bytes(&pe, KD_CBOR_BSTR, kid, 8);
	}
	int rc = sig_structure(prot, pe.len, payload, n, work, wlen, &sn);
	if (rc)
		return rc;
	if (cr->ed25519_sign(cr->ctx, seed, work, sn, sig))
		return KD_ERR_CRYPTO;
	kd_cbor_head(&e, KD_CBOR_TAG, COSE_TAG);
	kd_cbor_head(&e, KD_CBOR_ARRAY, 4);
	kd_cbor_bytes(&e, KD_CBOR_BSTR, prot, pe.len);
	kd_cbor_head(&e, KD_CBOR_MAP, cert ? 1 : 0);
	if (cert) {
		kd_cbor_int(&e, KD_COSE_CERT_LABEL);
		kd_cbor_bytes(&e, KD_CBOR_BSTR, cert, cert_n);
	}
	kd_cbor_bytes(&e, KD_CBOR_BSTR, payload, n);
	kd_cbor_bytes(&e, KD_CBOR_BSTR, sig, 64);
	if (e.overflow)
		return KD_ERR_SPACE;
	*out_len = e.len;
	return KD_OK;
}
