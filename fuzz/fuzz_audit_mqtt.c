/* fuzz_audit_mqtt.c - libFuzzer target: MQTT CONNACK parsing, and CONNECT
 * building from arbitrary user/password text. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "audit/banner.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mqtt_parse_connack(data, size);
	char user[300], pass[300];
	size_t half = size / 2 < sizeof user - 1 ? size / 2 : sizeof user - 1;
	memcpy(user, data, half);
	user[half] = '\0';
	size_t rest = size - half < sizeof pass - 1 ? size - half : sizeof pass - 1;
	memcpy(pass, data + half, rest);
	pass[rest] = '\0';
	uint8_t pkt[512];
	mqtt_build_connect(pkt, sizeof pkt, "koban-audit", user, pass);
	return 0;
}
