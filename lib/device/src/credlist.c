/* credlist.c - the password strength check, and a bounded reader for koban's
 * default-credential list (data/default-credentials: "user TAB password TAB
 * source" lines, '#' comments, see docs/intel.md), which the device gets as
 * a buffer. A password is refused when it is on the list (also with digits
 * or symbols around it), repeats or runs along the alphabet or keyboard,
 * contains the device's identity, or is short of length and classes. */
#include "kd_int.h"

#define LINE_MAX_LEN 4096

struct line {
	const char *user, *pw, *src;
	size_t ulen, pwlen, srclen;
};

/* Splits [p, p+n) into the three fields. false if malformed. */
static bool split(const char *p, size_t n, struct line *l)
{
	const char *t1 = memchr(p, '\t', n), *t2;
	if (!t1 || n > LINE_MAX_LEN)
		return false;
	t2 = memchr(t1 + 1, '\t', n - (size_t)(t1 + 1 - p));
	if (!t2 || memchr(t2 + 1, '\t', n - (size_t)(t2 + 1 - p)))
		return false;
	l->user = p;
	l->ulen = (size_t)(t1 - p);
	l->pw = t1 + 1;
	l->pwlen = (size_t)(t2 - t1 - 1);
	l->src = t2 + 1;
	l->srclen = n - (size_t)(t2 + 1 - p);
	return l->ulen > 0 && l->srclen > 0 && kd_printable(l->user, l->ulen) && kd_printable(l->pw, l->pwlen);
}

/* Calls fn for each pair line; stops when fn returns non-zero. Returns
 * that value, 0 at the end, or KD_ERR_FORMAT (line number in *bad). */
typedef int (*line_fn)(void *ctx, unsigned entry, const struct line *l);
static int each_pair(const char *list, size_t len, line_fn fn, void *ctx, unsigned *bad)
{
	unsigned lineno = 0, entry = 0;
	size_t pos = 0;
	while (pos < len) {
		const char *p = list + pos, *nl = memchr(p, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - p) : len - pos;
		struct line l;
		pos += n + (nl ? 1 : 0);
		lineno++;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n == 0 || p[0] == '#')
			continue;
		if (!split(p, n, &l)) {
			if (bad)
				*bad = lineno;
			return KD_ERR_FORMAT;
		}
		int rc = fn(ctx, ++entry, &l);
		if (rc)
			return rc;
	}
	return 0;
}

static int count_fn(void *ctx, unsigned entry, const struct line *l)
{
	(void)l;
	*(unsigned *)ctx = entry;
	return 0;
}

int kd_credlist_count(const char *list, size_t len, unsigned *bad_line)
{
	unsigned n = 0;
	int rc = each_pair(list, len, count_fn, &n, bad_line);
	return rc ? rc : (int)n;
}

static char fold(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool same(const char *a, size_t an, const char *b, size_t bn, bool f)
{
	if (an != bn)
		return false;
	for (size_t i = 0; i < an; i++)
		if (f ? fold(a[i]) != fold(b[i]) : a[i] != b[i])
			return false;
	return true;
}

struct find {
	const char *pw;
	size_t len;
	bool fold;
};

static int find_fn(void *ctx, unsigned entry, const struct line *l)
{
	const struct find *f = ctx;
	return same(l->pw, l->pwlen, f->pw, f->len, f->fold) ? (int)entry : 0;
}

unsigned kd_credlist_find(const char *list, size_t len, const char *pw, size_t pwlen, bool fold_case)
{
	struct find f = { pw, pwlen, fold_case };
	int rc = list ? each_pair(list, len, find_fn, &f, NULL) : 0;
	return rc > 0 ? (unsigned)rc : 0;
}

/* ---- patterns ---- */

static bool kb_adjacent(char a, char b)
{
	static const char *const rows[] = { "1234567890-=", "qwertyuiop[]", "asdfghjkl;'", "zxcvbnm,./" };
	for (size_t r = 0; r < 4; r++) {
		const char *pa = strchr(rows[r], a), *pb = strchr(rows[r], b);
		if (a && b && pa && pb && (pa - pb == 1 || pb - pa == 1))
			return true;
	}
	return false;
}

/* Repeats, alphabet/digit runs, keyboard runs, periodic strings, few distinct characters. */
static bool is_pattern(const char *pw, size_t len)
{
	size_t predictable = 0, distinct = 0;
	bool seen[256] = { false };
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)fold(pw[i]);
		distinct += !seen[c];
		seen[c] = true;
		if (i > 0) {
			char p = fold(pw[i - 1]), q = (char)c;
			predictable += p == q || p + 1 == q || p == q + 1 || kb_adjacent(p, q);
		}
	}
	if (distinct < 4 || len - 1 - predictable <= 2)
		return true;
	for (size_t period = 1; period <= len / 2; period++) {
		size_t i = period;
		while (i < len && pw[i] == pw[i - period])
			i++;
		if (i == len)
			return true;
	}
	return false;
}

static bool is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* On the list as it is, or its letters core (digits and symbols stripped
 * from both ends, at least 4 long) is. */
static bool on_list(const char *pw, size_t len, const char *list, size_t listlen)
{
	size_t a = 0, b = len;
	if (!list)
		return false;
	if (kd_credlist_find(list, listlen, pw, len, true))
		return true;
	while (a < b && !is_letter(pw[a]))
		a++;
	while (b > a && !is_letter(pw[b - 1]))
		b--;
	return b - a >= 4 && (a > 0 || b < len) && kd_credlist_find(list, listlen, pw + a, b - a, true);
}

/* Case-insensitive: does pw contain needle (ignoring '-' in needle when dashes)? */
static bool contains(const char *pw, size_t len, const char *needle, bool skip_dashes)
{
	char n[KD_ID_MAX + 1];
	size_t nn = 0;
	for (size_t i = 0; needle && needle[i] && nn < KD_ID_MAX; i++)
		if (!(skip_dashes && needle[i] == '-'))
			n[nn++] = fold(needle[i]);
	if (nn < 3 || nn > len)
		return false;
	for (size_t i = 0; i + nn <= len; i++) {
		size_t k = 0;
		while (k < nn && fold(pw[i + k]) == n[k])
			k++;
		if (k == nn)
			return true;
	}
	return false;
}

static int classes(const char *pw, size_t len)
{
	int lo = 0, up = 0, dg = 0, ot = 0;
	for (size_t i = 0; i < len; i++) {
		char c = pw[i];
		if (c >= 'a' && c <= 'z')
			lo = 1;
		else if (c >= 'A' && c <= 'Z')
			up = 1;
		else if (c >= '0' && c <= '9')
			dg = 1;
		else
			ot = 1;
	}
	return lo + up + dg + ot;
}

int kd_password_check(const char *pw, size_t len, const char *list, size_t listlen, const char *user,
		      const char *device_id, const char *default_pw)
{
	if (!pw || len < KD_PW_MIN_LEN)
		return KD_PW_TOO_SHORT;
	if (len > KD_PW_MAX)
		return KD_PW_TOO_LONG;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)pw[i] < 0x20 || pw[i] == 0x7f)
			return KD_PW_BAD_CHARS;
	if (on_list(pw, len, list, listlen))
		return KD_PW_ON_DEFAULT_LIST;
	if (contains(pw, len, user, false) || contains(pw, len, device_id, false) ||
	    contains(pw, len, default_pw, true) || contains(pw, len, default_pw, false))
		return KD_PW_IDENTITY;
	if (is_pattern(pw, len))
		return KD_PW_PATTERN;
	if (len < 16 && classes(pw, len) < 3)
		return KD_PW_FEW_CLASSES;
	return KD_PW_OK;
}

const char *kd_pw_verdict_str(int v)
{
	static const char *const s[] = { "ok", "too short", "too long", "control characters",
					 "needs 3 of lower case, upper case, digits, symbols (or 16+ characters)",
					 "on the default-credential list", "an obvious pattern",
					 "contains the device id, user name or default password" };
	return v >= 0 && v <= KD_PW_IDENTITY ? s[v] : "unknown";
}
