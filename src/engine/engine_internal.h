/* engine_internal.h - state shared by the engine's source files
 * (engine.c: packet path; facts.c: attributing dissector facts;
 * events.c: building events). Not for use outside src/engine/. */
#ifndef KOBAN_ENGINE_INTERNAL_H
#define KOBAN_ENGINE_INTERNAL_H

#include "device/inventory.h"
#include "engine/engine.h"
#include "proto/dissect.h"

#define LOGIN_SEEN_SIZE 65536 /* power of two */
#define ENGINE_MAX_DETECTORS 32
#define ENGINE_MAX_RA_PREFIXES 16

struct detector;
struct detect_ctx;
struct detect_packet;
struct detect_login;
struct detect_dns;

struct detector_slot {
	const struct detector *det;
	void *state;
	struct detect_ctx *ctx;
};

struct engine {
	struct config cfg;
	struct engine_sink sink;
	struct flow_table *flows;
	struct inventory *inv;
	uint8_t *stream_pool;      /* stream_slots x DISSECT_STATE_MAX bytes */
	int32_t *stream_free;      /* stack of free slot numbers */
	uint32_t stream_free_n;
	uint64_t *login_seen;      /* hashes of logins already reported */
	struct intel *intel;       /* not owned */
	struct detector_slot detectors[ENGINE_MAX_DETECTORS];
	size_t n_detectors;
	struct kprefix ra_prefixes[ENGINE_MAX_RA_PREFIXES]; /* on-link IPv6 prefixes from RAs */
	size_t n_ra_prefixes;
	struct engine_stats stats;
};

/* What a fact is being interpreted against. */
struct fact_ctx {
	struct engine *e;
	const struct packet *pkt;
	struct flow *flow;         /* may be NULL for stateless UDP without a flow */
	bool from_client;
};

/* engine.c: the local device with this MAC, created if new (DHCP clients) */
struct device *engine_device_for_mac(struct engine *e, const uint8_t mac[6], uint64_t ts_us);

/* ra.c: on-link IPv6 prefixes learnt from Router Advertisements */
void engine_learn_ra(struct engine *e, const struct packet *p);
bool engine_in_ra_prefix(const struct engine *e, const struct kaddr *ip);

/* facts.c */
void engine_handle_fact(void *ctx, const struct fact *f);
bool engine_ip_is_local(struct engine *e, const struct kaddr *ip);

/* detect_ctx.c */
int engine_detectors_init(struct engine *e, char *err, size_t errsz);
void engine_detectors_free(struct engine *e);
void detect_dispatch_packet(struct engine *e, const struct detect_packet *dp);
void detect_dispatch_flow_end(struct engine *e, const struct flow *f);
void detect_dispatch_login(struct engine *e, const struct detect_login *l);
void detect_dispatch_dns(struct engine *e, const struct detect_dns *q);
void detect_dispatch_device(struct engine *e, struct device *d, uint64_t ts_us);
void detect_dispatch_finish(struct engine *e, uint64_t ts_us);

/* events.c */
void event_init(struct event *ev, const char *kind, enum severity sev, const struct device *d,
		const struct kaddr *dev_ip, uint64_t ts_us);
void event_emit(struct engine *e, struct event *ev);
void event_new_device(struct engine *e, const struct device *d, uint64_t ts_us);
void event_new_service(struct engine *e, const struct device *d, const struct service *s,
		       const struct kaddr *client, uint64_t ts_us);
void event_cleartext_login(struct engine *e, const struct device *d, const struct kaddr *dev_ip,
			   const char *proto, const char *user, const struct kaddr *peer, uint16_t port,
			   bool device_is_server, uint64_t ts_us);

#endif
