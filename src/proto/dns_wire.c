/* dns_wire.c - DNS message decoding shared by the DNS and mDNS dissectors:
 * header, questions, records and compressed names (see dns_wire.h). */
#include "proto/dns_wire.h"

#include <string.h>

static char ascii_lower(char ch)
{
	return (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
}

bool dns_msg_init(struct dns_msg *m, const uint8_t *p, size_t len)
{
	memset(m, 0, sizeof *m);
	cur_init(&m->all, p, len);
	struct cursor c = m->all;
	m->hdr.id = cur_be16(&c);
	m->hdr.flags = cur_be16(&c);
	m->hdr.qdcount = cur_be16(&c);
	m->hdr.ancount = cur_be16(&c);
	m->hdr.nscount = cur_be16(&c);
	m->hdr.arcount = cur_be16(&c);
	return !c.err;
}

struct cursor dns_msg_cursor(const struct dns_msg *m, size_t off)
{
	struct cursor c = m->all;
	cur_skip(&c, off);
	return c;
}

static bool name_fail(struct cursor *c, struct dns_name *out)
{
	c->err = true;
	out->len = 0;
	out->nlabels = 0;
	out->text[0] = '\0';
	return false;
}

/* Appends one label of n bytes read from cur to out; wire counts octets so far. */
static bool name_append(struct cursor *cur, uint8_t n, struct dns_name *out, unsigned *wire)
{
	*wire += 1u + n;
	if (*wire > DNS_WIRE_MAX || out->nlabels >= DNS_LABELS_MAX)
		return false;
	const uint8_t *p = cur_take(cur, n);
	if (!p)
		return false;
	size_t at = out->len;
	if (out->nlabels > 0)
		out->text[at++] = '.';
	out->loff[out->nlabels++] = (uint8_t)at;
	memcpy(out->text + at, p, n);
	out->len = (uint8_t)(at + n); /* wire <= 255 keeps this <= 253 */
	out->text[out->len] = '\0';
	return true;
}

bool dns_name_read(const struct dns_msg *m, struct cursor *c, struct dns_name *out)
{
	struct cursor cur = *c;   /* where labels are read from */
	size_t seg = cur.off;     /* start of the current run of labels */
	bool jumped = false;
	unsigned jumps = 0, wire = 1;

	out->len = 0;
	out->nlabels = 0;
	out->text[0] = '\0';
	for (;;) {
		uint8_t b = cur_u8(&cur);
		if (cur.err)
			return name_fail(c, out);
		if (b == 0)
			break;
		if ((b & 0xc0) == 0xc0) {
			size_t target = ((size_t)(b & 0x3f) << 8) | cur_u8(&cur);
			if (cur.err || target >= seg || ++jumps > DNS_JUMPS_MAX)
				return name_fail(c, out);
			if (!jumped)
				cur_skip(c, cur.off - c->off);
			jumped = true;
			cur = dns_msg_cursor(m, target);
			seg = target;
			continue;
		}
		if (b & 0xc0) /* 0x40 extended / 0x80 reserved label types */
			return name_fail(c, out);
		if (!name_append(&cur, b, out, &wire))
			return name_fail(c, out);
	}
	if (!jumped)
		cur_skip(c, cur.off - c->off);
	return true;
}

bool dns_question_read(const struct dns_msg *m, struct cursor *c, struct dns_name *qname,
		       uint16_t *qtype, uint16_t *qclass)
{
	if (!dns_name_read(m, c, qname))
		return false;
	*qtype = cur_be16(c);
	*qclass = cur_be16(c);
	return !c->err;
}

bool dns_rr_read(const struct dns_msg *m, struct cursor *c, struct dns_rr *rr,
		 struct dns_name *owner)
{
	memset(rr, 0, sizeof *rr);
	rr->owner_off = c->off;
	if (!dns_name_read(m, c, owner))
		return false;
	rr->type = cur_be16(c);
	rr->rclass = cur_be16(c);
	rr->ttl = cur_be32(c);
	rr->rdlen = cur_be16(c);
	rr->rdata_off = c->off;
	cur_skip(c, rr->rdlen);
	return !c->err;
}

struct cursor dns_rdata_cursor(const struct dns_msg *m, const struct dns_rr *rr)
{
	struct cursor r;
	size_t end = rr->rdata_off + rr->rdlen;
	cur_init(&r, m->all.base, end <= m->all.len ? end : m->all.len);
	cur_skip(&r, rr->rdata_off);
	return r;
}

bool dns_name_eq(const struct dns_name *a, const struct dns_name *b)
{
	if (a->len != b->len || a->nlabels != b->nlabels)
		return false;
	if (memcmp(a->loff, b->loff, a->nlabels) != 0)
		return false;
	for (size_t i = 0; i < a->len; i++)
		if (ascii_lower(a->text[i]) != ascii_lower(b->text[i]))
			return false;
	return true;
}

uint32_t dns_name_hash(const struct dns_name *n)
{
	uint32_t h = 2166136261u ^ n->nlabels;
	for (size_t i = 0; i < n->len; i++)
		h = (h ^ (uint8_t)ascii_lower(n->text[i])) * 16777619u;
	for (size_t i = 0; i < n->nlabels; i++)
		h = (h ^ n->loff[i]) * 16777619u;
	return h;
}

const char *dns_label(const struct dns_name *n, unsigned i, size_t *len)
{
	size_t start = n->loff[i];
	size_t end = i + 1 < n->nlabels ? (size_t)n->loff[i + 1] - 1 : n->len;
	*len = end - start;
	return n->text + start;
}

bool dns_label_is(const struct dns_name *n, unsigned i, const char *s)
{
	if (i >= n->nlabels)
		return false;
	size_t len;
	const char *l = dns_label(n, i, &len);
	if (strlen(s) != len)
		return false;
	for (size_t k = 0; k < len; k++)
		if (ascii_lower(l[k]) != ascii_lower(s[k]))
			return false;
	return true;
}

const char *dns_name_from(const struct dns_name *n, unsigned i, size_t *len)
{
	if (i >= n->nlabels) {
		*len = 0;
		return n->text + n->len;
	}
	*len = (size_t)n->len - n->loff[i];
	return n->text + n->loff[i];
}
