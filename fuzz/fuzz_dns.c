/* fuzz_dns.c - libFuzzer target for the DNS dissector (proto/dns.c): the
 * input is the UDP payload of one datagram (53 -> 40000; the QR bit in the
 * input decides query or response); harness and sink in harness_datagram.h. */
#include <stddef.h>
#include <stdint.h>

#include "harness_datagram.h"
#include "proto/protocols.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_datagram(&dissector_dns, 53, 40000, 53, data, size);
}
