/* update.c - signed A/B updates with a trial boot. An update is written to
 * the slot that is not the confirmed one, verified (signature before
 * anything is erased, payload hash while receiving, the whole image again
 * from flash), then armed for one trial boot. The trial image must call
 * kd_update_confirm(); if the device restarts before that, kd_boot() rolls
 * back to the confirmed image. The anti-rollback floor rises only on
 * confirmation. Every outcome lands in the update status and the log. */
#include "kd_int.h"

static enum kd_region slot_region(uint8_t slot)
{
	return slot ? KD_REGION_SLOT_B : KD_REGION_SLOT_A;
}

static uint8_t reason_of(int rc)
{
	switch (rc) {
	case KD_ERR_FORMAT: return KD_RSN_BAD_MANIFEST;
	case KD_ERR_SIGNATURE: return KD_RSN_BAD_SIGNATURE;
	case KD_ERR_UNKNOWN_KEY: return KD_RSN_UNKNOWN_KEY;
	case KD_ERR_WRONG_DEVICE: return KD_RSN_WRONG_DEVICE;
	case KD_ERR_ROLLBACK: return KD_RSN_ROLLBACK;
	case KD_ERR_TOO_LARGE: return KD_RSN_TOO_LARGE;
	case KD_ERR_HASH: return KD_RSN_HASH_MISMATCH;
	default: return KD_RSN_STORAGE;
	}
}

/* Log payload of update events: reason, slot, counter, version text. */
static void log_update(struct kd_device *dev, uint8_t cat, uint16_t code, uint8_t reason, uint8_t slot,
		       const struct kd_manifest *m)
{
	uint8_t p[6 + KD_VERSION_MAX];
	size_t vn = m ? strlen(m->version) : 0;
	p[0] = reason;
	p[1] = slot;
	kd_put32(p + 2, m ? m->security_counter : 0);
	if (vn)
		memcpy(p + 6, m->version, vn);
	kd_log_append(dev, cat, code, p, 6 + vn);
}

/* Checks a verified manifest against this device: class, counter, size. */
static int check_fit(const struct kd_device *dev, const struct kd_manifest *m)
{
	const struct kd_storage *st = KD_ST(dev);
	if (strcmp(m->hw_class, dev->id.hw_class) != 0)
		return KD_ERR_WRONG_DEVICE;
	if (m->security_counter < dev->boot.min_counter)
		return KD_ERR_ROLLBACK;
	if (m->payload_size > st->size(st->ctx, KD_REGION_SLOT_A) - KD_MANIFEST_SIZE)
		return KD_ERR_TOO_LARGE;
	return KD_OK;
}

int kd_slot_verify(struct kd_device *dev, uint8_t slot, uint8_t *work, size_t wlen, struct kd_manifest *m)
{
	uint8_t raw[KD_MANIFEST_SIZE], h[32];
	enum kd_region r = slot_region(slot);
	int rc;
	if (slot > 1 || !work || wlen == 0)
		return KD_ERR_ARG;
	if ((rc = kd_read(KD_ST(dev), r, 0, raw, sizeof raw)))
		return rc;
	if ((rc = kd_manifest_verify(KD_CR(dev), raw, sizeof raw, dev->id.maker_pub, m)) || (rc = check_fit(dev, m)))
		return rc;
	rc = kd_sha256_region(KD_CR(dev), KD_ST(dev), r, KD_MANIFEST_SIZE, m->payload_size, work, wlen, h);
	if (rc)
		return rc;
	return kd_ct_compare(h, m->payload_hash, 32) == 0 ? KD_OK : KD_ERR_HASH;
}

/* Runs `slot` (verified): records the boot; a confirmed image lifts the
 * anti-rollback floor to its counter. */
static int run_slot(struct kd_device *dev, uint8_t slot, bool trial, const struct kd_manifest *m)
{
	if (!trial && m->security_counter > dev->boot.min_counter)
		dev->boot.min_counter = m->security_counter; /* e.g. the factory image */
	int rc = kd_boot_save(dev);
	if (rc)
		return rc;
	dev->running_slot = slot;
	dev->trial = trial;
	dev->running = *m;
	log_update(dev, KD_CAT_RELIABILITY, KD_EV_BOOT, trial, slot, m);
	return KD_OK;
}

/* A pending trial: start it (first boot) or roll it back (a restart
 * without confirmation). Returns 1 when the trial image was started. */
static int boot_pending(struct kd_device *dev, uint8_t *work, size_t wlen)
{
	struct kd_manifest m;
	uint8_t slot = dev->boot.pending;
	if (dev->boot.attempts == 0) {
		int rc = kd_slot_verify(dev, slot, work, wlen, &m);
		if (rc == KD_OK) {
			dev->boot.attempts = 1;
			return run_slot(dev, slot, true, &m) == KD_OK ? 1 : KD_ERR_STORAGE;
		}
		kd_status_set(dev, KD_UPD_FAILED, reason_of(rc), NULL);
		log_update(dev, KD_CAT_SAFETY, KD_EV_IMAGE_INVALID, reason_of(rc), slot, NULL);
	} else {
		kd_status_set(dev, KD_UPD_FAILED, KD_RSN_NOT_CONFIRMED, NULL);
		log_update(dev, KD_CAT_SAFETY, KD_EV_ROLLBACK, KD_RSN_NOT_CONFIRMED, slot, NULL);
	}
	dev->boot.pending = KD_NO_SLOT;
	dev->boot.attempts = 0;
	return 0;
}

int kd_boot(struct kd_device *dev, uint8_t *work, size_t wlen)
{
	struct kd_manifest m;
	int rc;
	if (dev->updating)
		return KD_ERR_STATE;
	dev->boot.boot_count++;
	if (dev->boot.pending != KD_NO_SLOT && (rc = boot_pending(dev, work, wlen)) != 0)
		return rc < 0 ? rc : KD_OK;
	uint8_t act = dev->boot.active;
	if ((rc = kd_slot_verify(dev, act, work, wlen, &m)) == KD_OK)
		return run_slot(dev, act, false, &m);
	if (rc == KD_ERR_STORAGE)
		return rc;
	log_update(dev, KD_CAT_SAFETY, KD_EV_IMAGE_INVALID, reason_of(rc), act, NULL);
	if ((rc = kd_slot_verify(dev, (uint8_t)!act, work, wlen, &m)) == KD_OK) {
		dev->boot.active = (uint8_t)!act;
		log_update(dev, KD_CAT_SAFETY, KD_EV_ROLLBACK, KD_RSN_HASH_MISMATCH, dev->boot.active, &m);
		return run_slot(dev, dev->boot.active, false, &m);
	}
	log_update(dev, KD_CAT_SAFETY, KD_EV_NO_IMAGE, reason_of(rc), KD_NO_SLOT, NULL);
	kd_boot_save(dev);
	return KD_ERR_NO_IMAGE;
}

/* Verifies an offered manifest against the device; records a refusal. */
static int check_offer(struct kd_device *dev, const uint8_t *manifest, size_t len, struct kd_manifest *m)
{
	int rc;
	if (dev->updating || dev->trial || dev->boot.pending != KD_NO_SLOT)
		return KD_ERR_STATE;
	rc = kd_manifest_verify(KD_CR(dev), manifest, len, dev->id.maker_pub, m);
	if (!rc)
		rc = check_fit(dev, m);
	if (rc) {
		kd_status_set(dev, KD_UPD_FAILED, reason_of(rc), m->version);
		kd_boot_save(dev);
		log_update(dev, KD_CAT_SECURITY, KD_EV_UPDATE_REFUSED, reason_of(rc), KD_NO_SLOT, m);
	}
	return rc;
}

int kd_update_begin(struct kd_device *dev, const uint8_t *manifest, size_t len)
{
	struct kd_update *u = &dev->upd;
	const struct kd_storage *st = KD_ST(dev);
	int rc = check_offer(dev, manifest, len, &u->m);
	if (rc)
		return rc;
	u->active = dev->boot.active;
	u->slot = (uint8_t)!u->active;
	u->written = 0;
	memcpy(u->raw, manifest, KD_MANIFEST_SIZE);
	/* until finish: a power loss leaves "failed: interrupted" */
	kd_status_set(dev, KD_UPD_FAILED, KD_RSN_INTERRUPTED, u->m.version);
	if ((rc = kd_boot_save(dev)))
		return rc;
	uint32_t need = KD_MANIFEST_SIZE + u->m.payload_size;
	need = (need + st->sector_size - 1) / st->sector_size * st->sector_size;
	if ((rc = kd_erase_range(st, slot_region(u->slot), 0, need)))
		return rc;
	if (KD_CR(dev)->sha256_init(KD_CR(dev)->ctx, &u->hs))
		return KD_ERR_CRYPTO;
	dev->updating = true;
	return KD_OK;
}

int kd_update_write(struct kd_device *dev, const uint8_t *p, size_t n)
{
	struct kd_update *u = &dev->upd;
	if (!dev->updating)
		return KD_ERR_STATE;
	if (n > u->m.payload_size - u->written) {
		kd_update_abort(dev, KD_RSN_TOO_LARGE);
		return KD_ERR_TOO_LARGE;
	}
	if (kd_write(KD_ST(dev), slot_region(u->slot), KD_MANIFEST_SIZE + u->written, p, n)) {
		dev->updating = false; /* the storage is gone: nothing more to record */
		return KD_ERR_STORAGE;
	}
	if (KD_CR(dev)->sha256_update(KD_CR(dev)->ctx, &u->hs, p, n))
		return KD_ERR_CRYPTO;
	u->written += (uint32_t)n;
	return KD_OK;
}

void kd_update_abort(struct kd_device *dev, int reason)
{
	dev->updating = false;
	kd_status_set(dev, KD_UPD_FAILED, (uint8_t)reason, dev->upd.m.version);
	kd_boot_save(dev);
	log_update(dev, KD_CAT_RELIABILITY, KD_EV_UPDATE_REFUSED, (uint8_t)reason, dev->upd.slot, &dev->upd.m);
}

int kd_update_finish(struct kd_device *dev, uint8_t *work, size_t wlen)
{
	struct kd_update *u = &dev->upd;
	struct kd_manifest check;
	uint8_t h[32];
	int rc;
	if (!dev->updating)
		return KD_ERR_STATE;
	if (u->written != u->m.payload_size) {
		kd_update_abort(dev, KD_RSN_INTERRUPTED);
		return KD_ERR_FORMAT;
	}
	if (KD_CR(dev)->sha256_final(KD_CR(dev)->ctx, &u->hs, h))
		return KD_ERR_CRYPTO;
	if (kd_ct_compare(h, u->m.payload_hash, 32) != 0) {
		kd_update_abort(dev, KD_RSN_HASH_MISMATCH);
		return KD_ERR_HASH;
	}
	if ((rc = kd_write(KD_ST(dev), slot_region(u->slot), 0, u->raw, KD_MANIFEST_SIZE)))
		return dev->updating = false, rc;
	if ((rc = kd_slot_verify(dev, u->slot, work, wlen, &check))) {
		kd_update_abort(dev, reason_of(rc));
		return rc;
	}
	dev->updating = false;
	dev->boot.pending = u->slot;
	dev->boot.attempts = 0;
	kd_status_set(dev, KD_UPD_PENDING, KD_RSN_NONE, u->m.version);
	if ((rc = kd_boot_save(dev)))
		return rc;
	log_update(dev, KD_CAT_RELIABILITY, KD_EV_UPDATE_INSTALLED, 0, u->slot, &u->m);
	return KD_OK;
}

int kd_update_confirm(struct kd_device *dev)
{
	if (!dev->trial || dev->boot.pending != dev->running_slot)
		return KD_ERR_STATE;
	dev->boot.active = dev->running_slot;
	dev->boot.pending = KD_NO_SLOT;
	dev->boot.attempts = 0;
	if (dev->running.security_counter > dev->boot.min_counter)
		dev->boot.min_counter = dev->running.security_counter;
	kd_status_set(dev, KD_UPD_SUCCESS, KD_RSN_NONE, dev->running.version);
	int rc = kd_boot_save(dev);
	if (rc)
		return rc;
	dev->trial = false;
	log_update(dev, KD_CAT_RELIABILITY, KD_EV_UPDATE_CONFIRMED, 0, dev->running_slot, &dev->running);
	return KD_OK;
}

int kd_update_reject(struct kd_device *dev)
{
	if (!dev->trial || dev->boot.pending != dev->running_slot)
		return KD_ERR_STATE;
	dev->boot.pending = KD_NO_SLOT;
	dev->boot.attempts = 0;
	kd_status_set(dev, KD_UPD_FAILED, KD_RSN_REJECTED, dev->running.version);
	int rc = kd_boot_save(dev);
	if (rc)
		return rc;
	dev->trial = false;
	log_update(dev, KD_CAT_SAFETY, KD_EV_ROLLBACK, KD_RSN_REJECTED, dev->running_slot, &dev->running);
	return KD_OK;
}

int kd_update_defer(struct kd_device *dev, const uint8_t *manifest, size_t len)
{
	struct kd_manifest m;
	int rc = check_offer(dev, manifest, len, &m);
	if (rc)
		return rc;
	kd_status_set(dev, KD_UPD_NOT_APPLIED, KD_RSN_DEFERRED, m.version);
	if ((rc = kd_boot_save(dev)))
		return rc;
	log_update(dev, KD_CAT_RELIABILITY, KD_EV_UPDATE_DEFERRED, KD_RSN_DEFERRED, KD_NO_SLOT, &m);
	return KD_OK;
}

const char *kd_update_state_str(int state)
{
	static const char *const s[] = { "none", "success", "failed", "not-applied", "pending" };
	return state >= 0 && state <= KD_UPD_PENDING ? s[state] : "unknown";
}

const char *kd_update_reason_str(int reason)
{
	static const char *const s[] = {
		"none", "bad-manifest", "bad-signature", "unknown-key", "wrong-device", "rollback", "too-large",
		"hash-mismatch", "storage", "interrupted", "not-confirmed", "rejected", "download", "deferred",
	};
	return reason >= 0 && reason < KD_RSN_COUNT ? s[reason] : "unknown";
}
