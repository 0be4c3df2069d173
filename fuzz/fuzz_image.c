/* fuzz_image.c - libFuzzer target for a whole libkoban-device image in
 * memory (manifest + payload): header parsing, the size against the
 * buffer, the signature against a fixed maker key and the payload hash. */
#include <stddef.h>
#include <stdint.h>

#include "harness_maker.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *pub = fuzz_maker_pub();
	struct kd_manifest m;
	if (kd_image_verify_buf(kd_crypto_sodium(), data, size, pub, &m) == KD_OK &&
	    (size_t)m.payload_size + KD_MANIFEST_SIZE != size)
		__builtin_trap();
	return 0;
}
