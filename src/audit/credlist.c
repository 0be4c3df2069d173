/* credlist.c - the credential list the login checks try, in file order:
 * the data/default-credentials format (user TAB password TAB source, '#'
 * comments; see docs/intel.md), or a user's own file in the same format
 * (--credentials). Only this module keeps the passwords in clear: they are
 * sent to the device under test and nowhere else (never logged or stored). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"

void creds_free(struct audit_creds *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].user);
		if (c->v[i].pass)
			explicit_bzero(c->v[i].pass, strlen(c->v[i].pass));
		free(c->v[i].pass);
	}
	free(c->v);
	c->v = NULL;
	c->n = 0;
}

static bool field_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return n < 64;
}

/* One "user TAB password [TAB source]" line. */
static int parse_line(struct audit_creds *c, const char *l, size_t n, unsigned entry)
{
	const char *t1 = memchr(l, '\t', n);
	if (!t1 || t1 == l)
		return -1;
	size_t ul = (size_t)(t1 - l);
	const char *p = t1 + 1, *t2 = memchr(p, '\t', n - ul - 1);
	size_t pl = t2 ? (size_t)(t2 - p) : n - ul - 1;
	if (!field_ok(l, ul) || !field_ok(p, pl))
		return -1;
	struct audit_cred *v = realloc(c->v, (c->n + 1) * sizeof *v);
	if (!v)
		return -1;
	c->v = v;
	v[c->n].user = strndup(l, ul);
	v[c->n].pass = strndup(p, pl);
	v[c->n].entry = entry;
	if (!v[c->n].user || !v[c->n].pass) {
		free(v[c->n].user);
		free(v[c->n].pass);
		return -1;
	}
	c->n++;
	return 0;
}

bool creds_parse(struct audit_creds *c, const char *buf, size_t len, char *err, size_t errsz)
{
	unsigned ln = 0, entry = 0;
	size_t pos = 0;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		const char *l = buf + pos;
		pos += n + 1;
		ln++;
		if (n && l[n - 1] == '\r')
			n--;
		if (n == 0 || l[0] == '#')
			continue;
		if (c->n == AUDIT_MAX_CREDS || parse_line(c, l, n, ++entry) != 0) {
			snprintf(err, errsz, "%s:%u: %s", c->path[0] ? c->path : "credentials", ln,
				 c->n == AUDIT_MAX_CREDS ? "too many pairs"
							 : "expected user<TAB>password<TAB>source (no control characters, "
							   "fields shorter than 64 bytes)");
			creds_free(c);
			return false;
		}
	}
	return true;
}

bool creds_load(struct audit_creds *c, const char *path, char *err, size_t errsz)
{
	snprintf(c->path, sizeof c->path, "%s", path);
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return false;
	}
	char *buf = malloc(1u << 20);
	size_t n = buf ? fread(buf, 1, (1u << 20) - 1, f) : 0;
	bool too_big = buf && !feof(f);
	fclose(f);
	if (!buf || too_big) {
		snprintf(err, errsz, "%s: %s", path, buf ? "larger than 1 MiB" : "out of memory");
		free(buf);
		return false;
	}
	bool ok = creds_parse(c, buf, n, err, errsz);
	explicit_bzero(buf, n);
	free(buf);
	return ok;
}
