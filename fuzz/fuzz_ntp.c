/* fuzz_ntp.c - libFuzzer target for the NTP dissector (proto/ntp.c): the
 * input is the UDP payload of one datagram (123 -> 123); harness
 * and sink in harness_datagram.h. */
#include <stddef.h>
#include <stdint.h>

#include "harness_datagram.h"
#include "proto/protocols.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_datagram(&dissector_ntp, 123, 123, 123, data, size);
}
