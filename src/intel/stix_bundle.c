/* stix_bundle.c - indicators from STIX 2.1 bundles: the "indicator"
 * objects with pattern_type "stix" whose pattern is one or more OR-ed
 * equality comparisons on ipv4-addr:value, ipv6-addr:value,
 * domain-name:value or url:value, e.g.
 *     [ipv4-addr:value = '198.51.100.7' OR domain-name:value = 'c2.example']
 *     [url:value = 'http://203.0.113.9/x'] OR [ipv4-addr:value ISSUBSET '203.0.113.0/24']
 * (ISSUBSET is accepted for addresses). Anything else in a pattern (AND,
 * FOLLOWEDBY, qualifiers, other objects or operators) makes koban skip that
 * indicator with a warning naming the file, the object's index and id; the
 * rest of the bundle still loads. A file that is not a JSON bundle is an
 * error. Other object types (SCOs, relationships ...) are ignored. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intel/intel_int.h"
#include "util/text.h"

#define STIX_MAX_PATTERN 16384u

struct lexer {
	const char *p;
};

static void skip_ws(struct lexer *lx)
{
	while (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\n' || *lx->p == '\r')
		lx->p++;
}

static bool eat(struct lexer *lx, const char *tok)
{
	skip_ws(lx);
	size_t n = strlen(tok);
	if (strncmp(lx->p, tok, n) != 0)
		return false;
	/* a keyword must end at a word boundary */
	if (isalpha((unsigned char)tok[n - 1]) && (isalnum((unsigned char)lx->p[n]) || lx->p[n] == '_'))
		return false;
	lx->p += n;
	return true;
}

static const struct {
	const char *path;
	enum indicator_type type;
} stix_paths[] = {
	{"ipv4-addr:value", IND_IPV4},
	{"ipv6-addr:value", IND_IPV6},
	{"domain-name:value", IND_DOMAIN},
	{"url:value", IND_URL},
};

/* 'text' with \' and \\ escapes, into out (at most INTEL_MAX_URL bytes). */
static const char *string_literal(struct lexer *lx, char *out)
{
	skip_ws(lx);
	if (*lx->p != '\'')
		return "expected a quoted string";
	size_t n = 0;
	for (lx->p++; *lx->p != '\''; lx->p++) {
		if (!*lx->p)
			return "unterminated string";
		if (*lx->p == '\\') {
			lx->p++;
			if (*lx->p != '\'' && *lx->p != '\\')
				return "bad escape in string";
		}
		if (n == INTEL_MAX_URL)
			return "string too long";
		out[n++] = *lx->p;
	}
	lx->p++;
	out[n] = '\0';
	return NULL;
}

static const char *comparison(struct lexer *lx, struct stix_cmp *c)
{
	size_t i;
	skip_ws(lx);
	for (i = 0; i < sizeof stix_paths / sizeof stix_paths[0]; i++)
		if (eat(lx, stix_paths[i].path))
			break;
	if (i == sizeof stix_paths / sizeof stix_paths[0])
		return "unsupported object path (koban uses ipv4-addr, ipv6-addr, domain-name and url values)";
	c->type = stix_paths[i].type;
	bool subset = false;
	if (!eat(lx, "=")) {
		if (!(c->type == IND_IPV4 || c->type == IND_IPV6) || !eat(lx, "ISSUBSET"))
			return "unsupported operator (only '=', and ISSUBSET for addresses)";
		subset = true;
	}
	const char *why = string_literal(lx, c->value);
	if (why)
		return why;
	if (subset && !strchr(c->value, '/'))
		return "ISSUBSET needs a CIDR prefix";
	return NULL;
}

const char *stix_pattern_parse(const char *pat, struct stix_cmp *out, size_t max, size_t *n)
{
	struct lexer lx = {pat};
	*n = 0;
	if (strlen(pat) > STIX_MAX_PATTERN)
		return "pattern too long";
	for (;;) {
		if (!eat(&lx, "["))
			return "expected '['";
		for (;;) {
			if (*n == max)
				return "too many comparisons";
			const char *why = comparison(&lx, &out[*n]);
			if (why)
				return why;
			(*n)++;
			if (eat(&lx, "]"))
				break;
			if (!eat(&lx, "OR"))
				return "unsupported pattern (koban reads comparisons joined by OR only)";
		}
		skip_ws(&lx);
		if (!*lx.p)
			return NULL;
		if (!eat(&lx, "OR"))
			return "unsupported pattern (only OR between observation expressions; no AND, "
			       "FOLLOWEDBY or qualifiers)";
	}
}

/* ------------------------------------------------------------ bundle */

static bool valid_stix_id(const char *id, const char *type)
{
	size_t tl = strlen(type);
	if (!id || strncmp(id, type, tl) != 0 || strncmp(id + tl, "--", 2) != 0 || strlen(id + tl + 2) != 36)
		return false;
	const char *u = id + tl + 2;
	for (int i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? u[i] != '-' : !isxdigit((unsigned char)u[i]))
			return false;
	}
	return true;
}

static const char *obj_string(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Adds the comparisons of one indicator object to the batch. */
static const char *add_cmps(const struct stix_cmp *cmps, size_t n, const char *id, const char *label,
			    const char *source, struct ind_batch *b);

static const char *one_indicator(json_t *o, const char *source, struct ind_batch *b)
{
	const char *pattern = obj_string(o, "pattern"), *ptype = obj_string(o, "pattern_type");
	const char *id = obj_string(o, "id"), *name = obj_string(o, "name");
	size_t n;
	if (!ptype || strcmp(ptype, "stix") != 0)
		return "pattern_type is not \"stix\"";
	if (!pattern)
		return "no pattern";
	struct stix_cmp *cmps = calloc(STIX_MAX_CMPS, sizeof *cmps);
	if (!cmps)
		return "out of memory";
	const char *why = stix_pattern_parse(pattern, cmps, STIX_MAX_CMPS, &n);
	char label[INTEL_MAX_LABEL + 1] = "";
	if (name)
		text_clean_into(label, sizeof label, name, strlen(name));
	if (!why)
		why = add_cmps(cmps, n, id, label, source, b);
	free(cmps);
	return why;
}

static const char *add_cmps(const struct stix_cmp *cmps, size_t n, const char *id, const char *label,
			    const char *source, struct ind_batch *b)
{
	const char *why = NULL;
	for (size_t i = 0; i < n; i++) {
		struct ind_entry *e = calloc(1, sizeof *e), *host = NULL;
		if (!e)
			return "out of memory";
		why = ind_parse_value(cmps[i].value, strlen(cmps[i].value), e, &host);
		if (!why && e->pub.type != cmps[i].type)
			why = "value does not fit the object type";
		if (!why) {
			struct ind_entry *v[2] = {e, host};
			for (int k = 0; k < 2 && v[k] && !why; k++) {
				v[k]->pub.source = strdup(source);
				v[k]->pub.label = label[0] ? strdup(label) : NULL;
				v[k]->pub.stix_id = valid_stix_id(id, "indicator") ? strdup(id) : NULL;
				v[k]->pub.from_url = k ? strdup(e->pub.value) : NULL;
				if (!v[k]->pub.source || (label[0] && !v[k]->pub.label) || (k && !v[k]->pub.from_url))
					why = "out of memory";
			}
		}
		if (!why && ind_batch_push(b, e) != 0)
			why = "out of memory";
		else if (!why)
			e = NULL;
		if (!why && host && ind_batch_push(b, host) != 0)
			why = "out of memory";
		else if (!why)
			host = NULL;
		ind_entry_free(e);
		ind_entry_free(host);
		if (why)
			return why;
	}
	return NULL;
}

static void warn_skip(struct intel *in, const char *source, size_t idx, const char *id, const char *why)
{
	char safe_id[80] = "";
	if (id)
		text_clean_into(safe_id, sizeof safe_id, id, strlen(id));
	intel_warn(in, "%s: object %zu%s%s%s: %s; indicator skipped", source, idx, safe_id[0] ? " (" : "", safe_id,
		   safe_id[0] ? ")" : "", why);
}

int stix_load(struct intel *in, const char *buf, size_t len, const char *source, char *err, size_t errsz)
{
	json_error_t jerr;
	json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		snprintf(err, errsz, "%s:%d: not valid JSON: %s", source, jerr.line, jerr.text);
		return -1;
	}
	json_t *objs = json_object_get(root, "objects");
	const char *type = obj_string(root, "type");
	if (!type || strcmp(type, "bundle") != 0 || (objs && !json_is_array(objs))) {
		snprintf(err, errsz, "%s: not a STIX 2.1 bundle (needs \"type\": \"bundle\" and an \"objects\" array)",
			 source);
		json_decref(root);
		return -1;
	}
	struct ind_batch b = {0};
	size_t i;
	json_t *o;
	json_array_foreach(objs, i, o) {
		const char *otype = json_is_object(o) ? obj_string(o, "type") : NULL;
		if (!otype || strcmp(otype, "indicator") != 0)
			continue;
		json_t *revoked = json_object_get(o, "revoked");
		if (json_is_true(revoked)) {
			warn_skip(in, source, i, obj_string(o, "id"), "revoked");
			continue;
		}
		size_t before = b.n;
		const char *why = one_indicator(o, source, &b);
		if (why && strcmp(why, "out of memory") == 0) {
			snprintf(err, errsz, "%s: out of memory", source);
			ind_batch_free(&b);
			json_decref(root);
			return -1;
		}
		if (why) {
			while (b.n > before)
				ind_entry_free(b.v[--b.n]);
			warn_skip(in, source, i, obj_string(o, "id"), why);
		}
	}
	json_decref(root);
	int rc = ind_commit(in, &b, err, errsz, source);
	ind_batch_free(&b);
	return rc;
}
