/* table.c - bidirectional flow table: fixed pool, open-addressing index with
 * backward-shift deletion, per-class LRU lists for idle expiry and eviction. */
#include "flow/table.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <string.h>

#define NIL UINT32_MAX
#define LRU_CLASSES 3

struct lru {
	uint32_t head, tail;
};

struct flow_table {
	struct flow *pool;
	uint32_t capacity;
	uint32_t free_head;        /* recycled pool entries */
	uint32_t never_used;       /* pool entries from here on were never handed out */
	uint32_t *index;   /* pool index + 1; 0 = empty */
	uint32_t index_mask;
	struct lru lru[LRU_CLASSES];
	uint64_t timeout_us[LRU_CLASSES];
	flow_end_fn on_end;
	void *ctx;
	uint64_t next_expiry_us;   /* no flow can idle out before this capture time */
	struct flow_stats stats;
};

size_t flow_table_bytes_per_flow(void)
{
	return sizeof(struct flow) + 2 * sizeof(uint32_t) * 2;
}

/* Asks for transparent huge pages on a large, page-aligned-enough block. */
static void madvise_huge(void *p, size_t len)
{
	uintptr_t start = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
	uintptr_t end = ((uintptr_t)p + len) & ~(uintptr_t)4095;
	if (end > start)
		madvise((void *)start, end - start, MADV_HUGEPAGE);
}

static uint64_t mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static uint64_t endpoint_hash(const uint8_t addr[16], uint16_t port)
{
	uint64_t a, b;
	memcpy(&a, addr, 8);
	memcpy(&b, addr + 8, 8);
	return mix64(a ^ mix64(b ^ ((uint64_t)port << 17)));
}

/* Direction-independent hash: the two endpoint hashes combine symmetrically. */
static uint32_t flow_hash(uint8_t family, uint8_t proto, const uint8_t *a0, uint16_t p0, const uint8_t *a1,
			  uint16_t p1)
{
	uint64_t h = endpoint_hash(a0, p0) + endpoint_hash(a1, p1);
	return (uint32_t)mix64(h ^ ((uint64_t)family << 8 | proto));
}

static uint8_t lru_class_of(uint8_t proto)
{
	return proto == IPPROTO_TCP ? 0 : proto == IPPROTO_UDP ? 1 : 2;
}

struct flow_table *flow_table_new(size_t memory_bytes, const uint32_t timeouts_s[3], flow_end_fn on_end,
				  void *ctx)
{
	size_t cap = memory_bytes / flow_table_bytes_per_flow();
	if (cap < 16)
		return NULL;
	if (cap > (1u << 30))
		cap = 1u << 30;
	size_t isize = 1;
	while (isize < cap * 2)
		isize <<= 1;
	struct flow_table *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	/* calloc of a large block maps zero pages lazily: memory is touched only
	 * as flows are used, and huge pages cut TLB misses on the random access */
	t->pool = calloc(cap, sizeof *t->pool);
	t->index = calloc(isize, sizeof *t->index);
	if (t->pool && cap * sizeof *t->pool >= (2u << 20))
		madvise_huge(t->pool, cap * sizeof *t->pool);
	if (t->index && isize * sizeof *t->index >= (2u << 20))
		madvise_huge(t->index, isize * sizeof *t->index);
	if (!t->pool || !t->index) {
		flow_table_free(t);
		return NULL;
	}
	t->capacity = (uint32_t)cap;
	t->index_mask = (uint32_t)(isize - 1);
	t->free_head = NIL;
	t->never_used = 0;
	for (int c = 0; c < LRU_CLASSES; c++) {
		t->lru[c].head = t->lru[c].tail = NIL;
		t->timeout_us[c] = (uint64_t)timeouts_s[c] * 1000000u;
	}
	t->next_expiry_us = UINT64_MAX;
	t->on_end = on_end;
	t->ctx = ctx;
	t->stats.capacity = t->capacity;
	return t;
}

void flow_table_free(struct flow_table *t)
{
	if (!t)
		return;
	free(t->pool);
	free(t->index);
	free(t);
}

static void lru_unlink(struct flow_table *t, uint32_t i)
{
	struct flow *f = &t->pool[i];
	struct lru *l = &t->lru[f->lru_class];
	if (f->lru_prev != NIL)
		t->pool[f->lru_prev].lru_next = f->lru_next;
	else
		l->head = f->lru_next;
	if (f->lru_next != NIL)
		t->pool[f->lru_next].lru_prev = f->lru_prev;
	else
		l->tail = f->lru_prev;
}

static void lru_append(struct flow_table *t, uint32_t i)
{
	struct flow *f = &t->pool[i];
	struct lru *l = &t->lru[f->lru_class];
	f->lru_prev = l->tail;
	f->lru_next = NIL;
	if (l->tail != NIL)
		t->pool[l->tail].lru_next = i;
	else
		l->head = i;
	l->tail = i;
}

static bool flow_matches(const struct flow *f, uint8_t family, uint8_t proto, const uint8_t *sa, uint16_t sp,
			 const uint8_t *da, uint16_t dp, bool *from_client)
{
	if (f->family != family || f->l4_proto != proto)
		return false;
	if (f->port[0] == sp && f->port[1] == dp && !memcmp(f->addr[0], sa, 16) && !memcmp(f->addr[1], da, 16)) {
		*from_client = true;
		return true;
	}
	if (f->port[0] == dp && f->port[1] == sp && !memcmp(f->addr[0], da, 16) && !memcmp(f->addr[1], sa, 16)) {
		*from_client = false;
		return true;
	}
	return false;
}

/* Removes pool entry i from the index (backward-shift deletion) and the LRU,
 * and returns it to the free list. */
static void flow_remove(struct flow_table *t, uint32_t i)
{
	struct flow *f = &t->pool[i];
	uint32_t slot = f->hash & t->index_mask;
	while (t->index[slot] != i + 1)
		slot = (slot + 1) & t->index_mask;
	uint32_t hole = slot;
	for (uint32_t next = (hole + 1) & t->index_mask; t->index[next]; next = (next + 1) & t->index_mask) {
		uint32_t home = t->pool[t->index[next] - 1].hash & t->index_mask;
		/* move the entry back if its home is not in (hole, next] */
		if (((next - home) & t->index_mask) >= ((next - hole) & t->index_mask)) {
			t->index[hole] = t->index[next];
			hole = next;
		}
	}
	t->index[hole] = 0;
	lru_unlink(t, i);
	f->in_use = false;
	f->lru_next = t->free_head;
	t->free_head = i;
	t->stats.live--;
}

static void flow_finish(struct flow_table *t, uint32_t i, enum flow_end_reason why)
{
	struct flow *f = &t->pool[i];
	if (!f->ended && t->on_end)
		t->on_end(t->ctx, f, why);
	f->ended = true;
	flow_remove(t, i);
}

/* The LRU lists are kept lazily: a packet only updates last_us, and a flow
 * is moved to the tail when it reaches the head of its list while it has
 * been active since it was queued (queued_us != last_us). So the head is
 * always the least recently active flow, and the packet path never touches
 * the neighbours of a flow. */
static uint32_t lru_oldest(struct flow_table *t, int c)
{
	uint32_t i;
	while ((i = t->lru[c].head) != NIL && t->pool[i].queued_us != t->pool[i].last_us) {
		lru_unlink(t, i);
		t->pool[i].queued_us = t->pool[i].last_us;
		lru_append(t, i);
	}
	return i;
}

static void expire_idle(struct flow_table *t, uint64_t now)
{
	if (now < t->next_expiry_us)
		return;
	uint64_t next = UINT64_MAX;
	for (int c = 0; c < LRU_CLASSES; c++) {
		uint32_t i;
		while ((i = lru_oldest(t, c)) != NIL && t->pool[i].last_us + t->timeout_us[c] < now) {
			t->stats.expired++;
			flow_finish(t, i, FLOW_END_IDLE);
		}
		if (i != NIL && t->pool[i].last_us + t->timeout_us[c] < next)
			next = t->pool[i].last_us + t->timeout_us[c];
	}
	/* nothing can expire before the oldest flow's deadline */
	t->next_expiry_us = next;
}

static void evict_oldest(struct flow_table *t)
{
	uint32_t victim = NIL;
	for (int c = 0; c < LRU_CLASSES; c++) {
		uint32_t h = lru_oldest(t, c);
		if (h != NIL && (victim == NIL || t->pool[h].last_us < t->pool[victim].last_us))
			victim = h;
	}
	if (victim != NIL) {
		t->stats.evicted++;
		flow_finish(t, victim, FLOW_END_EVICTED);
	}
}

/* Decides who initiated a new flow from its first packet. */
static bool sender_is_client(const struct packet *p)
{
	if (p->l4_proto == IPPROTO_TCP && (p->tcp_flags & TCP_SYN))
		return !(p->tcp_flags & TCP_ACK);
	if (p->l4_proto == IPPROTO_TCP || p->l4_proto == IPPROTO_UDP)
		return !(p->src_port < 1024 && p->dst_port >= 1024);
	return true;
}

static uint32_t flow_create(struct flow_table *t, const struct packet *p, uint32_t hash, bool *from_client)
{
	uint32_t i;
	if (t->free_head == NIL && t->never_used < t->capacity) {
		i = t->never_used++;
	} else {
		if (t->free_head == NIL)
			evict_oldest(t);
		i = t->free_head;
		t->free_head = t->pool[i].lru_next;
	}
	struct flow *f = &t->pool[i];
	bool client = sender_is_client(p);
	int c = client ? 0 : 1, s = 1 - c;
	memset(f, 0, sizeof *f);
	f->family = p->src_ip.family;
	f->l4_proto = p->l4_proto;
	memcpy(f->addr[c], p->src_ip.b, 16);
	memcpy(f->addr[s], p->dst_ip.b, 16);
	f->port[c] = p->src_port;
	f->port[s] = p->dst_port;
	f->dissector = -1;
	f->stream_slot = -1;
	f->hash = hash;
	f->in_use = true;
	f->lru_class = lru_class_of(p->l4_proto);
	f->first_us = p->ts_us;
	f->last_us = f->queued_us = p->ts_us;
	if (p->ts_us + t->timeout_us[f->lru_class] < t->next_expiry_us)
		t->next_expiry_us = p->ts_us + t->timeout_us[f->lru_class];
	uint32_t slot = hash & t->index_mask;
	while (t->index[slot])
		slot = (slot + 1) & t->index_mask;
	t->index[slot] = i + 1;
	lru_append(t, i);
	t->stats.created++;
	t->stats.live++;
	*from_client = client;
	return i;
}

static void tcp_update(struct flow_table *t, uint32_t i, const struct packet *p, bool from_client)
{
	struct flow *f = &t->pool[i];
	uint8_t fl = p->tcp_flags;
	if ((fl & (TCP_SYN | TCP_ACK)) == TCP_SYN && from_client)
		f->tcp_state |= FLOW_TCP_SYN;
	else if ((fl & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK) && !from_client)
		f->tcp_state |= FLOW_TCP_SYNACK;
	else if ((fl & TCP_ACK) && from_client && (f->tcp_state & FLOW_TCP_SYNACK))
		f->tcp_state |= FLOW_TCP_ESTABLISHED;
	if (fl & TCP_FIN)
		f->tcp_state |= from_client ? FLOW_TCP_FIN_CLIENT : FLOW_TCP_FIN_SERVER;
	if (fl & TCP_RST)
		f->tcp_state |= FLOW_TCP_RST;
}

bool flow_table_end_if_closed(struct flow_table *t, struct flow *f)
{
	bool closed = (f->tcp_state & FLOW_TCP_RST) ||
		      (f->tcp_state & (FLOW_TCP_FIN_CLIENT | FLOW_TCP_FIN_SERVER)) ==
			      (FLOW_TCP_FIN_CLIENT | FLOW_TCP_FIN_SERVER);
	if (!closed || f->ended)
		return false;
	t->stats.closed++;
	if (t->on_end)
		t->on_end(t->ctx, f, FLOW_END_CLOSED);
	f->ended = true;
	return true;
}

static uint32_t flow_lookup(struct flow_table *t, const struct packet *p, uint32_t hash, bool *from_client)
{
	const uint8_t *sa = p->src_ip.b, *da = p->dst_ip.b;
	for (uint32_t slot = hash & t->index_mask; t->index[slot]; slot = (slot + 1) & t->index_mask) {
		uint32_t i = t->index[slot] - 1;
		if (t->pool[i].hash == hash &&
		    flow_matches(&t->pool[i], p->src_ip.family, p->l4_proto, sa, p->src_port, da, p->dst_port,
				 from_client))
			return i;
	}
	return NIL;
}

struct flow *flow_track(struct flow_table *t, const struct packet *p, bool *from_client, bool *created)
{
	*created = false;
	if (!p->ip_version || (p->is_fragment && !p->is_first_fragment))
		return NULL;
	expire_idle(t, p->ts_us);
	uint32_t hash = flow_hash(p->src_ip.family, p->l4_proto, p->src_ip.b, p->src_port, p->dst_ip.b, p->dst_port);
	uint32_t i = flow_lookup(t, p, hash, from_client);
	/* a new SYN on a finished connection starts a new flow (port reuse) */
	if (i != NIL && t->pool[i].ended && p->l4_proto == IPPROTO_TCP &&
	    (p->tcp_flags & (TCP_SYN | TCP_ACK)) == TCP_SYN) {
		flow_remove(t, i);
		i = NIL;
	}
	if (i == NIL) {
		i = flow_create(t, p, hash, from_client);
		*created = true;
	}
	struct flow *f = &t->pool[i];
	int dir = *from_client ? FLOW_CLIENT : FLOW_SERVER;
	f->pkts[dir]++;
	f->bytes[dir] += p->wirelen;
	f->last_us = p->ts_us > f->last_us ? p->ts_us : f->last_us;
	if (p->has_mac && !f->has_mac[dir]) {
		memcpy(f->mac[dir], p->src_mac, 6);
		f->has_mac[dir] = 1;
	}
	if (p->l4_proto == IPPROTO_TCP && p->has_l4)
		tcp_update(t, i, p, *from_client);
	return f;
}

void flow_table_flush(struct flow_table *t)
{
	for (int c = 0; c < LRU_CLASSES; c++) {
		uint32_t i;
		while ((i = t->lru[c].head) != NIL)
			flow_finish(t, i, FLOW_END_FLUSH);
	}
}

void flow_table_stats(const struct flow_table *t, struct flow_stats *out)
{
	*out = t->stats;
}
