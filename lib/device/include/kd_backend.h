/* kd_backend.h - the reference backends of libkoban-device for the host:
 * cryptography on libsodium, and flash emulated in a file (NOR semantics:
 * erase to 0xFF per sector, writes AND into the old bits) that can count
 * writes and "lose power" after N of them, for the power-cut tests. */
#ifndef KD_BACKEND_H
#define KD_BACKEND_H

#include "koban_device.h"

/* libsodium (sodium_init() is called on first use). */
const struct kd_crypto *kd_crypto_sodium(void);

/* The flash file: a 64-byte header (magic, sector size, region sizes), then
 * the regions one after another. */
struct kd_layout {
	uint32_t sector_size;
	uint32_t size[KD_REGION_COUNT];
};
/* A layout for the example and tools: 4 KiB sectors, 1 MiB + 4 KiB slots. */
void kd_layout_default(struct kd_layout *l);
/* A small layout for tests (slots of `slot_kib` KiB). */
void kd_layout_small(struct kd_layout *l, uint32_t slot_kib);

struct kd_file_flash {
	struct kd_storage st;
	int fd;
	struct kd_layout layout;
	uint32_t offset[KD_REGION_COUNT];
	long fail_after;        /* mutating operations allowed before power loss; -1 = never */
	unsigned long ops;      /* mutating operations (write + erase) done */
	unsigned long overwrites; /* bytes programmed that were not erased (a driver bug on NOR) */
	bool dead;              /* power was lost: every call fails until reopened */
};
/* Creates (erased) or opens the flash file. Returns 0 or -1 (errno set). */
int kd_flash_create(struct kd_file_flash *f, const char *path, const struct kd_layout *l);
int kd_flash_open(struct kd_file_flash *f, const char *path);
void kd_flash_close(struct kd_file_flash *f);

/* Factory provisioning (host side, used by koban-device-tool, the tests and
 * the example): fresh device secret and status key, a certificate from the
 * maker, the identity block, and the first image (verified against the
 * maker key) in slot A. id_out (may be NULL) gets the identity. */
struct kd_provision {
	const char *device_id, *hw_class, *maker, *end_of_support; /* eos may be "" */
	uint64_t issued;
};
int kd_provision(const struct kd_storage *st, const struct kd_crypto *cr, const uint8_t maker_seed[32],
		 const struct kd_provision *p, const uint8_t *image, size_t len, struct kd_identity *id_out);

#endif
