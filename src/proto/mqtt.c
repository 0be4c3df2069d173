/* mqtt.c - MQTT CONNECT (3.1 "MQIsdp", 3.1.1 and 5.0) from the client:
 * the client identifier is a fact about the client; a user name (with its
 * password, if one was sent) is a FACT_LOGIN about the server (the broker
 * being logged in to) on the server port.
 *
 * The first MQTT_BUF_MAX bytes the client sends are kept in the per-flow
 * state until the CONNECT packet is complete (by its remaining length), the
 * buffer is full, or the flow ends; then it is parsed once. Fields cut off
 * by the end of the data are not reported. */
#include <netinet/in.h>
#include <string.h>

#include "proto/dissect.h"
#include "proto/protocols.h"
#include "util/cursor.h"

#define MQTT_PORT 1883
#define MQTT_BUF_MAX 4096
#define MQTT_CONNECT 0x10

enum {
	FL_WILL = 0x04,
	FL_PASSWORD = 0x40,
	FL_USERNAME = 0x80,
};

struct mqtt_state {
	bool done;
	uint16_t len;
	uint8_t buf[MQTT_BUF_MAX];
};

/* Variable byte integer (1..4 bytes). Sets err if malformed or cut off. */
static uint32_t varint(struct cursor *c)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++) {
		uint8_t b = cur_u8(c);
		v |= (uint32_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80))
			return v;
	}
	c->err = true;
	return 0;
}

/* A two-byte-length string; NULL (err set) if cut off. */
static const uint8_t *str(struct cursor *c, uint16_t *n)
{
	*n = cur_be16(c);
	return cur_take(c, *n);
}

/* Protocol name "MQTT" or "MQIsdp" after the fixed header. */
static bool proto_name_ok(struct cursor *c)
{
	uint16_t n;
	const uint8_t *p = str(c, &n);
	return p && ((n == 4 && memcmp(p, "MQTT", 4) == 0) || (n == 6 && memcmp(p, "MQIsdp", 6) == 0));
}

static bool mqtt_match(const struct dissect_input *in)
{
	if (in->server_port == MQTT_PORT)
		return true;
	if (!in->from_client || !in->payload || in->len < 2 || in->payload[0] != MQTT_CONNECT)
		return false;
	struct cursor c;
	cur_init(&c, in->payload, in->len);
	cur_skip(&c, 1);
	varint(&c);
	return proto_name_ok(&c);
}

static void emit(const struct dissect_input *in, const struct fact_sink *sink, struct fact *f)
{
	f->proto = "mqtt";
	f->port = in->server_port;
	fact_emit(sink, f);
}

static void parse_connect(const struct dissect_input *in, const uint8_t *p, size_t len,
			  const struct fact_sink *sink)
{
	struct cursor c;
	cur_init(&c, p, len);
	if (cur_u8(&c) != MQTT_CONNECT)
		return;
	struct cursor m = cur_sub(&c, varint(&c));
	if (!proto_name_ok(&m))
		return;
	uint8_t level = cur_u8(&m);
	uint8_t flags = cur_u8(&m);
	cur_skip(&m, 2); /* keep alive */
	if (level >= 5)
		cur_skip(&m, varint(&m)); /* properties */
	if (m.err || (flags & 0x01))
		return;
	uint16_t id_len, user_len = 0, pass_len = 0, n;
	const uint8_t *id = str(&m, &id_len);
	if (id && id_len > 0) {
		struct fact f = { .kind = FACT_MQTT_CLIENT_ID, .about = ABOUT_CLIENT,
				  .value = (const char *)id, .value_len = id_len };
		emit(in, sink, &f);
	}
	if (flags & FL_WILL) {
		if (level >= 5)
			cur_skip(&m, varint(&m)); /* will properties */
		str(&m, &n);              /* will topic */
		str(&m, &n);              /* will payload */
	}
	if (!(flags & FL_USERNAME))
		return;
	const uint8_t *user = str(&m, &user_len);
	const uint8_t *pass = (flags & FL_PASSWORD) ? str(&m, &pass_len) : NULL;
	if (!user || ((flags & FL_PASSWORD) && !pass))
		return; /* cut off: do not report a password-less login that was not */
	struct fact f = { .kind = FACT_LOGIN, .about = ABOUT_SERVER, .value = (const char *)user,
			  .value_len = user_len, .secret = (const char *)pass, .secret_len = pass_len };
	emit(in, sink, &f);
}

/* Bytes needed for the whole CONNECT, 0 while the header is incomplete,
 * SIZE_MAX if this is not a CONNECT at all. */
static size_t packet_size(const uint8_t *p, size_t len)
{
	struct cursor c;
	cur_init(&c, p, len);
	if (len >= 1 && p[0] != MQTT_CONNECT)
		return SIZE_MAX;
	cur_skip(&c, 1);
	uint32_t rem = varint(&c);
	if (c.err)
		return (len >= 5) ? SIZE_MAX : 0;
	return c.off + rem;
}

static void mqtt_dissect(const struct dissect_input *in, void *state, const struct fact_sink *sink)
{
	struct mqtt_state *st = state;
	if (!st) { /* stateless: whatever this one segment holds */
		if (in->from_client && in->payload && !in->flow_end)
			parse_connect(in, in->payload, in->len, sink);
		return;
	}
	if (st->done || (!in->flow_end && !in->from_client))
		return;
	if (!in->flow_end && in->payload) {
		size_t room = MQTT_BUF_MAX - st->len;
		size_t n = in->len < room ? in->len : room;
		memcpy(st->buf + st->len, in->payload, n);
		st->len = (uint16_t)(st->len + n);
	}
	size_t need = packet_size(st->buf, st->len);
	if (need == SIZE_MAX) {
		st->done = true;
		return;
	}
	if ((need == 0 || st->len < need) && !in->flow_end && st->len < MQTT_BUF_MAX)
		return;
	st->done = true;
	parse_connect(in, st->buf, st->len, sink);
}

const struct dissector dissector_mqtt = {
	.name = "mqtt",
	.l4_proto = IPPROTO_TCP,
	.match = mqtt_match,
	.dissect = mqtt_dissect,
	.state_size = sizeof(struct mqtt_state),
};
