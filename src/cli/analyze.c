/* analyze.c - `koban analyze`: reads capture files in time order through the
 * engine and writes devices.json, events.jsonl, report.html, koban.db and
 * events.log into the output directory, then prints a short summary. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alert/alert.h"
#include "capture/pcap_file.h"
#include "cli/event_queue.h"
#include "cli/commands.h"
#include "device/inventory.h"
#include "engine/engine.h"
#include "intel/intel.h"
#include "report/html.h"
#include "store/eventlog.h"
#include "store/store.h"
#include "util/text.h"

#define REPORT_KEEP_EVENTS 100000

struct run {
	const char *out_dir;
	FILE *summary_out;         /* stdout, or stderr when alerts go to stdout */
	struct intel *intel;
	struct alerter *alerts;
	FILE *jsonl;
	struct store *store;
	struct event_queue *queue; /* writer thread for events, or NULL */
	json_t *events;            /* kept for the report (bounded) */
	json_t *by_kind;           /* kind -> count */
	uint64_t by_severity[5];
	int write_errors;
};

/* Writes one event everywhere it goes (on the writer thread when there is
 * one, in event order). */
static void write_event(void *ctx, const struct event *ev)
{
	struct run *r = ctx;
	json_t *o = event_to_json(ev);
	if (!o) {
		r->write_errors++;
		return;
	}
	/* serialised once: the same text goes to events.jsonl, the log and the database */
	char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!text || fputs(text, r->jsonl) == EOF || fputc('\n', r->jsonl) == EOF)
		r->write_errors++;
	if (text && store_add_event_json(r->store, ev, text) != 0)
		r->write_errors++;
	free(text);
	alerter_event(r->alerts, ev);
	r->by_severity[ev->severity <= SEV_CRITICAL ? ev->severity : 0]++;
	json_t *n = json_object_get(r->by_kind, ev->kind);
	json_object_set_new(r->by_kind, ev->kind, json_integer(n ? json_integer_value(n) + 1 : 1));
	if (json_array_size(r->events) < REPORT_KEEP_EVENTS || ev->severity > SEV_INFO)
		json_array_append(r->events, o);
	json_decref(o);
}

/* The engine's event sink. */
static void on_event(void *ctx, const struct event *ev)
{
	struct run *r = ctx;
	if (r->queue)
		event_queue_push(r->queue, ev);
	else
		write_event(r, ev);
}

static void usage_analyze(FILE *f)
{
	fputs("usage: koban analyze [--out DIR] [--config FILE] [--lang ja|en] [--indicators FILE]... CAPTURE...\n",
	      f);
}

static void progress(const struct capture_set *set, uint64_t packets, bool final)
{
	uint64_t pos = capture_set_position(set), total = set->total_size ? set->total_size : 1;
	int pct = (int)(pos * 100 / total);
	if (pct > 100 || final)
		pct = 100;
	char bar[41];
	memset(bar, '#', (size_t)(pct * 40 / 100));
	memset(bar + pct * 40 / 100, '.', (size_t)(40 - pct * 40 / 100));
	bar[40] = '\0';
	fprintf(stderr, "\r[%s] %3d%% %llu packets%s", bar, pct, (unsigned long long)packets, final ? "\n" : "");
}

/* Feeds every packet of every file to the engine. Returns the number of
 * files that failed. */
static int read_captures(struct engine *eng, struct capture_set *set)
{
	bool bar = isatty(STDERR_FILENO) && set->total_size > (4u << 20);
	struct capture_packet cp;
	uint64_t n = 0;
	while (capture_set_next(set, &cp)) {
		engine_packet(eng, cp.linktype, cp.ts_us, cp.data, cp.caplen, cp.wirelen);
		if (bar && (++n & 0xffff) == 0)
			progress(set, n, false);
	}
	if (bar)
		progress(set, n, true);
	engine_finish(eng);
	int failed = 0;
	for (size_t i = 0; i < set->n; i++) {
		if (set->src[i].error[0]) {
			fprintf(stderr, "koban: %s: ", set->src[i].path);
			term_escape(stderr, set->src[i].error);
			fputc('\n', stderr);
			failed++;
		}
	}
	return failed;
}

#define REPORT_PEERS 10 /* peers the report shows per device (most flows first) */

static int by_flows_desc(const void *a, const void *b)
{
	json_int_t fa = json_integer_value(json_object_get(*(json_t *const *)a, "flows"));
	json_int_t fb = json_integer_value(json_object_get(*(json_t *const *)b, "flows"));
	return fa < fb ? 1 : fa > fb ? -1 : 0;
}

/* Keeps only a device's busiest peers in its JSON, for the report, so the
 * report does not hold every peer of every device in memory at once. */
static void keep_top_peers(json_t *dev)
{
	json_t *peers = json_object_get(dev, "peers");
	size_t n = json_array_size(peers);
	if (n <= REPORT_PEERS)
		return;
	json_t **v = malloc(n * sizeof *v);
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		v[i] = json_array_get(peers, i);
	qsort(v, n, sizeof *v, by_flows_desc);
	json_t *top = json_array();
	for (size_t i = 0; i < REPORT_PEERS; i++)
		json_array_append(top, v[i]);
	free(v);
	json_object_set_new(dev, "peers", top);
}

/* Writes devices.json (a JSON array, one device per line) one device at a
 * time and stores each device; returns
 * the devices as the report shows them. */
static json_t *collect_devices(struct engine *eng, struct store *st, const char *dir, int *errors)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/devices.json", dir);
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "koban: cannot write %s: %s\n", path, strerror(errno));
		(*errors)++;
	}
	struct inventory *inv = engine_inventory(eng);
	json_t *arr = json_array();
	size_t written = 0;
	if (f)
		fputs("[", f);
	for (size_t i = 0; i < inventory_count(inv); i++) {
		struct device *d = inventory_at(inv, i);
		if (!d->local)
			continue;
		json_t *o = device_to_json(d);
		char *text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		if (!text || store_put_device_json(st, d, text) != 0)
			(*errors)++;
		if (f && text) /* one device per line */
			fprintf(f, "%s\n%s", written++ ? "," : "", text);
		free(text);
		if (o) {
			keep_top_peers(o);
			json_array_append_new(arr, o);
		}
	}
	if (f) {
		fputs(written ? "\n]\n" : "]\n", f);
		if (ferror(f) | (fclose(f) != 0)) {
			fprintf(stderr, "koban: cannot write %s\n", path);
			(*errors)++;
		}
	}
	return arr;
}

static int write_report(const char *dir, json_t *devices, struct run *r, const struct engine_stats *es,
			char *const *captures, size_t n_captures, const char *lang)
{
	char path[4096], first[32], last[32];
	snprintf(path, sizeof path, "%s/report.html", dir);
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "koban: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	struct report_meta meta = {
		.version = KOBAN_VERSION,
		.note = "koban analyze",
		.captures = (const char *const *)captures,
		.n_captures = n_captures,
		.packets = es->packets,
		.packets_skipped = es->decode_truncated + es->decode_malformed + es->decode_unsupported,
		.flows = es->flows.created,
		.first_ts = es->first_us ? ts_iso8601(es->first_us, first, sizeof first) : NULL,
		.last_ts = es->last_us ? ts_iso8601(es->last_us, last, sizeof last) : NULL,
	};
	int rc = report_html_write(f, devices, r->events, &meta, lang);
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

static void print_summary(const struct run *r, size_t n_devices, const struct engine_stats *es)
{
	fprintf(r->summary_out, "%llu packets, %llu flows, %zu devices, %llu events\n", (unsigned long long)es->packets,
	       (unsigned long long)es->flows.created, n_devices, (unsigned long long)es->events);
	fprintf(r->summary_out, "events by severity:");
	for (int s = SEV_CRITICAL; s >= SEV_INFO; s--)
		fprintf(r->summary_out, " %s %llu", severity_str((enum severity)s), (unsigned long long)r->by_severity[s]);
	fprintf(r->summary_out, "\nevents by kind:");
	const char *kind;
	json_t *v;
	json_object_foreach(r->by_kind, kind, v) fprintf(r->summary_out, " %s %lld", kind, (long long)json_integer_value(v));
	fprintf(r->summary_out, "\nreport: %s/report.html\n", r->out_dir);
}

/* The run's start record: which files were read, with their SHA-256, so
 * the log says what its events were derived from. */
static json_t *run_begin_info(char *const *captures, size_t n, uint32_t hash_kb)
{
	json_t *inputs = json_array();
	for (size_t i = 0; i < n; i++) {
		char hex[EVENTLOG_HEX];
		struct stat st;
		json_t *o = json_object();
		char *name = text_clean(captures[i], strlen(captures[i]), 1024);
		json_object_set_new(o, "file", name ? json_string(name) : json_null());
		free(name);
		json_object_set_new(o, "bytes", stat(captures[i], &st) == 0 ? json_integer(st.st_size) : json_null());
		if (hash_kb != UINT32_MAX) {
			bool okh = eventlog_file_sha256(captures[i], (uint64_t)hash_kb * 1024, hex);
			json_object_set_new(o, hash_kb ? "sha256_head" : "sha256", okh ? json_string(hex) : json_null());
			if (hash_kb)
				json_object_set_new(o, "hashed_bytes", json_integer((json_int_t)hash_kb * 1024));
		}
		json_array_append_new(inputs, o);
	}
	return json_pack("{s:s, s:s, s:o}", "koban", KOBAN_VERSION, "command", "analyze", "inputs", inputs);
}

static json_t *run_end_info(const struct engine_stats *es, size_t n_devices, uint64_t adds_refused,
			    int failed)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:i}", "packets", (json_int_t)es->packets, "flows",
			 (json_int_t)es->flows.created, "flows_evicted", (json_int_t)es->flows.evicted, "events",
			 (json_int_t)es->events, "devices", (json_int_t)n_devices, "device_adds_refused",
			 (json_int_t)adds_refused, "unreadable_captures", failed);
}

#define MAX_INDICATOR_FILES 32

struct analyze_opts {
	const char *out_dir;
	const char *config_path;
	const char *lang;
	char *indicators[MAX_INDICATOR_FILES];
	size_t n_indicators;
};

static int parse_analyze_args(int argc, char **argv, struct analyze_opts *o)
{
	static const struct option longopts[] = {
		{"out", required_argument, NULL, 'o'},
		{"config", required_argument, NULL, 'c'},
		{"lang", required_argument, NULL, 'l'},
		{"indicators", required_argument, NULL, 'i'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	o->out_dir = "koban-out";
	optind = 1;
	int ch;
	while ((ch = getopt_long(argc, argv, "o:c:l:i:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'i':
			if (o->n_indicators == MAX_INDICATOR_FILES) {
				fprintf(stderr, "koban: at most %d --indicators files\n", MAX_INDICATOR_FILES);
				return -1;
			}
			o->indicators[o->n_indicators++] = optarg;
			break;
		case 'o': o->out_dir = optarg; break;
		case 'c': o->config_path = optarg; break;
		case 'l': o->lang = optarg; break;
		case 'h': usage_analyze(stdout); exit(0);
		default: usage_analyze(stderr); return -1;
		}
	}
	if (o->lang && strcmp(o->lang, "ja") != 0 && strcmp(o->lang, "en") != 0) {
		fprintf(stderr, "koban: --lang must be ja or en\n");
		return -1;
	}
	if (optind >= argc) {
		usage_analyze(stderr);
		return -1;
	}
	return 0;
}

static int open_outputs(struct run *r, const struct config *cfg)
{
	char err[512], path[4096];
	if (mkdir(r->out_dir, 0750) != 0 && errno != EEXIST) {
		fprintf(stderr, "koban: cannot create %s: %s\n", r->out_dir, strerror(errno));
		return -1;
	}
	r->store = store_open(r->out_dir, cfg->log_key[0] ? cfg->log_key : NULL, err, sizeof err);
	if (!r->store) {
		fprintf(stderr, "koban: %s\n", err);
		return -1;
	}
	snprintf(path, sizeof path, "%s/events.jsonl", r->out_dir);
	r->jsonl = fopen(path, "w");
	if (!r->jsonl) {
		fprintf(stderr, "koban: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	r->events = json_array();
	r->by_kind = json_object();
	return 0;
}

static void close_outputs(struct run *r)
{
	if (r->jsonl && fclose(r->jsonl) != 0)
		r->write_errors++;
	if (r->store) {
		if (store_commit(r->store) != 0)
			r->write_errors++;
		store_close(r->store);
	}
	json_decref(r->events);
	json_decref(r->by_kind);
}

/* Everything a run sets up before reading: configuration, threat data,
 * alert outputs and the engine. A bad setting stops the run before
 * anything is written. Returns 0, or the exit status to use. */
static int setup_run(const struct analyze_opts *o, struct config *cfg, struct run *r, struct engine **eng)
{
	char err[512];
	config_defaults(cfg);
	if (o->config_path && !config_load(cfg, o->config_path, err, sizeof err)) {
		fprintf(stderr, "koban: %s\n", err);
		return 2;
	}
	/* settings of other commands may share the file: `koban share` reads share.identity */
	(void)config_param(cfg, "share.identity");
	const char *to_stdout = config_param(cfg, "alert.stdout");
	r->summary_out = to_stdout && (!strcmp(to_stdout, "yes") || !strcmp(to_stdout, "true") ||
				       !strcmp(to_stdout, "1") || !strcmp(to_stdout, "on"))
				 ? stderr
				 : stdout;
	r->intel = intel_load((const char *const *)o->indicators, o->n_indicators, err, sizeof err);
	if (!r->intel) {
		fprintf(stderr, "koban: %s\n", err);
		return 2;
	}
	/* the alerter reads its alert.* keys before the engine checks for unknown ones */
	r->alerts = alerter_new(cfg, err, sizeof err);
	if (!r->alerts) {
		fprintf(stderr, "koban: %s\n", err);
		return 2;
	}
	struct engine_sink sink = {.event = on_event, .ctx = r};
	*eng = engine_new(cfg, &sink, r->intel, err, sizeof err);
	if (!*eng) {
		fprintf(stderr, "koban: %s\n", err);
		return 2;
	}
	return 0;
}

static void teardown_run(struct run *r, struct engine *eng)
{
	engine_free(eng);
	close_outputs(r);
	if (r->alerts)
		alerter_free(r->alerts);
	if (r->intel)
		intel_free(r->intel);
}

/* After the last packet: the inventory, the run's end record, the files. */
static void finish_run(struct run *r, struct engine *eng, char *const *captures, size_t n_captures, int failed,
		       const char *lang)
{
	struct engine_stats es;
	engine_get_stats(eng, &es);
	alerter_finish(r->alerts);
	json_t *devices = collect_devices(eng, r->store, r->out_dir, &r->write_errors);
	uint64_t not_kept = inventory_dropped(engine_inventory(eng));
	if (not_kept)
		fprintf(stderr, "koban: max_devices reached: %llu attempts to add a device were refused\n",
			(unsigned long long)not_kept);
	json_t *end = run_end_info(&es, json_array_size(devices), not_kept, failed);
	if (store_run_end(r->store, end) != 0) {
		fprintf(stderr, "koban: %s\n", store_error(r->store));
		r->write_errors++;
	}
	json_decref(end);
	if (write_report(r->out_dir, devices, r, &es, captures, n_captures, lang) != 0)
		r->write_errors++;
	print_summary(r, json_array_size(devices), &es);
	json_decref(devices);
}

int cmd_analyze(int argc, char **argv)
{
	struct analyze_opts o = {0};
	if (parse_analyze_args(argc, argv, &o) != 0)
		return 2;
	struct config cfg;
	struct run r = {.out_dir = o.out_dir};
	struct engine *eng = NULL;
	int rc = setup_run(&o, &cfg, &r, &eng);
	if (rc == 0 && open_outputs(&r, &cfg) != 0)
		rc = 3;
	if (rc != 0) {
		teardown_run(&r, eng);
		return rc;
	}
	char **captures = argv + optind;
	size_t n_captures = (size_t)(argc - optind);
	json_t *begin = run_begin_info(captures, n_captures, cfg.hash_inputs_kb);
	if (store_run_begin(r.store, begin) != 0)
		r.write_errors++;
	json_decref(begin);
	struct capture_set set;
	capture_set_open(&set, captures, n_captures);
	r.queue = event_queue_start(4096, write_event, &r);
	int failed = read_captures(eng, &set);
	event_queue_finish(r.queue); /* every event written before the inventory */
	r.queue = NULL;
	finish_run(&r, eng, captures, n_captures, failed, o.lang ? o.lang : cfg.lang);
	capture_set_close(&set);
	teardown_run(&r, eng);
	if (r.write_errors) {
		fprintf(stderr, "koban: %d write errors in %s\n", r.write_errors, r.out_dir);
		return 3;
	}
	if (failed)
		fprintf(stderr, "koban: %d of %zu capture files could not be read completely\n", failed, n_captures);
	return failed ? 1 : 0;
}
