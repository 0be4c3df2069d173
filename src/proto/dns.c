/* dns.c - DNS (UDP port 53) identification dissector.
 *
 * Queries: FACT_DNS_QUERY about the sender (the asker), value = the name.
 * Responses: for every A/AAAA answer that belongs to the question name or to
 * the CNAME chain starting at it, FACT_DNS_ANSWER about the address, value =
 * the name the client asked for (so a CDN address is named by what the
 * client asked, not by the CDN's CNAME target). The engine uses these to
 * name the peers of the response's receiver. Stateless. */
#include <netinet/in.h>
#include <string.h>

#include "proto/dissect.h"
#include "proto/dns_wire.h"
#include "proto/protocols.h"

#define DNS_PORT 53
#define MDNS_PORT 5353
#define DNS_MAX_QUESTIONS 4   /* questions reported per query / allowed in a response */
#define DNS_MAX_ANSWERS 64    /* answer records examined per response */
#define DNS_CHAIN_MAX 8       /* names in a followed CNAME chain */

static const char PROTO[] = "dns";

static bool dns_match(const struct dissect_input *in)
{
	const struct packet *p = in->pkt;
	if (!p || p->l4_proto != IPPROTO_UDP || in->len < DNS_HEADER_LEN)
		return false;
	if (p->src_port == MDNS_PORT || p->dst_port == MDNS_PORT)
		return false;
	return p->src_port == DNS_PORT || p->dst_port == DNS_PORT;
}

static void emit_queries(const struct dns_msg *m, struct cursor *c, const struct fact_sink *sink)
{
	unsigned n = m->hdr.qdcount < DNS_MAX_QUESTIONS ? m->hdr.qdcount : DNS_MAX_QUESTIONS;
	for (unsigned i = 0; i < n; i++) {
		struct dns_name q;
		uint16_t qtype, qclass;
		if (!dns_question_read(m, c, &q, &qtype, &qclass))
			return;
		if (q.len == 0)
			continue;
		struct fact f = {.kind = FACT_DNS_QUERY, .about = ABOUT_SRC, .value = q.text,
				 .value_len = q.len, .proto = PROTO};
		fact_emit(sink, &f);
	}
}

/* The names that lead to the answer: the question name plus CNAME targets. */
struct chain {
	struct dns_name names[DNS_CHAIN_MAX];
	unsigned count;
};

static bool chain_has(const struct chain *ch, const struct dns_name *n)
{
	for (unsigned i = 0; i < ch->count; i++)
		if (dns_name_eq(&ch->names[i], n))
			return true;
	return false;
}

/* One scan of the answers adding CNAME targets whose owner is on the chain.
 * Returns true if the chain grew. */
static bool chain_extend(const struct dns_msg *m, struct cursor c, unsigned nans, struct chain *ch)
{
	bool grew = false;
	for (unsigned i = 0; i < nans && ch->count < DNS_CHAIN_MAX; i++) {
		struct dns_rr rr;
		struct dns_name owner;
		if (!dns_rr_read(m, &c, &rr, &owner))
			break;
		if (rr.type != DNS_TYPE_CNAME || !chain_has(ch, &owner))
			continue;
		struct cursor r = dns_rdata_cursor(m, &rr);
		struct dns_name *t = &ch->names[ch->count];
		if (dns_name_read(m, &r, t) && !chain_has(ch, t)) {
			ch->count++;
			grew = true;
		}
	}
	return grew;
}

static void emit_answer(const struct dns_msg *m, const struct dns_rr *rr, const struct dns_name *q,
			const struct fact_sink *sink)
{
	struct cursor r = dns_rdata_cursor(m, rr);
	struct fact f = {.kind = FACT_DNS_ANSWER, .about = ABOUT_ADDR, .value = q->text,
			 .value_len = q->len, .proto = PROTO};
	if (rr->type == DNS_TYPE_A && rr->rdlen == 4) {
		const uint8_t *a = cur_take(&r, 4);
		if (!a)
			return;
		kaddr_v4(&f.addr, a);
	} else if (rr->type == DNS_TYPE_AAAA && rr->rdlen == 16) {
		const uint8_t *a = cur_take(&r, 16);
		if (!a)
			return;
		kaddr_v6(&f.addr, a);
	} else {
		return;
	}
	fact_emit(sink, &f);
}

static void emit_answers(const struct dns_msg *m, struct cursor *c, const struct fact_sink *sink)
{
	struct chain ch;
	uint16_t qtype, qclass;
	if (m->hdr.qdcount == 0 || m->hdr.qdcount > DNS_MAX_QUESTIONS ||
	    !dns_question_read(m, c, &ch.names[0], &qtype, &qclass))
		return;
	if (ch.names[0].len == 0)
		return;
	ch.count = 1;
	for (unsigned i = 1; i < m->hdr.qdcount; i++) { /* skip further questions */
		struct dns_name skip;
		if (!dns_question_read(m, c, &skip, &qtype, &qclass))
			return;
	}
	unsigned nans = m->hdr.ancount < DNS_MAX_ANSWERS ? m->hdr.ancount : DNS_MAX_ANSWERS;
	while (ch.count < DNS_CHAIN_MAX && chain_extend(m, *c, nans, &ch))
		;
	for (unsigned i = 0; i < nans; i++) {
		struct dns_rr rr;
		struct dns_name owner;
		if (!dns_rr_read(m, c, &rr, &owner))
			return;
		if ((rr.rclass & 0x7fff) == DNS_CLASS_IN && chain_has(&ch, &owner))
			emit_answer(m, &rr, &ch.names[0], sink);
	}
}

static void dns_dissect(const struct dissect_input *in, void *state, const struct fact_sink *sink)
{
	(void)state;
	struct dns_msg m;
	if (in->flow_end || !dns_msg_init(&m, in->payload, in->len))
		return;
	if (DNS_OPCODE(&m.hdr) != 0) /* standard queries only */
		return;
	struct cursor c = dns_msg_cursor(&m, DNS_HEADER_LEN);
	if (DNS_QR(&m.hdr))
		emit_answers(&m, &c, sink);
	else
		emit_queries(&m, &c, sink);
}

const struct dissector dissector_dns = {
	.name = "dns",
	.l4_proto = IPPROTO_UDP,
	.match = dns_match,
	.dissect = dns_dissect,
	.state_size = 0,
};
