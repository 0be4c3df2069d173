/* harness_maker.h - the fixed maker key of the device fuzz targets
 * (fuzz_image.c, fuzz_manifest.c, fuzz_status.c): the Ed25519 public key of
 * the seed 1..32, derived once. */
#ifndef KOBAN_FUZZ_HARNESS_MAKER_H
#define KOBAN_FUZZ_HARNESS_MAKER_H

#include <stdbool.h>
#include <stdint.h>

#include "kd_backend.h"
#include "koban_device.h"

static const uint8_t *fuzz_maker_pub(void)
{
	static const uint8_t seed[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
					  17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32 };
	static uint8_t pub[32];
	static bool init;
	if (!init) {
		kd_crypto_sodium()->ed25519_public(NULL, seed, pub);
		init = true;
	}
	return pub;
}

#endif
