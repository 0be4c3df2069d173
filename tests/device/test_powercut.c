/* test_powercut.c - power loss at every mutating flash operation (each
 * write and each sector erase; the interrupted one is torn in half) of an
 * update with its trial boot and confirmation, of a broken update and its
 * roll-back, and of a full erase. After each cut the device is powered up
 * again and must boot an image that verifies independently, keep its event
 * log verifiable, and never show erased data: user data is either wholly
 * there (the erase had not been decided) or gone with its key. */
#include <fcntl.h>

#include "devtest.h"
#include "test.h"

static uint8_t img2[20000], img3[20000], slot_copy[16 * 1024];
static size_t n2, n3;
static char template_path[128];

static void copy_file(const char *from, const char *to)
{
	char cmd[300];
	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", from, to);
	if (system(cmd) != 0)
		fprintf(stderr, "copy failed\n");
}

/* Scenario runner: a budget of mutating operations shared across reboots. */
struct run {
	struct dt_env *e;
	long budget, used;
	bool cut;
};

static bool alive(struct run *r)
{
	r->cut = r->cut || r->e->flash.dead;
	return !r->cut;
}

static int r_open(struct run *r)
{
	int rc = kd_flash_open(&r->e->flash, r->e->path);
	if (rc)
		return rc;
	r->e->flash.fail_after = r->budget < 0 ? -1 : r->budget - r->used;
	memset(&r->e->cfg, 0, sizeof r->e->cfg);
	r->e->cfg.storage = &r->e->flash.st;
	r->e->cfg.crypto = kd_crypto_sodium();
	r->e->cfg.now = dt_now;
	r->e->cfg.pw_ops = 1;
	r->e->cfg.pw_mem_kib = 64;
	return kd_device_open(&r->e->dev, &r->e->cfg);
}

static void r_close(struct run *r)
{
	r->used += (long)r->e->flash.ops;
	alive(r);
	kd_device_close(&r->e->dev);
	kd_flash_close(&r->e->flash);
}

static int r_boot(struct run *r)
{
	r_close(r);
	if (!alive(r) || r_open(r) != KD_OK || !alive(r))
		return -1;
	return kd_boot(&r->e->dev, r->e->work, sizeof r->e->work) == KD_OK && alive(r) ? 0 : -1;
}

/* Update to 2.0.0, trial boot, confirm, boot again. */
static void scenario_update(struct run *r)
{
	struct dt_env *e = r->e;
	if (r_open(r) != KD_OK || kd_boot(&e->dev, e->work, sizeof e->work) != KD_OK || !alive(r))
		return;
	if (dt_install(e, img2, n2, 1024) != KD_OK || !alive(r) || r_boot(r))
		return;
	if (kd_update_confirm(&e->dev) != KD_OK || !alive(r))
		return;
	r_boot(r);
}

/* Broken 3.0.0: trial boot, restart without confirmation, roll-back. */
static void scenario_broken(struct run *r)
{
	struct dt_env *e = r->e;
	if (r_open(r) != KD_OK || kd_boot(&e->dev, e->work, sizeof e->work) != KD_OK || !alive(r))
		return;
	if (dt_install(e, img3, n3, 4096) != KD_OK || !alive(r) || r_boot(r) || r_boot(r))
		return;
}

/* Independent check of the running slot: read it whole, verify as an image. */
static bool running_verifies(struct dt_env *e)
{
	struct kd_manifest m;
	uint8_t pub[32];
	enum kd_region reg = e->dev.running_slot ? KD_REGION_SLOT_B : KD_REGION_SLOT_A;
	kd_crypto_sodium()->ed25519_public(NULL, dt_maker_seed, pub);
	if (e->dev.running_slot > 1 || e->flash.st.read(e->flash.st.ctx, reg, 0, slot_copy, sizeof slot_copy))
		return false;
	if (kd_manifest_parse(slot_copy, sizeof slot_copy, &m) != KD_OK)
		return false;
	return kd_image_verify_buf(kd_crypto_sodium(), slot_copy, KD_MANIFEST_SIZE + m.payload_size, pub, &m) ==
		       KD_OK &&
	       strcmp(m.version, e->dev.running.version) == 0 && m.security_counter >= e->dev.boot.min_counter;
}

/* Power back on (no more cuts): the device must come up on a good image. */
static bool recovers(struct dt_env *e, const char *const *versions, size_t nv)
{
	struct kd_log_verdict v;
	bool ok = dt_open(e) == KD_OK && kd_boot(&e->dev, e->work, sizeof e->work) == KD_OK && running_verifies(e) &&
		  kd_log_verify(&e->dev, &v) == KD_OK && e->flash.overwrites == 0;
	bool known = false;
	for (size_t i = 0; ok && i < nv; i++)
		known |= strcmp(e->dev.running.version, versions[i]) == 0;
	/* and once more: a trial that was running is now rolled back, or still verifies */
	ok = ok && known && dt_reboot(e) == KD_OK && kd_boot(&e->dev, e->work, sizeof e->work) == KD_OK &&
	     running_verifies(e);
	kd_device_close(&e->dev);
	kd_flash_close(&e->flash);
	return ok;
}

static void powercut_loop(struct dt_env *e, void (*scenario)(struct run *), const char *const *versions,
			  size_t nv, const char *name)
{
	struct run full = { e, -1, 0, false };
	copy_file(template_path, e->path);
	scenario(&full);
	r_close(&full);
	long total = full.used, failures = 0;
	CHECK(total > 20);
	for (long n = 0; n <= total; n++) {
		struct run r = { e, n, 0, false };
		copy_file(template_path, e->path);
		scenario(&r);
		r_close(&r);
		if (!recovers(e, versions, nv)) {
			failures++;
			fprintf(stderr, "%s: cut after %ld of %ld operations: no good boot\n", name, n, total);
		}
	}
	printf("%s: %ld cut points\n", name, total + 1);
	CHECK_INT(failures, 0);
}

/* ---- erase ---- */

static const char secret_text[] = "family photos index: SECRET-USER-DATA-0123456789";
static uint8_t old_key[32], old_cipher[24]; /* the key, and ciphertext from the first blob */

static void scenario_erase(struct run *r)
{
	if (r_open(r) != KD_OK || !alive(r))
		return;
	kd_erase(&r->e->dev, KD_ERASE_DATA | KD_ERASE_CREDS | KD_ERASE_LOG);
}

static bool flash_contains(const char *path, const uint8_t *needle, size_t n)
{
	static uint8_t buf[1 << 20];
	int fd = open(path, O_RDONLY);
	ssize_t len = fd >= 0 ? read(fd, buf, sizeof buf) : -1;
	if (fd >= 0)
		close(fd);
	for (ssize_t i = 0; len > 0 && i + (ssize_t)n <= len; i++)
		if (memcmp(buf + i, needle, n) == 0)
			return true;
	return len <= 0;
}

/* After power returns: all data there and unchanged, or all gone with the key. */
static bool erase_consistent(struct dt_env *e)
{
	uint8_t buf[256];
	size_t n;
	int present = 0, absent = 0;
	struct kd_log_verdict v;
	if (dt_open(e) != KD_OK || kd_log_verify(&e->dev, &v) != KD_OK)
		return false;
	for (uint32_t i = 0; i < 3; i++) {
		int rc = kd_data_get(&e->dev, i, buf, sizeof buf, &n, e->work, sizeof e->work);
		if (rc == KD_OK && n == sizeof secret_text && memcmp(buf, secret_text, n) == 0)
			present++;
		else if (rc == KD_ERR_NOT_FOUND)
			absent++;
	}
	bool changed = !kd_cred_is_default(&e->dev);
	kd_device_close(&e->dev);
	kd_flash_close(&e->flash);
	if (present == 3)
		return changed; /* nothing decided yet: untouched */
	return absent == 3 && !changed && !flash_contains(e->path, old_key, sizeof old_key) &&
	       !flash_contains(e->path, old_cipher, sizeof old_cipher);
}

static void powercut_erase(struct dt_env *e)
{
	struct run full = { e, -1, 0, false };
	copy_file(template_path, e->path);
	scenario_erase(&full);
	r_close(&full);
	long failures = 0, erased = 0;
	for (long n = 0; n <= full.used; n++) {
		struct run r = { e, n, 0, false };
		copy_file(template_path, e->path);
		scenario_erase(&r);
		r_close(&r);
		if (!erase_consistent(e)) {
			failures++;
			fprintf(stderr, "erase: cut after %ld of %ld operations: inconsistent\n", n, full.used);
		}
		erased += !flash_contains(e->path, old_key, sizeof old_key);
	}
	printf("erase: %ld cut points, %ld after the key was gone\n", full.used + 1, erased);
	CHECK(full.used > 10);
	CHECK(erased > 0 && erased <= full.used);
	CHECK_INT(failures, 0);
}

static void make_erase_template(struct dt_env *e)
{
	int verdict;
	char label[KD_LABEL_PW_LEN + 1];
	const char pw[] = "Kiri-no-Umi 2025";
	CHECK_INT(dt_open(e), KD_OK);
	kd_label_password(kd_crypto_sodium(), e->id.secret, e->id.device_id, label, sizeof label);
	CHECK_INT(kd_cred_change(&e->dev, label, strlen(label), pw, strlen(pw), NULL, 0, &verdict), KD_OK);
	for (uint32_t i = 0; i < 3; i++)
		CHECK_INT(kd_data_put(&e->dev, i, (const uint8_t *)secret_text, sizeof secret_text, e->work,
				      sizeof e->work),
			  KD_OK);
	memcpy(old_key, e->dev.keys.key, 32);
	CHECK_INT(e->flash.st.read(e->flash.st.ctx, KD_REGION_DATA, 40, old_cipher, sizeof old_cipher), 0);
	kd_device_close(&e->dev);
	kd_flash_close(&e->flash);
	CHECK(flash_contains(e->path, old_key, 32));
	CHECK(flash_contains(e->path, old_cipher, sizeof old_cipher));
	CHECK(!flash_contains(e->path, (const uint8_t *)"SECRET-USER-DATA", 16)); /* encrypted at rest */
	copy_file(e->path, template_path);
}

int main(void)
{
	static const char *const v_update[] = { "1.0.0", "2.0.0" }, *const v_broken[] = { "1.0.0", "3.0.0" };
	struct dt_env e;
	CHECK_INT(dt_setup(&e, 16, 12000), KD_OK);
	kd_device_close(&e.dev);
	kd_flash_close(&e.flash);
	snprintf(template_path, sizeof template_path, "%s/template.bin", e.dir);
	copy_file(e.path, template_path);
	n2 = dt_image(img2, sizeof img2, dt_maker_seed, "2.0.0", 2, "koban-cam-1", 10000, 0x22);
	n3 = dt_image(img3, sizeof img3, dt_maker_seed, "3.0.0", 3, "koban-cam-1", 14000, 0x33);
	powercut_loop(&e, scenario_update, v_update, 2, "update");
	powercut_loop(&e, scenario_broken, v_broken, 2, "broken update");
	make_erase_template(&e);
	powercut_erase(&e);
	dt_teardown(&e);
	return test_summary();
}
