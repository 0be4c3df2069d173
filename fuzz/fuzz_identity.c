/* fuzz_identity.c - libFuzzer target for libkoban-device's factory identity
 * block (768 bytes read from flash at start-up): magic, checksum, text
 * fields, dates and the certificate length. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kd_backend.h"
#include "koban_device.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t blk[KD_IDENTITY_SIZE], again[KD_IDENTITY_SIZE];
	struct kd_identity id;
	memset(blk, 0, sizeof blk);
	memcpy(blk, data, size < sizeof blk ? size : sizeof blk);
	if (kd_identity_parse(kd_crypto_sodium(), blk, &id) != KD_OK)
		return 0;
	if (id.cert_len > KD_CERT_MAX || strlen(id.device_id) == 0 || strlen(id.device_id) > KD_ID_MAX)
		__builtin_trap();
	/* what parses encodes back to the same block */
	if (kd_identity_encode(kd_crypto_sodium(), &id, again) != KD_OK || memcmp(again, blk, sizeof blk) != 0)
		__builtin_trap();
	return 0;
}
