/* scan_int.h - the scan detector's private state, shared by its three
 * files: scan.c (the hooks, thresholds and incidents), scan_track.c (the
 * source table, distinct counters, pending SYNs) and scan_report.c (the
 * events). Not part of koban's API. */
#ifndef KOBAN_SCAN_INT_H
#define KOBAN_SCAN_INT_H

#include "detect/detectors.h"

#define SCAN_WAYS 8
#define SCAN_PENDING 16
#define DSET_EXACT 32
#define DSET_BITS 512
#define SCAN_TOP 8
#define SCAN_SAMPLES 4
#define N_IOT 20
#define N_CAMPAIGNS 2

extern const uint16_t scan_iot_ports[N_IOT];

struct scan_campaign {
	uint16_t port;
	const char *name_en, *name_ja;
};
extern const struct scan_campaign scan_campaigns[N_CAMPAIGNS];

/* A distinct counter: exact while small, then linear counting. */
struct dset {
	uint32_t exact[DSET_EXACT];
	uint64_t bits[DSET_BITS / 64];
	uint8_t n;
	bool overflow;
};

struct top_port {
	uint16_t port;
	uint32_t n;
};

struct pending {
	struct kaddr dst;
	uint16_t port;
	bool remote;
	uint64_t ts_us;
};

/* The open incident of a source (id 0: none) and what its last report said. */
struct scan_incident {
	uint32_t id;
	bool threshold, mirai;        /* reported so far: a threshold crossed, the Mirai trait */
	enum severity sev;            /* the highest reported */
	uint64_t us;                  /* time of the last report */
	uint32_t hosts, ports, attempts, answered, unanswered;
	uint32_t iot_mask;            /* IoT ports attempted (bit i: scan_iot_ports[i]) */
	uint8_t campaign_mask;
	struct kaddr dev_ip, peer_ip; /* of the first report, kept by every report of the incident */
	uint16_t peer_port;
};

struct source {
	bool used, inbound;
	struct kaddr addr;
	uint64_t last_us;            /* LRU */
	uint64_t first_us;           /* first attempt kept in this entry */
	uint64_t win_start, win_end; /* the counting window: first and last attempt */
	uint32_t attempts, answered, unanswered, unanswered_remote, mirai;
	uint64_t total_attempts;
	uint32_t iot[N_IOT];
	uint32_t campaign[N_CAMPAIGNS];
	bool campaign_accepted;
	struct kaddr campaign_dst;
	uint16_t campaign_port;
	struct top_port top[SCAN_TOP];
	struct { struct kaddr a; uint16_t port; } sample[SCAN_SAMPLES];
	uint8_t n_sample, p_head, p_n;
	struct kaddr one_host;       /* the unanswered host, while there is only one */
	struct dset hosts, ports;
	struct pending pend[SCAN_PENDING];
	struct scan_incident inc;
};

struct scan {
	uint64_t window_us, repeat_us, update_us, wait_us;
	uint32_t min_hosts, min_ports, in_min_hosts, in_min_ports, mirai_min;
	bool inbound;
	uint32_t nsets, sweep, incidents;
	uint32_t sweep_skip;          /* packets since the last sweep step */
	uint64_t sweep_us;            /* capture time of the last sweep step */
	struct source *v;
};

/* What a source amounts to now. */
struct scan_verdict {
	uint32_t hosts, ports;
	bool threshold, mirai, campaign;
	enum severity sev;
};

enum scan_report_kind { SCAN_FIRST, SCAN_UPDATE, SCAN_FINAL };

/* ---- scan_track.c ---- */
uint32_t dset_count(const struct dset *d);
struct source *src_find(struct scan *s, const struct kaddr *a);
/* Finds or creates the entry of a; evicting one ends its incident. */
struct source *src_get(struct scan *s, struct detect_ctx *ctx, const struct kaddr *a, bool inbound, uint64_t now);
void window_reset(struct source *e, uint64_t now);
void commit_failed(struct source *e, const struct kaddr *dst, uint16_t port, bool remote);
bool pend_resolve(struct source *e, const struct kaddr *dst, uint16_t port, bool failed);
int pend_age(const struct scan *s, struct source *e, uint64_t now, bool flush);
void pend_push(struct source *e, const struct kaddr *dst, uint16_t port, bool remote, uint64_t now);
void count_attempt(struct source *e, uint16_t port);
int campaign_of(uint16_t port);
int campaign_idx(const struct source *e);
uint32_t iot_mask(const struct source *e);
uint8_t campaign_mask(const struct source *e);

/* ---- scan_report.c ---- */
/* Emits a report of e's incident (opening it for SCAN_FIRST). */
void scan_report(struct scan *s, struct detect_ctx *ctx, struct source *e, const struct scan_verdict *v,
		 enum scan_report_kind kind, uint64_t now);

/* ---- scan.c ---- */
/* Ends e's open incident: pending SYNs count, a final report if it grew. */
void scan_incident_end(struct scan *s, struct detect_ctx *ctx, struct source *e, uint64_t now);

#endif
