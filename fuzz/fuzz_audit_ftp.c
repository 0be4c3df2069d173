/* fuzz_audit_ftp.c - libFuzzer target: FTP reply parsing (single and
 * multi-line) of the audit's login check. */
#include <stddef.h>
#include <stdint.h>

#include "audit/banner.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[128];
	size_t used = 0, pos = 0;
	int code;
	while (pos < size && (code = ftp_parse_reply((const char *)data + pos, size - pos, text, sizeof text, &used)) > 0)
		pos += used;
	return 0;
}
