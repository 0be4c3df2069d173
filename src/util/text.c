/* text.c - sanitising hostile bytes into text, and escaping for output. */
#include "util/text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t utf8_seq_len(const unsigned char *s, size_t left)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (left < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	if (cp >= 0x80 && cp < 0xa0) /* C1 controls */
		return 0;
	return n;
}

size_t text_clean_into(char *dst, size_t dstsz, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t out = 0, i = 0;
	if (dstsz == 0)
		return 0;
	while (i < len && (u[i] == ' ' || u[i] == '\t' || u[i] == '\r' || u[i] == '\n' || u[i] == 0))
		i++;
	while (i < len) {
		size_t n = utf8_seq_len(u + i, len - i);
		if (n == 0 || (n == 1 && (u[i] < 0x20 || u[i] == 0x7f))) {
			if (out + 1 >= dstsz)
				break;
			dst[out++] = (n == 1 && (u[i] == '\t' || u[i] == '\n' || u[i] == '\r')) ? ' ' : '?';
			i++;
			continue;
		}
		if (out + n >= dstsz)
			break;
		memcpy(dst + out, u + i, n);
		out += n;
		i += n;
	}
	while (out > 0 && dst[out - 1] == ' ')
		out--;
	dst[out] = '\0';
	return out;
}

char *text_clean(const char *s, size_t len, size_t max)
{
	if (!s || max == 0)
		return NULL;
	char *buf = malloc(max + 1);
	if (!buf)
		return NULL;
	size_t n = text_clean_into(buf, max + 1, s, len);
	if (n == 0) {
		free(buf);
		return NULL;
	}
	char *shrunk = realloc(buf, n + 1);
	return shrunk ? shrunk : buf;
}

void html_escape(FILE *f, const char *s)
{
	if (!s)
		return;
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
	}
}

void term_escape(FILE *f, const char *s)
{
	if (!s)
		return;
	for (const unsigned char *u = (const unsigned char *)s; *u; u++) {
		if (*u < 0x20 || *u == 0x7f)
			fprintf(f, "\\x%02x", *u);
		else
			fputc(*u, f);
	}
}

void text_fix_utf8_tail(char *s)
{
	size_t n = strlen(s), back = 0;
	/* find the start of the last sequence (at most 3 continuation bytes back) */
	while (back < 4 && back < n && ((unsigned char)s[n - 1 - back] & 0xc0) == 0x80)
		back++;
	if (back == n)
		return;
	size_t start = n - 1 - back;
	if (utf8_seq_len((const unsigned char *)s + start, n - start) != back + 1 &&
	    (unsigned char)s[start] >= 0x80)
		s[start] = '\0';
}
