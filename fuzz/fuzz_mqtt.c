/* fuzz_mqtt.c - libFuzzer target for the MQTT CONNECT dissector (proto/mqtt.c):
 * a flow to port 1883 cut into client and server segments by a split plan,
 * then its end (input layout and sink in harness_stream.h). */
#include <stddef.h>
#include <stdint.h>

#include "harness_stream.h"
#include "proto/protocols.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_stream(&dissector_mqtt, 1883, data, size);
}
