/* status.c - the signed security-state report (key points 13, 16-18) and
 * the device certificate, both COSE_Sign1 (EdDSA) over CBOR maps.
 * Certificate claims: 1 device id, 2 hw class, 3 maker, 4 device key
 * (32 bytes), 5 issued (s); protected header carries the maker key id.
 * Report claims: 1 device id, 2 hw class, 3 firmware version, 4 firmware
 * release (s), 5 security counter, 6 report time (s), 7 update status
 * [state, reason, version, time], 8 log head [seq, SHA-256], 9 default
 * password changed (bool), ?10 end of support "YYYY-MM-DD", ?11 MAC (6
 * bytes), ?12 nonce (<= 32 bytes). Unknown keys are skipped; duplicates
 * and missing required keys are errors. docs/device-library.md has the
 * CDDL. */
#include "kd_int.h"

#define CLAIMS_MAX 400

static void enc_claims(struct kd_device *dev, struct kd_cbor_enc *e, const uint8_t *mac, const uint8_t *nonce,
		       size_t nonce_len)
{
	const struct kd_update_status *u = &dev->boot.status;
	bool eos = dev->id.end_of_support[0] != '\0';
	kd_cbor_head(e, KD_CBOR_MAP, 9 + eos + (mac != NULL) + (nonce != NULL));
	kd_cbor_int(e, 1);
	kd_cbor_text(e, dev->id.device_id);
	kd_cbor_int(e, 2);
	kd_cbor_text(e, dev->id.hw_class);
	kd_cbor_int(e, 3);
	kd_cbor_text(e, dev->running.version);
	kd_cbor_int(e, 4);
	kd_cbor_head(e, KD_CBOR_UINT, dev->running.release_time);
	kd_cbor_int(e, 5);
	kd_cbor_head(e, KD_CBOR_UINT, dev->running.security_counter);
	kd_cbor_int(e, 6);
	kd_cbor_head(e, KD_CBOR_UINT, kd_now(dev));
	kd_cbor_int(e, 7);
	kd_cbor_head(e, KD_CBOR_ARRAY, 4);
	kd_cbor_head(e, KD_CBOR_UINT, u->state);
	kd_cbor_head(e, KD_CBOR_UINT, u->reason);
	kd_cbor_text(e, u->version);
	kd_cbor_head(e, KD_CBOR_UINT, u->time);
	kd_cbor_int(e, 8);
	kd_cbor_head(e, KD_CBOR_ARRAY, 2);
	kd_cbor_head(e, KD_CBOR_UINT, dev->log.head_seq);
	kd_cbor_bytes(e, KD_CBOR_BSTR, dev->log.head_hash, 32);
	kd_cbor_int(e, 9);
	kd_cbor_bool(e, dev->cred.changed != 0);
	if (eos) {
		kd_cbor_int(e, 10);
		kd_cbor_text(e, dev->id.end_of_support);
	}
	if (mac) {
		kd_cbor_int(e, 11);
		kd_cbor_bytes(e, KD_CBOR_BSTR, mac, 6);
	}
	if (nonce) {
		kd_cbor_int(e, 12);
		kd_cbor_bytes(e, KD_CBOR_BSTR, nonce, nonce_len);
	}
}

int kd_status_build(struct kd_device *dev, const uint8_t *mac, const uint8_t *nonce, size_t nonce_len,
		    uint8_t *out, size_t cap, size_t *out_len, uint8_t *work, size_t wlen)
{
	uint8_t claims[CLAIMS_MAX];
	struct kd_cbor_enc e = { claims, sizeof claims, 0, false };
	if (dev->running_slot == KD_NO_SLOT || dev->id.cert_len == 0)
		return KD_ERR_STATE;
	if (nonce && (nonce_len == 0 || nonce_len > 32))
		return KD_ERR_ARG;
	enc_claims(dev, &e, mac, nonce, nonce_len);
	if (e.overflow)
		return KD_ERR_SPACE;
	return kd_cose_sign(KD_CR(dev), dev->id.sign_seed, NULL, claims, e.len, dev->id.cert, dev->id.cert_len, out,
			    cap, out_len, work, wlen);
}

int kd_cert_issue(const struct kd_crypto *cr, const uint8_t maker_seed[32], const char *maker, const char *device_id,
		  const char *hw_class, const uint8_t device_pub[32], uint64_t issued, uint8_t *out, size_t cap,
		  size_t *out_len, uint8_t *work, size_t wlen)
{
	uint8_t claims[CLAIMS_MAX], pub[32], kid[8];
	struct kd_cbor_enc e = { claims, sizeof claims, 0, false };
	if (strlen(device_id) == 0 || strlen(device_id) > KD_ID_MAX || strlen(hw_class) == 0 ||
	    strlen(hw_class) > KD_CLASS_MAX || strlen(maker) > KD_MAKER_MAX)
		return KD_ERR_ARG;
	if (cr->ed25519_public(cr->ctx, maker_seed, pub) || kd_key_id(cr, pub, kid))
		return KD_ERR_CRYPTO;
	kd_cbor_head(&e, KD_CBOR_MAP, 5);
	kd_cbor_int(&e, 1);
	kd_cbor_text(&e, device_id);
	kd_cbor_int(&e, 2);
	kd_cbor_text(&e, hw_class);
	kd_cbor_int(&e, 3);
	kd_cbor_text(&e, maker);
	kd_cbor_int(&e, 4);
	kd_cbor_bytes(&e, KD_CBOR_BSTR, device_pub, 32);
	kd_cbor_int(&e, 5);
	kd_cbor_head(&e, KD_CBOR_UINT, issued);
	if (e.overflow)
		return KD_ERR_SPACE;
	return kd_cose_sign(cr, maker_seed, kid, claims, e.len, NULL, 0, out, cap, out_len, work, wlen);
}

/* ---- parsing ---- */

/* Reads the next map key (1..31) and rejects repeats. */
static int next_key(struct kd_cbor_dec *d, uint32_t *seen, int64_t *key)
{
	if (kd_cbor_get_int(d, key))
		return KD_ERR_FORMAT;
	if (*key >= 1 && *key <= 31) {
		if (*seen & (1u << *key))
			return KD_ERR_FORMAT;
		*seen |= 1u << *key;
	}
	return KD_OK;
}

static int get_fixed_bytes(struct kd_cbor_dec *d, uint8_t *out, size_t want)
{
	const uint8_t *p;
	size_t n;
	if (kd_cbor_get_bytes(d, KD_CBOR_BSTR, &p, &n) || n != want)
		return KD_ERR_FORMAT;
	memcpy(out, p, n);
	return KD_OK;
}

struct cert_claims {
	char device_id[KD_ID_MAX + 1], hw_class[KD_CLASS_MAX + 1];
};

static int parse_cert(const uint8_t *p, size_t n, struct cert_claims *c, struct kd_status *s)
{
	struct kd_cbor_dec d = { p, n, 0 };
	uint64_t entries;
	uint32_t seen = 0;
	if (kd_cbor_expect(&d, KD_CBOR_MAP, &entries) || entries > 16)
		return KD_ERR_FORMAT;
	for (uint64_t i = 0; i < entries; i++) {
		int64_t k;
		int rc = next_key(&d, &seen, &k);
		if (!rc)
			rc = k == 1   ? kd_cbor_get_text(&d, c->device_id, sizeof c->device_id)
			     : k == 2 ? kd_cbor_get_text(&d, c->hw_class, sizeof c->hw_class)
			     : k == 3 ? kd_cbor_get_text(&d, s->maker, sizeof s->maker)
			     : k == 4 ? get_fixed_bytes(&d, s->device_pub, 32)
			     : k == 5 ? kd_cbor_get_uint(&d, &s->cert_issued)
				      : kd_cbor_skip(&d, 4);
		if (rc)
			return KD_ERR_FORMAT;
	}
	return (seen & 0x3e) == 0x3e && d.pos == d.len && c->device_id[0] ? KD_OK : KD_ERR_FORMAT;
}

static int parse_update(struct kd_cbor_dec *d, struct kd_update_status *u)
{
	uint64_t n, state, reason;
	if (kd_cbor_expect(d, KD_CBOR_ARRAY, &n) || n != 4 || kd_cbor_get_uint(d, &state) ||
	    kd_cbor_get_uint(d, &reason) || state > KD_UPD_PENDING || reason >= KD_RSN_COUNT ||
	    kd_cbor_get_text(d, u->version, sizeof u->version) || kd_cbor_get_uint(d, &u->time))
		return KD_ERR_FORMAT;
	u->state = (uint8_t)state;
	u->reason = (uint8_t)reason;
	return KD_OK;
}

static int parse_loghead(struct kd_cbor_dec *d, struct kd_status *s)
{
	uint64_t n, seq;
	if (kd_cbor_expect(d, KD_CBOR_ARRAY, &n) || n != 2 || kd_cbor_get_uint(d, &seq) || seq > UINT32_MAX ||
	    get_fixed_bytes(d, s->log_hash, 32))
		return KD_ERR_FORMAT;
	s->log_seq = (uint32_t)seq;
	return KD_OK;
}

static int get_u32(struct kd_cbor_dec *d, uint32_t *v)
{
	uint64_t u;
	if (kd_cbor_get_uint(d, &u) || u > UINT32_MAX)
		return KD_ERR_FORMAT;
	*v = (uint32_t)u;
	return KD_OK;
}

static int get_date(struct kd_cbor_dec *d, char out[KD_DATE_LEN + 1])
{
	int64_t days;
	if (kd_cbor_get_text(d, out, KD_DATE_LEN + 1) || !kd_date_parse(out, strlen(out), &days))
		return KD_ERR_FORMAT;
	return KD_OK;
}

static int get_nonce(struct kd_cbor_dec *d, struct kd_status *s)
{
	const uint8_t *p;
	size_t n;
	if (kd_cbor_get_bytes(d, KD_CBOR_BSTR, &p, &n) || n == 0 || n > sizeof s->nonce)
		return KD_ERR_FORMAT;
	memcpy(s->nonce, p, n);
	s->nonce_len = (uint8_t)n;
	return KD_OK;
}

static int claim(struct kd_cbor_dec *d, int64_t k, struct kd_status *s)
{
	switch (k) {
	case 1: return kd_cbor_get_text(d, s->device_id, sizeof s->device_id);
	case 2: return kd_cbor_get_text(d, s->hw_class, sizeof s->hw_class);
	case 3: return kd_cbor_get_text(d, s->fw_version, sizeof s->fw_version);
	case 4: return kd_cbor_get_uint(d, &s->fw_release);
	case 5: return get_u32(d, &s->security_counter);
	case 6: return kd_cbor_get_uint(d, &s->time);
	case 7: return parse_update(d, &s->update);
	case 8: return parse_loghead(d, s);
	case 9: return kd_cbor_get_bool(d, &s->password_changed);
	case 10: return get_date(d, s->end_of_support);
	case 11: s->has_mac = true; return get_fixed_bytes(d, s->mac, 6);
	case 12: return get_nonce(d, s);
	default: return kd_cbor_skip(d, 4);
	}
}

static int parse_claims(const uint8_t *p, size_t n, struct kd_status *s)
{
	struct kd_cbor_dec d = { p, n, 0 };
	uint64_t entries;
	uint32_t seen = 0;
	if (kd_cbor_expect(&d, KD_CBOR_MAP, &entries) || entries > 32)
		return KD_ERR_FORMAT;
	for (uint64_t i = 0; i < entries; i++) {
		int64_t k;
		if (next_key(&d, &seen, &k) || claim(&d, k, s))
			return KD_ERR_FORMAT;
	}
	return (seen & 0x3fe) == 0x3fe && d.pos == d.len && s->device_id[0] ? KD_OK : KD_ERR_FORMAT;
}

static int parse_all(const uint8_t *buf, size_t len, struct kd_status *s, struct kd_cose *rep, struct kd_cose *cert)
{
	struct cert_claims cc;
	memset(s, 0, sizeof *s);
	memset(&cc, 0, sizeof cc);
	if (kd_cose_parse(buf, len, rep) || !rep->cert || kd_cose_parse(rep->cert, rep->cert_n, cert) ||
	    !cert->has_kid || cert->cert)
		return KD_ERR_FORMAT;
	memcpy(s->maker_kid, cert->kid, 8);
	if (parse_cert(cert->payload, cert->payload_n, &cc, s) || parse_claims(rep->payload, rep->payload_n, s))
		return KD_ERR_FORMAT;
	if (strcmp(cc.device_id, s->device_id) != 0 || strcmp(cc.hw_class, s->hw_class) != 0)
		return KD_ERR_FORMAT;
	return KD_OK;
}

int kd_status_parse(const uint8_t *buf, size_t len, struct kd_status *s)
{
	struct kd_cose rep, cert;
	return parse_all(buf, len, s, &rep, &cert);
}

int kd_status_verify(const struct kd_crypto *cr, const uint8_t *buf, size_t len, kd_key_lookup lookup, void *lctx,
		     uint8_t *work, size_t wlen, struct kd_status *s)
{
	struct kd_cose rep, cert;
	uint8_t maker_pub[32];
	int rc = parse_all(buf, len, s, &rep, &cert);
	if (rc)
		return rc;
	if (lookup(lctx, cert.kid, maker_pub) != 0)
		return KD_ERR_UNKNOWN_KEY;
	if ((rc = kd_cose_verify(cr, &cert, maker_pub, work, wlen)))
		return rc;
	return kd_cose_verify(cr, &rep, s->device_pub, work, wlen);
}
