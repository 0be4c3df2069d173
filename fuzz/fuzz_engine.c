/* fuzz_engine.c - libFuzzer target for the whole packet path: the input is a
 * sequence of Ethernet frames, each prefixed by a 2-byte big-endian length,
 * fed through the engine (decoder, flow table, device learning, Router
 * Advertisement prefixes, dissectors, facts, every detector). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"

static void drop_event(void *ctx, const struct event *ev)
{
	(void)ctx;
	json_t *o = event_to_json(ev); /* exercises the JSON form of every event */
	json_decref(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;
	char err[256];
	config_defaults(&cfg);
	cfg.flow_memory_kb = 256;
	cfg.stream_slots = 4;
	cfg.max_devices = 64;
	struct engine_sink sink = {.event = drop_event};
	struct engine *e = engine_new(&cfg, &sink, NULL, err, sizeof err);
	if (!e)
		abort();
	uint64_t ts = 1700000000000000ULL;
	size_t off = 0;
	while (off + 2 <= size) {
		size_t len = (size_t)data[off] << 8 | data[off + 1];
		off += 2;
		if (len > size - off)
			len = size - off;
		/* an exact-size copy, so reading past the frame is caught */
		uint8_t *frame = malloc(len ? len : 1);
		memcpy(frame, data + off, len);
		engine_packet(e, 1, ts, frame, (uint32_t)len, (uint32_t)len);
		free(frame);
		off += len;
		ts += 250000;
	}
	engine_finish(e);
	engine_free(e);
	return 0;
}
