/* fuzz_status.c - libFuzzer target for device status reports as koban
 * receives them: COSE_Sign1 + CBOR claims + the embedded device
 * certificate, parsed by libkoban-device and verified by koban's gateway
 * side against one enrolled maker key. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "device/status_verify.h"
#include "harness_maker.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct kd_status *s)
{
	if (strlen(s->device_id) > KD_ID_MAX || strlen(s->hw_class) > KD_CLASS_MAX ||
	    strlen(s->fw_version) > KD_VERSION_MAX || strlen(s->update.version) > KD_VERSION_MAX ||
	    strlen(s->maker) > KD_MAKER_MAX || s->nonce_len > sizeof s->nonce ||
	    (s->end_of_support[0] && strlen(s->end_of_support) != KD_DATE_LEN))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct maker_key key = { "fuzz-maker", { 0 }, { 0 } };
	static struct maker_keys keys = { &key, 1 };
	static bool init;
	struct kd_status s;
	const struct maker_key *maker;
	if (!init) {
		memcpy(key.pub, fuzz_maker_pub(), sizeof key.pub);
		kd_key_id(kd_crypto_sodium(), key.pub, key.kid);
		init = true;
	}
	if (kd_status_parse(data, size, &s) == KD_OK)
		check(&s);
	enum status_result r = status_verify_report(&keys, data, size, &s, &maker);
	if (r == STATUS_VALID) {
		check(&s);
		if (maker != &key)
			__builtin_trap();
		(void)status_findings(&s, NULL);
	}
	return 0;
}
