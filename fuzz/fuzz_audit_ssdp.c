/* fuzz_audit_ssdp.c - libFuzzer target: SSDP answers, the LOCATION URL they
 * carry and the UPnP description XML (audit/banner_upnp.c). */
#include <stddef.h>
#include <stdint.h>

#include "audit/banner.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char loc[256], srv[160], path[200];
	struct kaddr ip;
	uint16_t port;
	if (ssdp_parse_response((const char *)data, size, loc, sizeof loc, srv, sizeof srv))
		url_parse_http(loc, &ip, &port, path, sizeof path);
	struct audit_host h = {0};
	upnp_description_facts((const char *)data, size, &h);
	return 0;
}
