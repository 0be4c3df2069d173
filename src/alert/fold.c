/* fold.c - folds the events of one ongoing incident into few alerts.
 *
 * Incident key: event kind, device (MAC, else IP), peer (IP, else name),
 * peer port, and the values of the evidence keys "port", "proto",
 * "indicator", "cve" and "service" when present. An incident stays open
 * while events with its key keep coming at most `window` seconds of capture
 * time after its previous event (the window slides; a gap of exactly the
 * window still folds, one microsecond more starts a new incident).
 *
 * Alerts: the first event of an incident is sent at once ("alert": "event",
 * count 1). A later event is folded silently unless its severity is higher
 * than any sent so far for the incident; then it is sent at once too, with
 * the count so far. When the incident closes (an event of any key arrives
 * after the gap, the table is full, or the run ends) and it folded two or
 * more events, a "summary" alert is sent: the latest event's fields, the
 * highest severity seen, and count, first_ts and last_ts. With window 0
 * nothing is folded. The table holds at most max_open incidents; when full,
 * the one idle longest is closed first. */
#include <stdlib.h>
#include <string.h>

#include "alert/alert_int.h"

struct incident {
	uint64_t hash;
	char *key;
	uint64_t id;
	uint64_t count;
	uint64_t first_us, last_us;
	enum severity max_sev;     /* highest severity seen */
	enum severity alerted_sev; /* highest severity sent as an "event" alert */
	json_t *last;              /* JSON of the latest event */
};

struct fold {
	uint64_t window_us;
	size_t max_open;
	struct incident *v;
	size_t n;
	uint64_t next_id;
	fold_emit_fn emit;
	void *ctx;
	struct fold_stats stats;
};

static const char *const evidence_keys[] = {"port", "proto", "indicator", "cve", "service"};

struct fold *fold_new(uint32_t window_s, size_t max_open, fold_emit_fn emit, void *ctx)
{
	struct fold *f = calloc(1, sizeof *f);
	if (!f)
		return NULL;
	f->v = calloc(max_open ? max_open : 1, sizeof *f->v);
	if (!f->v) {
		free(f);
		return NULL;
	}
	f->window_us = (uint64_t)window_s * 1000000u;
	f->max_open = max_open ? max_open : 1;
	f->next_id = 1;
	f->emit = emit;
	f->ctx = ctx;
	return f;
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3u;
	return h;
}

/* Appends s and a separator (0x1f) to the key being built. */
static void key_add(char **buf, size_t *len, const char *s)
{
	size_t n = strlen(s);
	char *b = realloc(*buf, *len + n + 2);
	if (!b)
		return; /* the key stays shorter: at worst two incidents share one */
	memcpy(b + *len, s, n);
	b[*len + n] = '\x1f';
	b[*len + n + 1] = '\0';
	*len += n + 1;
	*buf = b;
}

/* The incident key of an event (caller frees), NULL on allocation failure. */
static char *incident_key(const struct event *ev)
{
	char *k = calloc(1, 1), a[KADDR_STRLEN], num[16];
	size_t len = 0;
	if (!k)
		return NULL;
	key_add(&k, &len, ev->kind);
	key_add(&k, &len, ev->has_mac ? mac_str(ev->mac, a, sizeof a)
				      : ev->device_ip.family ? kaddr_str(&ev->device_ip, a, sizeof a) : "");
	key_add(&k, &len, ev->peer_ip.family ? kaddr_str(&ev->peer_ip, a, sizeof a) : ev->peer_name);
	snprintf(num, sizeof num, "%u", ev->peer_port);
	key_add(&k, &len, num);
	for (size_t i = 0; i < sizeof evidence_keys / sizeof evidence_keys[0]; i++) {
		json_t *v = json_object_get(ev->evidence, evidence_keys[i]);
		char *dump = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS) : NULL;
		key_add(&k, &len, dump ? dump : "");
		free(dump);
	}
	return k;
}

static json_t *ts_json(uint64_t us)
{
	char buf[32];
	return json_string(ts_iso8601(us, buf, sizeof buf));
}

/* Emits an alert: a copy of event JSON e with the alert fields added. */
static void emit(struct fold *f, json_t *e, const char *type, const struct incident *in, enum severity sev)
{
	json_t *a = json_copy(e);
	if (!a)
		return;
	json_object_set_new(a, "severity", json_string(severity_str(sev)));
	json_object_set_new(a, "alert", json_string(type));
	json_object_set_new(a, "incident", json_integer((json_int_t)in->id));
	json_object_set_new(a, "count", json_integer((json_int_t)in->count));
	json_object_set_new(a, "first_ts", ts_json(in->first_us));
	json_object_set_new(a, "last_ts", ts_json(in->last_us));
	if (f->emit)
		f->emit(f->ctx, a);
	json_decref(a);
}

static void incident_free(struct incident *in)
{
	free(in->key);
	json_decref(in->last);
	memset(in, 0, sizeof *in);
}

/* Sends the summary of incident i if it folded several events, removes it. */
static void close_incident(struct fold *f, size_t i)
{
	struct incident *in = &f->v[i];
	if (in->count >= 2) {
		emit(f, in->last, "summary", in, in->max_sev);
		f->stats.summaries++;
	}
	incident_free(in);
	f->v[i] = f->v[--f->n];
	memset(&f->v[f->n], 0, sizeof f->v[f->n]);
}

/* Index of the incident closing first: oldest last event, then lowest id. */
static size_t oldest(const struct fold *f, bool expired_only, uint64_t now_us)
{
	size_t best = f->n;
	for (size_t i = 0; i < f->n; i++) {
		const struct incident *in = &f->v[i];
		if (expired_only && !(now_us > in->last_us && now_us - in->last_us > f->window_us))
			continue;
		if (best == f->n || in->last_us < f->v[best].last_us ||
		    (in->last_us == f->v[best].last_us && in->id < f->v[best].id))
			best = i;
	}
	return best;
}

void fold_advance(struct fold *f, uint64_t now_us)
{
	for (size_t i; (i = oldest(f, true, now_us)) < f->n;)
		close_incident(f, i);
}

static struct incident *find(struct fold *f, uint64_t hash, const char *key)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].hash == hash && strcmp(f->v[i].key, key) == 0)
			return &f->v[i];
	return NULL;
}

/* Opens an incident for ev (taking key and e) and sends its first alert. */
static void open_incident(struct fold *f, const struct event *ev, char *key, uint64_t hash, json_t *e)
{
	if (f->n == f->max_open)
		close_incident(f, oldest(f, false, 0));
	struct incident *in = &f->v[f->n++];
	*in = (struct incident){.hash = hash, .key = key, .id = f->next_id++, .count = 1,
				.first_us = ev->ts_us, .last_us = ev->ts_us, .max_sev = ev->severity,
				.alerted_sev = ev->severity, .last = e};
	emit(f, e, "event", in, ev->severity);
	f->stats.alerts++;
}

void fold_event(struct fold *f, const struct event *ev)
{
	fold_advance(f, ev->ts_us);
	json_t *e = event_to_json(ev);
	if (!e)
		return;
	if (f->window_us == 0) {
		struct incident one = {.id = f->next_id++, .count = 1, .first_us = ev->ts_us, .last_us = ev->ts_us};
		emit(f, e, "event", &one, ev->severity);
		f->stats.alerts++;
		json_decref(e);
		return;
	}
	char *key = incident_key(ev);
	uint64_t hash = key ? fnv1a(key) : 0;
	struct incident *in = key ? find(f, hash, key) : NULL;
	if (!in) {
		if (key)
			open_incident(f, ev, key, hash, e);
		else
			json_decref(e);
		return;
	}
	free(key);
	in->count++;
	if (ev->ts_us > in->last_us)
		in->last_us = ev->ts_us;
	json_decref(in->last);
	in->last = e;
	if (ev->severity > in->max_sev)
		in->max_sev = ev->severity;
	if (ev->severity > in->alerted_sev) {
		in->alerted_sev = ev->severity;
		emit(f, e, "event", in, ev->severity);
		f->stats.alerts++;
	} else {
		f->stats.folded++;
	}
}

void fold_flush(struct fold *f)
{
	while (f->n)
		close_incident(f, oldest(f, false, 0));
}

void fold_get_stats(const struct fold *f, struct fold_stats *out)
{
	*out = f->stats;
}

void fold_free(struct fold *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++)
		incident_free(&f->v[i]);
	free(f->v);
	free(f);
}
