/* flood_int.h - the flood detector's private state, shared by flood.c
 * (the packet path, incidents and events) and flood_track.c (the tracker
 * and device tables, the per-second buckets, the baseline and the flooding
 * test). Not part of koban's API. */
#ifndef KOBAN_FLOOD_INT_H
#define KOBAN_FLOOD_INT_H

#include "detect/detectors.h"

#define FL_WAYS 8
#define FL_PORTS 4
#define FL_SPOOF_SAMPLES 3
#define FL_REFLECTORS 16
#define FL_MAX_WINDOW 60

enum fclass { FC_UDP, FC_SYN, FC_TCP, FC_ICMP, FC_IP, FC_REFLECT, FC_SPOOFREQ };

/* A sender: a local device by MAC, else by address. */
struct dkey {
	bool has_mac;
	uint8_t mac[6];
	struct kaddr ip;
};

struct bucket {
	uint32_t pkts, replies;
	uint64_t bytes, rbytes;
};

struct tracker {
	bool used, spoofed, in_incident;
	uint8_t cls;
	struct dkey dev;
	struct kaddr target;
	struct kaddr src_ip;          /* the device's address as last sent */
	uint64_t last_us, first_us;
	uint64_t sec;                 /* second of the newest bucket */
	uint32_t sum_pkts, sum_replies;
	uint64_t sum_bytes, sum_rbytes;
	uint64_t inc_start_us, inc_last_us, inc_pkts, inc_bytes, inc_peak_bytes;
	uint32_t inc_peak_pkts;
	uint16_t ports[FL_PORTS];
	uint16_t svc_port;
	uint8_t n_ports, n_spoof;
	struct kaddr spoof[FL_SPOOF_SAMPLES]; /* forged sources (or forged-request reflectors) */
	uint32_t refl_hash[FL_REFLECTORS];
	uint8_t n_refl;
	/* the incident's reports: id (0: none yet), and what the last one said */
	uint32_t inc_id;
	enum severity reported_sev;
	uint64_t reported_us, reported_pkts;
	uint32_t reported_peak;
};

/* A tracker's hash tag and last second, kept apart from the tracker so a
 * lookup reads one cache line per set. */
struct tracker_tag {
	uint32_t tag;      /* hash | 1; 0 = free */
	uint32_t last_sec; /* capture second of the last use (eviction order) */
};

struct fdev {
	bool used, have_base;
	struct dkey key;
	uint64_t last_us;
	uint64_t first_sec, sec, alarm_until;
	uint32_t sec_pkts;
	double ewma;
};

struct flood {
	uint32_t window, min_pps, reflect_min_pps, critical_pps;
	uint64_t min_bps, repeat_us, update_us;
	double factor, alpha, reply_ratio, min_amp;
	uint32_t tsets, dsets, sweep, incidents;
	uint32_t sweep_skip;          /* packets since the last sweep step */
	uint64_t sweep_us;            /* capture time of the last sweep step */
	struct tracker *t;
	struct tracker_tag *tags;     /* one per tracker */
	struct bucket *b;             /* window buckets per tracker */
	struct fdev *d;
};

/* ---- flood_track.c ---- */
struct fdev *dev_get(struct flood *f, const struct dkey *k, bool create, uint64_t now);
/* Finds, or with create makes, the tracker of (k, target, cls); evicting
 * one in an incident ends that incident first. */
struct tracker *tr_get(struct flood *f, struct detect_ctx *ctx, const struct dkey *k, const struct kaddr *target,
		       uint8_t cls, bool create, uint64_t now);
void tr_add(struct flood *f, struct tracker *t, uint64_t now, uint32_t bytes, bool reply);
void dev_count(struct flood *f, struct fdev *d, uint64_t now);
bool pattern_class(uint8_t cls);
bool flooding(const struct flood *f, const struct tracker *t, const struct fdev *d);
/* The busiest second of the incident so far (and of the window). */
void window_peak(struct flood *f, const struct tracker *t, uint32_t *pkts, uint64_t *bytes);
uint64_t window_start(const struct flood *f, const struct tracker *t);

/* ---- flood.c ---- */
/* Ends t's incident: a final report if it sent more since the last one. */
void flood_incident_end(struct flood *f, struct detect_ctx *ctx, struct tracker *t, uint64_t now);

#endif
