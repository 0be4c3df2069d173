/* fuzz_audit_ssh.c - libFuzzer target: the SSH identification string. */
#include <stddef.h>
#include <stdint.h>

#include "audit/banner.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char sw[200];
	ssh_parse_ident((const char *)data, size, sw, sizeof sw);
	return 0;
}
