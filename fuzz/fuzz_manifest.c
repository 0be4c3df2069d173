/* fuzz_manifest.c - libFuzzer target for libkoban-device's firmware
 * manifest: the input is the 256-byte manifest an update starts with (any
 * length is tried), parsed and checked against a fixed maker key. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "harness_maker.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *pub = fuzz_maker_pub();
	struct kd_manifest m;
	if (kd_manifest_parse(data, size, &m) == KD_OK &&
	    (strlen(m.version) == 0 || strlen(m.version) > KD_VERSION_MAX || strlen(m.hw_class) > KD_CLASS_MAX ||
	     m.payload_size == 0))
		__builtin_trap();
	(void)kd_manifest_verify(kd_crypto_sodium(), data, size, pub, &m);
	return 0;
}
