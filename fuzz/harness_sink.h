/* harness_sink.h - the fact sink shared by the dissector fuzz targets: it
 * checks each fact and reads every byte of its value, secret, MAC and proto
 * (harness_touch.h), so ASan catches a fact pointing past its buffer. */
#ifndef KOBAN_FUZZ_HARNESS_SINK_H
#define KOBAN_FUZZ_HARNESS_SINK_H

#include <stdlib.h>

#include "harness_touch.h"
#include "proto/dissect.h"

/* Aborts on a fact no consumer could trust (a length without its pointer,
 * no proto, an ABOUT_ADDR fact without an address), then reads it all. */
static inline void fuzz_check_fact(const struct fact *f)
{
	if ((f->value_len && !f->value) || (f->secret_len && !f->secret) || !f->proto)
		abort();
	if (f->about == ABOUT_ADDR && f->addr.family != KADDR_V4 && f->addr.family != KADDR_V6)
		abort();
	if (f->value)
		fuzz_touch(f->value, f->value_len);
	if (f->secret)
		fuzz_touch(f->secret, f->secret_len);
	if (f->mac)
		fuzz_touch(f->mac, 6);
	fuzz_touch_str(f->proto);
}

static inline void fuzz_emit(void *ctx, const struct fact *f)
{
	(void)ctx;
	fuzz_check_fact(f);
}

static const struct fact_sink fuzz_sink __attribute__((unused)) = { fuzz_emit, NULL };

#endif
