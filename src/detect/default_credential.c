/* default_credential.c - the `default-credential` detector: a cleartext
 * login (TELNET, FTP, HTTP Basic, MQTT) to a local device with a
 * user/password pair from the default-credential list (intel). Without
 * loaded intel it does nothing.
 *
 * koban cannot see whether a server accepted a login, and password guessers
 * try the same list. So a listed pair is held for default-credential.settle
 * seconds (capture time): if the same client then tries a different
 * credential on the same server port, the pair was most likely refused and
 * is dropped; otherwise it is reported (at the end of the capture at the
 * latest). A pair that ends a run of default-credential.guessing (5) or
 * more different credentials from that client is reported one severity
 * lower, as "tried during guessing" (a person who mistypes a few times and
 * then gets in is not guessing).
 * The password is only compared (intel) and digested with a random per-run
 * key to tell credentials apart; it is never kept or written: the event
 * names the list entry (number, user, source).
 * Severity high, critical when the client is outside the local networks;
 * key points 4, 15 (+21 from outside). One event per (device, port, entry).
 * Memory: fixed tables of client/server pairs and of reported keys. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "detect/detectors.h"
#include "device/label.h"
#include "intel/intel.h"
#include "util/text.h"

#define DC_PAIRS 256 /* power of two */
#define DC_PROBE 8
#define DC_CREDS 8
#define DC_FORGET_US (300 * 1000000ULL) /* a pair idle this long starts afresh */
#define DC_SEEN 4096 /* power of two */

struct dc_pair {
	bool used;
	struct kaddr client, server;
	uint16_t port;
	uint64_t last_us;
	uint64_t cred[DC_CREDS];
	uint8_t n_cred;
	uint32_t tried;                  /* different credentials this client used here */
	const struct credential *pending; /* a listed pair waiting to settle */
	uint64_t pend_digest, pend_us;
	char proto[16];
};

struct dc_state {
	uint64_t settle_us;
	uint32_t guessing;               /* different credentials that make a guess */
	uint64_t next_due;               /* earliest pending deadline, 0 if none */
	uint8_t key[crypto_generichash_KEYBYTES];
	uint64_t reported[DC_SEEN];      /* hashes of (device, port, entry) */
	struct dc_pair pairs[DC_PAIRS];
};

static void *dc_create(struct detect_ctx *ctx, char *err, size_t errsz)
{
	struct dc_state *st = calloc(1, sizeof *st);
	if (!st || sodium_init() < 0) {
		free(st);
		snprintf(err, errsz, "default-credential: out of memory");
		return NULL;
	}
	bool ok = true;
	st->settle_us = detect_param_u32(ctx, "settle", 30, &ok) * 1000000ULL;
	st->guessing = detect_param_u32(ctx, "guessing", 5, &ok);
	if (!ok || st->guessing < 2) {
		snprintf(err, errsz, "default-credential: settle must be a number of seconds, guessing a number >= 2");
		free(st);
		return NULL;
	}
	randombytes_buf(st->key, sizeof st->key);
	return st;
}

static void dc_destroy(void *state)
{
	struct dc_state *st = state;
	if (st)
		sodium_memzero(st->key, sizeof st->key);
	free(st);
}

/* ---- reported (device, port, entry) ---- */

static uint64_t seen_key(struct detect_ctx *ctx, const struct kaddr *server, uint16_t port, unsigned entry)
{
	struct device *d = detect_device_by_ip(ctx, server);
	uint64_t dev = d ? d->id : (1ULL << 40) | kaddr_hash(server, 0x5eed);
	uint64_t h = (dev * 0x9e3779b97f4a7c15ULL) ^ ((uint64_t)port << 32 | entry);
	h ^= h >> 29;
	return (h * 0xbf58476d1ce4e5b9ULL) | 1;
}

static bool seen_has(const struct dc_state *st, uint64_t k)
{
	for (uint32_t i = 0; i < DC_PROBE; i++)
		if (st->reported[(k + i) & (DC_SEEN - 1)] == k)
			return true;
	return false;
}

static void seen_add(struct dc_state *st, uint64_t k)
{
	for (uint32_t i = 0; i < DC_PROBE; i++) {
		uint64_t *slot = &st->reported[(k + i) & (DC_SEEN - 1)];
		if (!*slot) {
			*slot = k;
			return;
		}
	}
	st->reported[k & (DC_SEEN - 1)] = k; /* full run: forget the oldest guess at it */
}

/* ---- events ---- */

#define LABEL_MAX 128

static const char *host_label(struct detect_ctx *ctx, const struct kaddr *ip, char *buf)
{
	return device_label(detect_device_by_ip(ctx, ip), ip, buf, LABEL_MAX);
}

static void dc_summaries(struct detect_ctx *ctx, const struct dc_pair *p, struct event *ev, bool outside,
			 bool guessing)
{
	const struct credential *c = p->pending;
	char dev[LABEL_MAX], cli[LABEL_MAX], user[65];
	host_label(ctx, &p->server, dev);
	host_label(ctx, &p->client, cli);
	text_clean_into(user, sizeof user, c->user, strlen(c->user));
	const char *from_en = outside ? "from the Internet" : "from";
	const char *from_ja = outside ? "インターネット上の " : "";
	if (guessing) {
		snprintf(ev->summary_en, sizeof ev->summary_en,
			 "A default password was tried on %s over %s (port %u): list entry %u, user \"%s\", the last "
			 "of %u credentials tried %s %s; whether it was accepted cannot be seen",
			 dev, p->proto, p->port, c->entry, user, p->tried, from_en, cli);
		snprintf(ev->summary_ja, sizeof ev->summary_ja,
			 "%s%s が %s へ %s（ポート %u）で %u 通りの認証情報を試し、最後に初期パスワード（リストの %u 番、"
			 "ユーザー \"%s\"）を使いました。受け入れられたかどうかは通信からは分かりません",
			 from_ja, cli, dev, p->proto, p->port, p->tried, c->entry, user);
	} else {
		snprintf(ev->summary_en, sizeof ev->summary_en,
			 "%s takes a login over %s (port %u) with a well-known default password: list entry %u, "
			 "user \"%s\", used %s %s",
			 dev, p->proto, p->port, c->entry, user, from_en, cli);
		snprintf(ev->summary_ja, sizeof ev->summary_ja,
			 "%s へ %s（ポート %u）で初期パスワードによるログインがありました（リストの %u 番、ユーザー \"%s\"、"
			 "接続元 %s%s）",
			 dev, p->proto, p->port, c->entry, user, from_ja, cli);
	}
}

static void dc_evidence(const struct dc_pair *p, json_t *ev, bool outside, bool guessing)
{
	char a[KADDR_STRLEN], t[32];
	const struct credential *c = p->pending;
	json_object_set_new(ev, "protocol", json_string(p->proto));
	json_object_set_new(ev, "port", json_integer(p->port));
	json_object_set_new(ev, "entry", json_integer(c->entry));
	json_object_set_new(ev, "user", json_string(c->user));
	json_object_set_new(ev, "list_source", json_string(c->source));
	json_object_set_new(ev, "client", json_string(kaddr_str(&p->client, a, sizeof a)));
	json_object_set_new(ev, "from_outside", json_boolean(outside));
	json_object_set_new(ev, "credentials_tried", json_integer(p->tried));
	json_object_set_new(ev, "guessing", json_boolean(guessing));
	json_object_set_new(ev, "login_time", json_string(ts_iso8601(p->pend_us, t, sizeof t)));
}

static void dc_emit(struct dc_state *st, struct detect_ctx *ctx, struct dc_pair *p, uint64_t now)
{
	bool outside = !detect_is_local(ctx, &p->client);
	bool guessing = p->tried >= st->guessing;
	enum severity sev = outside ? SEV_CRITICAL : SEV_HIGH;
	if (guessing)
		sev = (enum severity)(sev - 1);
	seen_add(st, seen_key(ctx, &p->server, p->port, p->pending->entry));
	struct event ev;
	detect_event_init(&ev, "default-credential", sev, detect_device_by_ip(ctx, &p->server), &p->server,
			  now > p->pend_us ? now : p->pend_us);
	static const uint8_t kps[] = {4, 15, 21};
	detect_event_key_points(&ev, kps, outside ? 3 : 2);
	ev.peer_ip = p->client;
	dc_summaries(ctx, p, &ev, outside, guessing);
	dc_evidence(p, ev.evidence, outside, guessing);
	p->pending = NULL;
	detect_emit(ctx, &ev);
}

/* The pending pair settled the earliest (all: any pending), or NULL. */
static struct dc_pair *dc_next_settled(struct dc_state *st, uint64_t now, bool all)
{
	struct dc_pair *best = NULL;
	for (size_t i = 0; i < DC_PAIRS; i++) {
		struct dc_pair *p = &st->pairs[i];
		if (p->pending && (all || now >= p->pend_us + st->settle_us) && (!best || p->pend_us < best->pend_us))
			best = p;
	}
	return best;
}

/* Reports the pending pairs that have settled (all of them at the end), in
 * the order of their logins, and finds the next deadline. */
static void dc_flush(struct dc_state *st, struct detect_ctx *ctx, uint64_t now, bool all)
{
	struct dc_pair *p;
	while ((p = dc_next_settled(st, now, all)))
		dc_emit(st, ctx, p, now);
	st->next_due = 0;
	for (size_t i = 0; i < DC_PAIRS; i++) {
		uint64_t due = st->pairs[i].pend_us + st->settle_us;
		if (st->pairs[i].pending && (!st->next_due || due < st->next_due))
			st->next_due = due;
	}
}

/* ---- hooks ---- */

static struct dc_pair *pair_get(struct dc_state *st, struct detect_ctx *ctx, const struct detect_login *l)
{
	uint32_t h = kaddr_hash(&l->client_ip, l->port) * 31u + kaddr_hash(&l->server_ip, 0x9e3779b9u);
	struct dc_pair *victim = NULL;
	for (uint32_t i = 0; i < DC_PROBE; i++) {
		struct dc_pair *p = &st->pairs[(h + i) & (DC_PAIRS - 1)];
		if (p->used && p->port == l->port && kaddr_eq(&p->client, &l->client_ip) &&
		    kaddr_eq(&p->server, &l->server_ip)) {
			if (l->ts_us > p->last_us && l->ts_us - p->last_us > DC_FORGET_US && !p->pending)
				victim = p;
			else
				return p;
			break;
		}
		if (!victim || (victim->used && (!p->used || p->last_us < victim->last_us)))
			victim = p;
	}
	if (victim->pending) /* making room: what was pending has waited long enough */
		dc_emit(st, ctx, victim, l->ts_us);
	memset(victim, 0, sizeof *victim);
	victim->used = true;
	victim->client = l->client_ip;
	victim->server = l->server_ip;
	victim->port = l->port;
	return victim;
}

static uint64_t cred_digest(const struct dc_state *st, const struct detect_login *l)
{
	crypto_generichash_state hs;
	uint8_t out[crypto_generichash_BYTES_MIN];
	const uint8_t sep = 0;
	const char *user = l->user ? l->user : "";
	crypto_generichash_init(&hs, st->key, sizeof st->key, sizeof out);
	crypto_generichash_update(&hs, (const uint8_t *)user, strlen(user));
	crypto_generichash_update(&hs, &sep, 1);
	crypto_generichash_update(&hs, (const uint8_t *)l->password, l->password_len);
	crypto_generichash_final(&hs, out, sizeof out);
	uint64_t d;
	memcpy(&d, out, sizeof d);
	sodium_memzero(&hs, sizeof hs);
	sodium_memzero(out, sizeof out);
	return d;
}

static void note_credential(struct dc_pair *p, uint64_t d)
{
	for (size_t i = 0; i < p->n_cred; i++)
		if (p->cred[i] == d)
			return;
	if (p->n_cred < DC_CREDS)
		p->cred[p->n_cred++] = d;
	p->tried++;
}

static void dc_login(void *state, struct detect_ctx *ctx, const struct detect_login *l)
{
	struct dc_state *st = state;
	struct intel *in = detect_intel(ctx);
	if (st->next_due && l->ts_us >= st->next_due)
		dc_flush(st, ctx, l->ts_us, false);
	if (!in || !l->password || !l->client_ip.family || !detect_is_local(ctx, &l->server_ip))
		return;
	struct dc_pair *p = pair_get(st, ctx, l);
	uint64_t d = cred_digest(st, l);
	note_credential(p, d);
	if (l->ts_us > p->last_us)
		p->last_us = l->ts_us;
	if (p->pending && p->pend_digest != d)
		p->pending = NULL; /* the client moved on: the listed pair was most likely refused */
	const struct credential *c = intel_match_credential(in, l->user, l->password, l->password_len);
	if (!c || p->pending || seen_has(st, seen_key(ctx, &l->server_ip, l->port, c->entry)))
		return;
	p->pending = c;
	p->pend_digest = d;
	p->pend_us = l->ts_us;
	snprintf(p->proto, sizeof p->proto, "%s", l->proto ? l->proto : "unknown");
	uint64_t due = l->ts_us + st->settle_us;
	if (!st->next_due || due < st->next_due)
		st->next_due = due;
}

static void dc_packet(void *state, struct detect_ctx *ctx, const struct detect_packet *dp)
{
	struct dc_state *st = state;
	if (st->next_due && dp->pkt->ts_us >= st->next_due)
		dc_flush(st, ctx, dp->pkt->ts_us, false);
}

static void dc_finish(void *state, struct detect_ctx *ctx, uint64_t ts_us)
{
	dc_flush(state, ctx, ts_us, true);
}

const struct detector detector_default_credential = {
	.name = "default-credential",
	.create = dc_create,
	.destroy = dc_destroy,
	.on_packet = dc_packet,
	.on_login = dc_login,
	.on_finish = dc_finish,
};
