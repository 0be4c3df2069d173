/* fuzz_indicators.c - libFuzzer target for the indicator loaders: the input
 * goes through intel_add_indicators() (a plain list, or a STIX 2.1 bundle
 * when it starts with '{'), then every loaded indicator is looked up again
 * and its strings are read in full; the input, NUL-terminated, also goes
 * to the STIX pattern parser and intel_classify() directly, and through
 * the default-credential loader. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intel/intel.h"
#include "intel/intel_int.h"

static volatile uint8_t fuzz_sink_byte;

static void touch(const char *s)
{
	uint8_t x = 0;
	for (; s && *s; s++)
		x ^= (uint8_t)*s;
	fuzz_sink_byte ^= x;
}

static void recheck(const struct intel *in)
{
	for (size_t i = 0; i < in->ind.n; i++) {
		const struct indicator *ind = &in->ind.all[i]->pub;
		touch(ind->value);
		touch(ind->label);
		touch(ind->source);
		touch(ind->stix_id);
		touch(ind->from_url);
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
		touch(err);
	recheck(in);
	if (intel_add_credentials(in, (const char *)data, size, "fuzz", err, sizeof err) < 0)
		touch(err);
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
			touch(cmps[i].value);
	enum indicator_type t;
	char norm[300];
	if (intel_classify(text, &t, norm, sizeof norm))
		touch(norm);
	free(cmps);
	free(text);
	return 0;
}
