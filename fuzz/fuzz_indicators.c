/* fuzz_indicators.c - libFuzzer target for the indicator loaders: the input
 * goes through intel_add_indicators() (a plain list, or a STIX 2.1 bundle
 * when it starts with '{'), then every loaded indicator is looked up again
 * and its strings are read in full; the input, NUL-terminated, also goes
 * to the STIX pattern parser and intel_classify() directly, and through
 * the default-credential loader. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness_touch.h"
#include "intel/intel.h"
#include "intel/intel_int.h"

static void recheck(const struct intel *in)
{
	for (size_t i = 0; i < in->ind.n; i++) {
		const struct indicator *ind = &in->ind.all[i]->pub;
		fuzz_touch_str(ind->value);
		fuzz_touch_str(ind->label);
		fuzz_touch_str(ind->source);
		fuzz_touch_str(ind->stix_id);
		fuzz_touch_str(ind->from_url);
		if (ind->type == IND_DOMAIN && !intel_match_domain(in, ind->value))
			__builtin_trap();
		if ((ind->type == IND_IPV4 || ind->type == IND_IPV6) && !intel_match_ip(in, &in->ind.all[i]->ip))
			__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	struct intel *in = intel_new();
	if (!in)
		return 0;
	if (intel_add_indicators(in, (const char *)data, size, "fuzz", err, sizeof err) < 0)
		fuzz_touch_str(err);
	recheck(in);
	if (intel_add_credentials(in, (const char *)data, size, "fuzz", err, sizeof err) < 0)
		fuzz_touch_str(err);
	intel_match_credential(in, "root", (const char *)data, size > 64 ? 64 : size);
	intel_free(in);

	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	struct stix_cmp *cmps = calloc(STIX_MAX_CMPS, sizeof *cmps);
	size_t n;
	if (cmps && !stix_pattern_parse(text, cmps, STIX_MAX_CMPS, &n))
		for (size_t i = 0; i < n; i++)
			fuzz_touch_str(cmps[i].value);
	enum indicator_type t;
	char norm[300];
	if (intel_classify(text, &t, norm, sizeof norm))
		fuzz_touch_str(norm);
	free(cmps);
	free(text);
	return 0;
}
