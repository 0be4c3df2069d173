/* boot.c - power-on of the example device: the flash file is opened, the
 * library decides what to boot (rolling back an unconfirmed trial), and a
 * trial image runs its self-test: a payload with a line "selftest=ok"
 * confirms itself, any other rejects itself, and the device restarts into
 * the previous image. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "example.h"

static uint64_t wall_clock(void *ctx)
{
	(void)ctx;
	return (uint64_t)time(NULL);
}

/* The self-test of the running image: its payload says whether it works. */
static bool self_test(struct ex *x)
{
	char text[1024];
	enum kd_region r = x->dev.running_slot ? KD_REGION_SLOT_B : KD_REGION_SLOT_A;
	uint32_t n = x->dev.running.payload_size < sizeof text - 1 ? x->dev.running.payload_size : sizeof text - 1;
	if (x->flash.st.read(x->flash.st.ctx, r, KD_MANIFEST_SIZE, text, n) != 0)
		return false;
	text[n] = '\0';
	return strstr(text, "selftest=ok\n") != NULL;
}

static int boot(struct ex *x)
{
	int rc = kd_boot(&x->dev, x->work, sizeof x->work);
	if (rc) {
		fprintf(stderr, "device: boot failed: %s\n", kd_strerror(rc));
		return rc;
	}
	printf("device: booted firmware %s from slot %c%s\n", x->dev.running.version, 'A' + x->dev.running_slot,
	       x->dev.trial ? " (trial)" : "");
	if (!x->dev.trial)
		return KD_OK;
	if (self_test(x)) {
		printf("device: self-test passed: firmware %s confirmed\n", x->dev.running.version);
		return kd_update_confirm(&x->dev);
	}
	printf("device: self-test failed: firmware %s rejected, restarting\n", x->dev.running.version);
	if ((rc = kd_update_reject(&x->dev)) != KD_OK)
		return rc;
	return boot(x);
}

int ex_power_on(struct ex *x)
{
	const char *flash = x->path;
	if (kd_flash_open(&x->flash, flash) != 0) {
		perror(flash);
		return KD_ERR_STORAGE;
	}
	memset(&x->cfg, 0, sizeof x->cfg);
	x->cfg.storage = &x->flash.st;
	x->cfg.crypto = kd_crypto_sodium();
	x->cfg.now = wall_clock;
	int rc = kd_device_open(&x->dev, &x->cfg);
	if (rc) {
		fprintf(stderr, "device: %s: %s\n", flash, kd_strerror(rc));
		return rc;
	}
	return boot(x);
}

void ex_print_state(struct ex *x)
{
	const struct kd_update_status *u = kd_update_status(&x->dev);
	uint32_t seq;
	uint8_t h[32];
	kd_log_head(&x->dev, &seq, h);
	printf("device %s (%s, %s)\nfirmware %s (security counter %u, anti-rollback floor %u)\n"
	       "update: %s%s%s%s\npassword: %s\nlog: %u records written, head %02x%02x%02x%02x...\n"
	       "end of support: %s\n",
	       x->dev.id.device_id, x->dev.id.hw_class, x->dev.id.maker, x->dev.running.version,
	       x->dev.running.security_counter, x->dev.boot.min_counter, kd_update_state_str(u->state),
	       u->reason ? " (" : "", u->reason ? kd_update_reason_str(u->reason) : "", u->reason ? ")" : "",
	       kd_cred_is_default(&x->dev) ? "default (locked until changed)" : "changed", seq, h[0], h[1], h[2],
	       h[3], x->dev.id.end_of_support[0] ? x->dev.id.end_of_support : "-");
	if (u->version[0])
		printf("update version: %s\n", u->version);
}
