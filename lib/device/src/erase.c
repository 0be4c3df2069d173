/* erase.c - user data and full erase (key point 18, chapter 3 rule 4).
 * User data is encrypted (XChaCha20-Poly1305) under a key kept in the KEYS
 * region; erasing destroys that key first - one record write after which
 * the data is unreadable - then wipes the data sectors and, if asked,
 * resets the password and the log. The key record carries a "pending"
 * mark until a new key is written, so an erase cut by power loss is
 * finished by the next kd_device_open() before anything reads the data.
 * Keys record: 0 format=1 | 1 pending | 2 flags | 4 generation u32 | 8 key[32]
 * Data sector: 0 "KDDT" | 4 generation u32 | 8 index u32 | 12 length u16
 *              14 zero u16 | 16 nonce[24] | 40 ciphertext + tag */
#include "kd_int.h"

#define KEYS_LEN 40
#define DATA_HDR 40

static int keys_save(struct kd_device *dev)
{
	uint8_t p[KEYS_LEN];
	memset(p, 0, sizeof p);
	p[0] = 1;
	p[1] = dev->keys.pending;
	p[2] = dev->keys.flags;
	kd_put32(p + 4, dev->keys.generation);
	memcpy(p + 8, dev->keys.key, 32);
	int rc = kd_rec_save(dev, &dev->keys_rec, p, sizeof p);
	kd_wipe(p, sizeof p);
	return rc;
}

static int new_key(struct kd_device *dev)
{
	struct kd_keys *k = &dev->keys;
	if (KD_CR(dev)->random(KD_CR(dev)->ctx, k->key, sizeof k->key))
		return KD_ERR_CRYPTO;
	k->generation++;
	k->pending = 0;
	k->flags = 0;
	return keys_save(dev);
}

int kd_keys_init(struct kd_device *dev)
{
	uint8_t p[KD_REC_MAX];
	size_t n;
	struct kd_keys *k = &dev->keys;
	int rc = kd_rec_load(dev, &dev->keys_rec, KD_REGION_KEYS, p, sizeof p, &n);
	memset(k, 0, sizeof *k);
	if (rc == KD_ERR_NOT_FOUND)
		return new_key(dev); /* first start */
	if (rc)
		return rc;
	if (n != KEYS_LEN || p[0] != 1 || p[1] > 1)
		return KD_ERR_FORMAT;
	k->pending = p[1];
	k->flags = p[2];
	k->generation = kd_get32(p + 4);
	memcpy(k->key, p + 8, 32);
	kd_wipe(p, sizeof p);
	return k->pending ? kd_erase_resume(dev) : KD_OK;
}

uint32_t kd_data_slots(const struct kd_device *dev)
{
	const struct kd_storage *st = KD_ST(dev);
	return st->size(st->ctx, KD_REGION_DATA) / st->sector_size;
}

int kd_data_put(struct kd_device *dev, uint32_t index, const uint8_t *p, size_t n, uint8_t *work, size_t wlen)
{
	const struct kd_storage *st = KD_ST(dev);
	uint8_t hdr[DATA_HDR];
	uint32_t off = index * st->sector_size;
	int rc;
	if (index >= kd_data_slots(dev) || n > st->sector_size - DATA_HDR - 16 || wlen < n + 16)
		return KD_ERR_TOO_LARGE;
	if (dev->keys.pending)
		return KD_ERR_STATE;
	memset(hdr, 0, sizeof hdr);
	memcpy(hdr, "KDDT", 4);
	kd_put32(hdr + 4, dev->keys.generation);
	kd_put32(hdr + 8, index);
	kd_put16(hdr + 12, (uint16_t)n);
	if (KD_CR(dev)->random(KD_CR(dev)->ctx, hdr + 16, 24) ||
	    KD_CR(dev)->aead_encrypt(KD_CR(dev)->ctx, work, p, n, hdr, 16, hdr + 16, dev->keys.key))
		return KD_ERR_CRYPTO;
	if ((rc = kd_erase_range(st, KD_REGION_DATA, off, st->sector_size)) ||
	    (rc = kd_write(st, KD_REGION_DATA, off, hdr, DATA_HDR)) ||
	    (rc = kd_write(st, KD_REGION_DATA, off + DATA_HDR, work, n + 16)))
		return rc;
	return KD_OK;
}

int kd_data_get(struct kd_device *dev, uint32_t index, uint8_t *buf, size_t cap, size_t *n_out, uint8_t *work,
		size_t wlen)
{
	const struct kd_storage *st = KD_ST(dev);
	uint8_t hdr[DATA_HDR];
	uint32_t off = index * st->sector_size;
	size_t n;
	if (index >= kd_data_slots(dev))
		return KD_ERR_ARG;
	if (dev->keys.pending)
		return KD_ERR_STATE;
	if (kd_read(st, KD_REGION_DATA, off, hdr, DATA_HDR))
		return KD_ERR_STORAGE;
	n = kd_get16(hdr + 12);
	if (memcmp(hdr, "KDDT", 4) != 0 || kd_get32(hdr + 4) != dev->keys.generation || kd_get32(hdr + 8) != index)
		return KD_ERR_NOT_FOUND;
	if (n > cap || n + 16 > wlen || n > st->sector_size - DATA_HDR - 16)
		return KD_ERR_SPACE;
	if (kd_read(st, KD_REGION_DATA, off + DATA_HDR, work, n + 16))
		return KD_ERR_STORAGE;
	if (KD_CR(dev)->aead_decrypt(KD_CR(dev)->ctx, buf, work, n + 16, hdr, 16, hdr + 16, dev->keys.key))
		return KD_ERR_TAMPERED;
	*n_out = n;
	return KD_OK;
}

int kd_erase(struct kd_device *dev, unsigned flags)
{
	uint8_t f = (uint8_t)((flags | KD_ERASE_DATA) & (KD_ERASE_DATA | KD_ERASE_CREDS | KD_ERASE_LOG));
	int rc;
	kd_log_append(dev, KD_CAT_SECURITY, KD_EV_ERASE_START, &f, 1);
	dev->keys.pending = 1;
	dev->keys.flags = f;
	kd_wipe(dev->keys.key, sizeof dev->keys.key);
	if ((rc = keys_save(dev))) /* the erase is decided once this record is whole */
		return rc;
	return kd_erase_resume(dev);
}

int kd_erase_resume(struct kd_device *dev)
{
	const struct kd_storage *st = KD_ST(dev);
	uint8_t f = dev->keys.flags;
	int rc;
	kd_wipe(dev->keys.key, sizeof dev->keys.key);
	if ((rc = kd_rec_purge_other(dev, &dev->keys_rec)) || /* the copy that still holds the old key */
	    (rc = kd_erase_range(st, KD_REGION_DATA, 0, st->size(st->ctx, KD_REGION_DATA))))
		return rc;
	if (f & KD_ERASE_CREDS) {
		if ((rc = kd_erase_range(st, KD_REGION_CRED, 0, st->size(st->ctx, KD_REGION_CRED))))
			return rc;
		kd_cred_defaults(dev);
		dev->cred_rec.cur = KD_NO_SLOT;
		dev->cred_rec.seq = 0;
	}
	if (f & KD_ERASE_LOG) {
		if ((rc = kd_erase_range(st, KD_REGION_LOG, 0, st->size(st->ctx, KD_REGION_LOG))) ||
		    (rc = kd_log_mount(dev)))
			return rc;
	}
	if ((rc = new_key(dev)))
		return rc;
	if (dev->log.head_seq == 0)
		kd_log_append(dev, KD_CAT_SECURITY, KD_EV_LOG_START, NULL, 0);
	return kd_log_append(dev, KD_CAT_SECURITY, KD_EV_ERASE_DONE, &f, 1);
}
