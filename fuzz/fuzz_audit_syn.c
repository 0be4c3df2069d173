/* fuzz_audit_syn.c - libFuzzer target: the SYN scan's reply parser and
 * cookie check on whatever arrives on the raw socket (IPv4 + TCP). */
#include <stddef.h>
#include <stdint.h>

#include "audit/syn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct syn_key k = {{0x6b, 0x6f, 0x62, 0x61, 0x6e}};
	struct syn_reply r;
	if (syn_parse(data, size, &r))
		(void)syn_classify(&k, &r);
	return 0;
}
