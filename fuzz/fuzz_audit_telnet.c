/* fuzz_audit_telnet.c - libFuzzer target: TELNET negotiation filter and
 * prompt classification of the audit's login check (audit/banner_telnet.c). */
#include <stddef.h>
#include <stdint.h>

#include "audit/banner.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[4096];
	uint8_t reply[192];
	size_t rl;
	size_t n = telnet_filter(data, size, text, sizeof text, reply, sizeof reply, &rl);
	telnet_classify(text, n);
	telnet_classify((const char *)data, size);
	return 0;
}
