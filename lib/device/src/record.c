/* record.c - double-buffered records: a region split in two halves, each
 * holding one copy [magic "KDRC" | seq u32 | len u16 | 0 u16 | payload |
 * SHA-256 of all before]. The valid copy with the higher seq is current.
 * A save erases and writes the other half, so the current copy survives
 * power loss at any step of the save. */
#include "kd_int.h"

#define REC_HDR 12

static uint32_t half_size(const struct kd_device *dev, enum kd_region r)
{
	const struct kd_storage *st = KD_ST(dev);
	uint32_t sectors = st->size(st->ctx, r) / st->sector_size;
	return sectors / 2 * st->sector_size;
}

/* Checks the copy in half h: KD_OK with seq/len set, or an error. */
static int check_half(const struct kd_device *dev, enum kd_region r, uint8_t h, uint32_t *seq, size_t *len,
		      uint8_t *payload, size_t cap)
{
	uint8_t hdr[REC_HDR], sum[32], want[32], tmp[KD_REC_MAX];
	uint32_t base = h * half_size(dev, r);
	kd_hash_state hs;
	const struct kd_crypto *cr = KD_CR(dev);
	if (kd_read(KD_ST(dev), r, base, hdr, REC_HDR))
		return KD_ERR_STORAGE;
	size_t n = kd_get16(hdr + 8);
	if (memcmp(hdr, "KDRC", 4) != 0 || n > KD_REC_MAX || n > cap || kd_get16(hdr + 10) != 0)
		return KD_ERR_NOT_FOUND;
	if (kd_read(KD_ST(dev), r, base + REC_HDR, tmp, n) || kd_read(KD_ST(dev), r, base + REC_HDR + n, want, 32))
		return KD_ERR_STORAGE;
	if (cr->sha256_init(cr->ctx, &hs) || cr->sha256_update(cr->ctx, &hs, hdr, REC_HDR) ||
	    cr->sha256_update(cr->ctx, &hs, tmp, n) || cr->sha256_final(cr->ctx, &hs, sum))
		return KD_ERR_CRYPTO;
	if (kd_ct_compare(sum, want, 32) != 0)
		return KD_ERR_NOT_FOUND;
	*seq = kd_get32(hdr + 4);
	*len = n;
	if (payload)
		memcpy(payload, tmp, n);
	kd_wipe(tmp, sizeof tmp);
	return KD_OK;
}

int kd_rec_load(const struct kd_device *dev, struct kd_rec *rec, enum kd_region r, uint8_t *buf, size_t cap,
		size_t *len)
{
	uint32_t seq[2];
	size_t n[2];
	int rc[2];
	rec->region = (uint8_t)r;
	rec->cur = KD_NO_SLOT;
	rec->seq = 0;
	if (half_size(dev, r) < REC_HDR + KD_REC_MAX + 32)
		return KD_ERR_ARG;
	for (uint8_t h = 0; h < 2; h++) {
		rc[h] = check_half(dev, r, h, &seq[h], &n[h], NULL, cap);
		if (rc[h] == KD_ERR_STORAGE || rc[h] == KD_ERR_CRYPTO)
			return rc[h];
	}
	if (rc[0] && rc[1])
		return KD_ERR_NOT_FOUND;
	uint8_t best = rc[0] ? 1 : rc[1] ? 0 : (seq[1] > seq[0] ? 1 : 0);
	int r2 = check_half(dev, r, best, &rec->seq, len, buf, cap);
	if (r2 == KD_OK)
		rec->cur = best;
	return r2;
}

int kd_rec_save(const struct kd_device *dev, struct kd_rec *rec, const uint8_t *buf, size_t len)
{
	uint8_t hdr[REC_HDR], sum[32];
	enum kd_region r = (enum kd_region)rec->region;
	uint8_t h = rec->cur == 0 ? 1 : 0;
	uint32_t hs_size = half_size(dev, r), base = h * hs_size;
	kd_hash_state hs;
	const struct kd_crypto *cr = KD_CR(dev);
	if (len > KD_REC_MAX)
		return KD_ERR_ARG;
	memcpy(hdr, "KDRC", 4);
	kd_put32(hdr + 4, rec->seq + 1);
	kd_put16(hdr + 8, (uint16_t)len);
	kd_put16(hdr + 10, 0);
	if (cr->sha256_init(cr->ctx, &hs) || cr->sha256_update(cr->ctx, &hs, hdr, REC_HDR) ||
	    cr->sha256_update(cr->ctx, &hs, buf, len) || cr->sha256_final(cr->ctx, &hs, sum))
		return KD_ERR_CRYPTO;
	int rc = kd_erase_range(KD_ST(dev), r, base, hs_size);
	if (!rc)
		rc = kd_write(KD_ST(dev), r, base, hdr, REC_HDR);
	if (!rc)
		rc = kd_write(KD_ST(dev), r, base + REC_HDR, buf, len);
	if (!rc)
		rc = kd_write(KD_ST(dev), r, base + REC_HDR + (uint32_t)len, sum, 32);
	if (rc)
		return rc;
	rec->cur = h;
	rec->seq++;
	return KD_OK;
}

int kd_rec_purge_other(const struct kd_device *dev, const struct kd_rec *rec)
{
	enum kd_region r = (enum kd_region)rec->region;
	uint32_t hs_size = half_size(dev, r);
	uint8_t other = rec->cur == 0 ? 1 : 0;
	if (rec->cur == KD_NO_SLOT) /* no current copy: purge both */
		return kd_erase_range(KD_ST(dev), r, 0, 2 * hs_size);
	return kd_erase_range(KD_ST(dev), r, other * hs_size, hs_size);
}
