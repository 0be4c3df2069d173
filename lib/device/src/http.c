/* http.c - the minimal HTTP head reader of kd_http.h: one pass over the
 * bytes received so far, every field bounded, and anything this device
 * does not speak (chunked bodies, conflicting lengths, obs-fold) refused. */
#include <string.h>

#include "kd_http.h"
#include "koban_device.h"

/* The end of the head: index after the blank line, or 0 if not yet. */
static size_t head_end(const char *b, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (b[i] == '\n' && b[i + 1] == '\n')
			return i + 2;
		if (b[i] == '\n' && b[i + 1] == '\r' && i + 2 < len && b[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

static bool ieq(const char *a, size_t an, const char *b)
{
	size_t bn = strlen(b);
	if (an != bn)
		return false;
	for (size_t i = 0; i < an; i++) {
		char x = a[i] >= 'A' && a[i] <= 'Z' ? (char)(a[i] + 32) : a[i];
		if (x != b[i])
			return false;
	}
	return true;
}

static int start_line(const char *l, size_t n, bool req, struct kd_http_head *h)
{
	const char *sp1 = memchr(l, ' ', n), *sp2;
	if (!sp1)
		return KD_ERR_FORMAT;
	sp2 = memchr(sp1 + 1, ' ', n - (size_t)(sp1 + 1 - l));
	if (req) {
		size_t mlen = (size_t)(sp1 - l), plen;
		if (!sp2 || mlen == 0 || mlen >= sizeof h->method || (plen = (size_t)(sp2 - sp1 - 1)) == 0 ||
		    plen >= sizeof h->path || n - (size_t)(sp2 + 1 - l) != 8 || memcmp(sp2 + 1, "HTTP/1.", 7) != 0)
			return KD_ERR_FORMAT;
		memcpy(h->method, l, mlen);
		memcpy(h->path, sp1 + 1, plen);
		for (size_t i = 0; i < plen; i++)
			if (h->path[i] <= ' ' || h->path[i] > '~')
				return KD_ERR_FORMAT;
		return KD_OK;
	}
	if (sp1 - l != 8 || memcmp(l, "HTTP/1.", 7) != 0 || n < 12 || (sp2 && sp2 - sp1 != 4))
		return KD_ERR_FORMAT;
	h->status = 0;
	for (int i = 1; i <= 3; i++) {
		if (sp1[i] < '0' || sp1[i] > '9')
			return KD_ERR_FORMAT;
		h->status = h->status * 10 + (sp1[i] - '0');
	}
	return h->status >= 100 ? KD_OK : KD_ERR_FORMAT;
}

static int length_value(const char *v, size_t n, struct kd_http_head *h)
{
	size_t len = 0;
	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	if (n == 0 || n > 10)
		return KD_ERR_FORMAT;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return KD_ERR_FORMAT;
		len = len * 10 + (size_t)(v[i] - '0');
	}
	if (len > KD_HTTP_BODY_MAX || (h->has_length && h->content_length != len))
		return KD_ERR_FORMAT;
	h->has_length = true;
	h->content_length = len;
	return KD_OK;
}

static int header_line(const char *l, size_t n, struct kd_http_head *h)
{
	const char *colon = memchr(l, ':', n);
	if (!colon || colon == l || l[0] == ' ' || l[0] == '\t')
		return KD_ERR_FORMAT; /* no name, or obs-fold */
	size_t nlen = (size_t)(colon - l), vpos = nlen + 1;
	while (vpos < n && (l[vpos] == ' ' || l[vpos] == '\t'))
		vpos++;
	if (ieq(l, nlen, "content-length"))
		return length_value(l + vpos, n - vpos, h);
	if (ieq(l, nlen, "transfer-encoding"))
		return KD_ERR_FORMAT;
	return KD_OK;
}

int kd_http_parse(const char *buf, size_t len, bool is_request, struct kd_http_head *h)
{
	memset(h, 0, sizeof *h);
	size_t end = head_end(buf, len < KD_HTTP_HEAD_MAX ? len : KD_HTTP_HEAD_MAX);
	if (end == 0)
		return len >= KD_HTTP_HEAD_MAX ? KD_ERR_FORMAT : 0;
	bool first = true;
	for (size_t pos = 0; pos < end;) {
		const char *l = buf + pos, *nl = memchr(l, '\n', end - pos);
		size_t n = (size_t)(nl - l);
		pos += n + 1;
		if (n > 0 && l[n - 1] == '\r')
			n--;
		if (n == 0)
			break;
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)l[i] < 0x20 && l[i] != '\t')
				return KD_ERR_FORMAT;
		int rc = first ? start_line(l, n, is_request, h) : header_line(l, n, h);
		if (rc)
			return rc;
		first = false;
	}
	h->head_len = end;
	return first ? KD_ERR_FORMAT : 1;
}

static int unhex(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decodes [p, p+n) into out. */
static int decode(const char *p, size_t n, char *out, size_t cap, size_t *outlen)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)p[i];
		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			int hi = i + 2 < n ? unhex(p[i + 1]) : -1, lo = i + 2 < n ? unhex(p[i + 2]) : -1;
			if (hi < 0 || lo < 0)
				return KD_ERR_FORMAT;
			c = hi * 16 + lo;
			i += 2;
		}
		if (c < 0x20 || c == 0x7f || o + 1 >= cap)
			return KD_ERR_FORMAT;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	*outlen = o;
	return KD_OK;
}

int kd_http_form_field(const char *body, size_t len, const char *name, char *out, size_t cap, size_t *outlen)
{
	size_t nlen = strlen(name);
	if (cap == 0)
		return KD_ERR_FORMAT;
	for (size_t pos = 0; pos < len;) {
		const char *f = body + pos, *amp = memchr(f, '&', len - pos);
		size_t n = amp ? (size_t)(amp - f) : len - pos;
		pos += n + 1;
		if (n > nlen && f[nlen] == '=' && memcmp(f, name, nlen) == 0)
			return decode(f + nlen + 1, n - nlen - 1, out, cap, outlen);
	}
	return KD_ERR_NOT_FOUND;
}
