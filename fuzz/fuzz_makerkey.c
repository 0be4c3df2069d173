/* fuzz_makerkey.c - libFuzzer target for the enrolled maker key files koban
 * reads for `koban status ingest` (comments, then 64 hex digits). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "device/status_verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t pub[32];
	char err[128];
	err[0] = '\0';
	if (maker_key_parse((const char *)data, size, pub, err, sizeof err) != 0 && (!err[0] || !memchr(err, 0, sizeof err)))
		__builtin_trap();
	return 0;
}
