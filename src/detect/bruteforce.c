/* bruteforce.c - the `bruteforce` detector: repeated login attempts from
 * one client against one server port (TELNET, SSH, FTP, HTTP Basic, MQTT).
 *
 * Two sources, counted per (client, server, port) in windows of
 * bruteforce.window seconds that start at the first attempt:
 *   - cleartext logins the dissectors saw (on_login). What counts is the
 *     number of *different* credentials tried: a browser re-sending the same
 *     Basic header with every request, or a client reconnecting with the
 *     same password, is not guessing. Credentials are told apart by a keyed
 *     64-bit BLAKE2b digest of user and password (random key per run, kept
 *     in memory only); the password itself is never kept or written.
 *   - short TCP connections (on_flow_end): handshake completed, over within
 *     bruteforce.short_conn seconds, to a port of bruteforce.conn_ports. SSH
 *     hides its logins, so a burst of short connections is the sign there;
 *     for a pair whose logins the dissectors do see, only logins count.
 * An incident is reported once when either count reaches its threshold,
 * then again at most once per bruteforce.repeat seconds while it goes on,
 * with updated counts. It ends after a window with no attempt.
 * Outbound (a local client attacks a remote server): high, key points 9, 21.
 * Inbound (a local server is attacked): medium, key points 4, 15.
 * Memory: a fixed table of BF_SLOTS pairs; the oldest of a probe run is
 * evicted when a new pair needs room. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "detect/detectors.h"
#include "device/label.h"
#include "intel/intel.h"
#include "util/text.h"

#define BF_SLOTS 1024 /* power of two */
#define BF_PROBE 8
#define BF_CREDS 32   /* distinct credentials told apart exactly (beyond: approximated) */
#define BF_USERS 32
#define BF_SAMPLES 5
#define BF_USER_MAX 48

struct bf_entry {
	bool used;
	struct kaddr client, server;
	uint16_t port;
	char proto[16];
	uint64_t first_us, last_us; /* the window (or incident) so far */
	uint32_t attempts;       /* login attempts seen */
	uint32_t credentials;    /* distinct credentials among them */
	uint32_t users;          /* distinct user names */
	uint32_t list_pairs;     /* attempts with a pair from the default-credential list */
	uint32_t conns;          /* short connections */
	uint64_t cred[BF_CREDS];
	uint32_t user[BF_USERS];
	uint8_t n_cred, n_user, n_samples;
	char samples[BF_SAMPLES][BF_USER_MAX + 1];
	uint32_t reports;
	uint64_t last_report_us;
};

struct bf_state {
	uint64_t window_us, repeat_us, short_us;
	uint32_t min_attempts, min_conns;
	uint8_t conn_ports[65536 / 8];
	uint8_t key[crypto_generichash_KEYBYTES];
	struct bf_entry slots[BF_SLOTS];
};

/* ---- parameters ---- */

/* "22,23,2323": TCP ports into a bitmap; "none" or "" for no port. */
static bool parse_ports(const char *s, uint8_t *bits)
{
	memset(bits, 0, 65536 / 8);
	if (!strcmp(s, "none"))
		return true;
	while (*s) {
		while (*s == ' ' || *s == ',')
			s++;
		if (!*s)
			break;
		char *end;
		unsigned long n = strtoul(s, &end, 10);
		if (end == s || n == 0 || n > 65535 || (*end && *end != ',' && *end != ' '))
			return false;
		bits[n / 8] |= (uint8_t)(1u << (n % 8));
		s = end;
	}
	return true;
}

static bool port_in(const uint8_t *bits, uint16_t port)
{
	return bits[port / 8] & (1u << (port % 8));
}

static void *bf_create(struct detect_ctx *ctx, char *err, size_t errsz)
{
	struct bf_state *st = calloc(1, sizeof *st);
	if (!st || sodium_init() < 0) {
		free(st);
		snprintf(err, errsz, "bruteforce: out of memory");
		return NULL;
	}
	bool ok = true;
	st->window_us = detect_param_u32(ctx, "window", 300, &ok) * 1000000ULL;
	st->repeat_us = detect_param_u32(ctx, "repeat", 3600, &ok) * 1000000ULL;
	st->short_us = detect_param_u32(ctx, "short_conn", 30, &ok) * 1000000ULL;
	st->min_attempts = detect_param_u32(ctx, "min_attempts", 10, &ok);
	st->min_conns = detect_param_u32(ctx, "min_connections", 20, &ok);
	const char *ports = detect_param_str(ctx, "conn_ports", "22,23,2323,21,80,8080,1883");
	if (!ok || !parse_ports(ports, st->conn_ports) || st->window_us == 0 || st->min_attempts < 2 ||
	    st->min_conns < 2) {
		snprintf(err, errsz,
			 "bruteforce: bad parameter (window >= 1 s, min_attempts and min_connections >= 2, "
			 "conn_ports a comma list of ports or none)");
		free(st);
		return NULL;
	}
	randombytes_buf(st->key, sizeof st->key);
	return st;
}

static void bf_destroy(void *state)
{
	struct bf_state *st = state;
	if (st)
		sodium_memzero(st->key, sizeof st->key);
	free(st);
}

/* ---- the pair table ---- */

static uint32_t pair_hash(const struct kaddr *c, const struct kaddr *s, uint16_t port)
{
	return kaddr_hash(c, port) * 31u + kaddr_hash(s, 0x9e3779b9u);
}

static void entry_reset(struct bf_entry *e, uint64_t t)
{
	struct kaddr c = e->client, s = e->server;
	uint16_t port = e->port;
	char proto[sizeof e->proto];
	memcpy(proto, e->proto, sizeof proto);
	memset(e, 0, sizeof *e);
	e->used = true;
	e->client = c;
	e->server = s;
	e->port = port;
	memcpy(e->proto, proto, sizeof proto);
	e->first_us = e->last_us = t;
}

/* Before an incident: windows start at the first attempt. During one: it
 * ends after a window without attempts. */
static bool entry_expired(const struct bf_state *st, const struct bf_entry *e, uint64_t t)
{
	if (e->reports)
		return t > e->last_us && t - e->last_us > st->window_us;
	return t > e->first_us && t - e->first_us > st->window_us;
}

static struct bf_entry *entry_get(struct bf_state *st, const struct kaddr *c, const struct kaddr *s,
				  uint16_t port, const char *proto, uint64_t t)
{
	uint32_t h = pair_hash(c, s, port);
	struct bf_entry *victim = NULL;
	for (uint32_t i = 0; i < BF_PROBE; i++) {
		struct bf_entry *e = &st->slots[(h + i) & (BF_SLOTS - 1)];
		if (!e->used) {
			if (!victim || victim->used)
				victim = e;
			continue;
		}
		if (e->port == port && kaddr_eq(&e->client, c) && kaddr_eq(&e->server, s)) {
			if (entry_expired(st, e, t))
				entry_reset(e, t);
			return e;
		}
		if (!victim || (victim->used && e->last_us < victim->last_us))
			victim = e; /* the least recently active pair makes room */
	}
	memset(victim, 0, sizeof *victim);
	victim->client = *c;
	victim->server = *s;
	victim->port = port;
	snprintf(victim->proto, sizeof victim->proto, "%s", proto);
	entry_reset(victim, t);
	return victim;
}

/* Adds v to a small set; true if it was new. A full set counts every
 * value it does not hold as new (so counts only grow past the set size). */
static bool set_add64(uint64_t *set, uint8_t *n, size_t cap, uint64_t v)
{
	for (size_t i = 0; i < *n; i++)
		if (set[i] == v)
			return false;
	if (*n < cap)
		set[(*n)++] = v;
	return true;
}

static bool set_add32(uint32_t *set, uint8_t *n, size_t cap, uint32_t v)
{
	for (size_t i = 0; i < *n; i++)
		if (set[i] == v)
			return false;
	if (*n < cap)
		set[(*n)++] = v;
	return true;
}

/* Keyed digest of user and password: tells credentials apart without
 * keeping the password (not even a copy: the digest reads it in place). */
static uint64_t cred_digest(const struct bf_state *st, const struct detect_login *l)
{
	crypto_generichash_state hs;
	uint8_t out[crypto_generichash_BYTES_MIN];
	uint8_t sep[2] = {0, l->password ? 1 : 0};
	const char *user = l->user ? l->user : "";
	crypto_generichash_init(&hs, st->key, sizeof st->key, sizeof out);
	crypto_generichash_update(&hs, (const uint8_t *)user, strlen(user));
	crypto_generichash_update(&hs, sep, sizeof sep);
	if (l->password)
		crypto_generichash_update(&hs, (const uint8_t *)l->password, l->password_len);
	crypto_generichash_final(&hs, out, sizeof out);
	uint64_t d;
	memcpy(&d, out, sizeof d);
	sodium_memzero(&hs, sizeof hs);
	sodium_memzero(out, sizeof out);
	return d;
}

static uint32_t str_hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

/* ---- events ---- */

#define LABEL_MAX 128

static const char *host_label(struct detect_ctx *ctx, const struct kaddr *ip, char *buf)
{
	return device_label(detect_device_by_ip(ctx, ip), ip, buf, LABEL_MAX);
}

static json_t *time_json(uint64_t ts_us)
{
	char buf[32];
	return json_string(ts_iso8601(ts_us, buf, sizeof buf));
}

static json_t *addr_json(const struct kaddr *a)
{
	char buf[KADDR_STRLEN];
	return json_string(kaddr_str(a, buf, sizeof buf));
}

static void bf_evidence(const struct bf_entry *e, json_t *ev, bool inbound, bool attacker_local,
			bool by_conns)
{
	json_object_set_new(ev, "direction", json_string(inbound ? "inbound" : "outbound"));
	json_object_set_new(ev, "protocol", json_string(e->proto));
	json_object_set_new(ev, "port", json_integer(e->port));
	json_object_set_new(ev, "attacker", addr_json(&e->client));
	json_object_set_new(ev, "target", addr_json(&e->server));
	json_object_set_new(ev, "attacker_local", json_boolean(attacker_local));
	json_object_set_new(ev, "trigger", json_string(by_conns ? "connections" : "logins"));
	json_object_set_new(ev, "attempts", json_integer(e->attempts));
	json_object_set_new(ev, "distinct_credentials", json_integer(e->credentials));
	json_object_set_new(ev, "default_list_pairs", json_integer(e->list_pairs));
	json_object_set_new(ev, "short_connections", json_integer(e->conns));
	json_t *samples = json_array();
	for (unsigned i = 0; i < e->n_samples; i++)
		json_array_append_new(samples, json_string(e->samples[i]));
	json_object_set_new(ev, "users", json_pack("{s:I, s:o}", "count", (json_int_t)e->users, "samples", samples));
	json_object_set_new(ev, "window_start", time_json(e->first_us));
	json_object_set_new(ev, "window_end", time_json(e->last_us));
	json_object_set_new(ev, "report", json_integer(e->reports));
}

static void bf_summaries(struct detect_ctx *ctx, const struct bf_entry *e, struct event *ev, bool by_conns)
{
	char atk[LABEL_MAX], tgt[LABEL_MAX];
	host_label(ctx, &e->client, atk);
	host_label(ctx, &e->server, tgt);
	unsigned secs = (unsigned)((e->last_us - e->first_us) / 1000000u);
	if (by_conns) {
		snprintf(ev->summary_en, sizeof ev->summary_en,
			 "Repeated short connections from %s to %s port %u (%s): %u connections in %u s, "
			 "the pattern of password guessing over an encrypted login",
			 atk, tgt, e->port, e->proto, e->conns, secs);
		snprintf(ev->summary_ja, sizeof ev->summary_ja,
			 "%s から %s のポート %u（%s）へ短い接続が繰り返されました: %u 秒間に %u 回。"
			 "暗号化されたログインに対するパスワードの総当たりの特徴です",
			 atk, tgt, e->port, e->proto, secs, e->conns);
	} else {
		snprintf(ev->summary_en, sizeof ev->summary_en,
			 "Password guessing from %s against %s port %u (%s): %u logins with %u different "
			 "credentials and %u user names in %u s",
			 atk, tgt, e->port, e->proto, e->attempts, e->credentials, e->users, secs);
		snprintf(ev->summary_ja, sizeof ev->summary_ja,
			 "%s から %s のポート %u（%s）へパスワードの総当たりが行われました: %u 秒間に %u 回のログイン、"
			 "異なる認証情報 %u 通り、ユーザー名 %u 種類",
			 atk, tgt, e->port, e->proto, secs, e->attempts, e->credentials, e->users);
	}
}

static void bf_report(struct bf_state *st, struct detect_ctx *ctx, struct bf_entry *e, uint64_t t)
{
	bool inbound = detect_is_local(ctx, &e->server);
	bool attacker_local = detect_is_local(ctx, &e->client);
	bool by_conns = e->credentials < st->min_attempts;
	const struct kaddr *dev_ip = inbound ? &e->server : &e->client;
	const struct kaddr *peer = inbound ? &e->client : &e->server;
	e->reports++;
	e->last_report_us = t;
	struct event ev;
	detect_event_init(&ev, "bruteforce", inbound ? SEV_MEDIUM : SEV_HIGH, detect_device_by_ip(ctx, dev_ip),
			  dev_ip, t);
	static const uint8_t kp_in[] = {4, 15}, kp_out[] = {9, 21};
	detect_event_key_points(&ev, inbound ? kp_in : kp_out, 2);
	ev.peer_ip = *peer;
	ev.peer_port = inbound ? 0 : e->port;
	bf_summaries(ctx, e, &ev, by_conns);
	bf_evidence(e, ev.evidence, inbound, attacker_local, by_conns);
	detect_emit(ctx, &ev);
}

static void bf_check(struct bf_state *st, struct detect_ctx *ctx, struct bf_entry *e, uint64_t t)
{
	if (!e->reports) {
		/* where logins are visible they are the evidence, not connections */
		if (e->credentials >= st->min_attempts || (!e->attempts && e->conns >= st->min_conns))
			bf_report(st, ctx, e, t);
	} else if (st->repeat_us && t >= e->last_report_us && t - e->last_report_us >= st->repeat_us) {
		bf_report(st, ctx, e, t);
	}
}

/* ---- hooks ---- */

/* Either end must be a local device (else the traffic is someone else's). */
static bool concerns_us(struct detect_ctx *ctx, const struct kaddr *client, const struct kaddr *server)
{
	return client->family && server->family && (detect_is_local(ctx, server) || detect_is_local(ctx, client));
}

static void note_user(struct bf_entry *e, const char *user)
{
	if (!set_add32(e->user, &e->n_user, BF_USERS, str_hash(user)))
		return;
	e->users++;
	if (*user && e->n_samples < BF_SAMPLES)
		text_clean_into(e->samples[e->n_samples++], BF_USER_MAX + 1, user, strlen(user));
}

static void bf_login(void *state, struct detect_ctx *ctx, const struct detect_login *l)
{
	struct bf_state *st = state;
	if (!concerns_us(ctx, &l->client_ip, &l->server_ip))
		return;
	uint64_t t = l->ts_us;
	struct bf_entry *e = entry_get(st, &l->client_ip, &l->server_ip, l->port, l->proto, t);
	if (strcmp(e->proto, l->proto) != 0) /* "http" seen by connection, now "http-basic" */
		snprintf(e->proto, sizeof e->proto, "%s", l->proto);
	e->attempts++;
	if (set_add64(e->cred, &e->n_cred, BF_CREDS, cred_digest(st, l)))
		e->credentials++;
	note_user(e, l->user ? l->user : "");
	struct intel *in = detect_intel(ctx);
	if (in && l->password && intel_match_credential(in, l->user, l->password, l->password_len))
		e->list_pairs++;
	if (t > e->last_us)
		e->last_us = t;
	bf_check(st, ctx, e, t);
}

static const char *port_proto(uint16_t port)
{
	switch (port) {
	case 22: return "ssh";
	case 21: return "ftp";
	case 23:
	case 2323: return "telnet";
	case 1883: return "mqtt";
	case 80:
	case 8080: return "http";
	default: return "tcp";
	}
}

static void bf_flow_end(void *state, struct detect_ctx *ctx, const struct flow *f)
{
	struct bf_state *st = state;
	if (f->l4_proto != IPPROTO_TCP || !port_in(st->conn_ports, f->port[FLOW_SERVER]) ||
	    !(f->tcp_state & FLOW_TCP_ESTABLISHED) || f->last_us < f->first_us ||
	    f->last_us - f->first_us > st->short_us)
		return;
	struct kaddr c = {.family = f->family}, s = {.family = f->family};
	memcpy(c.b, f->addr[FLOW_CLIENT], 16);
	memcpy(s.b, f->addr[FLOW_SERVER], 16);
	if (!concerns_us(ctx, &c, &s))
		return;
	uint16_t port = f->port[FLOW_SERVER];
	struct bf_entry *e = entry_get(st, &c, &s, port, port_proto(port), f->last_us);
	e->conns++;
	if (f->last_us > e->last_us)
		e->last_us = f->last_us;
	bf_check(st, ctx, e, f->last_us);
}

const struct detector detector_bruteforce = {
	.name = "bruteforce",
	.create = bf_create,
	.destroy = bf_destroy,
	.on_flow_end = bf_flow_end,
	.on_login = bf_login,
};
