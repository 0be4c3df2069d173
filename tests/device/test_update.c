/* test_update.c - manifests and images (parse, sign, verify, tampering),
 * the A/B update with trial boot: confirm, roll-back when not confirmed,
 * reject, anti-rollback, wrong device, too large, bad hash, deferral,
 * recovery from a damaged slot, and the recorded update status. */
#include "devtest.h"
#include "test.h"

static uint8_t img[40 * 1024];

static void test_manifest(void)
{
	const struct kd_crypto *cr = kd_crypto_sodium();
	struct kd_manifest m;
	uint8_t pub[32], other[32];
	size_t n = dt_image(img, sizeof img, dt_maker_seed, "2.1.0-rc1", 7, "koban-cam-1", 1000, 3);
	cr->ed25519_public(NULL, dt_maker_seed, pub);
	cr->ed25519_public(NULL, dt_other_seed, other);
	CHECK_INT(n, 1256);
	CHECK_INT(kd_manifest_parse(img, n, &m), KD_OK);
	CHECK_STR(m.version, "2.1.0-rc1");
	CHECK_STR(m.hw_class, "koban-cam-1");
	CHECK_INT(m.security_counter, 7);
	CHECK_INT(m.payload_size, 1000);
	CHECK_INT(kd_manifest_verify(cr, img, n, pub, &m), KD_OK);
	CHECK_INT(kd_image_verify_buf(cr, img, n, pub, &m), KD_OK);
	CHECK_INT(kd_manifest_verify(cr, img, n, other, &m), KD_ERR_UNKNOWN_KEY);
	CHECK_INT(kd_image_verify_buf(cr, img, n - 1, pub, &m), KD_ERR_FORMAT);
	CHECK_INT(kd_manifest_parse(img, 255, &m), KD_ERR_FORMAT);
	img[1000] ^= 1; /* payload */
	CHECK_INT(kd_image_verify_buf(cr, img, n, pub, &m), KD_ERR_HASH);
	img[1000] ^= 1;
	img[8] ^= 1; /* counter: signed */
	CHECK_INT(kd_manifest_verify(cr, img, n, pub, &m), KD_ERR_SIGNATURE);
	img[8] ^= 1;
	img[200] ^= 1; /* signature */
	CHECK_INT(kd_manifest_verify(cr, img, n, pub, &m), KD_ERR_SIGNATURE);
	img[200] ^= 1;
	img[130] = 1; /* reserved must be zero */
	CHECK_INT(kd_manifest_parse(img, n, &m), KD_ERR_FORMAT);
	img[130] = 0;
	img[30] = '\n'; /* version text: printable only */
	CHECK_INT(kd_manifest_parse(img, n, &m), KD_ERR_FORMAT);
	CHECK_INT(dt_image(img, sizeof img, dt_maker_seed, "", 1, "x", 10, 0), 0); /* empty version refused */
}

static void test_confirm(struct dt_env *e)
{
	CHECK_INT(e->dev.running_slot, 0);
	CHECK_STR(e->dev.running.version, "1.0.0");
	CHECK_INT(kd_update_status(&e->dev)->state, KD_UPD_NONE);
	size_t n = dt_image(img, sizeof img, dt_maker_seed, "1.1.0", 2, "koban-cam-1", 9000, 0x22);
	CHECK_INT(dt_install(e, img, n, 1000), KD_OK);
	CHECK_INT(kd_update_status(&e->dev)->state, KD_UPD_PENDING);
	CHECK_INT(kd_update_begin(&e->dev, img, n), KD_ERR_STATE); /* one at a time */
	CHECK_INT(dt_reboot(e), KD_OK);
	CHECK_INT(kd_boot(&e->dev, e->work, sizeof e->work), KD_OK);
	CHECK_INT(e->dev.running_slot, 1);
	CHECK(e->dev.trial);
	CHECK_STR(e->dev.running.version, "1.1.0");
	CHECK_INT(kd_update_confirm(&e->dev), KD_OK);
	CHECK_INT(kd_update_confirm(&e->dev), KD_ERR_STATE);
	CHECK_INT(kd_update_status(&e->dev)->state, KD_UPD_SUCCESS);
	CHECK_STR(kd_update_status(&e->dev)->version, "1.1.0");
	CHECK_INT(e->dev.boot.min_counter, 2);
	CHECK_INT(dt_reboot(e), KD_OK);
	CHECK_INT(kd_boot(&e->dev, e->work, sizeof e->work), KD_OK);
	CHECK_INT(e->dev.running_slot, 1);
	CHECK(!e->dev.trial);
	CHECK_INT(e->dev.boot.min_counter, 2);
}

static void test_rollback(struct dt_env *e)
{
	size_t n = dt_image(img, sizeof img, dt_maker_seed, "1.2.0-broken", 3, "koban-cam-1", 5000, 0x33);
	CHECK_INT(dt_install(e, img, n, 4096), KD_OK);
	CHECK_INT(dt_reboot(e), KD_OK);
	CHECK_INT(kd_boot(&e->dev, e->work, sizeof e->work), KD_OK);
	CHECK(e->dev.trial);
	CHECK_STR(e->dev.running.version, "1.2.0-broken");
	/* the new image hangs: a watchdog restart without confirmation */
	CHECK_INT(dt_reboot(e), KD_OK);
	CHECK_INT(kd_boot(&e->dev, e->work, sizeof e->work), KD_OK);
	CHECK(!e->dev.trial);
	CHECK_STR(e->dev.running.version, "1.1.0");
	CHECK_INT(kd_update_status(&e->dev)->state, KD_UPD_FAILED);
	CHECK_INT(kd_update_status(&e->dev)->reason, KD_RSN_NOT_CONFIRMED);
	CHECK_STR(kd_update_status(&e->dev)->version, "1.2.0-broken");
	CHECK_INT(e->dev.boot.min_counter, 2); /* not raised by an unconfirmed image */
	/* self-test failure: the image rejects itself */
	CHECK_INT(dt_install(e, img, n, 512), KD_OK);
	CHECK_INT(dt_reboot(e), KD_OK);
	CHECK_INT(kd_boot(&e->dev, e->work, sizeof e->work), KD_OK);
	CHECK_INT(kd_update_reject(&e->dev), KD_OK);
	CHECK_INT(kd_update_status(&e->dev)->reason, KD_RSN_REJECTED);
	CHECK_INT(dt_reboot(e), KD_OK);
	CHECK_INT(kd_boot(&e->dev, e->work, sizeof e->work), KD_OK);
	CHECK_STR(e->dev.running.version, "1.1.0");
}

/* An offered image is refused before anything is erased. */
static void refused(struct dt_env *e, const uint8_t *im, size_t n, int want_rc, int want_reason)
{
	CHECK_INT(kd_update_begin(&e->dev, im, n), want_rc);
	CHECK_INT(kd_update_status(&e->dev)->state, KD_UPD_FAILED);
	CHECK_INT(kd_update_status(&e->dev)->reason, want_reason);
	CHECK(!e->dev.updating);
}

static void test_refusals(struct dt_env *e)
{
	size_t n = dt_image(img, sizeof img, dt_maker_seed, "0.9.0", 1, "koban-cam-1", 100, 1);
	refused(e, img, n, KD_ERR_ROLLBACK, KD_RSN_ROLLBACK);
	n = dt_image(img, sizeof img, dt_maker_seed, "9.0.0", 9, "other-model", 100, 1);
	refused(e, img, n, KD_ERR_WRONG_DEVICE, KD_RSN_WRONG_DEVICE);
	n = dt_image(img, sizeof img, dt_other_seed, "9.0.0", 9, "koban-cam-1", 100, 1);
	refused(e, img, n, KD_ERR_UNKNOWN_KEY, KD_RSN_UNKNOWN_KEY);
	n = dt_image(img, sizeof img, dt_maker_seed, "9.0.0", 9, "koban-cam-1", 100, 1);
	img[9] ^= 4;
	refused(e, img, n, KD_ERR_SIGNATURE, KD_RSN_BAD_SIGNATURE);
	n = dt_image(img, sizeof img, dt_maker_seed, "9.0.0", 9, "koban-cam-1", 32 * 1024, 1);
	refused(e, img, n, KD_ERR_TOO_LARGE, KD_RSN_TOO_LARGE);
	memcpy(img, "XXXX", 4);
	refused(e, img, n, KD_ERR_FORMAT, KD_RSN_BAD_MANIFEST);
	/* payload corrupted in transit: caught at finish, nothing armed */
	n = dt_image(img, sizeof img, dt_maker_seed, "1.3.0", 3, "koban-cam-1", 3000, 5);
	img[n - 1] ^= 0x80;
	CHECK_INT(dt_install(e, img, n, 700), KD_ERR_HASH);
	CHECK_INT(kd_update_status(&e->dev)->reason, KD_RSN_HASH_MISMATCH);
	CHECK_INT(e->dev.boot.pending, KD_NO_SLOT);
	/* too many bytes, then a cut transfer */
	img[n - 1] ^= 0x80;
	CHECK_INT(kd_update_begin(&e->dev, img, n), KD_OK);
	CHECK_INT(kd_update_write(&e->dev, img, 3001), KD_ERR_TOO_LARGE);
	CHECK_INT(kd_update_begin(&e->dev, img, n), KD_OK);
	CHECK_INT(kd_update_write(&e->dev, img + KD_MANIFEST_SIZE, 100), KD_OK);
	CHECK_INT(kd_update_finish(&e->dev, e->work, sizeof e->work), KD_ERR_FORMAT);
	CHECK_INT(kd_update_status(&e->dev)->reason, KD_RSN_INTERRUPTED);
	/* an interrupted transfer (power loss) reads as interrupted after reboot */
	CHECK_INT(kd_update_begin(&e->dev, img, n), KD_OK);
	CHECK_INT(dt_reboot(e), KD_OK);
	CHECK_INT(kd_boot(&e->dev, e->work, sizeof e->work), KD_OK);
	CHECK_INT(kd_update_status(&e->dev)->state, KD_UPD_FAILED);
	CHECK_INT(kd_update_status(&e->dev)->reason, KD_RSN_INTERRUPTED);
	CHECK_STR(e->dev.running.version, "1.1.0");
	/* deferred: verified, not installed */
	CHECK_INT(kd_update_defer(&e->dev, img, n), KD_OK);
	CHECK_INT(kd_update_status(&e->dev)->state, KD_UPD_NOT_APPLIED);
	CHECK_STR(kd_update_status(&e->dev)->version, "1.3.0");
	CHECK_STR(kd_update_state_str(KD_UPD_NOT_APPLIED), "not-applied");
	CHECK_STR(kd_update_reason_str(KD_RSN_NOT_CONFIRMED), "not-confirmed");
}

/* A damaged confirmed slot: boot falls back to the other one if its
 * counter is allowed, else reports that no image is valid. */
static void test_damage(void)
{
	struct dt_env e;
	uint8_t junk = 0;
	CHECK_INT(dt_setup(&e, 16, 6000), KD_OK);
	size_t n = dt_image(img, sizeof img, dt_maker_seed, "1.0.1", 1, "koban-cam-1", 4000, 0x44);
	CHECK_INT(dt_install(&e, img, n, 4000), KD_OK);
	CHECK_INT(dt_reboot(&e), KD_OK);
	CHECK_INT(kd_boot(&e.dev, e.work, sizeof e.work), KD_OK);
	CHECK_INT(kd_update_confirm(&e.dev), KD_OK);
	/* flip bits in slot B's payload (0-bits can be written on NOR) */
	CHECK_INT(e.flash.st.write(e.flash.st.ctx, KD_REGION_SLOT_B, 300, &junk, 1), 0);
	CHECK_INT(dt_reboot(&e), KD_OK);
	CHECK_INT(kd_boot(&e.dev, e.work, sizeof e.work), KD_OK);
	CHECK_INT(e.dev.running_slot, 0);
	CHECK_STR(e.dev.running.version, "1.0.0");
	CHECK_INT(e.dev.boot.active, 0);
	CHECK_INT(e.flash.st.write(e.flash.st.ctx, KD_REGION_SLOT_A, 0, &junk, 1), 0);
	CHECK_INT(dt_reboot(&e), KD_OK);
	CHECK_INT(kd_boot(&e.dev, e.work, sizeof e.work), KD_ERR_NO_IMAGE);
	dt_teardown(&e);
}

int main(void)
{
	struct dt_env e;
	test_manifest();
	CHECK_INT(dt_setup(&e, 16, 6000), KD_OK);
	test_confirm(&e);
	test_rollback(&e);
	test_refusals(&e);
	CHECK_INT(e.flash.overwrites, 0);
	dt_teardown(&e);
	test_damage();
	return test_summary();
}
