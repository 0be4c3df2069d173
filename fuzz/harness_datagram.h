/* harness_datagram.h - the libFuzzer harness shared by the datagram-dissector
 * targets (fuzz_dhcp.c, fuzz_dns.c, fuzz_mdns.c, fuzz_ntp.c, fuzz_ssdp.c):
 * the input is the UDP payload of one IPv4 datagram (sport -> dport, sent by
 * the client), copied to a heap buffer of its exact size, given to match()
 * and then to dissect() with no state. The sink (harness_sink.h) reads every
 * byte of every fact's value, secret and proto, so ASan catches any fact
 * that points out of bounds. */
#ifndef KOBAN_FUZZ_HARNESS_DATAGRAM_H
#define KOBAN_FUZZ_HARNESS_DATAGRAM_H

#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>

#include "harness_sink.h"
#include "proto/dissect.h"

static int fuzz_datagram(const struct dissector *d, uint16_t sport, uint16_t dport, uint16_t server_port,
			 const uint8_t *data, size_t size)
{
	uint8_t *copy = fuzz_copy(data, size);
	struct packet pkt = { .ip_version = 4, .has_l4 = true, .l4_proto = IPPROTO_UDP, .src_port = sport,
			      .dst_port = dport, .payload = copy, .payload_len = (uint32_t)size };
	struct dissect_input in = { .pkt = &pkt, .payload = copy, .len = size, .from_client = true,
				    .server_port = server_port };
	(void)d->match(&in);
	d->dissect(&in, NULL, &fuzz_sink);
	free(copy);
	return 0;
}

#endif
