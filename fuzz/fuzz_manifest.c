/* fuzz_manifest.c - libFuzzer target for libkoban-device's firmware
 * manifest: the input is the 256-byte manifest an update starts with (any
 * length is tried), parsed and checked against a fixed maker key. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

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
	if (kd_manifest_parse(data, size, &m) == KD_OK &&
	    (strlen(m.version) == 0 || strlen(m.version) > KD_VERSION_MAX || strlen(m.hw_class) > KD_CLASS_MAX ||
	     m.payload_size == 0))
		__builtin_trap();
	(void)kd_manifest_verify(kd_crypto_sodium(), data, size, pub, &m);
	return 0;
}
