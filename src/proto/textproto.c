/* textproto.c - bounded line splitting and header helpers shared by the
 * text-protocol dissectors (see textproto.h). */
#include "proto/textproto.h"

#include <string.h>

static char lower(char ch)
{
	return (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
}

static void strip_cr(const char *line, size_t *len)
{
	if (*len > 0 && line[*len - 1] == '\r')
		(*len)--;
}

bool tp_next_line(struct cursor *c, const char **line, size_t *len)
{
	size_t left = cur_left(c);
	if (left == 0 || c->err)
		return false;
	const char *p = (const char *)cur_peek(c, left);
	const char *lf = memchr(p, '\n', left);
	size_t n = lf ? (size_t)(lf - p) : left;
	cur_skip(c, lf ? n + 1 : n);
	*line = p;
	*len = n;
	strip_cr(p, len);
	return true;
}

/* Appends p[0..n) to the buffered line, dropping what does not fit. */
static void lb_append(struct tp_linebuf *lb, char *buf, size_t cap, const char *p, size_t n)
{
	size_t room = cap > lb->len ? cap - lb->len : 0;
	if (n > room) {
		lb->truncated = true;
		n = room;
	}
	if (n > 0) {
		memcpy(buf + lb->len, p, n);
		lb->len = (uint16_t)(lb->len + n);
	}
}

bool tp_stream_line(struct tp_linebuf *lb, char *buf, size_t cap, struct cursor *c,
		    const char **line, size_t *len, bool *truncated)
{
	size_t left = cur_left(c);
	if (left == 0 || c->err)
		return false;
	if (!buf || cap > 65535)
		cap = 0;
	const char *p = (const char *)cur_peek(c, left);
	const char *lf = memchr(p, '\n', left);
	if (!lf) {
		lb_append(lb, buf, cap, p, left);
		cur_skip(c, left);
		return false;
	}
	size_t n = (size_t)(lf - p);
	cur_skip(c, n + 1);
	if ((lb->len == 0 && !lb->truncated) || cap == 0) {
		*line = p; /* whole line in this segment (or no buffer to gather in) */
		*len = n;
		*truncated = lb->truncated;
		lb->len = 0;
		lb->truncated = false;
	} else {
		lb_append(lb, buf, cap, p, n);
		*line = buf;
		*len = lb->len;
		*truncated = lb->truncated;
		lb->len = 0;
		lb->truncated = false;
	}
	strip_cr(*line, len);
	return true;
}

void tp_trim(const char **p, size_t *len)
{
	const char *s = *p;
	size_t n = *len;
	while (n > 0 && (s[0] == ' ' || s[0] == '\t')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	*p = s;
	*len = n;
}

bool tp_prefix_ci(const char *p, size_t len, const char *lit)
{
	size_t n = strlen(lit);
	if (len < n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower(p[i]) != lower(lit[i]))
			return false;
	return true;
}

bool tp_eq_ci(const char *p, size_t len, const char *lit)
{
	return len == strlen(lit) && tp_prefix_ci(p, len, lit);
}

bool tp_suffix_ci(const char *p, size_t len, const char *lit)
{
	size_t n = strlen(lit);
	return len >= n && tp_prefix_ci(p + (len - n), n, lit);
}

long tp_find_ci(const char *p, size_t len, const char *lit)
{
	size_t n = strlen(lit);
	if (n == 0)
		return 0;
	for (size_t i = 0; i + n <= len; i++)
		if (lower(p[i]) == lower(lit[0]) && tp_prefix_ci(p + i, len - i, lit))
			return (long)i;
	return -1;
}

bool tp_header(const char *line, size_t len, const char **name, size_t *name_len,
	       const char **value, size_t *value_len)
{
	const char *colon = memchr(line, ':', len);
	if (!colon || colon == line)
		return false;
	size_t nl = (size_t)(colon - line);
	for (size_t i = 0; i < nl; i++)
		if (line[i] == ' ' || line[i] == '\t')
			return false;
	*name = line;
	*name_len = nl;
	*value = colon + 1;
	*value_len = len - nl - 1;
	tp_trim(value, value_len);
	return true;
}
