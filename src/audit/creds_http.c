/* creds_http.c - HTTP(S) check: GET / (and /admin/ when / asks for no
 * login) for Server, title and the WWW-Authenticate challenge; then, for
 * Basic or Digest, one request per credential pair on a new connection.
 * Only GET is ever sent; an accepted login's answer is read and dropped.
 * RTSP (check_rtsp): OPTIONS and DESCRIBE; a stream described without a
 * login is `no-authentication`. */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audit/banner.h"
#include "audit/creds.h"
#include "audit/net.h"

#define HTTP_BUF 16384

struct http_arg {
	bool tls;
	const char *path;
	bool digest;
};

static void host_hdr(const struct kaddr *ip, uint16_t port, char *out, size_t sz)
{
	char a[KADDR_STRLEN];
	kaddr_str(ip, a, sizeof a);
	snprintf(out, sz, ip->family == KADDR_V6 ? "[%s]:%u" : "%s:%u", a, port);
}

/* Done when the header block and Content-Length bytes of body are in
 * (without Content-Length, when the server closes: Connection: close). */
static bool response_done(const char *b, size_t n, void *ctx)
{
	(void)ctx;
	const char *end = NULL;
	for (size_t i = 0; i + 3 < n && !end; i++)
		if (!memcmp(b + i, "\r\n\r\n", 4))
			end = b + i + 4;
	if (!end)
		return false;
	for (const char *p = b; p + 15 < end; p++) {
		if ((p == b || p[-1] == '\n') && !strncasecmp(p, "Content-Length:", 15)) {
			unsigned long cl = strtoul(p + 15, NULL, 10);
			return (size_t)(b + n - end) >= cl;
		}
	}
	return false;
}

/* One request on a new connection; the response is parsed into h/ch.
 * Returns the status, or -1 (no connection or no HTTP answer). */
static int http_get(struct check *c, bool tls, const char *path, const char *auth, struct http_facts *h,
		    struct http_challenge *ch)
{
	struct conn k;
	struct tls_facts *tf = tls && !c->svc->tls.present ? &c->svc->tls : NULL;
	if (!conn_open(&k, c->ip, c->svc->port, tls, c->o->connect_timeout_ms, c->o->io_timeout_ms, tf))
		return -1;
	char host[KADDR_STRLEN + 10], req[1024];
	host_hdr(c->ip, c->svc->port, host, sizeof host);
	int n = snprintf(req, sizeof req,
			 "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: koban-audit/" KOBAN_VERSION
			 "\r\n%s%s%sAccept: */*\r\nConnection: close\r\n\r\n",
			 path, host, auth ? "Authorization: " : "", auth ? auth : "", auth ? "\r\n" : "");
	static __thread char buf[HTTP_BUF];
	size_t len = 0;
	if (n > 0 && (size_t)n < sizeof req && conn_send(&k, req, (size_t)n) == 0)
		len = conn_recv(&k, buf, sizeof buf, 0, response_done, NULL);
	explicit_bzero(req, sizeof req);
	conn_close(&k);
	return len ? http_parse_response(buf, len, h, ch) : -1;
}

static void b64(const unsigned char *in, size_t n, char *out, size_t outsz)
{
	if (outsz < 4 * ((n + 2) / 3) + 1) {
		out[0] = '\0';
		return;
	}
	EVP_EncodeBlock((unsigned char *)out, in, (int)n);
}

static void md5_hex(const char *s, char out[33])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned ml = 0;
	EVP_Digest(s, strlen(s), md, &ml, EVP_md5(), NULL);
	for (unsigned i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* RFC 7616 Digest with MD5 (qop=auth when offered, else RFC 2069). */
static void digest_auth(const struct http_challenge *ch, const struct audit_cred *cred, const char *path,
			char *out, size_t outsz)
{
	char a[512], ha1[33], ha2[33], resp[33];
	static const char cnonce[] = "6b6f62616e617564";
	snprintf(a, sizeof a, "%s:%s:%s", cred->user, ch->realm, cred->pass);
	md5_hex(a, ha1);
	explicit_bzero(a, sizeof a);
	snprintf(a, sizeof a, "GET:%s", path);
	md5_hex(a, ha2);
	bool qop = strstr(ch->qop, "auth") != NULL;
	if (qop)
		snprintf(a, sizeof a, "%s:%s:00000001:%s:auth:%s", ha1, ch->nonce, cnonce, ha2);
	else
		snprintf(a, sizeof a, "%s:%s:%s", ha1, ch->nonce, ha2);
	md5_hex(a, resp);
	snprintf(out, outsz,
		 "Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", uri=\"%s\", response=\"%s\"%s%s%s%s%s",
		 cred->user, ch->realm, ch->nonce, path, resp, qop ? ", qop=auth, nc=00000001, cnonce=\"" : "",
		 qop ? cnonce : "", qop ? "\"" : "", ch->opaque[0] ? ", opaque=\"" : "", ch->opaque[0] ? ch->opaque : "");
	if (ch->opaque[0])
		strncat(out, "\"", outsz - strlen(out) - 1);
}

static enum try_result http_try(struct check *c, const struct audit_cred *cred, void *argp)
{
	const struct http_arg *arg = argp;
	char auth[1024];
	struct http_facts h;
	struct http_challenge ch;
	if (arg->digest) { /* a fresh nonce for every attempt */
		if (http_get(c, arg->tls, arg->path, NULL, &h, &ch) != 401 || strcasecmp(ch.scheme, "Digest") != 0)
			return TRY_UNCLEAR;
		digest_auth(&ch, cred, arg->path, auth, sizeof auth);
	} else {
		char up[160];
		snprintf(up, sizeof up, "%s:%s", cred->user, cred->pass);
		memcpy(auth, "Basic ", 6);
		b64((const unsigned char *)up, strlen(up), auth + 6, sizeof auth - 6);
		explicit_bzero(up, sizeof up);
	}
	int st = http_get(c, arg->tls, arg->path, auth, &h, NULL);
	explicit_bzero(auth, sizeof auth);
	if (st < 0)
		return TRY_UNREACHABLE;
	return st >= 200 && st < 400 ? TRY_ACCEPTED : st == 401 || st == 403 ? TRY_REFUSED : TRY_UNCLEAR;
}

void check_http(struct check *c, bool tls)
{
	static const char *const paths[] = {"/", "/admin/"};
	struct http_facts h = {0};
	const char *path = NULL;
	for (size_t i = 0; i < 2 && !path; i++) {
		struct http_facts hi;
		int st = http_get(c, tls, paths[i], NULL, &hi, NULL);
		if (st < 0)
			break;
		if (i == 0)
			h = hi;
		if (st == 401) {
			path = paths[i];
			snprintf(h.auth_scheme, sizeof h.auth_scheme, "%s", hi.auth_scheme);
			snprintf(h.realm, sizeof h.realm, "%s", hi.realm);
			snprintf(h.auth_path, sizeof h.auth_path, "%s", path);
		}
	}
	c->svc->http = h;
	if (h.server[0])
		banner_set(c->svc->banner, sizeof c->svc->banner, h.server, strlen(h.server));
	bool basic = !strcasecmp(h.auth_scheme, "Basic"), digest = !strcasecmp(h.auth_scheme, "Digest");
	if (!path || !(basic || digest) || !c->o->logins)
		return;
	snprintf(c->svc->login.path, sizeof c->svc->login.path, "%s", path);
	struct http_arg arg = {.tls = tls, .path = path, .digest = digest};
	creds_try_list(c, digest ? "digest" : "basic", http_try, &arg);
}

static bool headers_done(const char *b, size_t n, void *ctx)
{
	(void)ctx;
	return http_headers_done(b, n);
}

/* One RTSP request; returns the status or -1. */
static int rtsp_req(struct check *c, const char *method, int cseq, struct http_facts *h)
{
	struct conn k;
	if (!conn_open(&k, c->ip, c->svc->port, false, c->o->connect_timeout_ms, c->o->io_timeout_ms, NULL))
		return -1;
	char host[KADDR_STRLEN + 10], req[512], buf[4096];
	host_hdr(c->ip, c->svc->port, host, sizeof host);
	int n = snprintf(req, sizeof req, "%s rtsp://%s/ RTSP/1.0\r\nCSeq: %d\r\nUser-Agent: koban-audit\r\n%s\r\n",
			 method, host, cseq, strcmp(method, "DESCRIBE") ? "" : "Accept: application/sdp\r\n");
	size_t len = 0;
	if (n > 0 && (size_t)n < sizeof req && conn_send(&k, req, (size_t)n) == 0)
		len = conn_recv(&k, buf, sizeof buf, 0, headers_done, NULL);
	conn_close(&k);
	return len ? http_parse_response(buf, len, h, NULL) : -1;
}

void check_rtsp(struct check *c)
{
	struct http_facts h;
	if (rtsp_req(c, "OPTIONS", 1, &h) < 0)
		return;
	if (h.server[0])
		banner_set(c->svc->banner, sizeof c->svc->banner, h.server, strlen(h.server));
	if (!creds_pace(c))
		return;
	int st = rtsp_req(c, "DESCRIBE", 2, &h);
	c->svc->http = h;
	if (st == 200) {
		c->svc->login.state = LOGIN_NO_AUTH;
		snprintf(c->svc->login.method, sizeof c->svc->login.method, "none");
	}
}
