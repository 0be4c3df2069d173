/* test_erase.c - encrypted user data (stored encrypted, bound to its slot,
 * tampering detected) and the full erase: data unreadable and wiped, the
 * old key gone from flash, credentials back to the label password (locked),
 * the log restarted, the options respected, and new data usable after. */
#include <fcntl.h>

#include "devtest.h"
#include "test.h"

static struct dt_env e;

static bool flash_has(const void *needle, size_t n)
{
	static uint8_t buf[1 << 20];
	int fd = open(e.path, O_RDONLY);
	ssize_t len = fd >= 0 ? read(fd, buf, sizeof buf) : -1;
	if (fd >= 0)
		close(fd);
	for (ssize_t i = 0; i + (ssize_t)n <= len; i++)
		if (memcmp(buf + i, needle, n) == 0)
			return true;
	return false;
}

static void set_password(void)
{
	char label[KD_LABEL_PW_LEN + 1];
	int v;
	kd_label_password(kd_crypto_sodium(), e.id.secret, e.id.device_id, label, sizeof label);
	CHECK_INT(kd_cred_change(&e.dev, label, strlen(label), "Hanabi-Taikai 8!", 16, NULL, 0, &v), KD_OK);
}

static void test_data(void)
{
	const char msg[] = "owner: Tanaka, wifi psk: kiri-kiri-2025";
	uint8_t buf[128], big[2048];
	size_t n = 0;
	CHECK(kd_data_slots(&e.dev) == 4);
	CHECK_INT(kd_data_get(&e.dev, 0, buf, sizeof buf, &n, e.work, sizeof e.work), KD_ERR_NOT_FOUND);
	CHECK_INT(kd_data_put(&e.dev, 0, (const uint8_t *)msg, sizeof msg, e.work, sizeof e.work), KD_OK);
	CHECK_INT(kd_data_put(&e.dev, 2, (const uint8_t *)"second", 6, e.work, sizeof e.work), KD_OK);
	CHECK_INT(kd_data_get(&e.dev, 0, buf, sizeof buf, &n, e.work, sizeof e.work), KD_OK);
	CHECK_INT(n, sizeof msg);
	CHECK(memcmp(buf, msg, n) == 0);
	CHECK(!flash_has("wifi psk", 8)); /* encrypted at rest */
	CHECK_INT(kd_data_get(&e.dev, 0, buf, 4, &n, e.work, sizeof e.work), KD_ERR_SPACE);
	CHECK_INT(kd_data_put(&e.dev, 9, buf, 1, e.work, sizeof e.work), KD_ERR_TOO_LARGE);
	memset(big, 'x', sizeof big);
	CHECK_INT(kd_data_put(&e.dev, 1, big, 1000, e.work, sizeof e.work), KD_ERR_TOO_LARGE); /* 1 KiB sectors */
	CHECK_INT(kd_data_put(&e.dev, 1, big, 1024 - 56, e.work, sizeof e.work), KD_OK);
	/* flip one ciphertext bit on the flash (as an attacker could) */
	uint8_t z = 0;
	CHECK_INT(e.flash.st.write(e.flash.st.ctx, KD_REGION_DATA, 2 * 1024 + 41, &z, 1), 0);
	CHECK_INT(kd_data_get(&e.dev, 2, buf, sizeof buf, &n, e.work, sizeof e.work), KD_ERR_TAMPERED);
	/* a blob copied into another slot does not decrypt there */
	uint8_t sector[1024];
	e.flash.st.read(e.flash.st.ctx, KD_REGION_DATA, 0, sector, sizeof sector);
	e.flash.st.erase(e.flash.st.ctx, KD_REGION_DATA, 3 * 1024, 1024);
	e.flash.st.write(e.flash.st.ctx, KD_REGION_DATA, 3 * 1024, sector, sizeof sector);
	CHECK(kd_data_get(&e.dev, 3, buf, sizeof buf, &n, e.work, sizeof e.work) != KD_OK);
	CHECK_INT(dt_reboot(&e), KD_OK);
	CHECK_INT(kd_data_get(&e.dev, 0, buf, sizeof buf, &n, e.work, sizeof e.work), KD_OK);
}

static void test_erase_all(void)
{
	uint8_t key[32], buf[128];
	size_t n;
	struct kd_log_verdict v;
	uint32_t gen = e.dev.keys.generation, seq;
	memcpy(key, e.dev.keys.key, 32);
	CHECK(flash_has(key, 32));
	CHECK_INT(kd_erase(&e.dev, KD_ERASE_CREDS | KD_ERASE_LOG), KD_OK);
	CHECK(!flash_has(key, 32));
	CHECK_INT(e.dev.keys.generation, gen + 1);
	for (uint32_t i = 0; i < 4; i++)
		CHECK_INT(kd_data_get(&e.dev, i, buf, sizeof buf, &n, e.work, sizeof e.work), KD_ERR_NOT_FOUND);
	uint8_t sector[1024];
	e.flash.st.read(e.flash.st.ctx, KD_REGION_DATA, 0, sector, sizeof sector);
	CHECK(sector[0] == 0xff && sector[100] == 0xff && sector[1023] == 0xff);
	CHECK(kd_cred_is_default(&e.dev));
	CHECK_INT(kd_log_verify(&e.dev, &v), KD_OK);
	CHECK_INT(v.first_seq, 1); /* a new chain: log start, erase done */
	kd_log_head(&e.dev, &seq, key);
	CHECK_INT(seq, 2);
	CHECK_INT(dt_reboot(&e), KD_OK);
	CHECK(kd_cred_is_default(&e.dev));
	CHECK(!e.dev.keys.pending);
	CHECK_INT(kd_data_put(&e.dev, 0, (const uint8_t *)"new owner", 9, e.work, sizeof e.work), KD_OK);
	CHECK_INT(kd_data_get(&e.dev, 0, buf, sizeof buf, &n, e.work, sizeof e.work), KD_OK);
	CHECK_INT(n, 9);
}

/* Data only: the password and the log stay. */
static void test_erase_data_only(void)
{
	uint8_t buf[16];
	size_t n;
	uint32_t before, after;
	uint8_t h[32];
	set_password();
	kd_log_head(&e.dev, &before, h);
	CHECK_INT(kd_erase(&e.dev, 0), KD_OK);
	CHECK(!kd_cred_is_default(&e.dev));
	kd_log_head(&e.dev, &after, h);
	CHECK_INT(after, before + 2); /* erase start, erase done */
	CHECK_INT(kd_data_get(&e.dev, 0, buf, sizeof buf, &n, e.work, sizeof e.work), KD_ERR_NOT_FOUND);
}

int main(void)
{
	CHECK_INT(dt_setup(&e, 16, 1000), KD_OK);
	set_password();
	test_data();
	test_erase_all();
	test_erase_data_only();
	CHECK_INT(e.flash.overwrites, 0);
	dt_teardown(&e);
	return test_summary();
}
