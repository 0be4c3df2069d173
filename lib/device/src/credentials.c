/* credentials.c - the device password (key points 4, 15, 16): a default
 * derived per unit from the device secret and printed on the label; every
 * function stays locked until it is changed; the new one must pass the
 * strength check and is stored as an Argon2id hash; failed logins are
 * counted in flash before the check, and after lock_after failures each
 * further failure locks logins for a doubling delay.
 * Record: 0 format=1 | 1 changed | 4 fails u32 | 8 locked until u64
 *        16 ops u32 | 20 mem KiB u32 | 24 salt[16] | 40 hash[32] */
#include "kd_int.h"

#define CRED_LEN 72
#define LABEL_ALPHABET "23456789ABCDEFGHJKLMNPQRSTUVWXYZ" /* 32 symbols, no 0/O, 1/I */

int kd_label_password(const struct kd_crypto *cr, const uint8_t secret[32], const char *device_id, char *out,
		      size_t outsz)
{
	static const char ctx[] = "koban-device label password v1";
	uint8_t msg[sizeof ctx + KD_ID_MAX], mac[32];
	size_t idn = strlen(device_id);
	if (outsz < KD_LABEL_PW_LEN + 1 || idn == 0 || idn > KD_ID_MAX)
		return KD_ERR_ARG;
	memcpy(msg, ctx, sizeof ctx); /* includes the NUL separator */
	memcpy(msg + sizeof ctx, device_id, idn);
	if (cr->hmac_sha256(cr->ctx, secret, 32, msg, sizeof ctx + idn, mac))
		return KD_ERR_CRYPTO;
	uint64_t v = kd_get64(mac);
	for (int i = 0, o = 0; i < 12; i++, v >>= 5) {
		if (i == 4 || i == 8)
			out[o++] = '-';
		out[o++] = LABEL_ALPHABET[v & 31];
	}
	out[KD_LABEL_PW_LEN] = '\0';
	kd_wipe(mac, sizeof mac);
	return KD_OK;
}

void kd_cred_defaults(struct kd_device *dev)
{
	memset(&dev->cred, 0, sizeof dev->cred);
}

int kd_cred_load(struct kd_device *dev)
{
	uint8_t p[KD_REC_MAX];
	size_t n;
	struct kd_cred_state *c = &dev->cred;
	int rc = kd_rec_load(dev, &dev->cred_rec, KD_REGION_CRED, p, sizeof p, &n);
	kd_cred_defaults(dev);
	if (rc == KD_ERR_NOT_FOUND)
		return KD_OK;
	if (rc)
		return rc;
	if (n != CRED_LEN || p[0] != 1 || p[1] > 1)
		return KD_ERR_FORMAT;
	c->changed = p[1];
	c->fails = kd_get32(p + 4);
	c->locked_until = kd_get64(p + 8);
	c->ops = kd_get32(p + 16);
	c->mem_kib = kd_get32(p + 20);
	memcpy(c->salt, p + 24, 16);
	memcpy(c->hash, p + 40, 32);
	kd_wipe(p, sizeof p);
	return KD_OK;
}

static int cred_save(struct kd_device *dev)
{
	uint8_t p[CRED_LEN];
	const struct kd_cred_state *c = &dev->cred;
	memset(p, 0, sizeof p);
	p[0] = 1;
	p[1] = c->changed;
	kd_put32(p + 4, c->fails);
	kd_put64(p + 8, c->locked_until);
	kd_put32(p + 16, c->ops);
	kd_put32(p + 20, c->mem_kib);
	memcpy(p + 24, c->salt, 16);
	memcpy(p + 40, c->hash, 32);
	int rc = kd_rec_save(dev, &dev->cred_rec, p, sizeof p);
	kd_wipe(p, sizeof p);
	return rc;
}

bool kd_cred_is_default(const struct kd_device *dev)
{
	return !dev->cred.changed;
}

int kd_cred_require_changed(const struct kd_device *dev)
{
	return dev->cred.changed ? KD_OK : KD_ERR_DEFAULT_PASSWORD;
}

/* Does pw match the current password? 1 yes, 0 no, <0 error. */
static int matches(struct kd_device *dev, const char *pw, size_t len)
{
	const struct kd_cred_state *c = &dev->cred;
	uint8_t h[32];
	char label[KD_LABEL_PW_LEN + 1];
	int rc;
	if (!c->changed) {
		if ((rc = kd_label_password(KD_CR(dev), dev->id.secret, dev->id.device_id, label, sizeof label)))
			return rc;
		rc = len == KD_LABEL_PW_LEN && kd_ct_compare(label, pw, len) == 0;
		kd_wipe(label, sizeof label);
		return rc;
	}
	if (KD_CR(dev)->pwhash(KD_CR(dev)->ctx, h, pw, len, c->salt, c->ops, c->mem_kib))
		return KD_ERR_CRYPTO;
	rc = kd_ct_compare(h, c->hash, 32) == 0;
	kd_wipe(h, sizeof h);
	return rc;
}

static uint32_t lock_delay(const struct kd_device *dev, uint32_t fails)
{
	uint32_t after = dev->cfg.lock_after ? dev->cfg.lock_after : 5;
	uint64_t base = dev->cfg.lock_base_s ? dev->cfg.lock_base_s : 30;
	uint64_t cap = dev->cfg.lock_max_s ? dev->cfg.lock_max_s : 3600;
	if (fails < after)
		return 0;
	uint32_t shift = fails - after > 20 ? 20 : fails - after;
	uint64_t d = base << shift;
	return (uint32_t)(d > cap ? cap : d);
}

int kd_cred_login(struct kd_device *dev, const char *pw, size_t len, uint32_t *retry_after)
{
	struct kd_cred_state *c = &dev->cred;
	uint64_t now = kd_now(dev);
	uint32_t dummy;
	int rc;
	retry_after = retry_after ? retry_after : &dummy;
	*retry_after = 0;
	if (c->locked_until > now) {
		*retry_after = (uint32_t)(c->locked_until - now);
		return KD_ERR_LOCKED;
	}
	c->fails++; /* counted before the check: cutting power cannot undo it */
	if ((rc = cred_save(dev)))
		return rc;
	if ((rc = matches(dev, pw, len)) < 0)
		return rc;
	if (rc == 1) {
		c->fails = 0;
		c->locked_until = 0;
		if ((rc = cred_save(dev)))
			return rc;
		kd_log_append(dev, KD_CAT_SECURITY, KD_EV_LOGIN_OK, NULL, 0);
		return c->changed ? KD_OK : KD_ERR_DEFAULT_PASSWORD;
	}
	uint8_t p[4];
	kd_put32(p, c->fails);
	kd_log_append(dev, KD_CAT_SECURITY, KD_EV_LOGIN_FAIL, p, sizeof p);
	if ((*retry_after = lock_delay(dev, c->fails)) > 0) {
		c->locked_until = now + *retry_after;
		if ((rc = cred_save(dev)))
			return rc;
		kd_log_append(dev, KD_CAT_SECURITY, KD_EV_LOCKOUT, p, sizeof p);
	}
	return KD_ERR_AUTH;
}

int kd_cred_change(struct kd_device *dev, const char *old_pw, size_t oldlen, const char *new_pw, size_t newlen,
		   const char *list, size_t listlen, int *verdict)
{
	struct kd_cred_state *c = &dev->cred;
	char label[KD_LABEL_PW_LEN + 1];
	int dummy, rc = kd_cred_login(dev, old_pw, oldlen, NULL);
	verdict = verdict ? verdict : &dummy;
	*verdict = KD_PW_OK;
	if (rc != KD_OK && rc != KD_ERR_DEFAULT_PASSWORD)
		return rc;
	if ((rc = kd_label_password(KD_CR(dev), dev->id.secret, dev->id.device_id, label, sizeof label)))
		return rc;
	*verdict = kd_password_check(new_pw, newlen, list, listlen, NULL, dev->id.device_id, label);
	kd_wipe(label, sizeof label);
	if (*verdict != KD_PW_OK) {
		uint8_t v = (uint8_t)*verdict;
		kd_log_append(dev, KD_CAT_SECURITY, KD_EV_PASSWORD_REFUSED, &v, 1);
		return KD_ERR_WEAK;
	}
	c->ops = dev->cfg.pw_ops ? dev->cfg.pw_ops : 3;
	c->mem_kib = dev->cfg.pw_mem_kib ? dev->cfg.pw_mem_kib : 256;
	if (KD_CR(dev)->random(KD_CR(dev)->ctx, c->salt, sizeof c->salt) ||
	    KD_CR(dev)->pwhash(KD_CR(dev)->ctx, c->hash, new_pw, newlen, c->salt, c->ops, c->mem_kib))
		return KD_ERR_CRYPTO;
	c->changed = 1;
	if ((rc = cred_save(dev)))
		return rc;
	return kd_log_append(dev, KD_CAT_SECURITY, KD_EV_PASSWORD_CHANGED, NULL, 0);
}
