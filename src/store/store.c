/* store.c - koban's persistent store in an output directory: every event and
 * device change goes first to events.log (one hash-chained record, one
 * write) and then into koban.db inside a transaction committed every
 * STORE_COMMIT_EVERY writes and on store_commit(); each commit also records
 * the log's head in koban.db so that a log cut at a record boundary is
 * noticed by `koban log verify` and by the next store_open(). */
#include "store/store.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "store/db.h"
#include "store/eventlog.h"
#include "util/addr.h"

enum { Q_EVENT, Q_DEV_GET, Q_DEV_PUT, Q_RUN_START, Q_RUN_END, Q_COUNT };

static const char *const queries[Q_COUNT] = {
	[Q_EVENT] = "INSERT INTO events(run_id, log_seq, ts, kind, severity, device_mac, device_ip, peer,"
		    " summary_en, summary_ja, json) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[Q_DEV_GET] = "SELECT json FROM devices WHERE key = ?1",
	[Q_DEV_PUT] = "INSERT INTO devices(key, mac, ips, hostnames, services, first_seen, last_seen, vendor,"
		      " manufacturer, model, firmware, log_seq, json)"
		      " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
		      " ON CONFLICT(key) DO UPDATE SET mac = excluded.mac, ips = excluded.ips,"
		      " hostnames = excluded.hostnames, services = excluded.services,"
		      " first_seen = min(first_seen, excluded.first_seen),"
		      " last_seen = max(last_seen, excluded.last_seen), vendor = excluded.vendor,"
		      " manufacturer = excluded.manufacturer, model = excluded.model,"
		      " firmware = excluded.firmware, log_seq = excluded.log_seq, json = excluded.json",
	[Q_RUN_START] = "INSERT INTO runs(id, started, start_json) VALUES(?1, ?2, ?3)",
	[Q_RUN_END] = "UPDATE runs SET ended = ?2, end_json = ?3, log_last = ?4 WHERE id = ?1",
};

struct store {
	sqlite3 *db;
	struct eventlog *log;
	sqlite3_stmt *q[Q_COUNT];
	bool in_tx;
	unsigned pending;
	uint64_t run;      /* sequence number of the current run's start record, 0 = none */
	bool keyed;
	char err[600];
};

static int fail(struct store *st, const char *fmt, const char *detail)
{
	snprintf(st->err, sizeof st->err, fmt, detail);
	return -1;
}

static int fail_db(struct store *st, const char *what)
{
	snprintf(st->err, sizeof st->err, "%s: %s: %s", DB_FILE, what, sqlite3_errmsg(st->db));
	return -1;
}

const char *store_error(const struct store *st)
{
	return st->err;
}

static int begin_tx(struct store *st)
{
	char msg[256];
	if (st->in_tx)
		return 0;
	if (db_exec(st->db, "BEGIN IMMEDIATE", msg, sizeof msg) != 0)
		return fail(st, DB_FILE ": cannot begin a transaction: %s", msg);
	st->in_tx = true;
	return 0;
}

/* Records the log head (and whether it is keyed) in meta, in the open transaction. */
static int save_head(struct store *st)
{
	struct eventlog_head h;
	eventlog_get_head(st->log, &h);
	if (db_set_log_head(st->db, &h) != 0 || db_meta_set(st->db, "log_keyed", st->keyed ? "1" : "0") != 0)
		return fail_db(st, "cannot record the log head");
	return 0;
}

int store_commit(struct store *st)
{
	char msg[256];
	if (!st->in_tx)
		return 0;
	/* the log reaches the disk before the database says it holds these records */
	if (eventlog_sync(st->log) != 0)
		return fail(st, "%s", eventlog_error(st->log));
	if (save_head(st) != 0)
		return -1;
	if (db_exec(st->db, "COMMIT", msg, sizeof msg) != 0)
		return fail(st, DB_FILE ": commit failed: %s", msg);
	st->in_tx = false;
	st->pending = 0;
	return 0;
}

/* Counts a write and commits every STORE_COMMIT_EVERY. */
static int written(struct store *st)
{
	if (++st->pending >= STORE_COMMIT_EVERY)
		return store_commit(st);
	return 0;
}

static sqlite3_stmt *query(struct store *st, int which)
{
	sqlite3_stmt *s = st->q[which];
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return s;
}

static int run_stmt(struct store *st, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : fail_db(st, what);
}

/* Appends a record built from a JSON value; returns its sequence number or 0. */
static uint64_t log_json(struct store *st, const char *type, const json_t *j, char **text)
{
	*text = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	if (!*text) {
		fail(st, "cannot serialise a %s record", type);
		return 0;
	}
	uint64_t seq = eventlog_append(st->log, type, *text, strlen(*text));
	if (!seq)
		fail(st, "%s", eventlog_error(st->log));
	return seq;
}

/* ------------------------------------------------------------------ events */

static void bind_opt(sqlite3_stmt *s, int i, const char *v)
{
	if (v && *v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

/* "name (1.2.3.4:23)", "[2001:db8::1]:443", "name" or "". */
static void peer_text(const struct event *ev, char *buf, size_t sz)
{
	char ip[KADDR_STRLEN + 2], port[8] = "";
	buf[0] = '\0';
	if (ev->peer_ip.family) {
		kaddr_str(&ev->peer_ip, ip, sizeof ip);
		if (ev->peer_port)
			snprintf(port, sizeof port, ":%u", ev->peer_port);
	}
	const char *lb = ev->peer_ip.family == KADDR_V6 && *port ? "[" : "";
	const char *rb = *lb ? "]" : "";
	if (ev->peer_name[0] && ev->peer_ip.family)
		snprintf(buf, sz, "%s (%s%s%s%s)", ev->peer_name, lb, ip, rb, port);
	else if (ev->peer_ip.family)
		snprintf(buf, sz, "%s%s%s%s", lb, ip, rb, port);
	else
		snprintf(buf, sz, "%s", ev->peer_name);
}

static int insert_event(struct store *st, const struct event *ev, uint64_t seq, const char *json)
{
	char mac[MAC_STRLEN] = "", ip[KADDR_STRLEN] = "", peer[sizeof ev->peer_name + KADDR_STRLEN + 16];
	sqlite3_stmt *s = query(st, Q_EVENT);
	if (ev->has_mac)
		mac_str(ev->mac, mac, sizeof mac);
	if (ev->device_ip.family)
		kaddr_str(&ev->device_ip, ip, sizeof ip);
	peer_text(ev, peer, sizeof peer);
	if (st->run)
		sqlite3_bind_int64(s, 1, (sqlite3_int64)st->run);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)seq);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)ev->ts_us);
	sqlite3_bind_text(s, 4, ev->kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 5, severity_str(ev->severity), -1, SQLITE_TRANSIENT);
	bind_opt(s, 6, mac);
	bind_opt(s, 7, ip);
	bind_opt(s, 8, peer);
	bind_opt(s, 9, ev->summary_en);
	bind_opt(s, 10, ev->summary_ja);
	sqlite3_bind_text(s, 11, json, -1, SQLITE_TRANSIENT);
	return run_stmt(st, s, "cannot insert an event");
}

int store_add_event_json(struct store *st, const struct event *ev, const char *json)
{
	if (begin_tx(st) != 0)
		return -1;
	uint64_t seq = eventlog_append(st->log, "event", json, strlen(json));
	if (!seq)
		return fail(st, "%s", eventlog_error(st->log));
	return insert_event(st, ev, seq, json) == 0 ? written(st) : -1;
}

int store_add_event(struct store *st, const struct event *ev)
{
	json_t *j = event_to_json(ev);
	char *text = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(j);
	if (!text)
		return fail(st, "%s", "cannot serialise an event");
	int rc = store_add_event_json(st, ev, text);
	free(text);
	return rc;
}

/* ----------------------------------------------------------------- devices */

/* Joins strings with ", " into a new string ("" if none); NULL on OOM. */
static char *join(char *const *v, size_t n)
{
	size_t len = 1;
	for (size_t i = 0; i < n; i++)
		len += (v[i] ? strlen(v[i]) : 0) + 2;
	char *out = malloc(len), *p = out;
	if (!out)
		return NULL;
	*p = '\0';
	for (size_t i = 0; i < n; i++) {
		if (!v[i])
			continue;
		p += sprintf(p, "%s%s", p == out ? "" : ", ", v[i]);
	}
	return out;
}

/* The display columns: ips, hostnames, services. */
struct dev_text {
	char *ips, *names, *services;
};

static bool dev_text(const struct device *d, struct dev_text *t)
{
	char ipbuf[DEVICE_MAX_IPS][KADDR_STRLEN], *ipv[DEVICE_MAX_IPS];
	char (*svbuf)[300] = calloc(DEVICE_MAX_SERVICES, sizeof *svbuf);
	char *svv[DEVICE_MAX_SERVICES];
	size_t nips = d->n_ips < DEVICE_MAX_IPS ? d->n_ips : DEVICE_MAX_IPS;
	size_t nsv = d->n_services < DEVICE_MAX_SERVICES ? d->n_services : DEVICE_MAX_SERVICES;
	for (size_t i = 0; i < nips; i++)
		ipv[i] = (char *)kaddr_str(&d->ips[i], ipbuf[i], sizeof ipbuf[i]);
	for (size_t i = 0; svbuf && i < nsv; i++) {
		const struct service *s = &d->services[i];
		snprintf(svbuf[i], sizeof svbuf[i], "%u/%s%s%s", s->port, s->l4_proto == 17 ? "udp" : "tcp",
			 s->name ? " " : "", s->name ? s->name : "");
		svv[i] = svbuf[i];
	}
	t->ips = join(ipv, nips);
	t->names = join(d->hostnames.v, d->hostnames.n < DEVICE_MAX_NAMES ? d->hostnames.n : DEVICE_MAX_NAMES);
	t->services = svbuf ? join(svv, nsv) : NULL;
	free(svbuf);
	return t->ips && t->names && t->services;
}

/* The device's key: its MAC, else its first IP, else its id. */
static void dev_key(const struct device *d, char *buf, size_t sz)
{
	if (d->has_mac)
		mac_str(d->mac, buf, sz);
	else if (d->n_ips > 0)
		kaddr_str(&d->ips[0], buf, sz);
	else
		snprintf(buf, sz, "id:%" PRIu32, d->id);
}

/* 1 if the stored JSON for key equals json, 0 if not, -1 on error. */
static int dev_unchanged(struct store *st, const char *key, const char *json)
{
	sqlite3_stmt *s = query(st, Q_DEV_GET);
	sqlite3_bind_text(s, 1, key, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(s);
	int same = rc == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(s, 0), json) == 0;
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? same : fail_db(st, "cannot read a device");
}

static int upsert_device(struct store *st, const struct device *d, const char *key, uint64_t seq,
			 const char *json)
{
	char mac[MAC_STRLEN] = "";
	struct dev_text t = { 0 };
	sqlite3_stmt *s = query(st, Q_DEV_PUT);
	int rc = -1;
	if (!dev_text(d, &t)) {
		fail(st, "%s", "out of memory");
		goto out;
	}
	if (d->has_mac)
		mac_str(d->mac, mac, sizeof mac);
	sqlite3_bind_text(s, 1, key, -1, SQLITE_TRANSIENT);
	bind_opt(s, 2, mac);
	bind_opt(s, 3, t.ips);
	bind_opt(s, 4, t.names);
	bind_opt(s, 5, t.services);
	sqlite3_bind_int64(s, 6, (sqlite3_int64)d->first_seen_us);
	sqlite3_bind_int64(s, 7, (sqlite3_int64)d->last_seen_us);
	bind_opt(s, 8, d->vendor);
	bind_opt(s, 9, d->manufacturer);
	bind_opt(s, 10, d->model);
	bind_opt(s, 11, d->firmware);
	sqlite3_bind_int64(s, 12, (sqlite3_int64)seq);
	sqlite3_bind_text(s, 13, json, -1, SQLITE_TRANSIENT);
	rc = run_stmt(st, s, "cannot store a device");
out:
	free(t.ips);
	free(t.names);
	free(t.services);
	return rc;
}

int store_put_device(struct store *st, const struct device *dev)
{
	json_t *j = device_to_json(dev);
	char *text = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(j);
	if (!text)
		return fail(st, "%s", "cannot serialise a device");
	int rc = store_put_device_json(st, dev, text);
	free(text);
	return rc;
}

int store_put_device_json(struct store *st, const struct device *dev, const char *text)
{
	char key[KADDR_STRLEN + 16];
	int rc = -1;
	if (begin_tx(st) != 0)
		return -1;
	dev_key(dev, key, sizeof key);
	int same = dev_unchanged(st, key, text);
	if (same == 1) {
		rc = 0; /* no state change: nothing to log */
	} else if (same == 0) {
		uint64_t seq = eventlog_append(st->log, "device", text, strlen(text));
		rc = seq ? upsert_device(st, dev, key, seq, text) : fail(st, "%s", eventlog_error(st->log));
		if (rc == 0)
			rc = written(st);
	}
	return rc;
}

/* -------------------------------------------------------------------- runs */

static void wall_clock(char *buf, size_t sz)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts_iso8601((uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u, buf, sz);
}

/* {"phase":PHASE[,"run":RUN], ...info} */
static json_t *run_payload(const char *phase, uint64_t run, const json_t *info)
{
	json_t *j = json_object();
	if (!j)
		return NULL;
	json_object_set_new(j, "phase", json_string(phase));
	if (run)
		json_object_set_new(j, "run", json_integer((json_int_t)run));
	if (json_is_object(info)) {
		const char *k;
		json_t *v;
		json_object_foreach((json_t *)info, k, v)
			if (strcmp(k, "phase") != 0 && strcmp(k, "run") != 0)
				json_object_set(j, k, v);
	}
	return j;
}

/* Logs a "run" record and returns its sequence number (0 on error). */
static uint64_t log_run(struct store *st, const char *phase, uint64_t run, const json_t *info, char **text)
{
	json_t *j = run_payload(phase, run, info);
	uint64_t seq = log_json(st, "run", j, text);
	json_decref(j);
	return seq;
}

int store_run_begin(struct store *st, const json_t *info)
{
	char now[32], *text = NULL;
	if (begin_tx(st) != 0)
		return -1;
	uint64_t seq = log_run(st, "start", 0, info, &text);
	int rc = -1;
	if (seq) {
		sqlite3_stmt *s = query(st, Q_RUN_START);
		wall_clock(now, sizeof now);
		sqlite3_bind_int64(s, 1, (sqlite3_int64)seq);
		sqlite3_bind_text(s, 2, now, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(s, 3, text, -1, SQLITE_TRANSIENT);
		rc = run_stmt(st, s, "cannot record the run");
	}
	free(text);
	if (rc == 0) {
		st->run = seq;
		rc = store_commit(st);
	}
	return rc;
}

int store_run_end(struct store *st, const json_t *info)
{
	char now[32], *text = NULL;
	if (!st->run)
		return fail(st, "%s", "store_run_end without store_run_begin");
	if (begin_tx(st) != 0)
		return -1;
	uint64_t seq = log_run(st, "end", st->run, info, &text);
	int rc = -1;
	if (seq) {
		sqlite3_stmt *s = query(st, Q_RUN_END);
		wall_clock(now, sizeof now);
		sqlite3_bind_int64(s, 1, (sqlite3_int64)st->run);
		sqlite3_bind_text(s, 2, now, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(s, 3, text, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(s, 4, (sqlite3_int64)seq);
		rc = run_stmt(st, s, "cannot record the end of the run");
	}
	free(text);
	if (rc == 0) {
		st->run = 0;
		rc = store_commit(st);
	}
	return rc;
}

/* ------------------------------------------------------------- open/close */

/* A crash left a partial last line: it was moved to events.log.torn; say so in the chain. */
static int log_recovery(struct store *st)
{
	char *text = NULL;
	uint64_t torn = eventlog_torn_bytes(st->log);
	if (!torn)
		return 0;
	json_t *info = json_pack("{s:I, s:s}", "torn_bytes", (json_int_t)torn, "torn_file", LOG_FILE ".torn");
	int rc = begin_tx(st) == 0 && log_run(st, "recovered", 0, info, &text) ? 0 : -1;
	json_decref(info);
	free(text);
	return rc;
}

static int prepare_all(struct store *st)
{
	for (int i = 0; i < Q_COUNT; i++)
		if (sqlite3_prepare_v3(st->db, queries[i], -1, SQLITE_PREPARE_PERSISTENT, &st->q[i], NULL) !=
		    SQLITE_OK)
			return fail_db(st, "cannot prepare a statement");
	return 0;
}

/* Opens the log, refusing one that ends before the head recorded in the database. */
static int open_log(struct store *st, const char *dir, const char *key)
{
	char path[4200];
	struct eventlog_head head;
	int have = db_get_log_head(st->db, &head);
	if (have < 0)
		return fail_db(st, "cannot read the log head");
	snprintf(path, sizeof path, "%s/%s", dir, LOG_FILE);
	st->log = eventlog_open(path, key, have ? &head : NULL, st->err, sizeof st->err);
	return st->log ? 0 : -1;
}

struct store *store_open(const char *dir, const char *key, char *err, size_t errsz)
{
	char path[4200];
	struct stat sb;
	int src = stat(dir, &sb);
	if (src != 0 || !S_ISDIR(sb.st_mode)) {
		snprintf(err, errsz, "%s: %s", dir, src != 0 ? strerror(errno) : "not a directory");
		return NULL;
	}
	struct store *st = calloc(1, sizeof *st);
	if (!st) {
		snprintf(err, errsz, "%s: out of memory", dir);
		return NULL;
	}
	st->keyed = key && *key;
	snprintf(path, sizeof path, "%s/%s", dir, DB_FILE);
	st->db = db_open(path, false, st->err, sizeof st->err);
	if (!st->db || prepare_all(st) != 0 || open_log(st, dir, key) != 0 || log_recovery(st) != 0 ||
	    begin_tx(st) != 0 || store_commit(st) != 0) {
		snprintf(err, errsz, "%s", st->err);
		store_close(st);
		return NULL;
	}
	return st;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	if (st->log && st->db)
		store_commit(st);
	for (int i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(st->q[i]);
	eventlog_close(st->log);
	sqlite3_close(st->db);
	free(st);
}
