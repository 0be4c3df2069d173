/* registry.c - the table of application-layer dissectors, in match order.
 * To add a protocol: write proto/<name>.c exporting `dissector_<name>`, and
 * list it here. Specific matches come before heuristic ones. */
#include "proto/dissect.h"
#include "proto/protocols.h"

const struct dissector *const dissector_table[] = {
	&dissector_dhcp, &dissector_dns,  &dissector_mdns, &dissector_ssdp,
	&dissector_ntp,  &dissector_mqtt, &dissector_telnet, &dissector_ftp,
	&dissector_tls,  &dissector_http,
};

const size_t dissector_count = sizeof dissector_table / sizeof dissector_table[0];

int dissector_find(uint8_t l4_proto, const struct dissect_input *in)
{
	for (size_t i = 0; i < dissector_count; i++) {
		const struct dissector *d = dissector_table[i];
		if (d->l4_proto == l4_proto && d->match(in))
			return (int)i;
	}
	return -1;
}
