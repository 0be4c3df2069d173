/* fuzz_devlog.c - libFuzzer target for records exported from a
 * libkoban-device event log, as a collector checks them: the input is a
 * run of 128-byte records, verified with and without an anchor. */
#include <stddef.h>
#include <stdint.h>

#include "kd_backend.h"
#include "koban_device.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t anchor[32];
	struct kd_log_verdict v;
	struct kd_log_record r;
	size_t n = size / KD_LOG_RECORD;
	int rc = kd_log_verify_records(kd_crypto_sodium(), data, n, NULL, &v);
	if ((rc == KD_OK && v.records != n) || (rc != KD_OK && !v.what))
		__builtin_trap();
	(void)kd_log_verify_records(kd_crypto_sodium(), data, n, anchor, &v);
	if (n > 0 && kd_log_record_parse(data, &r) == KD_OK && r.payload_len > KD_LOG_PAYLOAD)
		__builtin_trap();
	return 0;
}
