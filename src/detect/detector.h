/* detector.h - the interface of koban's detectors (one file per detector in
 * src/detect/, registered in detect/registry.c).
 *
 * The engine calls each detector's hooks as traffic is analysed: for every
 * packet, when a flow ends, for every cleartext login attempt, for DNS
 * queries and answers, and when a device's identity (vendor, model,
 * firmware) changes. Detectors keep bounded state of their own, read their
 * thresholds from the configuration (`<detector>.<key> = value`), and
 * report through detect_emit(). They use capture time only, so the same
 * input always gives the same events. */
#ifndef KOBAN_DETECTOR_H
#define KOBAN_DETECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/packet.h"
#include "engine/model.h"
#include "flow/table.h"

struct detect_ctx;
struct intel;

/* One packet, with what the engine already knows about its two ends. */
struct detect_packet {
	const struct packet *pkt;
	const struct flow *flow;   /* NULL for packets without a flow (ARP, fragments) */
	bool from_client;
	bool flow_created;         /* this packet created the flow */
	struct device *src_dev;    /* the local device that sent it, or NULL */
	struct device *dst_dev;    /* the local device it is addressed to, or NULL */
	bool src_local;            /* address-level: the sender is on a local network */
	bool dst_local;
};

/* A login attempt in the clear, as a dissector saw it. The password is
 * available for comparison during the call only: never copy, store, log or
 * print it. */
struct detect_login {
	const char *proto;         /* "telnet", "ftp", "http-basic", "mqtt" */
	const char *user;          /* sanitised */
	const char *password;      /* raw bytes, may be NULL */
	size_t password_len;
	struct kaddr server_ip, client_ip;
	struct device *server_dev, *client_dev; /* local devices, or NULL */
	uint16_t port;
	uint64_t ts_us;
};

/* A DNS query (answer == family 0) or one answer record. */
struct detect_dns {
	const char *name;          /* sanitised, as asked */
	struct kaddr answer;       /* the address the name resolved to, or family 0 for a query */
	struct kaddr client_ip;    /* who asked / who receives the answer */
	struct device *client_dev; /* that host as a local device, or NULL */
	uint64_t ts_us;
};

struct detector {
	const char *name;          /* also the prefix of its configuration keys */
	/* Creates the detector's state, reading its parameters. Returns NULL
	 * and writes a reason into err on a bad parameter. */
	void *(*create)(struct detect_ctx *ctx, char *err, size_t errsz);
	void (*destroy)(void *state);
	/* Any hook may be NULL. */
	void (*on_packet)(void *state, struct detect_ctx *ctx, const struct detect_packet *dp);
	void (*on_flow_end)(void *state, struct detect_ctx *ctx, const struct flow *f);
	void (*on_login)(void *state, struct detect_ctx *ctx, const struct detect_login *l);
	void (*on_dns)(void *state, struct detect_ctx *ctx, const struct detect_dns *q);
	void (*on_device)(void *state, struct detect_ctx *ctx, struct device *d, uint64_t ts_us);
	void (*on_finish)(void *state, struct detect_ctx *ctx, uint64_t ts_us);
};

extern const struct detector *const detector_table[];
extern const size_t detector_count;

/* ---- services the engine offers to detectors (engine/detect_ctx.c) ---- */

/* Parameters `<detector>.<key>` from the configuration, with defaults. A
 * malformed value makes *ok false (create() should then fail). */
uint32_t detect_param_u32(struct detect_ctx *ctx, const char *key, uint32_t def, bool *ok);
double detect_param_double(struct detect_ctx *ctx, const char *key, double def, bool *ok);
bool detect_param_bool(struct detect_ctx *ctx, const char *key, bool def, bool *ok);
const char *detect_param_str(struct detect_ctx *ctx, const char *key, const char *def);

/* Fills the common fields of an event (kind, severity, device, time, an
 * empty evidence object). */
void detect_event_init(struct event *ev, const char *kind, enum severity sev, const struct device *dev,
		       const struct kaddr *dev_ip, uint64_t ts_us);
/* Adds guideline key points to an event. */
void detect_event_key_points(struct event *ev, const uint8_t *kps, size_t n);
/* Records an event (takes ownership of ev->evidence). */
void detect_emit(struct detect_ctx *ctx, struct event *ev);

bool detect_is_local(struct detect_ctx *ctx, const struct kaddr *ip);
struct device *detect_device_by_ip(struct detect_ctx *ctx, const struct kaddr *ip);
/* A DNS/SNI/Host name seen for an address, or NULL. */
const char *detect_name_of(struct detect_ctx *ctx, const struct kaddr *ip);
/* The threat-intelligence data (indicators, default credentials,
 * advisories, end-of-support list) loaded for this run. */
struct intel *detect_intel(struct detect_ctx *ctx);

#endif
