/* ntp.c - NTP (UDP 123) identification dissector: reports that the sender
 * speaks NTP as a "client" (mode 3), "server" (mode 4) or "broadcast"
 * (mode 5) when the packet is a plausible NTPv1..v4 time packet (at least
 * the 48-byte header). Control (6) and private (7) modes and symmetric
 * peers (1, 2) report nothing. Stateless. */
#include <netinet/in.h>
#include <string.h>

#include "proto/dissect.h"
#include "proto/protocols.h"
#include "util/cursor.h"

#define NTP_PORT 123
#define NTP_HEADER_LEN 48

static bool ntp_match(const struct dissect_input *in)
{
	const struct packet *p = in->pkt;
	if (!p || p->l4_proto != IPPROTO_UDP || (p->src_port != NTP_PORT && p->dst_port != NTP_PORT))
		return false;
	struct cursor c;
	cur_init(&c, in->payload, in->len);
	unsigned version = (cur_u8(&c) >> 3) & 7;
	return !c.err && version >= 1 && version <= 4;
}

static void ntp_dissect(const struct dissect_input *in, void *state, const struct fact_sink *sink)
{
	(void)state;
	struct cursor c;
	cur_init(&c, in->payload, in->len);
	if (in->flow_end || !cur_has(&c, NTP_HEADER_LEN))
		return;
	uint8_t b = cur_u8(&c);
	unsigned version = (b >> 3) & 7, mode = b & 7;
	if (version < 1 || version > 4)
		return;
	const char *what;
	switch (mode) {
	case 3: what = "client"; break;
	case 4: what = "server"; break;
	case 5: what = "broadcast"; break;
	default: return;
	}
	struct fact f = {.kind = FACT_NTP, .about = ABOUT_SRC, .value = what, .value_len = strlen(what),
			 .proto = "ntp"};
	fact_emit(sink, &f);
}

const struct dissector dissector_ntp = {
	.name = "ntp",
	.l4_proto = IPPROTO_UDP,
	.match = ntp_match,
	.dissect = ntp_dissect,
	.state_size = 0,
};
