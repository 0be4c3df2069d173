/* banner_http.c - HTTP and RTSP responses: status, Server, the
 * WWW-Authenticate challenge (Basic or Digest with realm, nonce, opaque,
 * qop, algorithm) and the page <title>. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "audit/banner.h"
#include "util/text.h"

bool http_headers_done(const char *buf, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++)
		if (buf[i] == '\n' && (buf[i + 1] == '\n' || (buf[i + 1] == '\r' && i + 2 < n && buf[i + 2] == '\n')))
			return true;
	return false;
}

/* Copies one auth parameter value (quoted or token) into out. */
static void auth_param(const char *v, size_t vl, const char *name, char *out, size_t outsz)
{
	size_t nl = strlen(name);
	for (size_t i = 0; i + nl + 1 < vl; i++) {
		if ((i && v[i - 1] != ' ' && v[i - 1] != ',') || strncasecmp(v + i, name, nl) != 0 || v[i + nl] != '=')
			continue;
		const char *p = v + i + nl + 1, *end = v + vl;
		const char *q = p;
		if (*p == '"') {
			p++;
			for (q = p; q < end && *q != '"'; q++)
				;
		} else {
			while (q < end && *q != ',' && *q != ' ')
				q++;
		}
		text_clean_into(out, outsz, p, (size_t)(q - p));
		return;
	}
}

static void challenge(const char *v, size_t vl, struct http_challenge *ch)
{
	struct http_challenge c = {0};
	size_t sl = 0;
	while (sl < vl && v[sl] != ' ')
		sl++;
	text_clean_into(c.scheme, sizeof c.scheme, v, sl);
	auth_param(v + sl, vl - sl, "realm", c.realm, sizeof c.realm);
	auth_param(v + sl, vl - sl, "nonce", c.nonce, sizeof c.nonce);
	auth_param(v + sl, vl - sl, "opaque", c.opaque, sizeof c.opaque);
	auth_param(v + sl, vl - sl, "qop", c.qop, sizeof c.qop);
	auth_param(v + sl, vl - sl, "algorithm", c.algorithm, sizeof c.algorithm);
	/* keep the first challenge, but prefer Digest over Basic */
	if (!ch->scheme[0] || (strcasecmp(c.scheme, "Digest") == 0 && strcasecmp(ch->scheme, "Digest") != 0))
		*ch = c;
}

static void header(const char *l, size_t len, struct http_facts *h, struct http_challenge *ch)
{
	const char *colon = memchr(l, ':', len);
	if (!colon)
		return;
	size_t kl = (size_t)(colon - l);
	const char *v = colon + 1;
	size_t vl = len - kl - 1;
	while (vl && (*v == ' ' || *v == '\t'))
		v++, vl--;
	if (kl == 6 && strncasecmp(l, "Server", 6) == 0)
		text_clean_into(h->server, sizeof h->server, v, vl);
	else if (kl == 16 && strncasecmp(l, "WWW-Authenticate", 16) == 0)
		challenge(v, vl, ch);
}

static void title(const char *body, size_t n, struct http_facts *h)
{
	for (size_t i = 0; i + 7 <= n; i++) {
		if (strncasecmp(body + i, "<title", 6) != 0)
			continue;
		const char *gt = memchr(body + i, '>', n - i);
		if (!gt)
			return;
		const char *s = gt + 1, *e = s;
		while (e < body + n && *e != '<')
			e++;
		text_clean_into(h->title, sizeof h->title, s, (size_t)(e - s));
		return;
	}
}

int http_parse_response(const char *buf, size_t n, struct http_facts *h, struct http_challenge *ch)
{
	struct http_challenge local;
	if (!ch)
		ch = &local;
	memset(ch, 0, sizeof *ch);
	memset(h, 0, sizeof *h);
	if (n < 12 || (strncmp(buf, "HTTP/1.", 7) != 0 && strncmp(buf, "RTSP/1.", 7) != 0) || buf[8] != ' ' ||
	    !isdigit((unsigned char)buf[9]) || !isdigit((unsigned char)buf[10]) || !isdigit((unsigned char)buf[11]))
		return -1;
	h->status = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
	size_t pos = 0;
	while (pos < n) {
		const char *l = buf + pos, *nl = memchr(l, '\n', n - pos);
		size_t len = nl ? (size_t)(nl - l) : n - pos, tl = len;
		if (tl && l[tl - 1] == '\r')
			tl--;
		pos += len + 1;
		if (tl == 0) {
			if (pos < n)
				title(buf + pos, n - pos, h);
			break;
		}
		if (l != buf)
			header(l, tl, h, ch);
	}
	snprintf(h->auth_scheme, sizeof h->auth_scheme, "%s", ch->scheme);
	snprintf(h->realm, sizeof h->realm, "%s", ch->realm);
	return h->status;
}
