/* advisories.c - vulnerable firmware (data/advisories.json): a JSON array
 * of {id, vendor, vendor_aliases?, product (string or array), affected,
 * refs?, summary, severity, url?, published?, comment?}. "affected" lists
 * ranges, any of which makes a firmware version affected:
 *   {"introduced": A, "fixed": B}          A <= v < B
 *   {"introduced": A, "last_affected": B}  A <= v <= B
 *   {"fixed": B} / {"last_affected": B}    from the first version on
 *   {"introduced": A}                      A and everything after
 *   {"version": X}                         exactly X
 *   {"build_before": "YYYY-MM-DD"}         a build date in the firmware text before that day
 * compared with intel_version_cmp() (version.c); bounds of one range all
 * apply. A range may carry "product" (pattern or list) to apply to those
 * models only. An entry with an error fails the whole file with its index. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/model.h"
#include "intel/intel_int.h"

#define ADV_MAX_RANGES 64
#define ADV_MAX_REFS 32
#define ADV_MAX_VERSION 128

static void vrange_free(struct vrange *r)
{
	free(r->introduced);
	free(r->fixed);
	free(r->last_affected);
	free(r->exact);
	free(r->build_before_text);
	strv_free(r->products, r->n_products);
}

static void adv_entry_free(struct adv_entry *a)
{
	free(a->pub.id);
	free(a->pub.vendor);
	free(a->pub.product);
	free(a->pub.affected);
	free(a->pub.fixed);
	strv_free(a->pub.refs, a->pub.n_refs);
	free(a->pub.summary);
	free(a->pub.severity);
	free(a->pub.url);
	strv_free(a->pub.products, a->pub.n_products);
	strv_free(a->pub.vendor_aliases, a->pub.n_vendor_aliases);
	for (size_t i = 0; i < a->n_ranges; i++)
		vrange_free(&a->ranges[i]);
	free(a->ranges);
}

void adv_free_all(struct intel *in)
{
	for (size_t i = 0; i < in->n_adv; i++)
		adv_entry_free(&in->adv[i]);
	free(in->adv);
	in->adv = NULL;
	in->n_adv = 0;
}

static bool has_digit(const char *s)
{
	for (; *s; s++)
		if (isdigit((unsigned char)*s))
			return true;
	return false;
}

static int range_version(json_t *o, const char *key, char **out, char *why, size_t whysz)
{
	if (jfield_text(o, key, ADV_MAX_VERSION, false, out, why, whysz) != 0)
		return -1;
	if (*out && !has_digit(*out)) {
		snprintf(why, whysz, "\"%s\": a version needs a digit", key);
		return -1;
	}
	return 0;
}

static int parse_range(json_t *o, struct vrange *r, char *why, size_t whysz)
{
	static const char *const keys[] = {"introduced", "fixed", "last_affected", "version", "build_before", "product",
					   NULL};
	if (!json_is_object(o)) {
		snprintf(why, whysz, "a range must be an object");
		return -1;
	}
	if (jcheck_keys(o, keys, why, whysz) != 0 || range_version(o, "introduced", &r->introduced, why, whysz) ||
	    range_version(o, "fixed", &r->fixed, why, whysz) ||
	    range_version(o, "last_affected", &r->last_affected, why, whysz) ||
	    range_version(o, "version", &r->exact, why, whysz) ||
	    jfield_text(o, "build_before", 10, false, &r->build_before_text, why, whysz) ||
	    jfield_list(o, "product", 64, 128, false, &r->products, &r->n_products, why, whysz))
		return -1;
	if (r->build_before_text && !intel_parse_date(r->build_before_text, &r->build_before))
		snprintf(why, whysz, "\"build_before\" must be a date YYYY-MM-DD");
	else if (r->exact && (r->introduced || r->fixed || r->last_affected || r->build_before))
		snprintf(why, whysz, "\"version\" stands alone");
	else if (r->fixed && r->last_affected)
		snprintf(why, whysz, "\"fixed\" and \"last_affected\" exclude each other");
	else if (!r->exact && !r->introduced && !r->fixed && !r->last_affected && !r->build_before)
		snprintf(why, whysz, "an empty range");
	else if (r->introduced && (r->fixed || r->last_affected) &&
		 intel_version_cmp(r->introduced, r->fixed ? r->fixed : r->last_affected) > (r->fixed ? -1 : 0))
		snprintf(why, whysz, "the range is empty (introduced is not below its end)");
	else
		return 0;
	return -1;
}

static size_t range_text_len(const struct vrange *r)
{
	size_t len = 64;
	const char *parts[] = {r->introduced, r->fixed, r->last_affected, r->exact, r->build_before_text};
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
		len += parts[i] ? strlen(parts[i]) : 0;
	for (size_t i = 0; i < r->n_products; i++)
		len += strlen(r->products[i]) + 2;
	return len;
}

/* "R7000: >= A, < B; = C; build before 2023-02-19" */
static char *range_text(const struct vrange *r, size_t n)
{
	size_t len = 1;
	for (size_t i = 0; i < n; i++)
		len += range_text_len(&r[i]);
	char *s = malloc(len), *p = s;
	if (!s)
		return NULL;
	*p = '\0';
	for (size_t i = 0; i < n; i++) {
		const struct vrange *x = &r[i];
		const char *sep = "";
		p += sprintf(p, "%s", i ? "; " : "");
		for (size_t k = 0; k < x->n_products; k++)
			p += sprintf(p, "%s%s", k ? ", " : "", x->products[k]);
		if (x->n_products)
			p += sprintf(p, ": ");
		if (x->exact)
			p += sprintf(p, "= %s", x->exact), sep = ", ";
		if (x->introduced)
			p += sprintf(p, ">= %s", x->introduced), sep = ", ";
		if (x->fixed)
			p += sprintf(p, "%s< %s", sep, x->fixed), sep = ", ";
		if (x->last_affected)
			p += sprintf(p, "%s<= %s", sep, x->last_affected), sep = ", ";
		if (x->build_before_text)
			p += sprintf(p, "%sbuilt before %s", sep, x->build_before_text);
	}
	return s;
}

static int parse_ranges(json_t *o, struct adv_entry *a, char *why, size_t whysz)
{
	json_t *arr = json_object_get(o, "affected");
	if (!json_is_array(arr) || json_array_size(arr) == 0 || json_array_size(arr) > ADV_MAX_RANGES) {
		snprintf(why, whysz, "\"affected\" must be an array of 1 to %d ranges", ADV_MAX_RANGES);
		return -1;
	}
	a->ranges = calloc(json_array_size(arr), sizeof *a->ranges);
	if (!a->ranges) {
		snprintf(why, whysz, "out of memory");
		return -1;
	}
	size_t i;
	json_t *r;
	json_array_foreach(arr, i, r) {
		a->n_ranges++;
		if (parse_range(r, &a->ranges[i], why, whysz) != 0) {
			size_t l = strlen(why);
			snprintf(why + l, whysz - l, " (affected[%zu])", i);
			return -1;
		}
		if (!a->pub.fixed && a->ranges[i].fixed && !(a->pub.fixed = strdup(a->ranges[i].fixed))) {
			snprintf(why, whysz, "out of memory");
			return -1;
		}
	}
	a->pub.affected = range_text(a->ranges, a->n_ranges);
	if (!a->pub.affected)
		snprintf(why, whysz, "out of memory");
	return a->pub.affected ? 0 : -1;
}

static bool valid_id(const char *s)
{
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._:-#", *p))
			return false;
	return true;
}

static int parse_entry(json_t *o, struct adv_entry *a, char *why, size_t whysz)
{
	static const char *const keys[] = {"id",       "vendor",   "vendor_aliases", "product", "affected", "refs",
					   "summary",  "severity", "url",            "published", "comment", NULL};
	if (!json_is_object(o)) {
		snprintf(why, whysz, "not an object");
		return -1;
	}
	char *published = NULL, *comment = NULL;
	int rc = jcheck_keys(o, keys, why, whysz) || jfield_text(o, "id", 64, true, &a->pub.id, why, whysz) ||
		 jfield_text(o, "vendor", 128, true, &a->pub.vendor, why, whysz) ||
		 jfield_list(o, "vendor_aliases", 16, 128, false, &a->pub.vendor_aliases, &a->pub.n_vendor_aliases,
			     why, whysz) ||
		 jfield_list(o, "product", 64, 128, true, &a->pub.products, &a->pub.n_products, why, whysz) ||
		 parse_ranges(o, a, why, whysz) ||
		 jfield_list(o, "refs", ADV_MAX_REFS, 64, false, &a->pub.refs, &a->pub.n_refs, why, whysz) ||
		 jfield_text(o, "summary", 2000, true, &a->pub.summary, why, whysz) ||
		 jfield_text(o, "severity", 16, true, &a->pub.severity, why, whysz) ||
		 jfield_text(o, "url", 512, false, &a->pub.url, why, whysz) ||
		 jfield_text(o, "published", 32, false, &published, why, whysz) ||
		 jfield_text(o, "comment", 2000, false, &comment, why, whysz);
	free(published);
	free(comment);
	if (rc)
		return -1;
	if (!valid_id(a->pub.id))
		snprintf(why, whysz, "\"id\" may hold letters, digits and . _ : - # only");
	else if (severity_parse(a->pub.severity) < 0)
		snprintf(why, whysz, "\"severity\" must be info, low, medium, high or critical");
	else if (a->pub.url && !valid_http_url(a->pub.url))
		snprintf(why, whysz, "\"url\" must be an http(s) URL");
	else if (!(a->pub.product = strv_join(a->pub.products, a->pub.n_products)))
		snprintf(why, whysz, "out of memory");
	else
		return 0;
	return -1;
}

int intel_add_advisories(struct intel *in, const char *buf, size_t len, const char *source, char *err,
			 size_t errsz)
{
	json_t *root = jload_array(buf, len, source, "advisories", err, errsz);
	if (!root)
		return -1;
	size_t n = json_array_size(root);
	if (in->n_adv + n > INTEL_MAX_ENTRIES) {
		snprintf(err, errsz, "%s: too many advisories", source);
		json_decref(root);
		return -1;
	}
	struct adv_entry *v = realloc(in->adv, (in->n_adv + n + 1) * sizeof *v);
	if (!v) {
		snprintf(err, errsz, "%s: out of memory", source);
		json_decref(root);
		return -1;
	}
	in->adv = v;
	char why[300];
	for (size_t i = 0; i < n; i++) {
		struct adv_entry *a = &in->adv[in->n_adv + i];
		memset(a, 0, sizeof *a);
		if (parse_entry(json_array_get(root, i), a, why, sizeof why) != 0) {
			snprintf(err, errsz, "%s: advisory %zu%s%s: %s", source, i, a->pub.id ? " " : "",
				 a->pub.id ? a->pub.id : "", why);
			for (size_t k = 0; k <= i; k++)
				adv_entry_free(&in->adv[in->n_adv + k]);
			json_decref(root);
			return -1;
		}
	}
	in->n_adv += n;
	json_decref(root);
	return (int)n;
}

/* ------------------------------------------------------------ matching */

static bool all_versions(const struct vrange *r)
{
	return !r->exact && !r->fixed && !r->last_affected && !r->build_before &&
	       (!r->introduced || intel_version_cmp(r->introduced, "0") == 0);
}

/* The build date in a firmware text: the last run of exactly 8 digits
 * YYYYMMDD (1990..2099) or 6 digits YYMMDD (20YY) that is a real date
 * ("V5.4.5 build 170124", "V2.800.0000000.16.R.210325",
 * "1.1.4 Build 20230219 rel.73898"). Days since 1970, or 0 if none. */
static int32_t build_date(const char *fw)
{
	int32_t found = 0;
	for (const char *p = fw; *p;) {
		if (!isdigit((unsigned char)*p)) {
			p++;
			continue;
		}
		const char *start = p;
		while (isdigit((unsigned char)*p))
			p++;
		size_t n = (size_t)(p - start);
		if (n != 6 && n != 8)
			continue;
		char date[11];
		if (n == 8)
			snprintf(date, sizeof date, "%.4s-%.2s-%.2s", start, start + 4, start + 6);
		else
			snprintf(date, sizeof date, "20%.2s-%.2s-%.2s", start, start + 2, start + 4);
		int32_t d;
		if ((date[0] == '1' && date[1] != '9') || !intel_parse_date(date, &d) || d < 7305 /* 1990 */)
			continue;
		found = d;
	}
	return found;
}

static bool in_range(const struct vrange *r, const char *model, const char *fw)
{
	if (r->n_products && !product_match_any(r->products, r->n_products, model))
		return false;
	if (!fw || !has_digit(fw))
		return all_versions(r);
	if (r->exact)
		return intel_version_cmp(fw, r->exact) == 0;
	if (r->introduced && intel_version_cmp(fw, r->introduced) < 0)
		return false;
	if (r->fixed && intel_version_cmp(fw, r->fixed) >= 0)
		return false;
	if (r->last_affected && intel_version_cmp(fw, r->last_affected) > 0)
		return false;
	if (r->build_before) {
		int32_t d = build_date(fw);
		if (d == 0 || d >= r->build_before)
			return false;
	}
	return true;
}

static size_t match_adv(const struct intel *in, const char *const vendors[2], const char *model,
			const char *firmware, const struct advisory **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; in && i < in->n_adv && n < max; i++) {
		const struct adv_entry *a = &in->adv[i];
		if (!vendor_match_any(a->pub.vendor, a->pub.vendor_aliases, a->pub.n_vendor_aliases, vendors) ||
		    !product_match_any(a->pub.products, a->pub.n_products, model))
			continue;
		for (size_t k = 0; k < a->n_ranges; k++) {
			if (in_range(&a->ranges[k], model, firmware)) {
				out[n++] = &a->pub;
				break;
			}
		}
	}
	return n;
}

size_t intel_match_advisories(const struct intel *in, const char *vendor, const char *model, const char *firmware,
			      const struct advisory **out, size_t max)
{
	const char *vendors[2] = {vendor, NULL};
	return match_adv(in, vendors, model, firmware, out, max);
}

size_t intel_match_device_advisories(const struct intel *in, const struct device *d, const struct advisory **out,
				     size_t max)
{
	if (!d)
		return 0;
	const char *vendors[2] = {d->manufacturer, d->vendor};
	return match_adv(in, vendors, d->model, d->firmware, out, max);
}

size_t intel_advisory_count(const struct intel *in)
{
	return in ? in->n_adv : 0;
}
