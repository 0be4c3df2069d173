/* upnp.c - a bounded tag scanner for UPnP device descriptions (see upnp.h).
 *
 * It walks the bytes once, left to right: comments, processing
 * instructions, CDATA outside fields and <!DOCTYPE>/<!ENTITY> declarations
 * are skipped without effect (entities are never defined, so never
 * expanded); only the five predefined entities are decoded, into fixed
 * buffers. Open elements are tracked as name hashes on a fixed stack; a
 * close tag pops to the matching open element (unmatched ones are ignored),
 * so missing close tags do no harm beyond losing fields. Work is linear in
 * the input length. */
#include "proto/upnp.h"

#include <string.h>

#include "proto/textproto.h"

#define UPNP_DEPTH_MAX 32
#define UPNP_NAME_MAX 32
#define UPNP_FIELD_MAX 128

enum field { F_MANUFACTURER, F_MODEL_NAME, F_MODEL_NUMBER, F_FIRMWARE, F_SOFTWARE, F_FW, F_SW,
	     F_COUNT };

static const char *const field_names[F_COUNT] = {
	"manufacturer",    "modelName", "modelNumber", "firmwareVersion",
	"softwareVersion", "fwVersion", "swVersion",
};

struct upnp_scan {
	const char *x;
	size_t len, off;
	size_t depth;     /* open elements */
	size_t dev_depth; /* depth of the root <device> once open, else 0 */
	bool dev_done;    /* the root device closed: nothing more to learn */
	uint32_t stack[UPNP_DEPTH_MAX];
	uint16_t flen[F_COUNT];
	bool fset[F_COUNT];
	char field[F_COUNT][UPNP_FIELD_MAX];
};

static bool at(const struct upnp_scan *s, const char *lit)
{
	size_t n = strlen(lit);
	return s->len - s->off >= n && memcmp(s->x + s->off, lit, n) == 0;
}

/* Moves past the next occurrence of lit, or to the end. */
static void skip_past(struct upnp_scan *s, const char *lit)
{
	size_t n = strlen(lit);
	const char *hit = memmem(s->x + s->off, s->len - s->off, lit, n);
	s->off = hit ? (size_t)(hit - s->x) + n : s->len;
}

/* Skips a <!...> declaration (DOCTYPE with internal subset, ENTITY, ...),
 * minding quoted strings and comments inside it. */
static void skip_decl(struct upnp_scan *s)
{
	char quote = 0;
	size_t brackets = 0;
	for (; s->off < s->len; s->off++) {
		char ch = s->x[s->off];
		while (!quote && at(s, "<!--")) {
			skip_past(s, "-->");
			if (s->off >= s->len)
				return;
			ch = s->x[s->off];
		}
		if (quote) {
			if (ch == quote)
				quote = 0;
		} else if (ch == '"' || ch == '\'') {
			quote = ch;
		} else if (ch == '[') {
			brackets++;
		} else if (ch == ']' && brackets > 0) {
			brackets--;
		} else if (ch == '>' && brackets == 0) {
			s->off++;
			return;
		}
	}
}

static bool name_end(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '/' || ch == '>';
}

/* Reads a tag name at the cursor; keeps its local part (after any prefix)
 * lower-cased in buf and returns its hash. */
static uint32_t read_name(struct upnp_scan *s, char buf[UPNP_NAME_MAX], size_t *blen)
{
	uint32_t h = 2166136261u;
	size_t n = 0;
	for (; s->off < s->len && !name_end(s->x[s->off]); s->off++) {
		char ch = s->x[s->off];
		if (ch == ':') { /* namespace prefix: start over */
			h = 2166136261u;
			n = 0;
			continue;
		}
		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		h = (h ^ (uint8_t)ch) * 16777619u;
		if (n < UPNP_NAME_MAX)
			buf[n] = ch;
		n++;
	}
	*blen = n <= UPNP_NAME_MAX ? n : UPNP_NAME_MAX + 1; /* too long: matches no field */
	return h;
}

/* Skips attributes to the end of the tag; true if it was self-closing. */
static bool skip_attrs(struct upnp_scan *s)
{
	char quote = 0, last = 0;
	for (; s->off < s->len; s->off++) {
		char ch = s->x[s->off];
		if (quote) {
			if (ch == quote)
				quote = 0;
		} else if (ch == '"' || ch == '\'') {
			quote = ch;
		} else if (ch == '>') {
			s->off++;
			return last == '/';
		}
		if (ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n')
			last = ch;
	}
	return true; /* unterminated tag: treat as empty */
}

static int field_of(const char *name, size_t n)
{
	for (int f = 0; f < F_COUNT; f++)
		if (tp_eq_ci(name, n, field_names[f]))
			return f;
	return -1;
}

/* Copies text into dst decoding only &amp; &lt; &gt; &quot; &apos;. */
static size_t decode_text(char *dst, size_t cap, const char *src, size_t n)
{
	static const struct { const char *ent; char ch; } ents[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' }, { "&apos;", '\'' },
	};
	size_t out = 0;
	for (size_t i = 0; i < n && out < cap;) {
		char ch = src[i];
		size_t used = 1;
		for (size_t e = 0; ch == '&' && e < sizeof ents / sizeof ents[0]; e++) {
			size_t el = strlen(ents[e].ent);
			if (n - i >= el && memcmp(src + i, ents[e].ent, el) == 0) {
				ch = ents[e].ch;
				used = el;
				break;
			}
		}
		dst[out++] = ch;
		i += used;
	}
	return out;
}

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* Reads the text content of a field element (up to the next tag, or a CDATA
 * section) without moving the scan position. Text cut off by the end of the
 * input is not taken: it may be a truncated value. */
static void take_text(struct upnp_scan *s, int f)
{
	size_t i = s->off;
	while (i < s->len && is_space(s->x[i]))
		i++;
	const char *p = s->x + i;
	size_t n = s->len - i;
	if (n >= 9 && memcmp(p, "<![CDATA[", 9) == 0) {
		const char *end = memmem(p + 9, n - 9, "]]>", 3);
		if (!end)
			return;
		n = (size_t)(end - (p + 9));
		n = n < UPNP_FIELD_MAX ? n : UPNP_FIELD_MAX;
		memcpy(s->field[f], p + 9, n);
	} else {
		const char *lt = memchr(p, '<', n);
		if (!lt)
			return;
		n = decode_text(s->field[f], UPNP_FIELD_MAX, p, (size_t)(lt - p));
	}
	while (n > 0 && is_space(s->field[f][n - 1]))
		n--;
	s->flen[f] = (uint16_t)n;
	s->fset[f] = true;
}

static void start_tag(struct upnp_scan *s)
{
	char name[UPNP_NAME_MAX];
	size_t nlen;
	uint32_t h = read_name(s, name, &nlen);
	if (nlen == 0)
		return; /* a stray '<' */
	if (skip_attrs(s))
		return;
	if (s->dev_depth && s->depth == s->dev_depth) {
		int f = field_of(name, nlen);
		if (f >= 0 && !s->fset[f])
			take_text(s, f);
	}
	if (s->depth < UPNP_DEPTH_MAX)
		s->stack[s->depth] = h;
	s->depth++;
	if (!s->dev_depth && s->depth <= UPNP_DEPTH_MAX && tp_eq_ci(name, nlen, "device"))
		s->dev_depth = s->depth;
}

static void end_tag(struct upnp_scan *s)
{
	char name[UPNP_NAME_MAX];
	size_t nlen;
	uint32_t h = read_name(s, name, &nlen);
	skip_attrs(s);
	if (s->depth == 0)
		return;
	if (s->depth > UPNP_DEPTH_MAX) {
		s->depth--; /* beyond the stack: assume it closes the innermost */
	} else {
		for (size_t i = s->depth; i-- > 0;) {
			if (s->stack[i] == h) {
				s->depth = i;
				break;
			}
		}
	}
	if (s->dev_depth && s->depth < s->dev_depth)
		s->dev_done = true;
}

static void scan(struct upnp_scan *s)
{
	while (s->off < s->len && !s->dev_done) {
		const char *lt = memchr(s->x + s->off, '<', s->len - s->off);
		if (!lt)
			return;
		s->off = (size_t)(lt - s->x) + 1;
		if (at(s, "!--"))
			skip_past(s, "-->");
		else if (at(s, "![CDATA["))
			skip_past(s, "]]>");
		else if (at(s, "!"))
			skip_decl(s);
		else if (at(s, "?"))
			skip_past(s, "?>");
		else if (at(s, "/")) {
			s->off++;
			end_tag(s);
		} else
			start_tag(s);
	}
}

static void emit(const struct fact_sink *sink, enum fact_kind kind, enum fact_about about,
		 const char *v, size_t n)
{
	if (n == 0)
		return;
	struct fact f = { .kind = kind, .about = about, .value = v, .value_len = n, .proto = "upnp" };
	fact_emit(sink, &f);
}

static void emit_facts(const struct upnp_scan *s, enum fact_about about, const struct fact_sink *sink)
{
	emit(sink, FACT_MANUFACTURER, about, s->field[F_MANUFACTURER], s->flen[F_MANUFACTURER]);
	size_t nl = s->flen[F_MODEL_NAME], ml = s->flen[F_MODEL_NUMBER];
	if (nl > 0) {
		char model[2 * UPNP_FIELD_MAX + 1];
		memcpy(model, s->field[F_MODEL_NAME], nl);
		size_t n = nl;
		/* "WRT54G" + "WRT54G" stays "WRT54G" */
		if (ml > 0 && memmem(model, nl, s->field[F_MODEL_NUMBER], ml) == NULL) {
			model[n++] = ' ';
			memcpy(model + n, s->field[F_MODEL_NUMBER], ml);
			n += ml;
		}
		emit(sink, FACT_MODEL, about, model, n);
	}
	for (int f = F_FIRMWARE; f <= F_SW; f++) {
		if (s->flen[f] > 0) {
			emit(sink, FACT_FIRMWARE, about, s->field[f], s->flen[f]);
			break;
		}
	}
}

void upnp_parse_description(const char *xml, size_t len, enum fact_about about,
			    const struct fact_sink *sink)
{
	if (!xml || len == 0)
		return;
	struct upnp_scan s;
	memset(&s, 0, sizeof s);
	s.x = xml;
	s.len = len;
	scan(&s);
	emit_facts(&s, about, sink);
}
