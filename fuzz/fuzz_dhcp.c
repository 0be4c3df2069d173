/* fuzz_dhcp.c - libFuzzer target for the DHCPv4 dissector (proto/dhcp.c): the
 * input is the UDP payload of one datagram (68 -> 67); harness
 * and sink in harness_datagram.h. */
#include <stddef.h>
#include <stdint.h>

#include "harness_datagram.h"
#include "proto/protocols.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_datagram(&dissector_dhcp, 68, 67, 67, data, size);
}
