/* flood_track.c - the flood detector's state: the tables of trackers
 * (device, target, class) and of devices (8-way set-associative, the least
 * recently active evicted), each tracker's 1-second buckets over
 * flood.window seconds, the device's baseline (first full second, then an
 * EWMA, frozen while it floods), and the test whether a tracker floods. */
#include <math.h>
#include <string.h>

#include "detect/flood_int.h"

/* ---- keys and tables ---- */

static bool dkey_eq(const struct dkey *a, const struct dkey *b)
{
	if (a->has_mac != b->has_mac)
		return false;
	return a->has_mac ? memcmp(a->mac, b->mac, 6) == 0 : kaddr_eq(&a->ip, &b->ip);
}

static uint32_t dkey_hash(const struct dkey *k)
{
	if (!k->has_mac)
		return kaddr_hash(&k->ip, 0xd1u);
	struct kaddr m = {.family = 0};
	memcpy(m.b, k->mac, 6);
	return kaddr_hash(&m, 0xd2u);
}

struct fdev *dev_get(struct flood *f, const struct dkey *k, bool create, uint64_t now)
{
	struct fdev *set = &f->d[(size_t)(dkey_hash(k) & (f->dsets - 1)) * FL_WAYS];
	struct fdev *victim = &set[0];
	for (int i = 0; i < FL_WAYS; i++) {
		if (set[i].used && dkey_eq(&set[i].key, k))
			return &set[i];
		if (victim->used && (!set[i].used || set[i].last_us < victim->last_us))
			victim = &set[i];
	}
	if (!create)
		return NULL;
	memset(victim, 0, sizeof *victim);
	victim->used = true;
	victim->key = *k;
	victim->first_sec = victim->sec = now / 1000000u;
	victim->last_us = now;
	return victim;
}

struct tracker *tr_get(struct flood *f, struct detect_ctx *ctx, const struct dkey *k, const struct kaddr *target,
		       uint8_t cls, bool create, uint64_t now)
{
	uint32_t h = dkey_hash(k) ^ kaddr_hash(target, 0xf1u + cls);
	size_t base = (size_t)(h & (f->tsets - 1)) * FL_WAYS;
	struct tracker *set = &f->t[base];
	struct tracker_tag *tags = &f->tags[base];
	uint32_t tag = h | 1; /* 0 marks a free way */
	int victim = 0;
	/* the tags of a set share one cache line: only a matching tag touches a tracker */
	for (int i = 0; i < FL_WAYS; i++) {
		if (tags[i].tag == tag && set[i].cls == cls && kaddr_eq(&set[i].target, target) &&
		    dkey_eq(&set[i].dev, k)) {
			tags[i].last_sec = (uint32_t)(now / 1000000u);
			return &set[i];
		}
		if (tags[victim].tag && (!tags[i].tag || tags[i].last_sec < tags[victim].last_sec))
			victim = i;
	}
	if (!create)
		return NULL;
	struct tracker *t = &set[victim];
	if (t->used && t->inc_id)
		flood_incident_end(f, ctx, t, now);
	memset(t, 0, sizeof *t);
	memset(&f->b[(base + (size_t)victim) * f->window], 0, f->window * sizeof *f->b);
	t->used = true;
	t->cls = cls;
	t->dev = *k;
	t->target = *target;
	t->first_us = t->last_us = now;
	t->sec = now / 1000000u;
	tags[victim].tag = tag;
	tags[victim].last_sec = (uint32_t)t->sec;
	return t;
}

static struct bucket *buckets_of(struct flood *f, const struct tracker *t)
{
	return &f->b[(size_t)(t - f->t) * f->window];
}

/* ---- rates ---- */

/* Moves a tracker's window to second `sec`, dropping buckets that fell out. */
static void tr_roll(struct flood *f, struct tracker *t, uint64_t sec)
{
	if (sec <= t->sec)
		return;
	struct bucket *b = buckets_of(f, t);
	uint64_t steps = sec - t->sec;
	if (steps > f->window)
		steps = f->window;
	for (uint64_t i = 1; i <= steps; i++) {
		struct bucket *old = &b[(t->sec + i) % f->window];
		if (t->in_incident) {
			const struct bucket *done = &b[(t->sec + i - 1) % f->window];
			if (i == 1 && done->pkts > t->inc_peak_pkts)
				t->inc_peak_pkts = done->pkts;
			if (i == 1 && done->bytes > t->inc_peak_bytes)
				t->inc_peak_bytes = done->bytes;
		}
		t->sum_pkts -= old->pkts;
		t->sum_replies -= old->replies;
		t->sum_bytes -= old->bytes;
		t->sum_rbytes -= old->rbytes;
		memset(old, 0, sizeof *old);
	}
	t->sec = sec;
}

void tr_add(struct flood *f, struct tracker *t, uint64_t now, uint32_t bytes, bool reply)
{
	uint64_t sec = now / 1000000u;
	tr_roll(f, t, sec);
	struct bucket *b = &buckets_of(f, t)[t->sec % f->window]; /* late packets count in the newest second */
	if (reply) {
		b->replies++;
		b->rbytes += bytes;
		t->sum_replies++;
		t->sum_rbytes += bytes;
	} else {
		b->pkts++;
		b->bytes += bytes;
		t->sum_pkts++;
		t->sum_bytes += bytes;
		if (t->in_incident) {
			t->inc_pkts++;
			t->inc_bytes += bytes;
		}
	}
	if (now > t->last_us)
		t->last_us = now;
}

/* The device's baseline: its first full second's packet count, then an
 * EWMA of its packets per second (frozen while it floods). */
void dev_count(struct flood *f, struct fdev *d, uint64_t now)
{
	uint64_t sec = now / 1000000u;
	if (sec > d->sec) {
		if (d->sec > d->first_sec && d->sec >= d->alarm_until) { /* a full second, not flooding */
			if (!d->have_base)
				d->ewma = d->sec_pkts;
			else
				d->ewma += f->alpha * ((double)d->sec_pkts - d->ewma);
			d->have_base = true;
			uint64_t idle = sec - d->sec - 1;
			if (idle)
				d->ewma *= pow(1.0 - f->alpha, (double)(idle < 1000000 ? idle : 1000000));
		}
		d->sec = sec;
		d->sec_pkts = 0;
	}
	d->sec_pkts++;
	if (now > d->last_us)
		d->last_us = now;
}

bool pattern_class(uint8_t cls)
{
	return cls == FC_REFLECT || cls == FC_SPOOFREQ;
}

/* Is the tracker flooding now (window averages)? */
bool flooding(const struct flood *f, const struct tracker *t, const struct fdev *d)
{
	uint64_t w = f->window;
	uint64_t floor = pattern_class(t->cls) ? f->reflect_min_pps : f->min_pps;
	if (!((uint64_t)t->sum_pkts >= floor * w || (f->min_bps && t->sum_bytes * 8 >= f->min_bps * w)))
		return false;
	switch (t->cls) {
	case FC_ICMP:
	case FC_SPOOFREQ:
		break;
	case FC_REFLECT:
		if (t->sum_rbytes && (double)t->sum_bytes < f->min_amp * (double)t->sum_rbytes)
			return false;
		break;
	default: /* replies, or for SYNs completed handshakes */
		if ((double)t->sum_replies > f->reply_ratio * (double)t->sum_pkts)
			return false;
	}
	if (pattern_class(t->cls) || (uint64_t)t->sum_pkts >= (uint64_t)f->critical_pps * w)
		return true;
	if (!d || !d->have_base) /* nothing known yet about the device: the floor decides */
		return true;
	return (double)t->sum_pkts >= f->factor * d->ewma * (double)w;
}

void window_peak(struct flood *f, const struct tracker *t, uint32_t *pkts, uint64_t *bytes)
{
	const struct bucket *b = buckets_of(f, t);
	*pkts = t->inc_peak_pkts;
	*bytes = t->inc_peak_bytes;
	for (uint32_t i = 0; i < f->window; i++) {
		if (b[i].pkts > *pkts)
			*pkts = b[i].pkts;
		if (b[i].bytes > *bytes)
			*bytes = b[i].bytes;
	}
}

uint64_t window_start(const struct flood *f, const struct tracker *t)
{
	uint64_t ws = (t->sec + 1 > f->window ? t->sec + 1 - f->window : 0) * 1000000u;
	return ws > t->first_us ? ws : t->first_us;
}
