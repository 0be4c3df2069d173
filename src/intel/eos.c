/* eos.c - products whose support has ended (data/end-of-support.json): a
 * JSON array of {vendor, vendor_aliases?, product (string or array),
 * end_date "YYYY-MM-DD", note?, url?, comment?}. Matching uses the vendor
 * and product rules of intel.c; the first matching entry wins. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/model.h"
#include "intel/intel_int.h"

static void eos_item_free(struct eos_item *e)
{
	free(e->pub.vendor);
	free(e->pub.product);
	free(e->pub.end_date);
	free(e->pub.note);
	free(e->pub.url);
	strv_free(e->pub.products, e->pub.n_products);
	strv_free(e->pub.vendor_aliases, e->pub.n_vendor_aliases);
}

void eos_free_all(struct intel *in)
{
	for (size_t i = 0; i < in->n_eos; i++)
		eos_item_free(&in->eos[i]);
	free(in->eos);
	in->eos = NULL;
	in->n_eos = 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
int32_t intel_days_from_civil(int y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + (int)doe - 719468);
}

/* "YYYY-MM-DD", a real calendar date between 1970 and 2199. */
bool intel_parse_date(const char *s, int32_t *days)
{
	static const unsigned mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	int y = atoi(s);
	unsigned m = (unsigned)atoi(s + 5), d = (unsigned)atoi(s + 8);
	if (y < 1970 || y > 2199 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return false;
	*days = intel_days_from_civil(y, m, d);
	return true;
}

static int parse_entry(json_t *o, struct eos_item *e, char *why, size_t whysz)
{
	static const char *const keys[] = {"vendor", "vendor_aliases", "product", "end_date",
					   "note",   "url",            "comment", NULL};
	if (!json_is_object(o)) {
		snprintf(why, whysz, "not an object");
		return -1;
	}
	char *comment = NULL;
	int rc = jcheck_keys(o, keys, why, whysz) || jfield_text(o, "vendor", 128, true, &e->pub.vendor, why, whysz) ||
		 jfield_list(o, "vendor_aliases", 16, 128, false, &e->pub.vendor_aliases, &e->pub.n_vendor_aliases,
			     why, whysz) ||
		 jfield_list(o, "product", 64, 128, true, &e->pub.products, &e->pub.n_products, why, whysz) ||
		 jfield_text(o, "end_date", 10, true, &e->pub.end_date, why, whysz) ||
		 jfield_text(o, "note", 2000, false, &e->pub.note, why, whysz) ||
		 jfield_text(o, "url", 512, false, &e->pub.url, why, whysz) ||
		 jfield_text(o, "comment", 2000, false, &comment, why, whysz);
	free(comment);
	if (rc)
		return -1;
	if (!intel_parse_date(e->pub.end_date, &e->end_days))
		snprintf(why, whysz, "\"end_date\" must be a date YYYY-MM-DD (1970..2199)");
	else if (e->pub.url && !valid_http_url(e->pub.url))
		snprintf(why, whysz, "\"url\" must be an http(s) URL");
	else if (!(e->pub.product = strv_join(e->pub.products, e->pub.n_products)))
		snprintf(why, whysz, "out of memory");
	else
		return 0;
	return -1;
}

int intel_add_eos(struct intel *in, const char *buf, size_t len, const char *source, char *err, size_t errsz)
{
	json_t *root = jload_array(buf, len, source, "end-of-support entries", err, errsz);
	if (!root)
		return -1;
	size_t n = json_array_size(root);
	if (in->n_eos + n > INTEL_MAX_ENTRIES) {
		snprintf(err, errsz, "%s: too many end-of-support entries", source);
		json_decref(root);
		return -1;
	}
	struct eos_item *v = realloc(in->eos, (in->n_eos + n + 1) * sizeof *v);
	if (!v) {
		snprintf(err, errsz, "%s: out of memory", source);
		json_decref(root);
		return -1;
	}
	in->eos = v;
	char why[300];
	for (size_t i = 0; i < n; i++) {
		struct eos_item *e = &in->eos[in->n_eos + i];
		memset(e, 0, sizeof *e);
		if (parse_entry(json_array_get(root, i), e, why, sizeof why) != 0) {
			snprintf(err, errsz, "%s: entry %zu: %s", source, i, why);
			for (size_t k = 0; k <= i; k++)
				eos_item_free(&in->eos[in->n_eos + k]);
			json_decref(root);
			return -1;
		}
	}
	in->n_eos += n;
	json_decref(root);
	return (int)n;
}

static const struct eos_entry *match_eos(const struct intel *in, const char *const vendors[2], const char *model)
{
	for (size_t i = 0; in && i < in->n_eos; i++) {
		const struct eos_item *e = &in->eos[i];
		if (vendor_match_any(e->pub.vendor, e->pub.vendor_aliases, e->pub.n_vendor_aliases, vendors) &&
		    product_match_any(e->pub.products, e->pub.n_products, model))
			return &e->pub;
	}
	return NULL;
}

const struct eos_entry *intel_match_eos(const struct intel *in, const char *vendor, const char *model)
{
	const char *vendors[2] = {vendor, NULL};
	return match_eos(in, vendors, model);
}

const struct eos_entry *intel_match_device_eos(const struct intel *in, const struct device *d)
{
	if (!d)
		return NULL;
	const char *vendors[2] = {d->manufacturer, d->vendor};
	return match_eos(in, vendors, d->model);
}

bool intel_eos_ended(const struct eos_entry *e, uint64_t ts_us)
{
	if (!e)
		return false;
	const struct eos_item *it = (const struct eos_item *)e;
	int64_t day = (int64_t)(ts_us / 1000000u / 86400u);
	return it->end_days <= day;
}

size_t intel_eos_count(const struct intel *in)
{
	return in ? in->n_eos : 0;
}
