/* child.c - the engine child of `koban watch`: loads what it needs while it
 * may (threat data, OUI registry, alert outputs), confines itself
 * (sandbox.c), opens the store in its state directory, and then feeds every
 * frame the parent sends to the same engine `koban analyze` uses. Events
 * go to koban.db, events.log, events.jsonl and the alert outputs, and to
 * the parent (which decides on actions); device identities and counters go
 * to the parent too. Action records from the parent are written to the
 * tamper-evident log as `action` events. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon/child.h"
#include "device/inventory.h"
#include "device/oui.h"
#include "intel/intel.h"
#include "util/text.h"

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void child_event(struct child *c, const struct event *ev)
{
	json_t *o = event_to_json(ev);
	char *text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	if (!text || store_add_event_json(c->store, ev, text) != 0)
		c->write_errors++;
	if (text && c->jsonl && (fputs(text, c->jsonl) == EOF || fputc('\n', c->jsonl) == EOF))
		c->write_errors++;
	if (c->jsonl)
		fflush(c->jsonl);
	free(text);
	json_decref(o);
	alerter_event(c->alerts, ev);
	struct ipc_event m;
	memset(&m, 0, sizeof m);
	ipc_strcpy(m.kind, sizeof m.kind, ev->kind);
	m.severity = (uint8_t)ev->severity;
	m.has_mac = ev->has_mac;
	memcpy(m.mac, ev->mac, 6);
	m.device_ip = ev->device_ip;
	m.peer_ip = ev->peer_ip;
	m.peer_port = ev->peer_port;
	m.ts_us = ev->ts_us;
	ipc_strcpy(m.summary, sizeof m.summary, ev->summary_en);
	text_fix_utf8_tail(m.summary);
	ipc_send(c->fd, IPC_EVENT, &m, sizeof m);
}

static void on_engine_event(void *ctx, const struct event *ev)
{
	child_event(ctx, ev);
}

/* An action record from the parent becomes an `action` event. */
static void on_record(struct child *c, const char *json, size_t len)
{
	json_t *r = json_loadb(json, len, 0, NULL);
	if (!json_is_object(r)) {
		json_decref(r);
		return;
	}
	struct event ev;
	memset(&ev, 0, sizeof ev);
	snprintf(ev.kind, sizeof ev.kind, "action");
	ev.severity = SEV_INFO;
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now); /* an operator's or the daemon's act: wall-clock time */
	ev.ts_us = (uint64_t)now.tv_sec * 1000000u + (uint64_t)now.tv_nsec / 1000u;
	const char *mac = json_string_value(json_object_get(r, "mac"));
	ev.has_mac = mac && mac_parse(ev.mac, mac);
	json_t *ips = json_object_get(r, "ips");
	const char *ip = json_string_value(json_array_get(ips, 0));
	if (ip)
		kaddr_parse(&ev.device_ip, ip);
	ev.key_points[ev.n_key_points++] = 9;
	const char *text = json_string_value(json_object_get(r, "text"));
	const char *ja = json_string_value(json_object_get(r, "text_ja"));
	ipc_strcpy(ev.summary_en, sizeof ev.summary_en, text ? text : "koban action");
	ipc_strcpy(ev.summary_ja, sizeof ev.summary_ja, ja ? ja : ev.summary_en);
	ev.evidence = r;
	child_event(c, &ev);
	json_decref(r);
}

static uint64_t str_sig(uint64_t h, const char *s)
{
	for (; s && *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001B3ull;
	return (h ^ 0xff) * 0x100000001B3ull;
}

static void send_device(struct child *c, const struct device *d)
{
	struct ipc_device m;
	memset(&m, 0, sizeof m);
	memcpy(m.mac, d->mac, 6);
	m.has_mac = d->has_mac;
	m.n_ips = d->n_ips > IPC_DEV_IPS ? IPC_DEV_IPS : d->n_ips;
	memcpy(m.ips, d->ips, m.n_ips * sizeof m.ips[0]);
	ipc_strcpy(m.vendor, sizeof m.vendor, d->vendor);
	ipc_strcpy(m.model, sizeof m.model, d->model);
	ipc_strcpy(m.firmware, sizeof m.firmware, d->firmware);
	ipc_strcpy(m.hostname, sizeof m.hostname, d->hostnames.n ? d->hostnames.v[0] : NULL);
	ipc_strcpy(m.mud_url, sizeof m.mud_url, d->mud_url);
	m.first_seen_us = d->first_seen_us;
	m.last_seen_us = d->last_seen_us;
	ipc_send(c->fd, IPC_DEVICE, &m, sizeof m);
	json_t *o = device_to_json(d);
	char *text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	if (!text || store_put_device_json(c->store, d, text) != 0)
		c->write_errors++;
	free(text);
	json_decref(o);
}

/* Local devices whose identity (addresses, names, model, MUD URL) changed. */
static void scan_devices(struct child *c)
{
	struct inventory *inv = engine_inventory(c->eng);
	size_t n = inventory_count(inv);
	if (n > c->n_sig) {
		uint64_t *s = realloc(c->dev_sig, n * sizeof *s);
		if (!s)
			return;
		memset(s + c->n_sig, 0, (n - c->n_sig) * sizeof *s);
		c->dev_sig = s;
		c->n_sig = n;
	}
	for (size_t i = 0; i < n; i++) {
		struct device *d = inventory_at(inv, i);
		if (!d->local)
			continue;
		uint64_t h = 0xcbf29ce484222325ull;
		for (size_t k = 0; k < d->n_ips; k++)
			h = str_sig(h, (const char *)d->ips[k].b) ^ kaddr_hash(&d->ips[k], 7);
		h = str_sig(str_sig(str_sig(h, d->vendor), d->model), d->firmware);
		h = str_sig(str_sig(h, d->mud_url), d->hostnames.n ? d->hostnames.v[0] : NULL) | 1;
		if (h != c->dev_sig[i]) {
			c->dev_sig[i] = h;
			send_device(c, d);
		}
	}
}

static void send_stats(struct child *c)
{
	struct engine_stats es;
	engine_get_stats(c->eng, &es);
	struct ipc_stats s = {
		.packets = es.packets,
		.bytes = es.bytes,
		.flows_created = es.flows.created,
		.flows_active = es.flows.live,
		.devices = inventory_count(engine_inventory(c->eng)),
		.events = es.events,
		.decode_errors = es.decode_truncated + es.decode_malformed,
		.mud_violations = c->mud_violations,
	};
	ipc_send(c->fd, IPC_STATS, &s, sizeof s);
}

static void on_packets(struct child *c, const uint8_t *body, size_t len)
{
	size_t off = 0;
	const uint8_t *data;
	const struct ipc_pkt *p;
	while ((p = ipc_batch_next(body, len, &off, &data))) {
		engine_packet(c->eng, (int)p->linktype, p->ts_us, data, p->caplen, p->wirelen);
		child_mud_packet(c, (int)p->linktype, p->ts_us, data, p->caplen);
		c->last_ts_us = p->ts_us;
	}
}

/* Drains waiting messages; false when the parent has gone. */
static bool drain(struct child *c, uint8_t *buf)
{
	for (int i = 0; i < 256; i++) {
		uint32_t type;
		long n = ipc_recv(c->fd, buf, &type);
		if (n == -2)
			return true;
		if (n < 0)
			return false;
		if (type == IPC_PACKETS)
			on_packets(c, buf, (size_t)n);
		else if (type == IPC_RECORD)
			on_record(c, (const char *)buf, (size_t)n);
		else if (type == IPC_MUD)
			child_mud_set(c, (const char *)buf, (size_t)n);
	}
	return true;
}

static void run(struct child *c)
{
	uint8_t *buf = malloc(IPC_MAX_MSG);
	uint64_t next_scan = 0, next_stats = 0, next_commit = 0;
	struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
	for (bool up = buf != NULL; up;) {
		int r = poll(&pfd, 1, 100);
		if (r < 0 && errno != EINTR)
			break;
		if (r > 0)
			up = drain(c, buf);
		uint64_t now = mono_ms();
		if (now >= next_scan) {
			scan_devices(c);
			next_scan = now + 100;
		}
		if (now >= next_stats) {
			send_stats(c);
			next_stats = now + 1000;
		}
		if (now >= next_commit) {
			if (store_commit(c->store) != 0)
				c->write_errors++;
			next_commit = now + 2000;
		}
	}
	free(buf);
}

static void die(const char *msg)
{
	fprintf(stderr, "koban watch: engine: %s\n", msg);
	_exit(70);
}

/* Everything that needs the file system or privileges, then the sandbox. */
static void setup(struct child *c, const struct child_args *a)
{
	char err[512], dir[300], path[340];
	c->intel = intel_load((const char *const *)a->indicators, a->n_indicators, err, sizeof err);
	if (!c->intel)
		die(err);
	uint8_t probe[6] = {0x00, 0x00, 0x0c, 0, 0, 1}; /* loads the OUI registry now */
	oui_lookup(probe);
	if (!(c->alerts = alerter_new(&c->cfg, err, sizeof err)))
		die(err);
	struct engine_sink sink = {.event = on_engine_event, .ctx = c};
	if (!(c->eng = engine_new(&c->cfg, &sink, c->intel, err, sizeof err)))
		die(err);
	c->n_local = daemon_local_nets(&c->cfg, c->local, sizeof c->local / sizeof c->local[0]);
	snprintf(dir, sizeof dir, "%s/engine", a->dc->state_dir);
	if (a->dc->sandbox && sandbox_enter(dir, a->dc->uid, a->dc->gid, err, sizeof err) != 0)
		die(err);
	const char *sdir = a->dc->sandbox ? "." : dir;
	if (!(c->store = store_open(sdir, c->cfg.log_key[0] ? c->cfg.log_key : NULL, err, sizeof err)))
		die(err);
	snprintf(path, sizeof path, "%s/events.jsonl", sdir);
	c->jsonl = fopen(path, "a");
	if (a->dc->sandbox && sandbox_seccomp(err, sizeof err) != 0)
		die(err);
}

void child_main(const struct child_args *a)
{
	static struct child c;
	memset(&c, 0, sizeof c);
	c.fd = a->fd;
	c.cfg = *a->cfg;
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	setup(&c, a);
	json_t *begin = json_pack("{s:s, s:s, s:i}", "koban", KOBAN_VERSION, "command", "watch", "pid", (int)getpid());
	store_run_begin(c.store, begin);
	json_decref(begin);
	ipc_send(c.fd, IPC_READY, NULL, 0);
	run(&c);
	alerter_finish(c.alerts);
	send_stats(&c);
	json_t *end = json_pack("{s:I}", "write_errors", (json_int_t)c.write_errors);
	store_run_end(c.store, end);
	json_decref(end);
	store_close(c.store);
	if (c.jsonl)
		fclose(c.jsonl);
	child_mud_free(&c);
	engine_free(c.eng);
	alerter_free(c.alerts);
	intel_free(c.intel);
	free(c.dev_sig);
	/* _exit: the leak checker's exit-time scan needs ptrace, which the
	 * sandbox forbids */
	_exit(0);
}
