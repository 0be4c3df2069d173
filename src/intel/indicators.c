/* indicators.c - C&C indicators: parsing indicator text (IPv4/IPv6 address
 * or CIDR prefix, domain, http/https URL whose host also becomes an
 * indicator), plain list files (one indicator a line, `# label`), the hash
 * table over exact addresses, CIDR prefixes (keyed by network and length;
 * a lookup tries each prefix length present, longest first) and domains,
 * and matching.
 * STIX 2.1 bundles are read by stix_bundle.c into the same store. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "intel/intel_int.h"
#include "util/text.h"

void ind_entry_free(struct ind_entry *e)
{
	if (!e)
		return;
	free(e->pub.value);
	free(e->pub.label);
	free(e->pub.source);
	free(e->pub.stix_id);
	free(e->pub.from_url);
	free(e);
}

/* ------------------------------------------------------------ values */

/* Lower-cases and checks a domain name (LDH labels, '_' tolerated, 2+
 * labels, <= 253 characters, trailing dot dropped) into out[256]. */
static const char *domain_normalize(const char *s, size_t len, char *out)
{
	if (len && s[len - 1] == '.')
		len--;
	if (len == 0)
		return "empty domain name";
	if (len > 253)
		return "domain name longer than 253 characters";
	size_t label = 0, labels = 1;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '.') {
			if (label == 0)
				return "empty label in domain name";
			label = 0;
			labels++;
		} else if (isalnum(c) || c == '-' || c == '_') {
			if (++label > 63)
				return "domain label longer than 63 characters";
		} else {
			return "not an IPv4/IPv6 address, domain name or http(s) URL";
		}
		out[i] = (char)tolower(c);
	}
	if (label == 0)
		return "empty label in domain name";
	if (labels < 2)
		return "a domain name needs at least two labels";
	out[len] = '\0';
	return NULL;
}

static bool all_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* 1..digits decimal digits (no sign, no space) at most max, bounded by n. */
static bool parse_uint(const char *s, size_t n, size_t digits, unsigned max, unsigned *out)
{
	unsigned v = 0;
	if (!all_digits(s, n) || n > digits)
		return false;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (unsigned)(s[i] - '0');
	*out = v;
	return v <= max;
}

/* ADDR or ADDR/LEN (digits only); host bits are cleared. */
static const char *parse_ip(const char *s, size_t len, struct ind_entry *e)
{
	char tmp[64];
	const char *slash = memchr(s, '/', len);
	size_t alen = slash ? (size_t)(slash - s) : len;
	if (alen == 0 || alen >= sizeof tmp)
		return "bad address";
	memcpy(tmp, s, alen);
	tmp[alen] = '\0';
	if (!kaddr_parse(&e->ip, tmp))
		return "bad address";
	unsigned max = e->ip.family == KADDR_V4 ? 32 : 128, plen = max;
	if (slash) {
		size_t pl = len - alen - 1;
		if (!all_digits(slash + 1, pl) || pl > 3)
			return "bad prefix length";
		if (!parse_uint(slash + 1, pl, 3, max, &plen))
			return "prefix length out of range";
	}
	for (unsigned bit = plen; bit < max; bit++)
		e->ip.b[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));
	e->pub.type = e->ip.family == KADDR_V4 ? IND_IPV4 : IND_IPV6;
	e->pub.is_prefix = plen < max;
	e->prefix_len = (uint8_t)plen;
	char a[KADDR_STRLEN], v[KADDR_STRLEN + 8];
	kaddr_str(&e->ip, a, sizeof a);
	if (e->pub.is_prefix)
		snprintf(v, sizeof v, "%s/%u", a, plen);
	else
		snprintf(v, sizeof v, "%s", a);
	e->pub.value = strdup(v);
	return e->pub.value ? NULL : "out of memory";
}

static bool looks_like_ip(const char *s, size_t len)
{
	bool colon = memchr(s, ':', len) != NULL, alpha = false;
	for (size_t i = 0; i < len; i++)
		if (isalpha((unsigned char)s[i]) && !isxdigit((unsigned char)s[i]))
			alpha = true;
	if (colon)
		return !alpha;
	/* dotted digits (and '/') only */
	for (size_t i = 0; i < len; i++)
		if (!isdigit((unsigned char)s[i]) && s[i] != '.' && s[i] != '/')
			return false;
	return true;
}

/* The host of an http(s) URL, as a new entry (exact address or domain). */
static const char *url_host(const char *s, size_t len, struct ind_entry **host)
{
	const char *p = (const char *)memmem(s, len, "://", 3) + 3, *end = s + len;
	const char *auth_end = p;
	while (auth_end < end && *auth_end != '/' && *auth_end != '?' && *auth_end != '#')
		auth_end++;
	for (const char *q = p; q < auth_end; q++)
		if (*q == '@')
			p = q + 1;
	const char *h = p, *h_end = p;
	unsigned port;
	if (p < auth_end && *p == '[') {
		h = p + 1;
		while (h_end < auth_end && *h_end != ']')
			h_end++;
		if (h_end == auth_end)
			return "URL: unterminated [IPv6] host";
		p = h_end + 1;
	} else {
		while (h_end < auth_end && *h_end != ':')
			h_end++;
		p = h_end;
	}
	if (p < auth_end && (*p != ':' || !parse_uint(p + 1, (size_t)(auth_end - p - 1), 5, 65535, &port)))
		return "URL: bad port";
	if (h_end == h)
		return "URL without a host";
	struct ind_entry *e = calloc(1, sizeof *e);
	if (!e)
		return "out of memory";
	const char *why;
	char dom[256];
	size_t hl = (size_t)(h_end - h);
	if (looks_like_ip(h, hl) && !memchr(h, '/', hl)) {
		why = parse_ip(h, hl, e);
	} else if (!(why = domain_normalize(h, hl, dom))) {
		e->pub.type = IND_DOMAIN;
		e->pub.value = strdup(dom);
		why = e->pub.value ? NULL : "out of memory";
	}
	if (why) {
		ind_entry_free(e);
		return why[0] == 'U' ? why : "URL: bad host";
	}
	*host = e;
	return NULL;
}

static const char *parse_url(const char *s, size_t len, struct ind_entry *e, struct ind_entry **host)
{
	size_t sl = len >= 7 && strncasecmp(s, "http://", 7) == 0	  ? 4
		    : len >= 8 && strncasecmp(s, "https://", 8) == 0 ? 5
								     : 0;
	if (!sl)
		return "only http:// and https:// URLs are supported";
	if (len > INTEL_MAX_URL)
		return "URL too long";
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return "URL with a space, control or non-ASCII character (percent-encode it)";
	const char *why = url_host(s, len, host);
	if (why)
		return why;
	/* scheme and host in lower case, the rest as written */
	char *v = strndup(s, len);
	if (!v) {
		ind_entry_free(*host);
		*host = NULL;
		return "out of memory";
	}
	for (char *p = v; *p && *p != '/' ; p++)
		*p = (char)tolower((unsigned char)*p);
	char *auth = v + sl + 3;
	for (char *p = auth; *p && *p != '/' && *p != '?' && *p != '#'; p++)
		*p = (char)tolower((unsigned char)*p);
	e->pub.type = IND_URL;
	e->pub.value = v;
	return NULL;
}

const char *ind_parse_value(const char *text, size_t len, struct ind_entry *e, struct ind_entry **host)
{
	*host = NULL;
	if (len == 0)
		return "empty indicator";
	if (memmem(text, len, "://", 3))
		return parse_url(text, len, e, host);
	if (looks_like_ip(text, len))
		return parse_ip(text, len, e);
	char dom[256];
	const char *why = domain_normalize(text, len, dom);
	if (why)
		return why;
	e->pub.type = IND_DOMAIN;
	e->pub.value = strdup(dom);
	return e->pub.value ? NULL : "out of memory";
}

bool intel_classify(const char *text, enum indicator_type *type, char *norm, size_t normsz)
{
	struct ind_entry e, *host = NULL;
	memset(&e, 0, sizeof e);
	if (!text || ind_parse_value(text, strlen(text), &e, &host) != NULL)
		return false;
	bool ok = strlen(e.pub.value) < normsz;
	if (ok) {
		*type = e.pub.type;
		memcpy(norm, e.pub.value, strlen(e.pub.value) + 1);
	}
	free(e.pub.value);
	ind_entry_free(host);
	return ok;
}

/* ------------------------------------------------------------ batches */

int ind_batch_push(struct ind_batch *b, struct ind_entry *e)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		struct ind_entry **v = realloc(b->v, cap * sizeof *v);
		if (!v)
			return -1;
		b->v = v;
		b->cap = cap;
	}
	b->v[b->n++] = e;
	return 0;
}

void ind_batch_free(struct ind_batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		ind_entry_free(b->v[i]);
	free(b->v);
	b->v = NULL;
	b->n = b->cap = 0;
}

/* ------------------------------------------------------------ hash table */

static uint64_t key_hash(const struct ind_store *s, enum indicator_type t, const void *key, size_t klen)
{
	uint8_t buf[300], out[crypto_shorthash_BYTES];
	buf[0] = (uint8_t)t;
	if (klen > sizeof buf - 1)
		klen = sizeof buf - 1;
	memcpy(buf + 1, key, klen);
	crypto_shorthash(out, buf, klen + 1, s->hash_key);
	uint64_t h;
	memcpy(&h, out, sizeof h);
	return h;
}

/* The key of an address or prefix: the address bytes and, for a prefix, its length. */
static uint64_t ip_hash(const struct ind_store *s, enum indicator_type t, const struct kaddr *ip, bool prefix,
			uint8_t len)
{
	uint8_t key[17];
	size_t n = ip->family == KADDR_V4 ? 4 : 16;
	memcpy(key, ip->b, n);
	key[n] = len;
	return key_hash(s, (enum indicator_type)(t | (prefix ? 0x80 : 0)), key, n + (prefix ? 1 : 0));
}

static uint64_t entry_hash(const struct ind_store *s, const struct ind_entry *e)
{
	if (e->pub.type == IND_DOMAIN)
		return key_hash(s, IND_DOMAIN, e->pub.value, strlen(e->pub.value));
	return ip_hash(s, e->pub.type, &e->ip, e->pub.is_prefix, e->prefix_len);
}

static bool entry_is(const struct ind_entry *e, enum indicator_type t, const struct kaddr *ip, const char *dom,
		     int prefix_len)
{
	if (e->pub.type != t || (prefix_len >= 0) != e->pub.is_prefix)
		return false;
	if (t == IND_DOMAIN)
		return strcmp(e->pub.value, dom) == 0;
	return kaddr_eq(&e->ip, ip) && (prefix_len < 0 || e->prefix_len == prefix_len);
}

/* prefix_len -1: an exact address or a domain. */
static struct ind_entry *table_find(const struct ind_store *s, uint64_t h, enum indicator_type t,
				    const struct kaddr *ip, const char *dom, int prefix_len)
{
	if (!s->n_slots)
		return NULL;
	for (size_t i = h & (s->n_slots - 1);; i = (i + 1) & (s->n_slots - 1)) {
		struct ind_entry *e = s->slots[i];
		if (!e)
			return NULL;
		if (e->hash == h && entry_is(e, t, ip, dom, prefix_len))
			return e;
	}
}

static void table_put(struct ind_store *s, struct ind_entry *e)
{
	size_t i = e->hash & (s->n_slots - 1);
	while (s->slots[i])
		i = (i + 1) & (s->n_slots - 1);
	s->slots[i] = e;
	s->used++;
}

/* Keeps the load factor under 1/2. */
static int table_reserve(struct ind_store *s, size_t more)
{
	size_t need = (s->used + more) * 2, n = s->n_slots ? s->n_slots : 1024;
	if (need <= s->n_slots)
		return 0;
	while (n < need)
		n *= 2;
	struct ind_entry **old = s->slots;
	size_t old_n = s->n_slots;
	s->slots = calloc(n, sizeof *s->slots);
	if (!s->slots) {
		s->slots = old;
		return -1;
	}
	s->n_slots = n;
	s->used = 0;
	for (size_t i = 0; i < old_n; i++)
		if (old[i])
			table_put(s, old[i]);
	free(old);
	return 0;
}

static int grow(void *pv, size_t *cap, size_t need, size_t elem)
{
	void **p = pv;
	if (need <= *cap)
		return 0;
	size_t c = *cap ? *cap : 256;
	while (c < need)
		c *= 2;
	void *v = realloc(*p, c * elem);
	if (!v)
		return -1;
	*p = v;
	*cap = c;
	return 0;
}

static bool is_duplicate(const struct ind_store *s, const struct ind_entry *e)
{
	if (e->pub.type == IND_URL)
		return false;
	return table_find(s, e->hash, e->pub.type, &e->ip, e->pub.value, e->pub.is_prefix ? e->prefix_len : -1) != NULL;
}

/* Takes every entry of b into the store (a repeated value keeps its first
 * entry), or none of them. */
int ind_commit(struct intel *in, struct ind_batch *b, char *err, size_t errsz, const char *source)
{
	struct ind_store *s = &in->ind;
	size_t n_pfx = 0;
	for (size_t i = 0; i < b->n; i++)
		n_pfx += b->v[i]->pub.is_prefix;
	if (s->n + b->n > INTEL_MAX_INDICATORS || s->n_prefixes + n_pfx > INTEL_MAX_PREFIXES) {
		snprintf(err, errsz, "%s: too many indicators (limit %u, of which %u CIDR prefixes)", source,
			 INTEL_MAX_INDICATORS, INTEL_MAX_PREFIXES);
		return -1;
	}
	if (table_reserve(s, b->n) != 0 || grow(&s->all, &s->cap, s->n + b->n, sizeof *s->all) != 0) {
		snprintf(err, errsz, "%s: out of memory", source);
		return -1;
	}
	int added = 0;
	for (size_t i = 0; i < b->n; i++) {
		struct ind_entry *e = b->v[i];
		b->v[i] = NULL;
		e->hash = entry_hash(s, e);
		if (is_duplicate(s, e)) {
			ind_entry_free(e);
			continue;
		}
		if (e->pub.type != IND_URL)
			table_put(s, e);
		if (e->pub.is_prefix) {
			s->n_prefixes++;
			if (e->ip.family == KADDR_V4)
				s->v4_lens[e->prefix_len]++;
			else
				s->v6_lens[e->prefix_len]++;
		}
		s->all[s->n++] = e;
		added++;
	}
	b->n = 0;
	return added;
}

void ind_store_free(struct ind_store *s)
{
	for (size_t i = 0; i < s->n; i++)
		ind_entry_free(s->all[i]);
	free(s->all);
	free(s->slots);
	memset(s, 0, sizeof *s);
}

/* ------------------------------------------------------------ plain lists */

/* Sets e's label and source; for a URL also the host entry's. */
static int set_meta(struct ind_entry *e, const char *label, const char *source, const char *url)
{
	e->pub.source = strdup(source);
	if (label)
		e->pub.label = strdup(label);
	if (url)
		e->pub.from_url = strdup(url);
	return (!e->pub.source || (label && !e->pub.label) || (url && !e->pub.from_url)) ? -1 : 0;
}

/* One line: `INDICATOR [# label]`. A '#' starts the label only at the start
 * of the line or after white space (URLs may contain '#'). */
static const char *plain_line(const char *line, size_t len, const char *source, struct ind_batch *b)
{
	size_t i = 0, end;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i == len || line[i] == '#')
		return NULL;
	end = i;
	while (end < len && line[end] != ' ' && line[end] != '\t')
		end++;
	size_t rest = end;
	while (rest < len && (line[rest] == ' ' || line[rest] == '\t'))
		rest++;
	char label[INTEL_MAX_LABEL + 1] = "";
	if (rest < len && line[rest] != '#')
		return "text after the indicator (a label must follow '#')";
	if (rest < len)
		text_clean_into(label, sizeof label, line + rest + 1, len - rest - 1);
	struct ind_entry *e = calloc(1, sizeof *e), *host = NULL;
	if (!e)
		return "out of memory";
	const char *why = ind_parse_value(line + i, end - i, e, &host);
	if (!why && (set_meta(e, label[0] ? label : NULL, source, NULL) != 0 ||
		     (host && set_meta(host, label[0] ? label : NULL, source, e->pub.value) != 0)))
		why = "out of memory";
	if (!why && ind_batch_push(b, e) != 0)
		why = "out of memory";
	if (why) {
		ind_entry_free(e);
		ind_entry_free(host);
		return why;
	}
	if (host && ind_batch_push(b, host) != 0) {
		ind_entry_free(host);
		return "out of memory";
	}
	return NULL;
}

static int plain_load(struct intel *in, const char *buf, size_t len, const char *source, char *err, size_t errsz)
{
	struct ind_batch b = {0};
	size_t pos = 0;
	unsigned line_no = 0;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		const char *line = buf + pos;
		pos += ll + (nl ? 1 : 0);
		line_no++;
		if (ll && line[ll - 1] == '\r')
			ll--;
		const char *why = ll > INTEL_MAX_LINE ? "line too long"
				  : memchr(line, '\0', ll) ? "NUL byte in line"
							   : plain_line(line, ll, source, &b);
		if (why) {
			snprintf(err, errsz, "%s:%u: %s", source, line_no, why);
			ind_batch_free(&b);
			return -1;
		}
	}
	int rc = ind_commit(in, &b, err, errsz, source);
	ind_batch_free(&b);
	return rc;
}

int intel_add_indicators(struct intel *in, const char *buf, size_t len, const char *source, char *err, size_t errsz)
{
	size_t i = 0;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && isspace((unsigned char)buf[i]))
		i++;
	if (i < len && buf[i] == '{')
		return stix_load(in, buf, len, source, err, errsz);
	return plain_load(in, buf, len, source, err, errsz);
}

/* ------------------------------------------------------------ matching */

const struct indicator *intel_match_ip(const struct intel *in, const struct kaddr *ip)
{
	if (!in || !ip || (ip->family != KADDR_V4 && ip->family != KADDR_V6))
		return NULL;
	const struct ind_store *s = &in->ind;
	enum indicator_type t = ip->family == KADDR_V4 ? IND_IPV4 : IND_IPV6;
	struct ind_entry *e = table_find(s, ip_hash(s, t, ip, false, 0), t, ip, NULL, -1);
	if (e || !s->n_prefixes)
		return e ? &e->pub : NULL;
	const uint32_t *lens = t == IND_IPV4 ? s->v4_lens : s->v6_lens;
	for (int len = t == IND_IPV4 ? 32 : 128; len >= 0; len--) {
		if (!lens[len])
			continue;
		struct kaddr net = *ip;
		for (int bit = len; bit < (t == IND_IPV4 ? 32 : 128); bit++)
			net.b[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));
		e = table_find(s, ip_hash(s, t, &net, true, (uint8_t)len), t, &net, NULL, len);
		if (e)
			return &e->pub;
	}
	return NULL;
}

const struct indicator *intel_match_domain(const struct intel *in, const char *name)
{
	char dom[256];
	if (!in || !name)
		return NULL;
	size_t len = strlen(name);
	if (len && name[len - 1] == '.')
		len--;
	if (len == 0 || len >= sizeof dom)
		return NULL;
	for (size_t i = 0; i < len; i++)
		dom[i] = (char)tolower((unsigned char)name[i]);
	dom[len] = '\0';
	for (const char *p = dom; p;) {
		struct ind_entry *e = table_find(&in->ind, key_hash(&in->ind, IND_DOMAIN, p, strlen(p)), IND_DOMAIN,
						 NULL, p, -1);
		if (e)
			return &e->pub;
		p = strchr(p, '.');
		if (p)
			p++;
	}
	return NULL;
}

size_t intel_indicator_count(const struct intel *in)
{
	return in ? in->ind.n : 0;
}
