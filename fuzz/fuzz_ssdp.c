/* fuzz_ssdp.c - libFuzzer target for the SSDP dissector (proto/ssdp.c): the
 * input is the UDP payload of one datagram (1900 -> 1900); harness
 * and sink in harness_datagram.h. */
#include <stddef.h>
#include <stdint.h>

#include "harness_datagram.h"
#include "proto/protocols.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_datagram(&dissector_ssdp, 1900, 1900, 1900, data, size);
}
