/* device.c - opening a device: the factory identity block, the boot state,
 * the password state, the event log and the user-data key, finishing an
 * erase that power loss interrupted. Identity block (768 bytes):
 *   0 "KDID" | 4 format u16 = 1 | 6 certificate length u16 | 8 device id[64]
 *  72 hw class[32] | 104 maker[32] | 136 end of support[12] ("YYYY-MM-DD" or
 *  empty) | 148 zero[12] | 160 device secret[32] | 192 status key seed[32]
 * 224 maker firmware key[32] | 256 certificate[320] | 576 zero[160]
 * 736 SHA-256 of bytes 0..735 */
#include "kd_int.h"

#define ID_SUM 736

int kd_identity_encode(const struct kd_crypto *cr, const struct kd_identity *id, uint8_t out[KD_IDENTITY_SIZE])
{
	int64_t days;
	memset(out, 0, KD_IDENTITY_SIZE);
	if (id->cert_len > KD_CERT_MAX || !id->device_id[0] || !id->hw_class[0])
		return KD_ERR_ARG;
	if (id->end_of_support[0] && !kd_date_parse(id->end_of_support, strlen(id->end_of_support), &days))
		return KD_ERR_ARG;
	memcpy(out, "KDID", 4);
	kd_put16(out + 4, 1);
	kd_put16(out + 6, id->cert_len);
	if (!kd_text_put(out + 8, KD_ID_MAX, id->device_id) || !kd_text_put(out + 72, KD_CLASS_MAX, id->hw_class) ||
	    !kd_text_put(out + 104, KD_MAKER_MAX, id->maker) || !kd_text_put(out + 136, 12, id->end_of_support))
		return KD_ERR_ARG;
	memcpy(out + 160, id->secret, 32);
	memcpy(out + 192, id->sign_seed, 32);
	memcpy(out + 224, id->maker_pub, 32);
	memcpy(out + 256, id->cert, id->cert_len);
	return kd_sha256(cr, out, ID_SUM, out + ID_SUM);
}

int kd_identity_parse(const struct kd_crypto *cr, const uint8_t in[KD_IDENTITY_SIZE], struct kd_identity *id)
{
	uint8_t sum[32];
	int64_t days;
	memset(id, 0, sizeof *id);
	if (kd_sha256(cr, in, ID_SUM, sum))
		return KD_ERR_CRYPTO;
	if (memcmp(in, "KDID", 4) != 0 || kd_get16(in + 4) != 1 || kd_ct_compare(sum, in + ID_SUM, 32) != 0)
		return KD_ERR_FORMAT;
	id->cert_len = kd_get16(in + 6);
	if (id->cert_len > KD_CERT_MAX || !kd_text_field(in + 8, KD_ID_MAX, id->device_id, false) ||
	    !kd_text_field(in + 72, KD_CLASS_MAX, id->hw_class, false) ||
	    !kd_text_field(in + 104, KD_MAKER_MAX, id->maker, true) ||
	    !kd_text_field(in + 136, 12, id->end_of_support, true) || !kd_all(in + 148, 12, 0))
		return KD_ERR_FORMAT;
	if (id->end_of_support[0] && !kd_date_parse(id->end_of_support, strlen(id->end_of_support), &days))
		return KD_ERR_FORMAT;
	memcpy(id->secret, in + 160, 32);
	memcpy(id->sign_seed, in + 192, 32);
	memcpy(id->maker_pub, in + 224, 32);
	memcpy(id->cert, in + 256, id->cert_len);
	return KD_OK;
}

/* The regions must exist, be sector multiples, and the double-buffered and
 * ring regions need at least two sectors. */
static int check_layout(const struct kd_storage *st)
{
	uint32_t sec = st->sector_size;
	if (sec < 256 || (sec & (sec - 1)) != 0)
		return KD_ERR_ARG;
	for (int r = 0; r < KD_REGION_COUNT; r++) {
		uint32_t sz = st->size(st->ctx, (enum kd_region)r);
		if (sz == 0 || sz % sec != 0)
			return KD_ERR_ARG;
		if ((r == KD_REGION_BOOT || r == KD_REGION_CRED || r == KD_REGION_KEYS || r == KD_REGION_LOG) &&
		    sz < 2 * sec)
			return KD_ERR_ARG;
	}
	if (st->size(st->ctx, KD_REGION_IDENTITY) < KD_IDENTITY_SIZE ||
	    st->size(st->ctx, KD_REGION_SLOT_A) != st->size(st->ctx, KD_REGION_SLOT_B) ||
	    st->size(st->ctx, KD_REGION_SLOT_A) <= KD_MANIFEST_SIZE)
		return KD_ERR_ARG;
	return KD_OK;
}

static int load_identity(struct kd_device *dev)
{
	uint8_t blk[KD_IDENTITY_SIZE];
	int rc = kd_read(KD_ST(dev), KD_REGION_IDENTITY, 0, blk, sizeof blk);
	if (!rc)
		rc = kd_identity_parse(KD_CR(dev), blk, &dev->id);
	kd_wipe(blk, sizeof blk);
	return rc;
}

/* Boot state record: version, active, pending, attempts, min counter,
 * boot count, update status (state, reason, version, time). */
static void boot_encode(const struct kd_boot_state *b, uint8_t p[48])
{
	memset(p, 0, 48);
	p[0] = 1;
	p[1] = b->active;
	p[2] = b->pending;
	p[3] = b->attempts;
	kd_put32(p + 4, b->min_counter);
	kd_put32(p + 8, b->boot_count);
	p[12] = b->status.state;
	p[13] = b->status.reason;
	kd_text_put(p + 16, KD_VERSION_MAX, b->status.version);
	kd_put64(p + 40, b->status.time);
}

static int boot_load(struct kd_device *dev)
{
	uint8_t p[KD_REC_MAX];
	size_t n;
	struct kd_boot_state *b = &dev->boot;
	int rc = kd_rec_load(dev, &dev->boot_rec, KD_REGION_BOOT, p, sizeof p, &n);
	memset(b, 0, sizeof *b);
	b->pending = KD_NO_SLOT;
	if (rc == KD_ERR_NOT_FOUND)
		return KD_OK; /* first start */
	if (rc)
		return rc;
	if (n != 48 || p[0] != 1 || p[1] > 1 || (p[2] > 1 && p[2] != KD_NO_SLOT) || p[12] > KD_UPD_PENDING ||
	    p[13] >= KD_RSN_COUNT || !kd_text_field(p + 16, KD_VERSION_MAX, b->status.version, true))
		return KD_ERR_FORMAT;
	b->active = p[1];
	b->pending = p[2];
	b->attempts = p[3];
	b->min_counter = kd_get32(p + 4);
	b->boot_count = kd_get32(p + 8);
	b->status.state = p[12];
	b->status.reason = p[13];
	b->status.time = kd_get64(p + 40);
	return KD_OK;
}

int kd_boot_save(struct kd_device *dev)
{
	uint8_t p[48];
	boot_encode(&dev->boot, p);
	return kd_rec_save(dev, &dev->boot_rec, p, sizeof p);
}

void kd_status_set(struct kd_device *dev, uint8_t state, uint8_t reason, const char *version)
{
	struct kd_update_status *s = &dev->boot.status;
	s->state = state;
	s->reason = reason;
	s->time = kd_now(dev);
	if (version) {
		size_t n = strlen(version);
		n = n > KD_VERSION_MAX ? KD_VERSION_MAX : n;
		memcpy(s->version, version, n);
		s->version[n] = '\0';
	}
}

int kd_device_open(struct kd_device *dev, const struct kd_config *cfg)
{
	int rc;
	memset(dev, 0, sizeof *dev);
	if (!cfg || !cfg->storage || !cfg->crypto)
		return KD_ERR_ARG;
	dev->cfg = *cfg;
	dev->running_slot = KD_NO_SLOT;
	if ((rc = check_layout(cfg->storage)) || (rc = load_identity(dev)) || (rc = boot_load(dev)) ||
	    (rc = kd_cred_load(dev)) || (rc = kd_log_mount(dev)) || (rc = kd_keys_init(dev)))
		return rc;
	if (dev->log.head_seq == 0)
		rc = kd_log_append(dev, KD_CAT_SECURITY, KD_EV_LOG_START, NULL, 0);
	return rc;
}

void kd_device_close(struct kd_device *dev)
{
	kd_wipe(dev, sizeof *dev);
}

const struct kd_update_status *kd_update_status(const struct kd_device *dev)
{
	return &dev->boot.status;
}
