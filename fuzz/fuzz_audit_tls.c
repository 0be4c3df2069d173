/* fuzz_audit_tls.c - libFuzzer target: certificate facts from the DER a
 * TLS service presents (audit/banner_tls.c, OpenSSL's DER decoder). */
#include <stddef.h>
#include <stdint.h>

#include "audit/banner.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tls_facts f = {0};
	tls_cert_facts(data, size, 1700000000, &f);
	return 0;
}
