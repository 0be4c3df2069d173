/* ssdp.c - SSDP (UPnP discovery, UDP 1900): NOTIFY and M-SEARCH requests and
 * HTTP/1.1 200 search responses. Reports the sender's SERVER banner,
 * LOCATION (URL of its description XML) and USN, and the USER-AGENT of a
 * control point's M-SEARCH. Every fact is about the sender (ABOUT_SRC).
 * Stateless: one datagram is one message; a last line without LF (maybe
 * cut by the snap length) is ignored. */
#include <netinet/in.h>
#include <string.h>

#include "proto/dissect.h"
#include "proto/protocols.h"
#include "proto/textproto.h"

#define SSDP_PORT 1900

enum ssdp_kind { SSDP_NONE, SSDP_NOTIFY, SSDP_SEARCH, SSDP_RESPONSE };

static enum ssdp_kind start_line(const char *line, size_t len)
{
	if (tp_prefix_ci(line, len, "NOTIFY * HTTP/1."))
		return SSDP_NOTIFY;
	if (tp_prefix_ci(line, len, "M-SEARCH * HTTP/1."))
		return SSDP_SEARCH;
	if (tp_prefix_ci(line, len, "HTTP/1.") && len >= 12 && line[8] == ' ' && line[9] == '2')
		return SSDP_RESPONSE;
	return SSDP_NONE;
}

static bool ssdp_match(const struct dissect_input *in)
{
	if (in->server_port == SSDP_PORT)
		return true;
	if (in->pkt && in->pkt->has_l4 &&
	    (in->pkt->src_port == SSDP_PORT || in->pkt->dst_port == SSDP_PORT))
		return true;
	return false;
}

static void emit(const struct fact_sink *sink, enum fact_kind kind, const char *v, size_t n,
		 uint16_t port)
{
	if (n == 0)
		return;
	struct fact f = {
		.kind = kind, .about = ABOUT_SRC, .value = v, .value_len = n,
		.proto = "ssdp", .port = port,
	};
	fact_emit(sink, &f);
}

static void header(enum ssdp_kind kind, const char *name, size_t nl, const char *v, size_t vl,
		   const struct fact_sink *sink)
{
	if (kind == SSDP_SEARCH) {
		if (tp_eq_ci(name, nl, "USER-AGENT"))
			emit(sink, FACT_USER_AGENT, v, vl, 0);
		return;
	}
	if (tp_eq_ci(name, nl, "SERVER"))
		emit(sink, FACT_SERVER_BANNER, v, vl, SSDP_PORT);
	else if (tp_eq_ci(name, nl, "LOCATION"))
		emit(sink, FACT_UPNP_LOCATION, v, vl, 0);
	else if (tp_eq_ci(name, nl, "USN"))
		emit(sink, FACT_UPNP_USN, v, vl, 0);
}

static void ssdp_dissect(const struct dissect_input *in, void *state, const struct fact_sink *sink)
{
	(void)state;
	if (in->flow_end || !in->payload)
		return;
	/* a last line without LF may have been cut by the snap length: drop it */
	const uint8_t *lf = memrchr(in->payload, '\n', in->len);
	if (!lf)
		return;
	struct cursor c;
	cur_init(&c, in->payload, (size_t)(lf - in->payload) + 1);
	const char *line, *name, *value;
	size_t len, nl, vl;
	if (!tp_next_line(&c, &line, &len))
		return;
	enum ssdp_kind kind = start_line(line, len);
	if (kind == SSDP_NONE)
		return;
	while (tp_next_line(&c, &line, &len) && len > 0)
		if (tp_header(line, len, &name, &nl, &value, &vl))
			header(kind, name, nl, value, vl, sink);
}

const struct dissector dissector_ssdp = {
	.name = "ssdp",
	.l4_proto = IPPROTO_UDP,
	.match = ssdp_match,
	.dissect = ssdp_dissect,
	.state_size = 0,
};
