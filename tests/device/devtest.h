/* devtest.h - shared set-up for the libkoban-device tests: a maker key, a
 * device provisioned into a flash file (small layout) with a first image,
 * a settable clock, signed images and "reboots" (reopen flash + device). */
#ifndef DEVTEST_H
#define DEVTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kd_backend.h"
#include "koban_device.h"

static uint64_t dt_clock = 1750000000; /* 2025-06-15 */

static inline uint64_t dt_now(void *ctx)
{
	(void)ctx;
	return dt_clock;
}

static const uint8_t dt_maker_seed[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
					   17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32 };
static const uint8_t dt_other_seed[32] __attribute__((unused)) = { 99 };

struct dt_env {
	char dir[64], path[96];
	struct kd_file_flash flash;
	struct kd_device dev;
	struct kd_config cfg;
	struct kd_identity id;
	uint8_t work[4096];
};

/* A signed image: manifest + payload of n bytes (pattern from tag). */
static inline size_t dt_image(uint8_t *out, size_t cap, const uint8_t seed[32], const char *version, uint32_t counter,
		       const char *hw_class, size_t n, uint8_t tag)
{
	struct kd_manifest m;
	const struct kd_crypto *cr = kd_crypto_sodium();
	if (KD_MANIFEST_SIZE + n > cap)
		return 0;
	memset(&m, 0, sizeof m);
	for (size_t i = 0; i < n; i++)
		out[KD_MANIFEST_SIZE + i] = (uint8_t)(tag + i * 7);
	snprintf(m.version, sizeof m.version, "%s", version);
	snprintf(m.hw_class, sizeof m.hw_class, "%s", hw_class);
	m.security_counter = counter;
	m.payload_size = (uint32_t)n;
	m.release_time = dt_clock - 86400;
	{
		kd_hash_state hs;
		cr->sha256_init(cr->ctx, &hs);
		cr->sha256_update(cr->ctx, &hs, out + KD_MANIFEST_SIZE, n);
		cr->sha256_final(cr->ctx, &hs, m.payload_hash);
	}
	return kd_manifest_sign(cr, &m, seed, out) == KD_OK ? KD_MANIFEST_SIZE + n : 0;
}

static inline int dt_open(struct dt_env *e)
{
	if (kd_flash_open(&e->flash, e->path) != 0)
		return -1;
	memset(&e->cfg, 0, sizeof e->cfg);
	e->cfg.storage = &e->flash.st;
	e->cfg.crypto = kd_crypto_sodium();
	e->cfg.now = dt_now;
	e->cfg.pw_ops = 1;
	e->cfg.pw_mem_kib = 64;
	return kd_device_open(&e->dev, &e->cfg);
}

/* Power off and on again: the flash file is reopened (power restored). */
static inline int dt_reboot(struct dt_env *e)
{
	kd_device_close(&e->dev);
	kd_flash_close(&e->flash);
	return dt_open(e);
}

/* A provisioned device with image "1.0.0" (counter 1) in slot A, opened and booted. */
static inline int dt_setup(struct dt_env *e, uint32_t slot_kib, size_t image_len)
{
	static uint8_t img[64 * 1024 + KD_MANIFEST_SIZE];
	struct kd_layout l;
	struct kd_provision p = { "KBN-TEST-0001", "koban-cam-1", "Example Maker", "2030-03-31", 1740000000 };
	strcpy(e->dir, "/tmp/kdtest.XXXXXX");
	if (!mkdtemp(e->dir))
		return -1;
	snprintf(e->path, sizeof e->path, "%s/flash.bin", e->dir);
	kd_layout_small(&l, slot_kib);
	size_t n = dt_image(img, sizeof img, dt_maker_seed, "1.0.0", 1, "koban-cam-1", image_len, 0x11);
	if (!n || kd_flash_create(&e->flash, e->path, &l) != 0 ||
	    kd_provision(&e->flash.st, kd_crypto_sodium(), dt_maker_seed, &p, img, n, &e->id) != KD_OK)
		return -1;
	kd_flash_close(&e->flash);
	if (dt_open(e) != KD_OK)
		return -1;
	return kd_boot(&e->dev, e->work, sizeof e->work);
}

static inline void dt_teardown(struct dt_env *e)
{
	char cmd[128];
	kd_device_close(&e->dev);
	kd_flash_close(&e->flash);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", e->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", e->dir);
}

/* Installs an image through the update API in pieces of `chunk`. */
static inline int dt_install(struct dt_env *e, const uint8_t *img, size_t n, size_t chunk)
{
	int rc = kd_update_begin(&e->dev, img, n);
	for (size_t o = KD_MANIFEST_SIZE; rc == KD_OK && o < n; o += chunk)
		rc = kd_update_write(&e->dev, img + o, n - o < chunk ? n - o : chunk);
	return rc ? rc : kd_update_finish(&e->dev, e->work, sizeof e->work);
}

#endif
