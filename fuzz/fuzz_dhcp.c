/* fuzz_dhcp.c - libFuzzer target for the DHCPv4 dissector: the input is the
 * UDP payload of one packet (68 -> 67). The sink reads every byte of
 * every fact's value so ASan catches any fact that points out of bounds. */
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto/dissect.h"
#include "proto/protocols.h"

static volatile uint8_t fuzz_sink_byte;

static void touch(void *ctx, const struct fact *f)
{
	(void)ctx;
	uint8_t x = 0;
	if ((f->value_len && !f->value) || (f->secret_len && !f->secret))
		__builtin_trap();
	if (f->about == ABOUT_ADDR && f->addr.family != KADDR_V4 && f->addr.family != KADDR_V6)
		__builtin_trap();
	for (size_t i = 0; i < f->value_len; i++)
		x ^= (uint8_t)f->value[i];
	for (size_t i = 0; i < f->secret_len; i++)
		x ^= (uint8_t)f->secret[i];
	fuzz_sink_byte ^= x;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct packet pkt;
	memset(&pkt, 0, sizeof pkt);
	pkt.ip_version = 4;
	pkt.l4_proto = IPPROTO_UDP;
	pkt.has_l4 = true;
	pkt.src_port = 68;
	pkt.dst_port = 67;
	pkt.payload = data;
	pkt.payload_len = (uint32_t)size;
	struct dissect_input in = {.pkt = &pkt, .payload = data, .len = size,
				   .from_client = true, .server_port = 67};
	struct fact_sink sink = {.emit = touch};
	(void)dissector_dhcp.match(&in);
	dissector_dhcp.dissect(&in, NULL, &sink);
	return 0;
}
