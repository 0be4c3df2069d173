/* dhcp.c - DHCPv4 (UDP 67/68) identification dissector.
 *
 * Client messages (op 1, not relayed): host name (12), vendor class (60),
 * parameter request list (55, as "1,3,6"), client identifier (61, as hex)
 * and MUD URL (161), all about the client named by chaddr (ABOUT_MAC; the
 * sender when there is no Ethernet chaddr and no relay). Server DHCPACKs: the address
 * handed out (yiaddr) and the client's MAC (chaddr) as FACT_DHCP_ADDRESS.
 * Option overload (52) is honoured: the file and sname fields are parsed as
 * options after the main area. Stateless. */
#include <netinet/in.h>
#include <string.h>

#include "proto/dissect.h"
#include "proto/protocols.h"
#include "util/cursor.h"

#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68
#define DHCP_FIXED_LEN 236      /* BOOTP header before the magic cookie */
#define DHCP_OPTIONS_OFF 240
#define DHCP_COOKIE 0x63825363u
#define DHCP_CLIENT_ID_MAX 64   /* client-id bytes rendered as hex */

enum { BOOTREQUEST = 1, BOOTREPLY = 2, DHCPACK = 5 };
enum {
	OPT_PAD = 0, OPT_HOSTNAME = 12, OPT_OVERLOAD = 52, OPT_MSG_TYPE = 53, OPT_PARAMS = 55,
	OPT_VENDOR_CLASS = 60, OPT_CLIENT_ID = 61, OPT_MUD_URL = 161, OPT_END = 255,
};

static const char PROTO[] = "dhcp";

/* The fixed BOOTP fields we use, each a cursor over its bytes. */
struct bootp {
	uint8_t op, htype, hlen;
	struct cursor yiaddr, giaddr, chaddr, sname, file;
};

/* The options we use; first instance wins. A cursor with base NULL is absent. */
struct dhcp_opts {
	struct cursor hostname, vendor, params, client_id, mud_url;
	int msg_type;   /* -1 if absent */
	int overload;   /* 0 if absent */
};

static bool dhcp_port(uint16_t p)
{
	return p == DHCP_SERVER_PORT || p == DHCP_CLIENT_PORT;
}

static bool dhcp_match(const struct dissect_input *in)
{
	const struct packet *p = in->pkt;
	if (!p || p->l4_proto != IPPROTO_UDP || !(dhcp_port(p->src_port) || dhcp_port(p->dst_port)))
		return false;
	struct cursor c;
	cur_init(&c, in->payload, in->len);
	cur_skip(&c, DHCP_FIXED_LEN);
	return cur_be32(&c) == DHCP_COOKIE && !c.err;
}

static bool bootp_read(struct cursor *c, struct bootp *b)
{
	b->op = cur_u8(c);
	b->htype = cur_u8(c);
	b->hlen = cur_u8(c);
	cur_skip(c, 1 + 4 + 2 + 2 + 4);  /* hops, xid, secs, flags, ciaddr */
	b->yiaddr = cur_sub(c, 4);
	cur_skip(c, 4);                  /* siaddr */
	b->giaddr = cur_sub(c, 4);
	b->chaddr = cur_sub(c, 16);
	b->sname = cur_sub(c, 64);
	b->file = cur_sub(c, 128);
	bool ok = cur_be32(c) == DHCP_COOKIE;
	return ok && !c->err;
}

static void opt_store(struct dhcp_opts *o, uint8_t code, struct cursor v, bool main_area)
{
	struct cursor *slot = NULL;
	switch (code) {
	case OPT_HOSTNAME: slot = &o->hostname; break;
	case OPT_VENDOR_CLASS: slot = &o->vendor; break;
	case OPT_PARAMS: slot = &o->params; break;
	case OPT_CLIENT_ID: slot = &o->client_id; break;
	case OPT_MUD_URL: slot = &o->mud_url; break;
	case OPT_MSG_TYPE:
		if (o->msg_type < 0 && cur_left(&v) == 1)
			o->msg_type = cur_u8(&v);
		return;
	case OPT_OVERLOAD: /* only meaningful in the main options area */
		if (main_area && o->overload == 0 && cur_left(&v) == 1)
			o->overload = cur_u8(&v) & 3;
		return;
	default:
		return;
	}
	if (!slot->base)
		*slot = v;
}

/* Walks one options area. Stops at END, or at an option whose length runs
 * past the area (options before it are kept). */
static void opts_parse(struct cursor c, struct dhcp_opts *o, bool main_area)
{
	while (cur_left(&c) > 0) {
		uint8_t code = cur_u8(&c);
		if (code == OPT_PAD)
			continue;
		if (code == OPT_END)
			return;
		uint8_t len = cur_u8(&c);
		struct cursor v = cur_sub(&c, len);
		if (c.err)
			return;
		if (len > 0)
			opt_store(o, code, v, main_area);
	}
}

/* Whom client facts are about: the client's hardware address when the
 * message carries an Ethernet chaddr (right even through a relay), else the
 * sender of an unrelayed message. */
struct subject {
	enum fact_about about;
	const uint8_t *mac;
};

static void emit_bytes(const struct fact_sink *sink, const struct subject *who, enum fact_kind kind,
		       struct cursor v)
{
	size_t n = cur_left(&v);
	if (n == 0) /* absent (NULL base) or empty */
		return;
	const uint8_t *p = cur_take(&v, n);
	if (!p)
		return;
	struct fact f = {.kind = kind, .about = who->about, .mac = who->mac, .value = (const char *)p,
			 .value_len = n, .proto = PROTO};
	fact_emit(sink, &f);
}

static void emit_text(const struct fact_sink *sink, const struct subject *who, enum fact_kind kind,
		      const char *s, size_t n)
{
	if (n == 0)
		return;
	struct fact f = {.kind = kind, .about = who->about, .mac = who->mac, .value = s, .value_len = n,
			 .proto = PROTO};
	fact_emit(sink, &f);
}

/* Option 55 as decimal codes separated by commas: at most 255 * 4 bytes. */
static void emit_params(const struct fact_sink *sink, const struct subject *who, struct cursor v)
{
	char buf[255 * 4];
	size_t n = 0;
	while (cur_left(&v) > 0 && n + 4 <= sizeof buf) {
		unsigned code = cur_u8(&v);
		if (n > 0)
			buf[n++] = ',';
		if (code >= 100)
			buf[n++] = (char)('0' + code / 100);
		if (code >= 10)
			buf[n++] = (char)('0' + code / 10 % 10);
		buf[n++] = (char)('0' + code % 10);
	}
	emit_text(sink, who, FACT_DHCP_PARAMS, buf, n);
}

/* Option 61 as lowercase hex, at most DHCP_CLIENT_ID_MAX bytes of it. */
static void emit_client_id(const struct fact_sink *sink, const struct subject *who, struct cursor v)
{
	static const char hex[] = "0123456789abcdef";
	char buf[DHCP_CLIENT_ID_MAX * 2];
	size_t n = 0;
	while (cur_left(&v) > 0 && n + 2 <= sizeof buf) {
		uint8_t b = cur_u8(&v);
		buf[n++] = hex[b >> 4];
		buf[n++] = hex[b & 15];
	}
	emit_text(sink, who, FACT_CLIENT_ID, buf, n);
}

static bool is_zero4(struct cursor v)
{
	return cur_be32(&v) == 0 || v.err;
}

static void emit_client(const struct bootp *b, const struct dhcp_opts *o,
			const struct fact_sink *sink)
{
	struct subject who = {.about = ABOUT_SRC, .mac = NULL};
	struct cursor ch = b->chaddr;
	const uint8_t *mac = b->htype == 1 && b->hlen == 6 ? cur_take(&ch, 6) : NULL;
	if (mac) {
		who.about = ABOUT_MAC;
		who.mac = mac;
	} else if (!is_zero4(b->giaddr)) { /* relayed, no usable chaddr: the sender is the relay */
		return;
	}
	emit_bytes(sink, &who, FACT_HOSTNAME, o->hostname);
	emit_bytes(sink, &who, FACT_VENDOR_CLASS, o->vendor);
	if (o->params.base)
		emit_params(sink, &who, o->params);
	if (o->client_id.base)
		emit_client_id(sink, &who, o->client_id);
	emit_bytes(sink, &who, FACT_MUD_URL, o->mud_url);
}

static void emit_ack(const struct bootp *b, const struct fact_sink *sink)
{
	if (b->htype != 1 || b->hlen != 6 || is_zero4(b->yiaddr))
		return;
	struct cursor y = b->yiaddr, ch = b->chaddr;
	const uint8_t *ip = cur_take(&y, 4);
	const uint8_t *mac = cur_take(&ch, 6);
	if (!ip || !mac)
		return;
	struct fact f = {.kind = FACT_DHCP_ADDRESS, .about = ABOUT_ADDR,
			 .value = (const char *)mac, .value_len = 6, .proto = PROTO};
	kaddr_v4(&f.addr, ip);
	fact_emit(sink, &f);
}

static void dhcp_dissect(const struct dissect_input *in, void *state, const struct fact_sink *sink)
{
	(void)state;
	struct cursor c;
	struct bootp b;
	cur_init(&c, in->payload, in->len);
	if (in->flow_end || !bootp_read(&c, &b))
		return;
	struct dhcp_opts o;
	memset(&o, 0, sizeof o);
	o.msg_type = -1;
	opts_parse(c, &o, true);
	if (o.overload & 1)
		opts_parse(b.file, &o, false);
	if (o.overload & 2)
		opts_parse(b.sname, &o, false);

	if (b.op == BOOTREQUEST) {
		emit_client(&b, &o, sink);
		return;
	}
	if (b.op != BOOTREPLY)
		return;
	if (in->pkt && in->pkt->src_port == 67 && o.msg_type >= 0) {
		/* a DHCP message from port 67: the sender runs a DHCP server (or relay) */
		struct fact f = {.kind = FACT_SERVICE, .about = ABOUT_SRC, .proto = PROTO, .port = 67};
		fact_emit(sink, &f);
	}
	if (o.msg_type == DHCPACK)
		emit_ack(&b, sink);
}

const struct dissector dissector_dhcp = {
	.name = "dhcp",
	.l4_proto = IPPROTO_UDP,
	.match = dhcp_match,
	.dissect = dhcp_dissect,
	.state_size = 0,
};
