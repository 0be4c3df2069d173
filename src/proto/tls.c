/* tls.c - TLS ClientHello on any TCP port: reports the server_name (SNI)
 * the client asks for, as FACT_TLS_SNI about the client.
 *
 * The first TLS_BUF_MAX bytes the client sends are kept in the per-flow
 * state; the handshake bytes are gathered from consecutive handshake records
 * (a ClientHello may be split over records and over segments) and the hello
 * is parsed once it is complete, the buffer is full, or the flow ends. Every
 * length field is checked against what is actually there. */
#include <netinet/in.h>
#include <string.h>

#include "proto/dissect.h"
#include "proto/protocols.h"
#include "util/cursor.h"

#define TLS_BUF_MAX 4096
#define TLS_CONTENT_HANDSHAKE 0x16
#define TLS_CLIENT_HELLO 1
#define TLS_EXT_SERVER_NAME 0
#define SNI_HOST_NAME 0
#define SNI_MAX 255

struct tls_state {
	bool done;
	uint16_t len;
	uint8_t buf[TLS_BUF_MAX];
};

enum gather { G_MORE, G_COMPLETE, G_BAD };

static bool tls_match(const struct dissect_input *in)
{
	const uint8_t *p = in->payload;
	return in->from_client && p && in->len >= 6 && p[0] == TLS_CONTENT_HANDSHAKE && p[1] == 3 &&
	       p[2] <= 4 && p[5] == TLS_CLIENT_HELLO;
}

/* Concatenates the payloads of the leading handshake records of p[0..len)
 * into hs. G_COMPLETE once the first handshake message is all there. */
static enum gather gather(const uint8_t *p, size_t len, uint8_t *hs, size_t cap, size_t *hs_len)
{
	struct cursor c;
	cur_init(&c, p, len);
	*hs_len = 0;
	while (cur_left(&c) >= 5) {
		uint8_t type = cur_u8(&c);
		uint8_t major = cur_u8(&c);
		cur_skip(&c, 1);
		uint16_t rlen = cur_be16(&c);
		if (type != TLS_CONTENT_HANDSHAKE || major != 3)
			return G_BAD;
		size_t n = rlen < cur_left(&c) ? rlen : cur_left(&c);
		n = n < cap - *hs_len ? n : cap - *hs_len;
		memcpy(hs + *hs_len, cur_take(&c, n), n);
		*hs_len += n;
		if (*hs_len >= 4) {
			size_t need = 4 + ((size_t)hs[1] << 16 | (size_t)hs[2] << 8 | hs[3]);
			if (hs[0] != TLS_CLIENT_HELLO)
				return G_BAD;
			if (*hs_len >= need)
				return G_COMPLETE;
		}
		if (*hs_len == cap || n < rlen)
			break;
	}
	return G_MORE;
}

static void emit_sni(const struct dissect_input *in, const uint8_t *name, size_t n,
		     const struct fact_sink *sink)
{
	struct fact f = {
		.kind = FACT_TLS_SNI, .about = ABOUT_CLIENT, .value = (const char *)name,
		.value_len = n, .proto = "tls", .port = in->server_port,
	};
	fact_emit(sink, &f);
}

/* server_name extension body: a list of (type, length, name). */
static void parse_sni(const struct dissect_input *in, struct cursor *ext, const struct fact_sink *sink)
{
	uint16_t list_len = cur_be16(ext);
	struct cursor list = cur_sub(ext, list_len);
	while (cur_left(&list) >= 3) {
		uint8_t type = cur_u8(&list);
		uint16_t n = cur_be16(&list);
		const uint8_t *name = cur_take(&list, n);
		if (!name)
			return;
		if (type == SNI_HOST_NAME && n > 0 && n <= SNI_MAX) {
			emit_sni(in, name, n, sink);
			return;
		}
	}
}

static void parse_hello(const struct dissect_input *in, const uint8_t *hs, size_t len,
			const struct fact_sink *sink)
{
	struct cursor c;
	cur_init(&c, hs, len);
	if (cur_u8(&c) != TLS_CLIENT_HELLO)
		return;
	const uint8_t *l = cur_take(&c, 3);
	if (!l)
		return;
	struct cursor h = cur_sub(&c, (size_t)l[0] << 16 | (size_t)l[1] << 8 | l[2]);
	cur_skip(&h, 2 + 32);           /* client_version, random */
	cur_skip(&h, cur_u8(&h));       /* session_id */
	cur_skip(&h, cur_be16(&h));     /* cipher_suites */
	cur_skip(&h, cur_u8(&h));       /* compression_methods */
	struct cursor exts = cur_sub(&h, cur_be16(&h));
	if (h.err && cur_left(&exts) == 0)
		return;
	while (cur_left(&exts) >= 4) {
		uint16_t type = cur_be16(&exts);
		uint16_t elen = cur_be16(&exts);
		struct cursor ext = cur_sub(&exts, elen);
		if (type == TLS_EXT_SERVER_NAME) {
			parse_sni(in, &ext, sink);
			return;
		}
	}
}

static void tls_dissect(const struct dissect_input *in, void *state, const struct fact_sink *sink)
{
	struct tls_state *st = state;
	uint8_t hs[TLS_BUF_MAX];
	size_t hs_len;
	if (!st) { /* stateless: whatever this one segment holds */
		if (in->from_client && in->payload && !in->flow_end &&
		    gather(in->payload, in->len, hs, sizeof hs, &hs_len) != G_BAD)
			parse_hello(in, hs, hs_len, sink);
		return;
	}
	if (st->done || (!in->flow_end && !in->from_client))
		return;
	if (!in->flow_end && in->payload) {
		size_t room = TLS_BUF_MAX - st->len;
		size_t n = in->len < room ? in->len : room;
		memcpy(st->buf + st->len, in->payload, n);
		st->len = (uint16_t)(st->len + n);
	}
	enum gather g = gather(st->buf, st->len, hs, sizeof hs, &hs_len);
	if (g == G_MORE && !in->flow_end && st->len < TLS_BUF_MAX)
		return;
	st->done = true;
	if (g != G_BAD)
		parse_hello(in, hs, hs_len, sink);
}

const struct dissector dissector_tls = {
	.name = "tls",
	.l4_proto = IPPROTO_TCP,
	.match = tls_match,
	.dissect = tls_dissect,
	.state_size = sizeof(struct tls_state),
};
