/* fuzz_mdns.c - libFuzzer target for the mDNS dissector (proto/mdns.c): the
 * input is the UDP payload of one datagram (5353 -> 5353); harness
 * and sink in harness_datagram.h. */
#include <stddef.h>
#include <stdint.h>

#include "harness_datagram.h"
#include "proto/protocols.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_datagram(&dissector_mdns, 5353, 5353, 5353, data, size);
}
