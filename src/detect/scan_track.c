/* scan_track.c - the scan detector's per-source state: the source table
 * (8-way set-associative, the least recently active entry evicted, its open
 * incident ended first), the distinct counters (exact up to 32, then linear
 * counting over a 512-bit bitmap), the pending SYNs waiting for an answer,
 * the IoT port histogram and the top ports. */
#include <math.h>
#include <string.h>

#include "detect/scan_int.h"

#define SEED_HOST 0x5ca11u
#define SEED_SET 0x7ab1eu

const uint16_t scan_iot_ports[N_IOT] = {22,   23,   80,   81,   443,  554,  1883, 2323,  5555,  7547,
					8080, 8291, 8443, 9530, 9673, 34567, 37215, 37777, 52869, 60001};

const struct scan_campaign scan_campaigns[N_CAMPAIGNS] = {
	{9530, "Mirai-like campaign against HiSilicon-based video recorders (9530/TCP, since Feb 2020; specific data turns Telnet on)",
	 "HiSilicon系の録画機を狙うMirai類似の攻撃（9530/TCP、2020年2月以降。特定のデータでTelnetが有効になる）"},
	{9673, "Mirai variant XTC (9673/TCP, since April 2020)", "Mirai亜種 XTC（9673/TCP、2020年4月以降）"},
};

/* ---- distinct counter ---- */

static void dset_add(struct dset *d, uint32_t h)
{
	uint32_t bit = (h * 0x9e3779b1u) >> 23; /* 9 bits: 0..511 */
	d->bits[bit / 64] |= 1ULL << (bit % 64);
	if (d->overflow)
		return;
	for (unsigned i = 0; i < d->n; i++)
		if (d->exact[i] == h)
			return;
	if (d->n < DSET_EXACT)
		d->exact[d->n++] = h;
	else
		d->overflow = true;
}

uint32_t dset_count(const struct dset *d)
{
	if (!d->overflow)
		return d->n;
	unsigned set = 0;
	for (unsigned i = 0; i < DSET_BITS / 64; i++)
		set += (unsigned)__builtin_popcountll(d->bits[i]);
	double est = set >= DSET_BITS ? DSET_BITS * log(DSET_BITS) : -DSET_BITS * log(1.0 - (double)set / DSET_BITS);
	uint32_t n = (uint32_t)(est + 0.5);
	return n > DSET_EXACT ? n : DSET_EXACT + 1;
}

/* ---- the source table ---- */

static uint32_t set_of(const struct scan *s, const struct kaddr *a)
{
	return kaddr_hash(a, SEED_SET) & (s->nsets - 1);
}

struct source *src_find(struct scan *s, const struct kaddr *a)
{
	struct source *set = &s->v[(size_t)set_of(s, a) * SCAN_WAYS];
	for (int i = 0; i < SCAN_WAYS; i++)
		if (set[i].used && kaddr_eq(&set[i].addr, a))
			return &set[i];
	return NULL;
}

struct source *src_get(struct scan *s, struct detect_ctx *ctx, const struct kaddr *a, bool inbound, uint64_t now)
{
	struct source *e = src_find(s, a);
	if (!e) {
		struct source *set = &s->v[(size_t)set_of(s, a) * SCAN_WAYS];
		e = &set[0];
		for (int i = 0; i < SCAN_WAYS && e->used; i++)
			if (!set[i].used || set[i].last_us < e->last_us)
				e = &set[i];
		if (e->used && e->inc.id)
			scan_incident_end(s, ctx, e, now);
		memset(e, 0, sizeof *e);
		e->used = true;
		e->addr = *a;
		e->inbound = inbound;
		e->first_us = now;
	}
	if (now > e->last_us)
		e->last_us = now;
	return e;
}

void window_reset(struct source *e, uint64_t now)
{
	e->win_start = e->win_end = now;
	e->attempts = e->answered = e->unanswered = e->unanswered_remote = e->mirai = 0;
	memset(e->iot, 0, sizeof e->iot);
	memset(e->campaign, 0, sizeof e->campaign);
	e->campaign_accepted = false;
	memset(e->top, 0, sizeof e->top);
	e->n_sample = 0;
	memset(&e->hosts, 0, sizeof e->hosts);
	memset(&e->ports, 0, sizeof e->ports);
}

/* Space-saving top-k over attempted ports. */
static void top_add(struct source *e, uint16_t port)
{
	int min = 0;
	for (int i = 0; i < SCAN_TOP; i++) {
		if (e->top[i].n && e->top[i].port == port) {
			e->top[i].n++;
			return;
		}
		if (e->top[i].n < e->top[min].n)
			min = i;
	}
	e->top[min].port = port;
	e->top[min].n++;
}

void count_attempt(struct source *e, uint16_t port)
{
	e->attempts++;
	e->total_attempts++;
	top_add(e, port);
	for (size_t i = 0; i < N_IOT; i++)
		if (scan_iot_ports[i] == port)
			e->iot[i]++;
}

/* An unanswered attempt: it counts towards the thresholds. */
void commit_failed(struct source *e, const struct kaddr *dst, uint16_t port, bool remote)
{
	uint32_t h = kaddr_hash(dst, SEED_HOST);
	uint32_t before = e->hosts.n;
	dset_add(&e->hosts, h);
	dset_add(&e->ports, port * 0x85ebca6bu + 1);
	if (e->unanswered == 0)
		e->one_host = *dst;
	e->unanswered++;
	if (remote)
		e->unanswered_remote++;
	if (e->hosts.n > before && e->n_sample < SCAN_SAMPLES) {
		e->sample[e->n_sample].a = *dst;
		e->sample[e->n_sample++].port = port;
	}
}

/* ---- pending SYNs ---- */

static void pend_drop(struct source *e, int idx)
{
	/* shift the ring's later entries down by one */
	for (int k = idx; k + 1 < e->p_n; k++)
		e->pend[(e->p_head + k) % SCAN_PENDING] = e->pend[(e->p_head + k + 1) % SCAN_PENDING];
	e->p_n--;
}

/* Finds a pending SYN to dst:port; commits it as failed or drops it as answered. */
bool pend_resolve(struct source *e, const struct kaddr *dst, uint16_t port, bool failed)
{
	bool found = false;
	for (int k = 0; k < e->p_n;) {
		struct pending *p = &e->pend[(e->p_head + k) % SCAN_PENDING];
		if (p->port == port && kaddr_eq(&p->dst, dst)) {
			if (failed && !found)
				commit_failed(e, &p->dst, p->port, p->remote);
			found = true;
			pend_drop(e, k);
		} else {
			k++;
		}
	}
	return found;
}

static void pend_commit_oldest(struct source *e)
{
	struct pending *p = &e->pend[e->p_head];
	commit_failed(e, &p->dst, p->port, p->remote);
	e->p_head = (uint8_t)((e->p_head + 1) % SCAN_PENDING);
	e->p_n--;
}

/* Commits pending SYNs older than the answer wait (all of them if flush);
 * returns how many. */
int pend_age(const struct scan *s, struct source *e, uint64_t now, bool flush)
{
	int n = 0;
	for (; e->p_n && (flush || e->pend[e->p_head].ts_us + s->wait_us <= now); n++)
		pend_commit_oldest(e);
	return n;
}

void pend_push(struct source *e, const struct kaddr *dst, uint16_t port, bool remote, uint64_t now)
{
	if (e->p_n == SCAN_PENDING) /* faster than answers can come: the oldest counts now */
		pend_commit_oldest(e);
	struct pending *p = &e->pend[(e->p_head + e->p_n) % SCAN_PENDING];
	p->dst = *dst;
	p->port = port;
	p->remote = remote;
	p->ts_us = now;
	e->p_n++;
}

/* ---- campaign and IoT ports ---- */

int campaign_of(uint16_t port)
{
	for (int i = 0; i < N_CAMPAIGNS; i++)
		if (scan_campaigns[i].port == port)
			return i;
	return -1;
}

/* The first campaign port the source probed, or -1. */
int campaign_idx(const struct source *e)
{
	for (int i = 0; i < N_CAMPAIGNS; i++)
		if (e->campaign[i])
			return i;
	return -1;
}

uint32_t iot_mask(const struct source *e)
{
	uint32_t m = 0;
	for (int i = 0; i < N_IOT; i++)
		if (e->iot[i])
			m |= 1u << i;
	return m;
}

uint8_t campaign_mask(const struct source *e)
{
	uint8_t m = 0;
	for (int i = 0; i < N_CAMPAIGNS; i++)
		if (e->campaign[i])
			m |= (uint8_t)(1u << i);
	return m;
}
