/* engine.h - koban's engine: packets in, device inventory and events out.
 *
 *   decode -> flow table -> (local device learning) -> dissectors -> facts
 *          -> inventory updates -> events (through the sink)
 *
 * The same engine serves every front (offline analysis now, the live
 * gateway later). It uses capture timestamps only, so a given input always
 * gives the same output. */
#ifndef KOBAN_ENGINE_H
#define KOBAN_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/config.h"
#include "engine/model.h"
#include "flow/table.h"

struct engine;
struct inventory;

struct engine_sink {
	/* Called for every event; the event and its evidence are freed after
	 * the call (take a reference with json_incref to keep the evidence). */
	void (*event)(void *ctx, const struct event *ev);
	void *ctx;
};

struct engine_stats {
	uint64_t packets;
	uint64_t bytes;
	uint64_t decode_truncated;
	uint64_t decode_malformed;
	uint64_t decode_unsupported;
	uint64_t non_ip;
	uint64_t dissected;        /* payloads handed to a dissector */
	uint64_t stream_pool_full; /* flows that got no dissector state */
	uint64_t events;
	uint64_t first_us, last_us;
	struct flow_stats flows;
};

struct intel;

/* Creates the engine and the detectors enabled in cfg (`detectors`), which
 * read their `<name>.<key>` parameters; an unknown or malformed parameter
 * is an error. intel (may be NULL) is the loaded threat data, not owned. */
struct engine *engine_new(const struct config *cfg, const struct engine_sink *sink, struct intel *intel,
			  char *err, size_t errsz);
void engine_free(struct engine *e);

/* Feeds one captured frame. ts_us is the capture timestamp. */
void engine_packet(struct engine *e, int linktype, uint64_t ts_us, const uint8_t *data, uint32_t caplen,
		   uint32_t wirelen);

/* End of input: ends every flow (flushing dissector state). */
void engine_finish(struct engine *e);

struct inventory *engine_inventory(struct engine *e);
void engine_get_stats(const struct engine *e, struct engine_stats *out);

#endif
