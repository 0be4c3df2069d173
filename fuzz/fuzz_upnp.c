/* fuzz_upnp.c - libFuzzer target for the UPnP description scanner
 * (proto/upnp.c): the input is the XML body, copied to a heap buffer of its
 * exact size; the sink touches every byte of every fact's value so ASan
 * catches any read out of bounds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/upnp.h"

static volatile unsigned touched;

static void emit(void *ctx, const struct fact *f)
{
	(void)ctx;
	if (!f->value || f->value_len == 0 || f->value_len > 512 || !f->proto)
		abort();
	for (size_t i = 0; i < f->value_len; i++)
		touched += (unsigned char)f->value[i];
}

static const struct fact_sink sink = { emit, NULL };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size ? size : 1);
	if (size)
		memcpy(copy, data, size);
	upnp_parse_description(copy, size, ABOUT_SERVER, &sink);
	free(copy);
	return 0;
}
