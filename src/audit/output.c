/* output.c - what an audit writes. Before the survey: a "run" start record
 * in the tamper-evident log saying who (uid and user), when, from which
 * host, the scope, the targets, the authorisation and the limits in force.
 * After it: each surveyed device into the inventory (koban.db and the log),
 * its findings as events (events.jsonl, koban.db, the log), devices.json,
 * report.html, one notice per device with findings, and the end record. */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit/findings.h"
#include "audit/output.h"
#include "device/inventory.h"
#include "intel/intel.h"
#include "report/html.h"
#include "store/store.h"

struct out {
	struct audit_job *job;
	struct store *st;
	FILE *jsonl;
	json_t *events, *host_events, *by_kind;
	int errors;
};

static uint64_t wall_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static json_t *str_array(const char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *begin_info(const struct audit_job *j)
{
	struct passwd *pw = getpwuid(getuid());
	char host[256] = "", when[32];
	gethostname(host, sizeof host - 1);
	json_t *ports = json_array();
	for (size_t i = 0; i < j->opts.n_ports; i++)
		json_array_append_new(ports, json_integer(j->opts.ports[i]));
	json_t *o = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s}", "koban", KOBAN_VERSION, "command", "audit", "uid",
			      (int)getuid(), "user", pw && pw->pw_name ? pw->pw_name : "", "host", host, "started",
			      ts_iso8601(wall_us(), when, sizeof when));
	json_object_set_new(o, "scope", str_array(j->scopes, j->n_scopes));
	json_object_set_new(o, "targets", str_array((const char *const *)j->targets, j->n_targets));
	json_object_set_new(o, "addresses", json_integer((json_int_t)j->n_hosts));
	json_object_set_new(o, "authorized", json_boolean(j->authorized));
	json_object_set_new(o, "scope_file", j->scope_file ? json_string(j->scope_file) : json_null());
	json_object_set_new(o, "credentials", json_pack("{s:s, s:i}", "file", j->creds.path, "pairs", (int)j->creds.n));
	json_object_set_new(o, "limits", json_pack("{s:i, s:i, s:i, s:i, s:b, s:s}", "max_attempts", j->opts.max_attempts,
						   "attempt_interval_ms", j->opts.attempt_interval_ms, "rate_pps",
						   j->opts.rate_pps, "per_host", j->opts.per_host, "logins",
						   j->opts.logins, "scan", audit_scan_name(j->opts.scan)));
	json_object_set_new(o, "ports", ports);
	return o;
}

static void on_finding(void *ctx, const struct event *ev)
{
	struct out *o = ctx;
	json_t *e = event_to_json(ev);
	char *text = e ? json_dumps(e, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	if (!text || fprintf(o->jsonl, "%s\n", text) < 0 || store_add_event_json(o->st, ev, text) != 0)
		o->errors++;
	free(text);
	json_t *n = json_object_get(o->by_kind, ev->kind);
	json_object_set_new(o->by_kind, ev->kind, json_integer(n ? json_integer_value(n) + 1 : 1));
	json_array_append(o->events, e);
	json_array_append(o->host_events, e);
	json_decref(e);
}

static void write_notice(struct out *o, const struct audit_host *h, const struct device *d, const char *when)
{
	char dir[4096], path[4200], ip[KADDR_STRLEN];
	snprintf(dir, sizeof dir, "%s/notices", o->job->out_dir);
	if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
		o->errors++;
		return;
	}
	kaddr_str(&h->ip, ip, sizeof ip);
	for (char *p = ip; *p; p++)
		if (*p == ':')
			*p = '_';
	snprintf(path, sizeof path, "%s/%s.txt", dir, ip);
	FILE *f = fopen(path, "w");
	if (!f || audit_notice_write(f, h, d, o->host_events, when) != 0)
		o->errors++;
	if (f && fclose(f) != 0)
		o->errors++;
}

/* Devices and findings of every host that answered. */
static json_t *record_hosts(struct out *o, const struct intel *in)
{
	struct audit_job *j = o->job;
	struct inventory *inv = inventory_new(AUDIT_MAX_HOSTS);
	json_t *devices = json_array();
	uint64_t ts = wall_us();
	char when[32];
	ts_iso8601(ts, when, sizeof when);
	for (size_t i = 0; inv && i < j->n_hosts; i++) {
		const struct audit_host *h = &j->hosts[i];
		if (!h->up)
			continue;
		struct device *d = audit_device(inv, h, ts);
		json_t *dj = d ? device_to_json(d) : NULL;
		char *text = dj ? json_dumps(dj, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		if (!text || store_put_device_json(o->st, d, text) != 0)
			o->errors++;
		free(text);
		if (dj)
			json_array_append_new(devices, dj);
		o->host_events = json_array();
		if (audit_findings(h, d, in, ts, on_finding, o) > 0)
			write_notice(o, h, d, when);
		json_decref(o->host_events);
	}
	if (inv)
		inventory_free(inv);
	return devices;
}

static int write_file_json(const char *dir, const char *name, json_t *v)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	char *text = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	FILE *f = text ? fopen(path, "w") : NULL;
	bool ok = f && fputs(text, f) != EOF && fputc('\n', f) != EOF;
	if (f && fclose(f) != 0)
		ok = false;
	free(text);
	return ok ? 0 : -1;
}

static int write_report(struct out *o, json_t *devices)
{
	char path[4096], note[256];
	snprintf(path, sizeof path, "%s/report.html", o->job->out_dir);
	snprintf(note, sizeof note, "koban audit: %zu addresses surveyed, %u answered", o->job->n_hosts,
		 o->job->n_hosts ? (unsigned)json_array_size(devices) : 0);
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	struct report_meta meta = {.version = KOBAN_VERSION, .note = note};
	const char *lang = o->job->lang ? o->job->lang : o->job->cfg.lang;
	int rc = report_html_write(f, devices, o->events, &meta, lang);
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

static int open_out(struct out *o)
{
	char err[512], path[4096];
	const char *dir = o->job->out_dir;
	if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
		fprintf(stderr, "koban: cannot create %s: %s\n", dir, strerror(errno));
		return -1;
	}
	const char *key = o->job->cfg.log_key[0] ? o->job->cfg.log_key : NULL;
	o->st = store_open(dir, key, err, sizeof err);
	if (!o->st) {
		fprintf(stderr, "koban: %s\n", err);
		return -1;
	}
	snprintf(path, sizeof path, "%s/events.jsonl", dir);
	o->jsonl = fopen(path, "w");
	if (!o->jsonl) {
		fprintf(stderr, "koban: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	o->events = json_array();
	o->by_kind = json_object();
	return 0;
}

static void print_summary(const struct out *o, const struct audit_run *run)
{
	const struct audit_stats *s = &run->stats;
	printf("%u addresses, %u answered, %u open ports (%s scan), %u login attempts, %zu findings, %.1f s\n",
	       s->hosts_targeted, s->hosts_up, s->ports_open, s->scan[0] ? s->scan : "no", s->logins_tried,
	       json_array_size(o->events),
	       (double)s->wall_us / 1e6);
	printf("findings by kind:");
	const char *kind;
	json_t *v;
	json_object_foreach(o->by_kind, kind, v) printf(" %s %lld", kind, (long long)json_integer_value(v));
	printf("\nreport: %s/report.html\n", o->job->out_dir);
}

static void finish(struct out *o, const struct audit_run *run, const struct intel *in)
{
	json_t *devices = record_hosts(o, in);
	const struct audit_stats *s = &run->stats;
	json_t *end = json_pack("{s:i, s:i, s:i, s:s, s:i, s:i, s:i, s:I, s:I}", "addresses", s->hosts_targeted,
				"answered", s->hosts_up, "open_ports", s->ports_open, "scan", s->scan,
				"syn_probes", s->syn_sent, "connections", s->connects, "login_attempts",
				s->logins_tried, "findings", (json_int_t)json_array_size(o->events), "wall_ms",
				(json_int_t)(s->wall_us / 1000));
	if (store_run_end(o->st, end) != 0)
		o->errors++;
	json_decref(end);
	if (write_file_json(o->job->out_dir, "devices.json", devices) != 0 || write_report(o, devices) != 0)
		o->errors++;
	print_summary(o, run);
	json_decref(devices);
}

int audit_job_run(struct audit_job *j)
{
	char err[512];
	struct intel *in = intel_load(NULL, 0, err, sizeof err);
	if (!in) {
		fprintf(stderr, "koban: %s\n", err);
		return 2;
	}
	struct out o = {.job = j};
	int rc = 0;
	if (open_out(&o) != 0) {
		rc = 3;
	} else {
		json_t *begin = begin_info(j);
		if (store_run_begin(o.st, begin) != 0) /* no record of the run: no run */
			rc = 3;
		json_decref(begin);
	}
	struct audit_run run = {.opts = &j->opts, .creds = &j->creds, .hosts = j->hosts, .n_hosts = j->n_hosts,
				.verbose = j->verbose};
	if (rc == 0 && audit_run_all(&run) != 0)
		rc = 1;
	if (o.st && rc != 3)
		finish(&o, &run, in);
	if (o.jsonl && fclose(o.jsonl) != 0)
		o.errors++;
	if (o.st) {
		if (store_commit(o.st) != 0)
			o.errors++;
		store_close(o.st);
	}
	json_decref(o.events);
	json_decref(o.by_kind);
	intel_free(in);
	if (o.errors) {
		fprintf(stderr, "koban: %d write errors in %s\n", o.errors, j->out_dir);
		return 3;
	}
	return rc;
}
