/* fuzz_upnp.c - libFuzzer target for the UPnP description scanner
 * (proto/upnp.c): the input is the XML body, copied to a heap buffer of its
 * exact size; every fact must carry a value of 1 to 512 bytes, and the sink
 * (harness_sink.h) touches every byte of it so ASan catches any read out of
 * bounds. */
#include <stdint.h>
#include <stdlib.h>

#include "harness_sink.h"
#include "proto/upnp.h"

static void emit(void *ctx, const struct fact *f)
{
	(void)ctx;
	if (!f->value || f->value_len == 0 || f->value_len > 512)
		abort();
	fuzz_check_fact(f);
}

static const struct fact_sink sink = { emit, NULL };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = fuzz_copy(data, size);
	upnp_parse_description(copy, size, ABOUT_SERVER, &sink);
	free(copy);
	return 0;
}
