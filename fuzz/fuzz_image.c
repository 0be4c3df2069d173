/* fuzz_image.c - libFuzzer target for a whole libkoban-device image in
 * memory (manifest + payload): header parsing, the size against the
 * buffer, the signature against a fixed maker key and the payload hash. */
#include <stddef.h>
#include <stdint.h>

#include "kd_backend.h"
#include "koban_device.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t seed[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
					  17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32 };
	static uint8_t pub[32];
	static int init;
	struct kd_manifest m;
	if (!init++)
		kd_crypto_sodium()->ed25519_public(NULL, seed, pub);
	if (kd_image_verify_buf(kd_crypto_sodium(), data, size, pub, &m) == KD_OK &&
	    (size_t)m.payload_size + KD_MANIFEST_SIZE != size)
		__builtin_trap();
	return 0;
}
