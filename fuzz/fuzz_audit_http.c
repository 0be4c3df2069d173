/* fuzz_audit_http.c - libFuzzer target: HTTP/RTSP response parsing of the
 * audit (status, Server, WWW-Authenticate challenges, title). */
#include <stddef.h>
#include <stdint.h>

#include "audit/banner.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_facts h;
	struct http_challenge ch;
	http_headers_done((const char *)data, size);
	http_parse_response((const char *)data, size, &h, &ch);
	return 0;
}
