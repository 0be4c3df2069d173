/* provision.c - factory provisioning on the host: generates the unit's
 * secrets, has the maker key certify the status key, writes the identity
 * block and the first (verified) image into slot A. */
#include <string.h>

#include "kd_backend.h"

static int write_image(const struct kd_storage *st, const struct kd_crypto *cr, const struct kd_identity *id,
		       const uint8_t *image, size_t len)
{
	struct kd_manifest m;
	int rc = kd_image_verify_buf(cr, image, len, id->maker_pub, &m);
	if (rc)
		return rc;
	if (strcmp(m.hw_class, id->hw_class) != 0)
		return KD_ERR_WRONG_DEVICE;
	if (len > st->size(st->ctx, KD_REGION_SLOT_A))
		return KD_ERR_TOO_LARGE;
	for (uint32_t o = 0; o < st->size(st->ctx, KD_REGION_SLOT_A); o += st->sector_size)
		if (st->erase(st->ctx, KD_REGION_SLOT_A, o, st->sector_size))
			return KD_ERR_STORAGE;
	return st->write(st->ctx, KD_REGION_SLOT_A, 0, image, len) ? KD_ERR_STORAGE : KD_OK;
}

static int copy_text(char *dst, size_t cap, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n >= cap)
		return KD_ERR_ARG;
	memcpy(dst, s ? s : "", n);
	dst[n] = '\0';
	return KD_OK;
}

int kd_provision(const struct kd_storage *st, const struct kd_crypto *cr, const uint8_t maker_seed[32],
		 const struct kd_provision *p, const uint8_t *image, size_t len, struct kd_identity *id_out)
{
	struct kd_identity id;
	uint8_t blk[KD_IDENTITY_SIZE], dev_pub[32], work[512];
	size_t cert_len = 0;
	int rc;
	memset(&id, 0, sizeof id);
	if ((rc = copy_text(id.device_id, sizeof id.device_id, p->device_id)) ||
	    (rc = copy_text(id.hw_class, sizeof id.hw_class, p->hw_class)) ||
	    (rc = copy_text(id.maker, sizeof id.maker, p->maker)) ||
	    (rc = copy_text(id.end_of_support, sizeof id.end_of_support, p->end_of_support)))
		return rc;
	if (cr->random(cr->ctx, id.secret, 32) || cr->random(cr->ctx, id.sign_seed, 32) ||
	    cr->ed25519_public(cr->ctx, maker_seed, id.maker_pub) || cr->ed25519_public(cr->ctx, id.sign_seed, dev_pub))
		return KD_ERR_CRYPTO;
	rc = kd_cert_issue(cr, maker_seed, id.maker, id.device_id, id.hw_class, dev_pub, p->issued, id.cert,
			   sizeof id.cert, &cert_len, work, sizeof work);
	id.cert_len = (uint16_t)cert_len;
	if (!rc)
		rc = kd_identity_encode(cr, &id, blk);
	if (!rc) /* the image first: a unit that cannot boot gets no identity */
		rc = write_image(st, cr, &id, image, len);
	for (uint32_t o = 0; !rc && o < st->size(st->ctx, KD_REGION_IDENTITY); o += st->sector_size)
		rc = st->erase(st->ctx, KD_REGION_IDENTITY, o, st->sector_size) ? KD_ERR_STORAGE : KD_OK;
	if (!rc)
		rc = st->write(st->ctx, KD_REGION_IDENTITY, 0, blk, sizeof blk) ? KD_ERR_STORAGE : KD_OK;
	if (!rc && id_out)
		*id_out = id;
	memset(&id, 0, sizeof id);
	memset(blk, 0, sizeof blk);
	return rc;
}
