/* mdns.c - multicast DNS / DNS-SD (UDP 5353) identification dissector.
 *
 * Reads the records a host publishes about itself: all sections of a
 * response, and the authority section of a query (a probe's proposed
 * records). Known answers in queries are other hosts' records and are
 * ignored. Facts, all about the sender:
 *   PTR <service type> -> instance: FACT_MDNS_SERVICE (the type, with the
 *       port of the instance's SRV record when the message has it) and
 *       FACT_MDNS_INSTANCE (the instance's first label);
 *   PTR _services._dns-sd._udp.<domain> -> type: FACT_MDNS_SERVICE;
 *   SRV: the same two facts from the owner, FACT_HOSTNAME from the target;
 *   A/AAAA owner and reverse-mapping PTR target: FACT_HOSTNAME;
 *   TXT model/manufacturer/firmware keys: FACT_MODEL/_MANUFACTURER/_FIRMWARE.
 * Host names lose a trailing ".local". Repeats within a message are
 * reported once. Stateless. */
#include <netinet/in.h>
#include <string.h>

#include "proto/dissect.h"
#include "proto/dns_wire.h"
#include "proto/protocols.h"
#include "util/cursor.h"

#define MDNS_PORT 5353
#define MDNS_MAX_RECORDS 64 /* records read per message, all sections */
#define MDNS_SEEN_MAX 64    /* facts remembered for de-duplication */

static const char PROTO[] = "mdns";

/* A record kept for the emit passes. */
struct mrec {
	struct dns_rr rr;
	uint32_t owner_hash;
	uint32_t target_hash; /* PTR and SRV */
	uint16_t port;        /* SRV */
};

struct mdns_ctx {
	struct dns_msg m;
	const struct fact_sink *sink;
	struct mrec recs[MDNS_MAX_RECORDS];
	unsigned nrecs;
	uint32_t seen[MDNS_SEEN_MAX];
	unsigned nseen;
};

static bool mdns_match(const struct dissect_input *in)
{
	const struct packet *p = in->pkt;
	if (!p || p->l4_proto != IPPROTO_UDP || in->len < DNS_HEADER_LEN)
		return false;
	return p->src_port == MDNS_PORT || p->dst_port == MDNS_PORT;
}

/* ---- reporting ---- */

static uint32_t fact_hash(enum fact_kind kind, uint16_t port, const char *v, size_t n)
{
	uint32_t h = 2166136261u;
	h = (h ^ (uint32_t)kind) * 16777619u;
	h = (h ^ port) * 16777619u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)v[i]) * 16777619u;
	return h;
}

static bool seen_has(const struct mdns_ctx *x, uint32_t h)
{
	for (unsigned i = 0; i < x->nseen; i++)
		if (x->seen[i] == h)
			return true;
	return false;
}

static void seen_add(struct mdns_ctx *x, uint32_t h)
{
	if (x->nseen < MDNS_SEEN_MAX)
		x->seen[x->nseen++] = h;
}

/* Emits a fact once per message. A service is also remembered without its
 * port, so that a bare service type can defer to the same type with a port. */
static void emit(struct mdns_ctx *x, enum fact_kind kind, const char *v, size_t n, uint16_t port)
{
	if (n == 0)
		return;
	uint32_t h = fact_hash(kind, port, v, n);
	if (seen_has(x, h))
		return;
	seen_add(x, h);
	if (kind == FACT_MDNS_SERVICE && port != 0)
		seen_add(x, fact_hash(kind, 0, v, n));
	struct fact f = {.kind = kind, .about = ABOUT_SRC, .value = v, .value_len = n,
			 .proto = PROTO, .port = port};
	fact_emit(x->sink, &f);
}

/* ---- name shapes ---- */

static bool label_starts_underscore(const struct dns_name *n, unsigned i)
{
	size_t len;
	return i < n->nlabels && dns_label(n, i, &len)[0] == '_' && len > 1;
}

/* Labels i.. are "_service._tcp|_udp.<domain...>". */
static bool svc_type_at(const struct dns_name *n, unsigned i)
{
	return i + 2 < n->nlabels && label_starts_underscore(n, i) &&
	       (dns_label_is(n, i + 1, "_tcp") || dns_label_is(n, i + 1, "_udp"));
}

/* Index of the service type in a PTR owner ("_x._tcp.local" or the subtype
 * form "_sub1._sub._x._tcp.local"), or -1. */
static int svc_owner_start(const struct dns_name *n)
{
	if (svc_type_at(n, 0))
		return 0;
	if (dns_label_is(n, 1, "_sub") && svc_type_at(n, 2))
		return 2;
	return -1;
}

static bool is_meta_query(const struct dns_name *n)
{
	return n->nlabels >= 4 && dns_label_is(n, 0, "_services") &&
	       dns_label_is(n, 1, "_dns-sd") && dns_label_is(n, 2, "_udp");
}

static bool is_reverse(const struct dns_name *n)
{
	unsigned k = n->nlabels;
	return k >= 3 && dns_label_is(n, k - 1, "arpa") &&
	       (dns_label_is(n, k - 2, "in-addr") || dns_label_is(n, k - 2, "ip6"));
}

/* A host name without a trailing ".local". */
static void emit_hostname(struct mdns_ctx *x, const struct dns_name *n)
{
	size_t len = n->len;
	if (n->nlabels >= 2 && dns_label_is(n, n->nlabels - 1U, "local"))
		len = (size_t)n->loff[n->nlabels - 1U] - 1;
	else if (n->nlabels < 2 && dns_label_is(n, 0, "local"))
		return;
	emit(x, FACT_HOSTNAME, n->text, len, 0);
}

static void emit_first_label(struct mdns_ctx *x, enum fact_kind kind, const struct dns_name *n,
			     uint16_t port)
{
	size_t len;
	if (n->nlabels > 0) {
		const char *l = dns_label(n, 0, &len);
		emit(x, kind, l, len, port);
	}
}

/* ---- records ---- */

static bool owner_name(const struct mdns_ctx *x, const struct mrec *r, struct dns_name *out)
{
	struct cursor c = dns_msg_cursor(&x->m, r->rr.owner_off);
	return dns_name_read(&x->m, &c, out);
}

/* The name in a PTR's RDATA or an SRV's target. */
static bool target_name(const struct mdns_ctx *x, const struct mrec *r, struct dns_name *out)
{
	struct cursor c = dns_rdata_cursor(&x->m, &r->rr);
	if (r->rr.type == DNS_TYPE_SRV)
		cur_skip(&c, 6); /* priority, weight, port */
	return dns_name_read(&x->m, &c, out);
}

static void keep(struct mdns_ctx *x, const struct dns_rr *rr, const struct dns_name *owner)
{
	if (x->nrecs >= MDNS_MAX_RECORDS)
		return;
	struct mrec *r = &x->recs[x->nrecs];
	memset(r, 0, sizeof *r);
	r->rr = *rr;
	r->owner_hash = dns_name_hash(owner);
	if (rr->type == DNS_TYPE_PTR || rr->type == DNS_TYPE_SRV) {
		struct dns_name t;
		if (rr->type == DNS_TYPE_SRV) {
			struct cursor c = dns_rdata_cursor(&x->m, rr);
			cur_skip(&c, 4);
			r->port = cur_be16(&c);
		}
		if (!target_name(x, r, &t))
			return; /* unusable: not kept */
		r->target_hash = dns_name_hash(&t);
	}
	x->nrecs++;
}

/* Reads the message and keeps the records worth reporting: every section of
 * a response, the authority section of a query. At most MDNS_MAX_RECORDS
 * questions and records are read in all. */
static void collect(struct mdns_ctx *x)
{
	const struct dns_header *h = &x->m.hdr;
	const uint16_t counts[3] = {h->ancount, h->nscount, h->arcount};
	struct cursor c = dns_msg_cursor(&x->m, DNS_HEADER_LEN);
	unsigned budget = MDNS_MAX_RECORDS;

	if (h->qdcount > budget)
		return;
	budget -= h->qdcount;
	for (unsigned i = 0; i < h->qdcount; i++) {
		struct dns_name q;
		uint16_t qtype, qclass;
		if (!dns_question_read(&x->m, &c, &q, &qtype, &qclass))
			return;
	}
	for (unsigned s = 0; s < 3; s++) {
		bool want = DNS_QR(h) || s == 1;
		for (unsigned i = 0; i < counts[s]; i++) {
			struct dns_rr rr;
			struct dns_name owner;
			if (budget == 0 || !dns_rr_read(&x->m, &c, &rr, &owner))
				return;
			budget--;
			if (want)
				keep(x, &rr, &owner);
		}
	}
}

/* The port of the SRV record owned by inst, or 0. */
static uint16_t srv_port_for(const struct mdns_ctx *x, uint32_t hash, const struct dns_name *inst)
{
	for (unsigned i = 0; i < x->nrecs; i++) {
		const struct mrec *r = &x->recs[i];
		struct dns_name owner;
		if (r->rr.type == DNS_TYPE_SRV && r->owner_hash == hash && owner_name(x, r, &owner) &&
		    dns_name_eq(&owner, inst))
			return r->port;
	}
	return 0;
}

/* PTR <service type> -> instance. */
static void on_service_ptr(struct mdns_ctx *x, const struct mrec *r)
{
	struct dns_name owner, target;
	if (!owner_name(x, r, &owner) || !target_name(x, r, &target))
		return;
	int k = svc_owner_start(&owner);
	if (k < 0)
		return;
	uint16_t port = srv_port_for(x, r->target_hash, &target);
	size_t len;
	const char *svc = dns_name_from(&owner, (unsigned)k, &len);
	emit(x, FACT_MDNS_SERVICE, svc, len, port);
	emit_first_label(x, FACT_MDNS_INSTANCE, &target, port);
}

/* SRV: instance.<service type> -> host:port. */
static void on_srv(struct mdns_ctx *x, const struct mrec *r)
{
	struct dns_name owner, target;
	if (!owner_name(x, r, &owner) || !target_name(x, r, &target))
		return;
	if (svc_type_at(&owner, 1)) {
		size_t len;
		const char *svc = dns_name_from(&owner, 1, &len);
		emit(x, FACT_MDNS_SERVICE, svc, len, r->port);
		emit_first_label(x, FACT_MDNS_INSTANCE, &owner, r->port);
	}
	emit_hostname(x, &target);
}

/* PTR records that are not service browsing: the DNS-SD meta query's
 * service types and reverse mappings' host names. */
static void on_other_ptr(struct mdns_ctx *x, const struct mrec *r)
{
	struct dns_name owner, target;
	if (!owner_name(x, r, &owner) || !target_name(x, r, &target))
		return;
	if (is_meta_query(&owner) && svc_type_at(&target, 0))
		emit(x, FACT_MDNS_SERVICE, target.text, target.len, 0);
	else if (is_reverse(&owner))
		emit_hostname(x, &target);
}

static void on_address(struct mdns_ctx *x, const struct mrec *r)
{
	struct dns_name owner;
	if (owner_name(x, r, &owner))
		emit_hostname(x, &owner);
}

/* ---- TXT ---- */

static const struct {
	const char *key;
	enum fact_kind kind;
} txt_keys[] = {
	{"md", FACT_MODEL},           {"model", FACT_MODEL},         {"ty", FACT_MODEL},
	{"usb_mdl", FACT_MODEL},      {"manufacturer", FACT_MANUFACTURER},
	{"mf", FACT_MANUFACTURER},    {"usb_mfg", FACT_MANUFACTURER}, {"fv", FACT_FIRMWARE},
	{"fw", FACT_FIRMWARE},        {"firmware", FACT_FIRMWARE},   {"fwversion", FACT_FIRMWARE},
	{"swversion", FACT_FIRMWARE},
};

/* Do the bytes under k equal the lowercase ASCII string s, ignoring case? */
static bool span_is(struct cursor k, const char *s)
{
	if (cur_left(&k) != strlen(s))
		return false;
	for (; *s; s++) {
		uint8_t ch = cur_u8(&k);
		if (ch >= 'A' && ch <= 'Z')
			ch = (uint8_t)(ch - 'A' + 'a');
		if (ch != (uint8_t)*s)
			return false;
	}
	return true;
}

/* One "key=value" string; entries without '=' are boolean flags. */
static void txt_entry(struct mdns_ctx *x, struct cursor s)
{
	size_t total = cur_left(&s), klen = 0;
	struct cursor scan = s;
	while (cur_left(&scan) > 0 && cur_u8(&scan) != '=')
		klen++;
	if (klen == total)
		return;
	struct cursor key = cur_sub(&s, klen);
	cur_skip(&s, 1);
	size_t vlen = cur_left(&s);
	const uint8_t *val = cur_take(&s, vlen);
	for (size_t i = 0; val && i < sizeof txt_keys / sizeof txt_keys[0]; i++) {
		if (span_is(key, txt_keys[i].key)) {
			emit(x, txt_keys[i].kind, (const char *)val, vlen, 0);
			return;
		}
	}
}

static void on_txt(struct mdns_ctx *x, const struct mrec *r)
{
	struct cursor c = dns_rdata_cursor(&x->m, &r->rr);
	while (cur_left(&c) > 0) {
		uint8_t n = cur_u8(&c);
		struct cursor s = cur_sub(&c, n);
		if (c.err)
			return;
		txt_entry(x, s);
	}
}

/* ---- entry points ---- */

static void mdns_dissect(const struct dissect_input *in, void *state, const struct fact_sink *sink)
{
	(void)state;
	struct mdns_ctx x;
	if (in->flow_end || !dns_msg_init(&x.m, in->payload, in->len))
		return;
	if (DNS_OPCODE(&x.m.hdr) != 0)
		return;
	x.sink = sink;
	x.nrecs = 0;
	x.nseen = 0;
	collect(&x);
	/* services first, so their ports are known before bare service types */
	for (unsigned i = 0; i < x.nrecs; i++) {
		if (x.recs[i].rr.type == DNS_TYPE_PTR)
			on_service_ptr(&x, &x.recs[i]);
		else if (x.recs[i].rr.type == DNS_TYPE_SRV)
			on_srv(&x, &x.recs[i]);
	}
	for (unsigned i = 0; i < x.nrecs; i++) {
		switch (x.recs[i].rr.type) {
		case DNS_TYPE_PTR: on_other_ptr(&x, &x.recs[i]); break;
		case DNS_TYPE_A:
		case DNS_TYPE_AAAA: on_address(&x, &x.recs[i]); break;
		case DNS_TYPE_TXT: on_txt(&x, &x.recs[i]); break;
		default: break;
		}
	}
}

const struct dissector dissector_mdns = {
	.name = "mdns",
	.l4_proto = IPPROTO_UDP,
	.match = mdns_match,
	.dissect = mdns_dissect,
	.state_size = 0,
};
