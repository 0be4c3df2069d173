/* fuzz_telnet.c - libFuzzer target for the TELNET dissector (proto/telnet.c).
 *
 * Input layout (the split plan, then the stream):
 *   byte 0      flags: bit 0 = run with no per-flow state
 *   byte 1      k = number of planned segments (at most 32)
 *   k x 2 bytes big-endian: top bit = sent by the server, low 15 bits = length
 *   rest        the stream bytes, cut as planned; what is left over goes in a
 *               last segment from the other side; then the flow_end call.
 * Each segment is copied to a heap buffer of its exact size and the sink
 * touches every byte of each fact's value, secret and proto, so any read past
 * a segment or past a fact's length is caught by ASan. */
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/protocols.h"

#define SERVER_PORT 23
#define PLAN_MAX 32

static volatile unsigned touched;

static void touch(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		touched += (unsigned char)p[i];
}

static void emit(void *ctx, const struct fact *f)
{
	(void)ctx;
	if ((f->value_len && !f->value) || (f->secret_len && !f->secret) || !f->proto)
		abort();
	touch(f->value, f->value_len);
	if (f->secret)
		touch(f->secret, f->secret_len);
	touch(f->proto, strlen(f->proto));
}

static const struct fact_sink sink = { emit, NULL };

static void feed(void *state, bool from_client, const uint8_t *p, size_t n, bool first)
{
	uint8_t *copy = malloc(n ? n : 1);
	if (n)
		memcpy(copy, p, n);
	struct packet pkt = { .has_l4 = true, .l4_proto = IPPROTO_TCP, .payload = copy,
			      .payload_len = (uint32_t)n };
	pkt.src_port = from_client ? 40000 : SERVER_PORT;
	pkt.dst_port = from_client ? SERVER_PORT : 40000;
	struct dissect_input in = { .pkt = &pkt, .payload = copy, .len = n,
				    .from_client = from_client, .server_port = SERVER_PORT };
	if (first)
		(void)dissector_telnet.match(&in);
	dissector_telnet.dissect(&in, state, &sink);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	bool no_state = data[0] & 1;
	size_t k = data[1] < PLAN_MAX ? data[1] : PLAN_MAX;
	if (size < 2 + 2 * k)
		return 0;
	const uint8_t *plan = data + 2;
	const uint8_t *p = plan + 2 * k;
	size_t left = size - 2 - 2 * k;
	void *state = no_state ? NULL : calloc(1, dissector_telnet.state_size);
	bool from_client = true, first = true;
	for (size_t i = 0; i < k; i++) {
		size_t n = (size_t)((plan[2 * i] & 0x7f) << 8 | plan[2 * i + 1]);
		from_client = !(plan[2 * i] & 0x80);
		n = n < left ? n : left;
		feed(state, from_client, p, n, first);
		first = false;
		p += n;
		left -= n;
	}
	if (left > 0)
		feed(state, k ? !from_client : true, p, left, first);
	struct dissect_input end = { .flow_end = true, .from_client = true, .server_port = SERVER_PORT };
	dissector_telnet.dissect(&end, state, &sink);
	free(state);
	return 0;
}
