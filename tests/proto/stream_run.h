/* stream_run.h - drives a stream dissector for its unit test, one flow at a
 * time: flow_begin() (per-flow state, or none while `stateless` is set),
 * segments from either side, flow_end(); each segment is an exact-size heap
 * copy, so ASan sees any read past it, and facts go to facts_sink.h; and
 * the checks of a cleartext login reported on the flow. Define
 * STREAM_DISSECTOR (e.g. dissector_ftp) and STREAM_PORT (the server's port)
 * before including this file. */
#ifndef KOBAN_TEST_STREAM_RUN_H
#define KOBAN_TEST_STREAM_RUN_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "facts_sink.h"
#include "proto/protocols.h"
#include "test.h"

static void *state;
static bool stateless;

static inline void flow_begin(void)
{
	free(state);
	state = stateless ? NULL : calloc(1, STREAM_DISSECTOR.state_size);
	nrec = 0;
}

static inline void segn(bool from_client, const void *p, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	if (len)
		memcpy(copy, p, len);
	struct packet pkt = { .has_l4 = true, .l4_proto = IPPROTO_TCP, .payload = copy,
			      .payload_len = (uint32_t)len };
	pkt.src_port = from_client ? 40000 : STREAM_PORT;
	pkt.dst_port = from_client ? STREAM_PORT : 40000;
	struct dissect_input in = { .pkt = &pkt, .payload = copy, .len = len,
				    .from_client = from_client, .server_port = STREAM_PORT };
	STREAM_DISSECTOR.dissect(&in, state, &sink);
	free(copy);
}

static inline void seg(bool from_client, const char *s)
{
	segn(from_client, s, strlen(s));
}

static inline void flow_end(void)
{
	struct dissect_input in = { .flow_end = true, .server_port = STREAM_PORT };
	STREAM_DISSECTOR.dissect(&in, state, &sink);
}

/* The i-th login fact (from 0): user, password (NULL: none sent), about the
 * server on STREAM_PORT, reported as proto. */
static inline void check_nth_login(int i, const char *user, const char *pass, const char *proto)
{
	const struct rec *l = nth(FACT_LOGIN, i);
	CHECK(l != NULL);
	if (!l)
		return;
	CHECK_STR(l->value, user);
	CHECK(l->has_secret == (pass != NULL));
	if (pass)
		CHECK_STR(l->secret, pass);
	CHECK_INT(l->about, ABOUT_SERVER);
	CHECK_INT(l->port, STREAM_PORT);
	CHECK_STR(l->proto, proto);
}

#endif
