/* scope.c - what `koban audit` may touch. A target is surveyed only when it
 * lies in the operator's own address ranges (RFC 1918, IPv4 link-local,
 * IPv6 ULA and link-local) and inside the --scope prefixes if any were
 * given; any other address needs --authorized together with a scope file
 * that lists it (the written authorisation of its owner). Everything else is
 * refused before a single packet is sent. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"

static bool prefix_inside(const struct kprefix *outer, const struct kprefix *inner)
{
	return outer->addr.family == inner->addr.family && inner->len >= outer->len &&
	       kprefix_contains(outer, &inner->addr);
}

bool scope_is_own_range(const struct kprefix *p)
{
	static const char *const own[] = {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16",
					  "fc00::/7", "fe80::/10"};
	for (size_t i = 0; i < sizeof own / sizeof own[0]; i++) {
		struct kprefix o;
		if (kprefix_parse(&o, own[i]) && prefix_inside(&o, p))
			return true;
	}
	return false;
}

static bool in_list(const struct kprefix *list, size_t n, const struct kprefix *t)
{
	for (size_t i = 0; i < n; i++)
		if (prefix_inside(&list[i], t))
			return true;
	return false;
}

/* A bare address is a /32 or /128 prefix. */
static bool parse_target(struct kprefix *p, const char *s)
{
	if (strchr(s, '/'))
		return kprefix_parse(p, s);
	if (!kaddr_parse(&p->addr, s))
		return false;
	p->len = p->addr.family == KADDR_V4 ? 32 : 128;
	return true;
}

static bool authorized_for(const struct audit_scope *s, const struct kprefix *t)
{
	return s->authorized_flag && in_list(s->authorized, s->n_authorized, t);
}

bool scope_add(struct audit_scope *s, const char *cidr, char *why, size_t whysz)
{
	struct kprefix p;
	if (!parse_target(&p, cidr)) {
		snprintf(why, whysz, "--scope %s: not an address or CIDR prefix", cidr);
		return false;
	}
	if (!scope_is_own_range(&p) && !authorized_for(s, &p)) {
		snprintf(why, whysz,
			 "--scope %s: outside the private, link-local and ULA ranges; surveying it needs "
			 "--authorized and a --scope-file that lists it",
			 cidr);
		return false;
	}
	if (s->n_nets == AUDIT_MAX_SCOPES) {
		snprintf(why, whysz, "at most %d --scope prefixes", AUDIT_MAX_SCOPES);
		return false;
	}
	s->nets[s->n_nets++] = p;
	return true;
}

static char *trim(char *s)
{
	char *h = strchr(s, '#');
	if (h)
		*h = '\0';
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

bool scope_load_file(struct audit_scope *s, const char *path, char *err, size_t errsz)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return false;
	}
	char line[512];
	unsigned ln = 0;
	bool ok = true;
	while (ok && fgets(line, sizeof line, f)) {
		ln++;
		char *t = trim(line);
		struct kprefix p;
		if (!*t)
			continue;
		if (!parse_target(&p, t)) {
			snprintf(err, errsz, "%s:%u: not an address or CIDR prefix", path, ln);
			ok = false;
		} else if (s->n_authorized == sizeof s->authorized / sizeof s->authorized[0]) {
			snprintf(err, errsz, "%s:%u: too many entries", path, ln);
			ok = false;
		} else {
			s->authorized[s->n_authorized++] = p;
		}
	}
	fclose(f);
	return ok;
}

bool scope_allows(const struct audit_scope *s, const struct kprefix *t, char *why, size_t whysz)
{
	char a[KADDR_STRLEN];
	kaddr_str(&t->addr, a, sizeof a);
	if (kaddr_is_multicast(&t->addr) || kaddr_is_loopback(&t->addr) || kaddr_is_unspecified(&t->addr)) {
		snprintf(why, whysz, "%s/%u: multicast, loopback or unspecified address", a, t->len);
		return false;
	}
	if (authorized_for(s, t))
		return true;
	if (!scope_is_own_range(t)) {
		snprintf(why, whysz,
			 "%s/%u: outside the private, link-local and ULA ranges (refused; an owner-authorised "
			 "survey needs --authorized and a --scope-file that lists it)",
			 a, t->len);
		return false;
	}
	if (s->n_nets && !in_list(s->nets, s->n_nets, t)) {
		snprintf(why, whysz, "%s/%u: outside every --scope prefix", a, t->len);
		return false;
	}
	return true;
}


bool scope_parse_target(struct kprefix *p, const char *s)
{
	return parse_target(p, s);
}

static void add_offset(struct kaddr *a, uint64_t off)
{
	int last = a->family == KADDR_V4 ? 3 : 15;
	for (int i = last; i >= 0 && off; i--) {
		uint64_t v = a->b[i] + (off & 0xff);
		a->b[i] = (uint8_t)v;
		off = (off >> 8) + (v >> 8);
	}
}

bool scope_expand(const struct kprefix *t, struct kaddr *out, size_t *n, size_t max)
{
	unsigned bits = (t->addr.family == KADDR_V4 ? 32u : 128u) - t->len;
	if (bits > 16)
		return false;
	uint64_t count = 1ull << bits, first = 0, last = count - 1;
	if (t->addr.family == KADDR_V4 && bits >= 2) {
		first = 1; /* no network or broadcast address */
		last = count - 2;
	}
	if (*n + (last - first + 1) > max)
		return false;
	struct kprefix base = *t;
	/* clear the host bits */
	for (unsigned i = t->len; i < (t->addr.family == KADDR_V4 ? 32u : 128u); i++)
		base.addr.b[i / 8] &= (uint8_t) ~(0x80u >> (i % 8));
	for (uint64_t k = first; k <= last; k++) {
		struct kaddr a = base.addr;
		add_offset(&a, k);
		out[(*n)++] = a;
	}
	return true;
}
