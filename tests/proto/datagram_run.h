/* datagram_run.h - drives a datagram dissector for its unit test: one UDP
 * datagram (sport -> dport, from the client) as an exact-size heap copy, so
 * ASan sees any read past it, dissected with no state into facts_sink.h
 * (nrec counts from 0 again); and the dissector's match() on a payload and
 * ports. */
#ifndef KOBAN_TEST_DATAGRAM_RUN_H
#define KOBAN_TEST_DATAGRAM_RUN_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "facts_sink.h"

static inline void datagram_run(const struct dissector *d, const void *p, size_t n, uint16_t sport, uint16_t dport,
				uint16_t server_port)
{
	uint8_t *copy = malloc(n ? n : 1);
	if (n)
		memcpy(copy, p, n);
	struct packet pkt = { .has_l4 = true, .l4_proto = IPPROTO_UDP, .src_port = sport, .dst_port = dport,
			      .payload = copy, .payload_len = (uint32_t)n };
	struct dissect_input in = { .pkt = &pkt, .payload = copy, .len = n, .from_client = true,
				    .server_port = server_port };
	nrec = 0;
	d->dissect(&in, NULL, &sink);
	free(copy);
}

static inline bool datagram_matches(const struct dissector *d, const void *p, size_t n, uint16_t sport,
				    uint16_t dport)
{
	struct packet pkt = { .l4_proto = IPPROTO_UDP, .src_port = sport, .dst_port = dport };
	struct dissect_input in = { .pkt = &pkt, .payload = p, .len = n };
	return d->match(&in);
}

#endif
