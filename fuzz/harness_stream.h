/* harness_stream.h - the libFuzzer harness shared by the stream-dissector
 * targets (fuzz_ftp.c, fuzz_http.c, fuzz_mqtt.c, fuzz_telnet.c, fuzz_tls.c).
 *
 * Input layout (the split plan, then the stream):
 *   byte 0      flags: bit 0 = run with no per-flow state
 *   byte 1      k = number of planned segments (at most 32)
 *   k x 2 bytes big-endian: top bit = sent by the server, low 15 bits = length
 *   rest        the stream bytes, cut as planned; what is left over goes in a
 *               last segment from the other side; then the flow_end call.
 * The first segment also goes to match(). Each segment is copied to a heap
 * buffer of its exact size and the sink (harness_sink.h) touches every byte
 * of each fact's value, secret and proto, so any read past a segment or
 * past a fact's length is caught by ASan. */
#ifndef KOBAN_FUZZ_HARNESS_STREAM_H
#define KOBAN_FUZZ_HARNESS_STREAM_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "harness_sink.h"
#include "proto/dissect.h"

#define FUZZ_PLAN_MAX 32
#define FUZZ_CLIENT_PORT 40000

/* One segment from the client (or the server) to server_port. */
static void fuzz_stream_segment(const struct dissector *d, uint16_t server_port, void *state, bool from_client,
				const uint8_t *p, size_t n, bool first)
{
	uint8_t *copy = fuzz_copy(p, n);
	struct packet pkt = { .has_l4 = true, .l4_proto = IPPROTO_TCP, .payload = copy,
			      .payload_len = (uint32_t)n };
	pkt.src_port = from_client ? FUZZ_CLIENT_PORT : server_port;
	pkt.dst_port = from_client ? server_port : FUZZ_CLIENT_PORT;
	struct dissect_input in = { .pkt = &pkt, .payload = copy, .len = n,
				    .from_client = from_client, .server_port = server_port };
	if (first)
		(void)d->match(&in);
	d->dissect(&in, state, &fuzz_sink);
	free(copy);
}

/* Runs one input (layout above) through dissector d on a flow to server_port. */
static int fuzz_stream(const struct dissector *d, uint16_t server_port, const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	bool no_state = data[0] & 1;
	size_t k = data[1] < FUZZ_PLAN_MAX ? data[1] : FUZZ_PLAN_MAX;
	if (size < 2 + 2 * k)
		return 0;
	const uint8_t *plan = data + 2;
	const uint8_t *p = plan + 2 * k;
	size_t left = size - 2 - 2 * k;
	void *state = no_state ? NULL : calloc(1, d->state_size);
	bool from_client = true, first = true;
	for (size_t i = 0; i < k; i++) {
		size_t n = (size_t)((plan[2 * i] & 0x7f) << 8 | plan[2 * i + 1]);
		from_client = !(plan[2 * i] & 0x80);
		n = n < left ? n : left;
		fuzz_stream_segment(d, server_port, state, from_client, p, n, first);
		first = false;
		p += n;
		left -= n;
	}
	if (left > 0)
		fuzz_stream_segment(d, server_port, state, k ? !from_client : true, p, left, first);
	struct dissect_input end = { .flow_end = true, .from_client = true, .server_port = server_port };
	d->dissect(&end, state, &fuzz_sink);
	free(state);
	return 0;
}

#endif
