/* fuzz_advisories.c - libFuzzer target for the advisory and end-of-support
 * loaders: the input is loaded as data/advisories.json and as
 * data/end-of-support.json; what loaded is matched against vendors, models
 * and firmware versions taken from the input itself. The version
 * comparator is checked for antisymmetry on pieces of the input, and the
 * vendor and product rules run on them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness_touch.h"
#include "intel/intel.h"

static int sgn(int v)
{
	return v < 0 ? -1 : v > 0;
}

/* The input split at newlines into at most 4 NUL-terminated pieces. */
static size_t pieces(char *text, char **p, size_t max)
{
	size_t n = 0;
	char *s = text;
	while (n < max) {
		p[n++] = s;
		s = strchr(s, '\n');
		if (!s)
			break;
		*s++ = '\0';
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512], *text = malloc(size + 1), *p[4] = {"", "", "", ""};
	struct intel *in = intel_new();
	if (!text || !in) {
		free(text);
		intel_free(in);
		return 0;
	}
	if (intel_add_advisories(in, (const char *)data, size, "fuzz", err, sizeof err) < 0)
		fuzz_touch_str(err);
	if (intel_add_eos(in, (const char *)data, size, "fuzz", err, sizeof err) < 0)
		fuzz_touch_str(err);
	memcpy(text, data, size);
	text[size] = '\0';
	pieces(text, p, 4);
	const struct advisory *out[8];
	size_t n = intel_match_advisories(in, p[0], p[1], p[2], out, 8);
	for (size_t i = 0; i < n; i++) {
		fuzz_touch_str(out[i]->id);
		fuzz_touch_str(out[i]->affected);
		fuzz_touch_str(out[i]->product);
	}
	n = intel_match_advisories(in, "Acme", "X", NULL, out, 8);
	const struct eos_entry *e = intel_match_eos(in, p[0], p[1]);
	if (e) {
		fuzz_touch_str(e->end_date);
		(void)intel_eos_ended(e, 1700000000000000ull);
	}
	if (sgn(intel_version_cmp(p[1], p[2])) != -sgn(intel_version_cmp(p[2], p[1])))
		__builtin_trap();
	if (intel_version_cmp(p[2], p[2]) != 0)
		__builtin_trap();
	(void)intel_vendor_match(p[0], p[1]);
	(void)intel_product_match(p[1], p[2]);
	free(text);
	intel_free(in);
	return 0;
}
