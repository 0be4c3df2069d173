/* engine_harness.h - the core of the detector tests' harnesses
 * (access_harness.h, harness_intel.h): an engine whose events are kept as
 * JSON in an array, hand-made frames fed at explicit capture times, and
 * lookups in the events kept (by kind, evidence fields). */
#ifndef KOBAN_TEST_ENGINE_HARNESS_H
#define KOBAN_TEST_ENGINE_HARNESS_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "engine/engine.h"
#include "pktgen.h"

/* Appends each event, as JSON, to the array ctx. */
static inline void eh_collect(void *ctx, const struct event *ev)
{
	json_array_append_new((json_t *)ctx, event_to_json(ev));
}

/* An engine on cfg whose events go to the array `events`; NULL with the
 * reason in err on failure. */
static inline struct engine *eh_engine(const struct config *cfg, json_t *events, struct intel *in, char *err,
				       size_t errsz)
{
	struct engine_sink sink = {.event = eh_collect, .ctx = events};
	return engine_new(cfg, &sink, in, err, errsz);
}

/* A small configuration running only `detectors`, with settings given as
 * "key=value;key=value" (e.g. "scan.window=10;scan.min_hosts=5"). A
 * setting without '=' is passed with an empty value (the detector rejects it). */
static inline void eh_config(struct config *cfg, const char *detectors, const char *params)
{
	config_defaults(cfg);
	cfg->flow_memory_kb = 4096;
	cfg->stream_slots = 8;
	snprintf(cfg->detectors, sizeof cfg->detectors, "%s", detectors);
	char buf[512];
	snprintf(buf, sizeof buf, "%s", params ? params : "");
	for (char *save, *kv = strtok_r(buf, ";", &save); kv && cfg->n_params < CONFIG_MAX_PARAMS;
	     kv = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(kv, '=');
		struct config_param *p = &cfg->params[cfg->n_params++];
		if (eq)
			*eq = '\0';
		snprintf(p->key, sizeof p->key, "%s", kv);
		snprintf(p->value, sizeof p->value, "%s", eq ? eq + 1 : "");
	}
}

/* ---- frames ---- */

static inline void eh_feed(struct engine *e, uint64_t ts, const uint8_t *frame, size_t len)
{
	engine_packet(e, 1, ts, frame, (uint32_t)len, (uint32_t)len);
}

/* One TCP segment (payload may be NULL) at capture time ts. */
static inline void eh_tcp(struct engine *e, uint64_t ts, const uint8_t *smac, const char *sip, uint16_t sport,
			  const uint8_t *dmac, const char *dip, uint16_t dport, uint8_t flags, const char *payload)
{
	uint8_t buf[4096];
	size_t n = pg_tcp(buf, smac, dmac, sip, sport, dip, dport, flags, 1000, payload, payload ? strlen(payload) : 0);
	eh_feed(e, ts, buf, n);
}

static inline void eh_udp(struct engine *e, uint64_t ts, const uint8_t *smac, const char *sip, uint16_t sport,
			  const uint8_t *dmac, const char *dip, uint16_t dport, const void *payload, size_t plen)
{
	uint8_t buf[2048];
	eh_feed(e, ts, buf, pg_udp(buf, smac, dmac, sip, sport, dip, dport, payload, plen));
}

/* ---- events ---- */

static inline size_t eh_count(json_t *events, const char *kind)
{
	size_t i, n = 0;
	json_t *ev;
	json_array_foreach(events, i, ev) {
		if (strcmp(json_string_value(json_object_get(ev, "kind")), kind) == 0)
			n++;
	}
	return n;
}

/* The nth event (from 0) of that kind, or NULL. */
static inline json_t *eh_nth(json_t *events, const char *kind, size_t nth)
{
	size_t i, seen = 0;
	json_t *ev;
	json_array_foreach(events, i, ev) {
		if (strcmp(json_string_value(json_object_get(ev, "kind")), kind) == 0 && seen++ == nth)
			return ev;
	}
	return NULL;
}

/* The event's evidence field key, or NULL. */
static inline json_t *eh_evidence(json_t *ev, const char *key)
{
	return json_object_get(json_object_get(ev, "evidence"), key);
}

static inline const char *eh_ev_str(json_t *ev, const char *key)
{
	return json_string_value(eh_evidence(ev, key));
}

#endif
