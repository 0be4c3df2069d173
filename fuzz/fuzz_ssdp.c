/* fuzz_ssdp.c - libFuzzer target for the SSDP dissector (proto/ssdp.c): the
 * input is the UDP payload of one datagram (1900 -> 1900), copied to a heap
 * buffer of its exact size; the sink touches every byte of every fact's
 * value and proto so ASan catches any read out of bounds. */
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/protocols.h"

static volatile unsigned touched;

static void touch(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		touched += (unsigned char)p[i];
}

static void emit(void *ctx, const struct fact *f)
{
	(void)ctx;
	if ((f->value_len && !f->value) || !f->proto)
		abort();
	touch(f->value, f->value_len);
	touch(f->proto, strlen(f->proto));
}

static const struct fact_sink sink = { emit, NULL };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	if (size)
		memcpy(copy, data, size);
	struct packet pkt = { .has_l4 = true, .l4_proto = IPPROTO_UDP, .src_port = 1900,
			      .dst_port = 1900, .payload = copy, .payload_len = (uint32_t)size };
	struct dissect_input in = { .pkt = &pkt, .payload = copy, .len = size, .from_client = true,
				    .server_port = 1900 };
	(void)dissector_ssdp.match(&in);
	dissector_ssdp.dissect(&in, NULL, &sink);
	free(copy);
	return 0;
}
