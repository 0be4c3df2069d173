/* mud.c - parses MUD files (RFC 8520: ietf-mud + ietf-access-control-list
 * JSON) into the reduced policy of mud.h, checks packets against it, and
 * converts the policy to and from koban's own JSON form. Hostile input:
 * every field is type-checked, sizes are bounded, and entries that cannot be
 * enforced exactly are skipped (counted), never widened. */
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "enforce/mud.h"
#include "util/text.h"

struct parse {
	struct mud_policy *p;
	char *err;
	size_t errsz;
	size_t cap;
};

static bool fail(struct parse *ps, const char *msg)
{
	snprintf(ps->err, ps->errsz, "MUD profile: %s", msg);
	return false;
}

static bool add_ace(struct parse *ps, const struct mud_ace *a)
{
	struct mud_policy *p = ps->p;
	if (p->n == MUD_MAX_ACES)
		return fail(ps, "too many access-control entries");
	if (p->n == ps->cap) {
		size_t cap = ps->cap ? ps->cap * 2 : 8;
		struct mud_ace *v = realloc(p->aces, cap * sizeof *v);
		if (!v)
			return fail(ps, "out of memory");
		p->aces = v;
		ps->cap = cap;
	}
	p->aces[p->n++] = *a;
	return true;
}

/* {"operator":"eq","port":N} or {"lower-port":A,"upper-port":B}; false if
 * it cannot be expressed as one range. */
static bool port_match(const json_t *o, uint16_t *lo, uint16_t *hi)
{
	if (!json_is_object(o))
		return false;
	const json_t *op = json_object_get(o, "operator"), *port = json_object_get(o, "port");
	const json_t *l = json_object_get(o, "lower-port"), *u = json_object_get(o, "upper-port");
	if (json_is_integer(l) && json_is_integer(u)) {
		json_int_t a = json_integer_value(l), b = json_integer_value(u);
		if (a < 0 || b > 65535 || a > b)
			return false;
		*lo = (uint16_t)a;
		*hi = (uint16_t)b;
		return a || b;
	}
	if (!json_is_integer(port) || json_integer_value(port) < 1 || json_integer_value(port) > 65535)
		return false;
	uint16_t n = (uint16_t)json_integer_value(port);
	const char *s = json_is_string(op) ? json_string_value(op) : "eq";
	if (!strcmp(s, "eq"))
		*lo = *hi = n;
	else if (!strcmp(s, "lte"))
		*lo = 0, *hi = n;
	else if (!strcmp(s, "gte"))
		*lo = n, *hi = 65535;
	else
		return false; /* neq: not one range */
	return true;
}

static bool l4_match(const json_t *o, struct mud_ace *a)
{
	const char *key;
	const json_t *v;
	json_object_foreach((json_t *)o, key, v) {
		if (!strcmp(key, "source-port")) {
			if (!port_match(v, &a->sport_lo, &a->sport_hi))
				return false;
		} else if (!strcmp(key, "destination-port")) {
			if (!port_match(v, &a->dport_lo, &a->dport_hi))
				return false;
		} else if (!strcmp(key, "ietf-mud:direction-initiated")) {
			const char *s = json_is_string(v) ? json_string_value(v) : "";
			a->initiated = !strcmp(s, "from-device") ? MUD_FROM_DEVICE
				       : !strcmp(s, "to-device") ? MUD_TO_DEVICE
								  : 0;
			if (!a->initiated)
				return false;
		} else {
			return false; /* flags, sequence numbers ...: not enforced */
		}
	}
	return true;
}

/* The "ipv4"/"ipv6" match. The peer is the destination for from-device
 * entries and the source for to-device entries. */
static bool ip_match(const json_t *o, struct mud_ace *a, uint8_t family)
{
	bool from = a->dir == MUD_FROM_DEVICE;
	const char *net_key = family == KADDR_V4 ? (from ? "destination-ipv4-network" : "source-ipv4-network")
						 : (from ? "destination-ipv6-network" : "source-ipv6-network");
	const char *name_key = from ? "ietf-acldns:dst-dnsname" : "ietf-acldns:src-dnsname";
	const json_t *proto = json_object_get(o, "protocol"), *net = json_object_get(o, net_key);
	const json_t *name = json_object_get(o, name_key);
	if (proto) {
		if (!json_is_integer(proto) || json_integer_value(proto) < 0 || json_integer_value(proto) > 255)
			return false;
		a->proto = (uint8_t)json_integer_value(proto);
	}
	if (net) {
		if (!json_is_string(net) || !kprefix_parse(&a->net, json_string_value(net)) ||
		    a->net.addr.family != family)
			return false;
		a->has_net = true;
	}
	if (name) {
		if (!json_is_string(name) || json_string_length(name) == 0 ||
		    json_string_length(name) >= sizeof a->dnsname)
			return false;
		const char *s = json_string_value(name);
		for (const char *c = s; *c; c++)
			if (!(*c == '.' || *c == '-' || *c == '_' || (*c >= '0' && *c <= '9') ||
			      ((*c | 0x20) >= 'a' && (*c | 0x20) <= 'z')))
				return false;
		snprintf(a->dnsname, sizeof a->dnsname, "%s", s);
	}
	return !(a->has_net && a->dnsname[0]);
}

/* The "ietf-mud:mud" match: only local-networks can be enforced here. */
static bool mud_match(const json_t *o, struct mud_ace *a)
{
	const char *key;
	const json_t *v;
	json_object_foreach((json_t *)o, key, v) {
		if (strcmp(key, "local-networks") != 0)
			return false;
		a->local_networks = true;
	}
	return true;
}

/* One ACE; returns 1 (an accept entry added), 0 (skipped), 2 (a drop
 * entry: the rest of its list is skipped) or -1 (error). */
static int parse_ace(struct parse *ps, const json_t *ace, uint8_t family, int dir)
{
	const json_t *m = json_object_get(ace, "matches"), *act = json_object_get(ace, "actions");
	const json_t *fwd = json_is_object(act) ? json_object_get(act, "forwarding") : NULL;
	if (!json_is_object(ace) || !json_is_string(fwd))
		return fail(ps, "an access-control entry without matches or actions") ? 0 : -1;
	if (strcmp(json_string_value(fwd), "accept") != 0)
		return 2;
	struct mud_ace a = {.dir = (uint8_t)dir, .family = family};
	bool ok = json_is_object(m);
	const char *key;
	const json_t *v;
	if (ok) {
		json_object_foreach((json_t *)m, key, v) {
			if (!json_is_object(v))
				ok = false;
			else if (!strcmp(key, "ipv4") && family == KADDR_V4)
				ok = ok && ip_match(v, &a, KADDR_V4);
			else if (!strcmp(key, "ipv6") && family == KADDR_V6)
				ok = ok && ip_match(v, &a, KADDR_V6);
			else if (!strcmp(key, "tcp") || !strcmp(key, "udp")) {
				uint8_t p = key[0] == 't' ? IPPROTO_TCP : IPPROTO_UDP;
				ok = ok && (!a.proto || a.proto == p) && l4_match(v, &a);
				a.proto = p;
			} else if (!strcmp(key, "icmp"))
				ok = ok && (a.proto = family == KADDR_V4 ? 1 : 58);
			else if (!strcmp(key, "ietf-mud:mud"))
				ok = ok && mud_match(v, &a);
			else
				ok = false;
		}
	}
	if (ok && a.initiated && a.proto != IPPROTO_TCP)
		ok = false;
	if (!ok) {
		ps->p->skipped++;
		return 0;
	}
	return add_ace(ps, &a) ? 1 : -1;
}

static const json_t *find_acl(const json_t *acls, const char *name)
{
	size_t i;
	const json_t *acl;
	json_array_foreach((json_t *)acls, i, acl) {
		const json_t *n = json_object_get(acl, "name");
		if (json_is_string(n) && strcmp(json_string_value(n), name) == 0)
			return acl;
	}
	return NULL;
}

static bool parse_acl(struct parse *ps, const json_t *acl, int dir)
{
	const json_t *type = json_object_get(acl, "type"), *aces = json_object_get(acl, "aces");
	const json_t *list = json_is_object(aces) ? json_object_get(aces, "ace") : NULL;
	if (!json_is_string(type) || !json_is_array(list))
		return fail(ps, "an ACL without type or entries");
	const char *t = json_string_value(type);
	uint8_t family = !strcmp(t, "ipv4-acl-type") ? KADDR_V4 : !strcmp(t, "ipv6-acl-type") ? KADDR_V6 : 0;
	if (!family) { /* Ethernet or mixed ACLs: not enforced */
		ps->p->skipped += (unsigned)json_array_size(list);
		return true;
	}
	for (size_t i = 0; i < json_array_size(list); i++) {
		int r = parse_ace(ps, json_array_get(list, i), family, dir);
		if (r < 0)
			return false;
		if (r == 2) { /* entries after a drop may overlap it: not taken */
			ps->p->skipped += (unsigned)(json_array_size(list) - i);
			break;
		}
	}
	return true;
}

static bool parse_policy(struct parse *ps, const json_t *mud, const json_t *acls, const char *key, int dir)
{
	const json_t *pol = json_object_get(mud, key);
	if (!pol)
		return true;
	const json_t *al = json_is_object(pol) ? json_object_get(pol, "access-lists") : NULL;
	const json_t *list = json_is_object(al) ? json_object_get(al, "access-list") : NULL;
	if (!json_is_array(list))
		return fail(ps, "a policy without access-lists");
	size_t i;
	const json_t *ref;
	json_array_foreach((json_t *)list, i, ref) {
		const json_t *n = json_object_get(ref, "name");
		const json_t *acl = json_is_string(n) ? find_acl(acls, json_string_value(n)) : NULL;
		if (!acl)
			return fail(ps, "a policy names an ACL that is not defined");
		if (!parse_acl(ps, acl, dir))
			return false;
	}
	return true;
}

static bool parse_root(struct parse *ps, const json_t *root)
{
	const json_t *mud = json_object_get(root, "ietf-mud:mud");
	const json_t *acls = json_object_get(root, "ietf-access-control-list:acls");
	if (!acls)
		acls = json_object_get(root, "ietf-access-control-list:access-lists");
	if (!json_is_object(mud))
		return fail(ps, "no ietf-mud:mud container");
	const json_t *ver = json_object_get(mud, "mud-version"), *url = json_object_get(mud, "mud-url");
	const json_t *info = json_object_get(mud, "systeminfo");
	if (!json_is_integer(ver) || json_integer_value(ver) != 1)
		return fail(ps, "mud-version must be 1");
	if (!json_is_string(url) || json_string_length(url) >= sizeof ps->p->url || !json_string_length(url))
		return fail(ps, "missing or overlong mud-url");
	text_clean_into(ps->p->url, sizeof ps->p->url, json_string_value(url), json_string_length(url));
	if (json_is_string(info))
		text_clean_into(ps->p->systeminfo, sizeof ps->p->systeminfo, json_string_value(info),
				json_string_length(info));
	const json_t *list = json_is_object(acls) ? json_object_get(acls, "acl") : NULL;
	if (!json_is_array(list))
		return fail(ps, "no access-control lists");
	return parse_policy(ps, mud, list, "from-device-policy", MUD_FROM_DEVICE) &&
	       parse_policy(ps, mud, list, "to-device-policy", MUD_TO_DEVICE);
}

struct mud_policy *mud_parse(const char *text, size_t len, char *err, size_t errsz)
{
	if (len > MUD_MAX_BYTES) {
		snprintf(err, errsz, "MUD profile: larger than %d bytes", MUD_MAX_BYTES);
		return NULL;
	}
	json_error_t je;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		snprintf(err, errsz, "MUD profile: not JSON (line %d: %s)", je.line, je.text);
		return NULL;
	}
	struct parse ps = {.p = calloc(1, sizeof *ps.p), .err = err, .errsz = errsz};
	bool ok = ps.p && (json_is_object(root) ? parse_root(&ps, root) : fail(&ps, "not a JSON object"));
	json_decref(root);
	if (!ok) {
		if (!ps.p)
			snprintf(err, errsz, "MUD profile: out of memory");
		mud_free(ps.p);
		return NULL;
	}
	return ps.p;
}

void mud_free(struct mud_policy *p)
{
	if (!p)
		return;
	free(p->aces);
	free(p);
}

struct mud_policy *mud_dup(const struct mud_policy *p)
{
	struct mud_policy *q = malloc(sizeof *q);
	if (!q)
		return NULL;
	*q = *p;
	q->aces = p->n ? malloc(p->n * sizeof *q->aces) : NULL;
	if (p->n && !q->aces) {
		free(q);
		return NULL;
	}
	if (p->n)
		memcpy(q->aces, p->aces, p->n * sizeof *q->aces);
	return q;
}

unsigned mud_resolve(struct mud_policy *p)
{
	unsigned failed = 0;
	for (size_t i = 0; i < p->n; i++) {
		struct mud_ace *a = &p->aces[i];
		if (!a->dnsname[0])
			continue;
		a->n_resolved = 0;
		struct addrinfo hints = {.ai_family = a->family == KADDR_V6 ? AF_INET6 : AF_INET}, *res = NULL;
		if (getaddrinfo(a->dnsname, NULL, &hints, &res) != 0) {
			failed++;
			continue;
		}
		for (struct addrinfo *r = res; r && a->n_resolved < MUD_MAX_RESOLVED; r = r->ai_next) {
			struct kaddr k;
			if (r->ai_family == AF_INET)
				kaddr_v4(&k, (const uint8_t *)&((struct sockaddr_in *)r->ai_addr)->sin_addr);
			else if (r->ai_family == AF_INET6)
				kaddr_v6(&k, (const uint8_t *)&((struct sockaddr_in6 *)r->ai_addr)->sin6_addr);
			else
				continue;
			bool dup = false;
			for (size_t j = 0; j < a->n_resolved; j++)
				dup = dup || kaddr_eq(&a->resolved[j], &k);
			if (!dup)
				a->resolved[a->n_resolved++] = k;
		}
		freeaddrinfo(res);
	}
	return failed;
}
