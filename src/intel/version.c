/* version.c - a tolerant order on firmware version strings such as
 * "V5.4.5 build 170124", "2.1.7", "1.0.0_20190101", "V1.0.4.84_10.0.58",
 * "3.16.9 Build 160617 Rel.38463n" or "1.10b04".
 *
 * The text is cut into runs of digits and runs of letters; everything else
 * only separates. Leading words "v", "ver", "version", "fw", "firmware" are
 * dropped. Runs are compared left to right:
 * A version that has run out counts as 0 from there on. At one position:
 *   pre-release word  <  0  <  other word  <  1 < 2 < ...
 * pre-release words (dev = snapshot < alpha < beta < pre = preview < rc)
 * by that rank, other words case-insensitively as text, numbers
 * numerically at any length (leading zeros ignored). So "2.1" == "2.1.0" <
 * "2.1.1", "1.0-rc1" < "1.0", "5.4.5" < "5.4.5 build 170124" <
 * "5.4.5 build 170401" < "5.4.6", "1.04" < "1.04b02" < "1.04.1". This is a
 * total order. At most VER_MAX_TOKENS runs count; the rest is ignored. */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "intel/intel.h"

#define VER_MAX_TOKENS 48

struct vtok {
	const char *p;
	size_t len;
	bool num;
};

static size_t tokenize(const char *s, struct vtok *t, size_t max)
{
	size_t n = 0;
	bool leading = true;
	while (s && *s && n < max) {
		unsigned char c = (unsigned char)*s;
		if (!isalnum(c)) {
			s++;
			continue;
		}
		bool num = isdigit(c) != 0;
		const char *start = s;
		while (*s && isalnum((unsigned char)*s) && (isdigit((unsigned char)*s) != 0) == num)
			s++;
		size_t len = (size_t)(s - start);
		if (leading && !num) {
			static const char *const prefixes[] = {"v", "ver", "version", "fw", "firmware"};
			bool skip = false;
			for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
				if (strlen(prefixes[i]) == len && strncasecmp(start, prefixes[i], len) == 0)
					skip = true;
			if (skip)
				continue;
		}
		leading = false;
		t[n++] = (struct vtok){start, len, num};
	}
	return n;
}

/* 0 for an ordinary word, 1..5 for pre-release words (lower sorts first). */
static int prerelease_rank(const struct vtok *t)
{
	static const char *const words[] = {"dev", "snapshot", "alpha", "beta", "pre", "preview", "rc"};
	static const int ranks[] = {1, 1, 2, 3, 4, 4, 5};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strlen(words[i]) == t->len && strncasecmp(t->p, words[i], t->len) == 0)
			return ranks[i];
	return 0;
}

static bool is_zero(const struct vtok *t)
{
	for (size_t i = 0; i < t->len; i++)
		if (t->p[i] != '0')
			return false;
	return true;
}

/* The order of one position: pre-release words < 0 (= nothing left) <
 * other words < positive numbers. */
enum { K_PRE, K_ZERO, K_WORD, K_NUM };

static int klass(const struct vtok *t)
{
	if (!t)
		return K_ZERO;
	if (t->num)
		return is_zero(t) ? K_ZERO : K_NUM;
	return prerelease_rank(t) ? K_PRE : K_WORD;
}

static int cmp_num(const struct vtok *a, const struct vtok *b)
{
	const char *pa = a->p, *pb = b->p;
	size_t la = a->len, lb = b->len;
	while (la > 1 && *pa == '0')
		pa++, la--;
	while (lb > 1 && *pb == '0')
		pb++, lb--;
	if (la != lb)
		return la < lb ? -1 : 1;
	int c = memcmp(pa, pb, la);
	return c < 0 ? -1 : c > 0;
}

static int cmp_word(const struct vtok *a, const struct vtok *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int c = strncasecmp(a->p, b->p, n);
	if (c)
		return c < 0 ? -1 : 1;
	return a->len == b->len ? 0 : a->len < b->len ? -1 : 1;
}

static int cmp_tok(const struct vtok *a, const struct vtok *b)
{
	int ka = klass(a), kb = klass(b);
	if (ka != kb)
		return ka < kb ? -1 : 1;
	switch (ka) {
	case K_PRE: {
		int ra = prerelease_rank(a), rb = prerelease_rank(b);
		return ra == rb ? 0 : ra < rb ? -1 : 1;
	}
	case K_WORD: return cmp_word(a, b);
	case K_NUM: return cmp_num(a, b);
	default: return 0;
	}
}

int intel_version_cmp(const char *a, const char *b)
{
	struct vtok ta[VER_MAX_TOKENS], tb[VER_MAX_TOKENS];
	size_t na = tokenize(a, ta, VER_MAX_TOKENS), nb = tokenize(b, tb, VER_MAX_TOKENS);
	for (size_t i = 0; i < na || i < nb; i++) {
		int c = cmp_tok(i < na ? &ta[i] : NULL, i < nb ? &tb[i] : NULL);
		if (c)
			return c;
	}
	return 0;
}
