/* credentials.c - the well-known default user/password pairs
 * (data/default-credentials). One pair a line:
 *     user<TAB>password<TAB>source
 * `#` at the start of a line makes it a comment; blank lines are skipped.
 * The password may be empty, user and source may not; no field may contain
 * control characters. Passwords are kept only as a keyed BLAKE2b digest
 * (random key per run) and compared in constant time over the whole list,
 * so the time a lookup takes does not depend on which pair, if any, matched. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "intel/intel_int.h"
#include "util/text.h"

#define CRED_MAX_USER 64u
#define CRED_MAX_SOURCE 300u

static void cred_digest(const struct cred_store *s, const char *pw, size_t len, uint8_t out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)pw, len, s->key, sizeof s->key);
}

void cred_store_free(struct cred_store *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].pub.user);
		free(s->v[i].pub.source);
	}
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

/* A field: printable UTF-8 (no control characters), at most max bytes. */
static const char *check_field(const char *p, size_t len, size_t max, const char *name, bool allow_empty,
			       char *why, size_t whysz)
{
	if (len == 0 && !allow_empty)
		snprintf(why, whysz, "empty %s", name);
	else if (len > max)
		snprintf(why, whysz, "%s longer than %zu bytes", name, max);
	else {
		char tmp[CRED_MAX_SOURCE + 1];
		size_t n = text_clean_into(tmp, sizeof tmp, p, len);
		if (len && (n != len || memcmp(tmp, p, len) != 0))
			snprintf(why, whysz, "%s has control characters, invalid UTF-8 or outer spaces", name);
		else
			return NULL;
	}
	return why;
}

struct cred_batch {
	struct cred_entry *v;
	size_t n, cap;
};

static const char *cred_line(struct intel *in, const char *line, size_t len, struct cred_batch *b, char *buf,
			     size_t bufsz)
{
	const char *t1 = memchr(line, '\t', len);
	const char *t2 = t1 ? memchr(t1 + 1, '\t', len - (size_t)(t1 + 1 - line)) : NULL;
	if (!t2)
		return "expected user<TAB>password<TAB>source";
	const char *src = t2 + 1, *end = line + len;
	if (memchr(src, '\t', (size_t)(end - src)))
		return "more than three TAB-separated fields";
	size_t ul = (size_t)(t1 - line), pl = (size_t)(t2 - t1 - 1), sl = (size_t)(end - src);
	const char *why = check_field(line, ul, CRED_MAX_USER, "user", false, buf, bufsz);
	if (!why)
		why = check_field(t1 + 1, pl, INTEL_MAX_PASSWORD, "password", true, buf, bufsz);
	if (!why)
		why = check_field(src, sl, CRED_MAX_SOURCE, "source", false, buf, bufsz);
	if (why)
		return why;
	if (in->cred.n + b->n >= INTEL_MAX_CREDENTIALS)
		return "too many credentials";
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 128;
		struct cred_entry *v = realloc(b->v, cap * sizeof *v);
		if (!v)
			return "out of memory";
		b->v = v;
		b->cap = cap;
	}
	struct cred_entry *c = &b->v[b->n];
	memset(c, 0, sizeof *c);
	c->pub.user = strndup(line, ul);
	c->pub.source = strndup(src, sl);
	cred_digest(&in->cred, t1 + 1, pl, c->digest);
	b->n++;
	return (c->pub.user && c->pub.source) ? NULL : "out of memory";
}

static void batch_free(struct cred_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->v[i].pub.user);
		free(b->v[i].pub.source);
	}
	free(b->v);
}

static int cred_commit(struct intel *in, struct cred_batch *b, const char *source, char *err, size_t errsz)
{
	struct cred_store *s = &in->cred;
	if (s->n + b->n > s->cap) {
		struct cred_entry *v = realloc(s->v, (s->n + b->n) * sizeof *v);
		if (!v) {
			snprintf(err, errsz, "%s: out of memory", source);
			batch_free(b);
			return -1;
		}
		s->v = v;
		s->cap = s->n + b->n;
	}
	for (size_t i = 0; i < b->n; i++) {
		s->v[s->n] = b->v[i];
		s->v[s->n].pub.entry = (unsigned)(s->n + 1);
		s->n++;
	}
	free(b->v);
	return (int)b->n;
}

int intel_add_credentials(struct intel *in, const char *buf, size_t len, const char *source, char *err,
			  size_t errsz)
{
	struct cred_batch b = {0};
	char reason[120];
	size_t pos = 0;
	unsigned line_no = 0;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len) {
		const char *line = buf + pos, *nl = memchr(line, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - line) : len - pos;
		pos += ll + (nl ? 1 : 0);
		line_no++;
		if (ll && line[ll - 1] == '\r')
			ll--;
		size_t blank = 0;
		while (blank < ll && (line[blank] == ' ' || line[blank] == '\t'))
			blank++;
		if (blank == ll || line[0] == '#')
			continue;
		const char *why = ll > INTEL_MAX_LINE ? "line too long" : cred_line(in, line, ll, &b, reason, sizeof reason);
		if (why) {
			snprintf(err, errsz, "%s:%u: %s", source, line_no, why);
			batch_free(&b);
			return -1;
		}
	}
	return cred_commit(in, &b, source, err, errsz);
}

const struct credential *intel_match_credential(const struct intel *in, const char *user, const char *password,
						size_t password_len)
{
	uint8_t d[32];
	const struct credential *found = NULL;
	if (!in || !password)
		return NULL;
	if (!user)
		user = "";
	cred_digest(&in->cred, password, password_len, d);
	/* every entry is compared, whichever matches */
	for (size_t i = 0; i < in->cred.n; i++) {
		const struct cred_entry *c = &in->cred.v[i];
		bool same_pw = sodium_memcmp(d, c->digest, sizeof d) == 0;
		bool same_user = strcmp(user, c->pub.user) == 0;
		if (same_pw && same_user && !found)
			found = &c->pub;
	}
	sodium_memzero(d, sizeof d);
	return found;
}

size_t intel_credential_count(const struct intel *in)
{
	return in ? in->cred.n : 0;
}
