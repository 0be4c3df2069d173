/* share.c - `koban share DIR --stix FILE [--name NAME] [--config FILE]`:
 * exports what DIR/koban.db holds about C&C traffic, scanning and flooding
 * as a STIX 2.1 bundle for an information-sharing hub (ISAC style):
 *   identity        the reporter (--name, else share.identity from the
 *                   configuration, else "koban"; never the host name)
 *   indicator       one per C&C address/domain/URL seen in "c2" events
 *   sighting        of each indicator: count, first_seen, last_seen, where
 *                   sighted = the identity
 *   ipv4-addr/ipv6-addr  the sources of "scan" and "flood" events (SCOs
 *                   with deterministic UUID v5 ids): for an inbound scan the
 *                   scanner (evidence.source, else peer.ip), not the local
 *                   target; for an outbound scan or a flood the device's
 *                   address. A flood from forged source addresses has no
 *                   device address (its sender is known by MAC only): it is
 *                   skipped, and counted in the summary with that reason.
 *   observed-data   one per source and kind: first/last observed, number
 *                   observed (incidents: the updates and final report of a
 *                   scan or flood incident do not count again), object_refs
 *                   to the address
 * Other event kinds are not exported. The database is only read. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "engine/config.h"
#include "engine/model.h"
#include "intel/intel.h"
#include "intel/stixid.h"
#include "store/db.h"
#include "util/text.h"

#define SHARE_MAX_ITEMS 100000 /* distinct indicators, and distinct sources */
#define STIX_COUNT_MAX 999999999

/* One exported thing: an indicator (kind "c2") or a source (scan/flood). */
struct item {
	char kind[8];
	enum indicator_type type;
	char value[2100];
	char label[201];
	bool from_intel;      /* the event named an indicator (else a behavioural peer) */
	bool seen;
	uint64_t count, first_us, last_us;
};

struct share {
	struct item *v;
	size_t n, cap;
	json_t *index;        /* "kind|value" -> position in v */
	size_t events, skipped, dropped, forged;
};

static void usage_share(FILE *f)
{
	fputs("usage: koban share DIR --stix FILE [--name NAME] [--config FILE]\n"
	      "  write the C&C indicators, sightings and scan/flood sources stored in DIR\n"
	      "  as a STIX 2.1 bundle (FILE \"-\" = standard output)\n",
	      f);
}

static struct item *item_get(struct share *s, const char *kind, enum indicator_type type, const char *value)
{
	char key[2200];
	snprintf(key, sizeof key, "%s|%s", kind, value);
	json_t *pos = json_object_get(s->index, key);
	if (pos)
		return &s->v[json_integer_value(pos)];
	if (s->n == SHARE_MAX_ITEMS) {
		s->dropped++;
		return NULL;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct item *v = realloc(s->v, cap * sizeof *v);
		if (!v)
			return NULL;
		s->v = v;
		s->cap = cap;
	}
	struct item *it = &s->v[s->n];
	memset(it, 0, sizeof *it);
	snprintf(it->kind, sizeof it->kind, "%s", kind);
	snprintf(it->value, sizeof it->value, "%s", value);
	it->type = type;
	json_object_set_new(s->index, key, json_integer((json_int_t)s->n));
	s->n++;
	return it;
}

/* Extends the item's time span to ts; counts one more observation if new
 * (not an update or final report of an incident already counted). */
static void item_seen(struct item *it, uint64_t ts, bool counts)
{
	if (!it->seen || ts < it->first_us)
		it->first_us = ts;
	it->seen = true;
	if (ts > it->last_us)
		it->last_us = ts;
	if (counts)
		it->count++;
}

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* A c2 event: the indicator it names, else its peer (name, then address). */
static void add_c2(struct share *s, json_t *ev, uint64_t ts)
{
	json_t *evidence = json_object_get(ev, "evidence"), *peer = json_object_get(ev, "peer");
	const char *cands[3] = {jstr(evidence, "indicator"), jstr(peer, "name"), jstr(peer, "ip")};
	char norm[2100];
	enum indicator_type type;
	for (int i = 0; i < 3; i++) {
		if (!cands[i] || !intel_classify(cands[i], &type, norm, sizeof norm))
			continue;
		struct item *it = item_get(s, "c2", type, norm);
		if (!it)
			return;
		it->from_intel |= i == 0;
		const char *label = jstr(evidence, "indicator_label");
		if (!label)
			label = jstr(evidence, "label");
		if (label && !it->label[0])
			text_clean_into(it->label, sizeof it->label, label, strlen(label));
		item_seen(it, ts, true);
		return;
	}
	s->skipped++;
}

/* The address that sent a scan or flood: an inbound scan's scanner, else
 * the device. NULL when there is none; *forged then tells whether that is
 * because the flood came from forged source addresses. */
static const char *source_of(const char *kind, json_t *ev, bool *forged)
{
	json_t *evidence = json_object_get(ev, "evidence");
	const char *dir = jstr(evidence, "direction"), *dev = jstr(json_object_get(ev, "device"), "ip");
	*forged = false;
	if (strcmp(kind, "scan") == 0) {
		if (dir && strcmp(dir, "inbound") == 0) {
			const char *src = jstr(evidence, "source");
			return src ? src : jstr(json_object_get(ev, "peer"), "ip");
		}
		return dev ? dev : jstr(evidence, "source");
	}
	*forged = !dev && json_is_true(json_object_get(evidence, "spoofed_source"));
	return dev;
}

/* A scan or flood event: its source, by address. */
static void add_source(struct share *s, const char *kind, json_t *ev, uint64_t ts)
{
	bool forged;
	const char *ip = source_of(kind, ev, &forged);
	const char *report = jstr(json_object_get(ev, "evidence"), "report");
	struct kaddr a;
	char norm[KADDR_STRLEN];
	if (!ip || !kaddr_parse(&a, ip)) {
		if (forged)
			s->forged++;
		else
			s->skipped++;
		return;
	}
	kaddr_str(&a, norm, sizeof norm);
	struct item *it = item_get(s, kind, a.family == KADDR_V4 ? IND_IPV4 : IND_IPV6, norm);
	if (it)
		item_seen(it, ts, !report || strcmp(report, "first") == 0);
}

static int read_events(sqlite3 *db, const char *dbpath, struct share *s)
{
	sqlite3_stmt *st;
	int rc;
	if (sqlite3_prepare_v2(db,
			       "SELECT ts, kind, json FROM events WHERE kind IN ('c2', 'scan', 'flood') ORDER BY ts, id",
			       -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "koban: %s: %s\n", dbpath, sqlite3_errmsg(db));
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite3_int64 ts = sqlite3_column_int64(st, 0);
		const char *kind = (const char *)sqlite3_column_text(st, 1);
		const char *text = (const char *)sqlite3_column_text(st, 2);
		json_t *ev = text ? json_loads(text, 0, NULL) : NULL;
		s->events++;
		if (!json_is_object(ev) || ts < 0 || !kind)
			s->skipped++;
		else if (strcmp(kind, "c2") == 0)
			add_c2(s, ev, (uint64_t)ts);
		else
			add_source(s, kind, ev, (uint64_t)ts);
		json_decref(ev);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "koban: %s: read error: %s\n", dbpath, sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ STIX objects */

static json_t *sdo(const char *type, const char *id, const char *now)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "type", type, "spec_version", "2.1", "id", id, "created", now,
			 "modified", now);
}

static const char *ts_text(uint64_t us, char *buf, size_t bufsz)
{
	return ts_iso8601(us, buf, bufsz);
}

/* [type:value = 'v'] with ' and \ escaped; ISSUBSET for a prefix. */
static char *stix_pattern(const struct item *it)
{
	static const char *const paths[] = {"", "ipv4-addr", "ipv6-addr", "domain-name", "url"};
	char lit[4200];
	size_t n = 0;
	for (const char *p = it->value; *p && n + 2 < sizeof lit; p++) {
		if (*p == '\'' || *p == '\\')
			lit[n++] = '\\';
		lit[n++] = *p;
	}
	lit[n] = '\0';
	bool subset = (it->type == IND_IPV4 || it->type == IND_IPV6) && strchr(it->value, '/');
	size_t len = n + 64;
	char *pat = malloc(len);
	if (pat)
		snprintf(pat, len, "[%s:value %s '%s']", paths[it->type], subset ? "ISSUBSET" : "=", lit);
	return pat;
}

static const char *type_word(enum indicator_type t)
{
	return t == IND_DOMAIN ? "domain" : t == IND_URL ? "URL" : "address";
}

static int add_indicator(json_t *objs, const struct item *it, const char *identity, const char *now)
{
	char id[STIX_ID_MAX], sid[STIX_ID_MAX], first[32], last[32], name[2400], desc[300];
	char *pat = stix_pattern(it);
	if (!pat)
		return -1;
	stix_id_random("indicator", id, sizeof id);
	snprintf(name, sizeof name, "%s%sC&C %s %s", it->label, it->label[0] ? ": " : "", type_word(it->type),
		 it->value);
	text_fix_utf8_tail(name);
	snprintf(desc, sizeof desc, "%s",
		 it->from_intel ? "Contacted by a monitored device; listed by threat intelligence koban loaded."
				: "Contacted by a monitored device in a C&C-like pattern (behaviour only, not listed "
				  "by loaded threat intelligence).");
	json_t *ind = sdo("indicator", id, now);
	json_object_set_new(ind, "created_by_ref", json_string(identity));
	json_object_set_new(ind, "name", json_string(name));
	json_object_set_new(ind, "description", json_string(desc));
	json_object_set_new(ind, "indicator_types",
			    json_pack("[s]", it->from_intel ? "malicious-activity" : "anomalous-activity"));
	json_object_set_new(ind, "pattern", json_string(pat));
	json_object_set_new(ind, "pattern_type", json_string("stix"));
	json_object_set_new(ind, "pattern_version", json_string("2.1"));
	json_object_set_new(ind, "valid_from", json_string(ts_text(it->first_us, first, sizeof first)));
	free(pat);
	json_t *sg = sdo("sighting", stix_id_random("sighting", sid, sizeof sid), now);
	json_object_set_new(sg, "created_by_ref", json_string(identity));
	json_object_set_new(sg, "sighting_of_ref", json_string(id));
	json_object_set_new(sg, "count", json_integer(it->count > STIX_COUNT_MAX ? STIX_COUNT_MAX : (json_int_t)it->count));
	json_object_set_new(sg, "first_seen", json_string(first));
	json_object_set_new(sg, "last_seen", json_string(ts_text(it->last_us, last, sizeof last)));
	json_object_set_new(sg, "where_sighted_refs", json_pack("[s]", identity));
	return (json_array_append_new(objs, ind) || json_array_append_new(objs, sg)) ? -1 : 0;
}

/* The SCO for a source address (once per address), and its observed-data. */
static int add_observed(json_t *objs, json_t *scos, const struct item *it, const char *identity, const char *now)
{
	const char *sco_type = it->type == IND_IPV4 ? "ipv4-addr" : "ipv6-addr";
	char sco_id[STIX_ID_MAX], id[STIX_ID_MAX], first[32], last[32];
	json_t *name = json_pack("{s:s}", "value", it->value);
	char *canon = name ? json_dumps(name, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(name);
	const char *ok = canon ? stix_id_sco(sco_type, canon, sco_id, sizeof sco_id) : NULL;
	free(canon);
	if (!ok)
		return -1;
	if (!json_object_get(scos, sco_id)) {
		json_t *sco = json_pack("{s:s, s:s, s:s, s:s}", "type", sco_type, "spec_version", "2.1", "id", sco_id,
					"value", it->value);
		json_object_set_new(scos, sco_id, json_true());
		if (json_array_append_new(objs, sco))
			return -1;
	}
	json_t *od = sdo("observed-data", stix_id_random("observed-data", id, sizeof id), now);
	json_object_set_new(od, "created_by_ref", json_string(identity));
	json_object_set_new(od, "first_observed", json_string(ts_text(it->first_us, first, sizeof first)));
	json_object_set_new(od, "last_observed", json_string(ts_text(it->last_us, last, sizeof last)));
	uint64_t n = it->count ? it->count : 1; /* only later reports of an incident stored */
	json_object_set_new(od, "number_observed", json_integer(n > STIX_COUNT_MAX ? STIX_COUNT_MAX : (json_int_t)n));
	json_object_set_new(od, "object_refs", json_pack("[s]", sco_id));
	json_object_set_new(od, "labels", json_pack("[s]", strcmp(it->kind, "scan") == 0 ? "scanning" : "flooding"));
	return json_array_append_new(objs, od) ? -1 : 0;
}

static json_t *build_bundle(const struct share *s, const char *reporter, size_t *n_ind, size_t *n_obs)
{
	char now[32], ident[STIX_ID_MAX], bid[STIX_ID_MAX];
	struct timespec tv;
	clock_gettime(CLOCK_REALTIME, &tv);
	ts_iso8601((uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_nsec / 1000u, now, sizeof now);
	json_t *objs = json_array(), *scos = json_object();
	json_t *identity = sdo("identity", stix_id_random("identity", ident, sizeof ident), now);
	json_object_set_new(identity, "name", json_string(reporter));
	json_object_set_new(identity, "identity_class", json_string("system"));
	json_object_set_new(identity, "description", json_string("koban IoT security monitor (reporter)"));
	int rc = json_array_append_new(objs, identity);
	*n_ind = *n_obs = 0;
	for (size_t i = 0; rc == 0 && i < s->n; i++) {
		if (strcmp(s->v[i].kind, "c2") == 0) {
			rc = add_indicator(objs, &s->v[i], ident, now);
			(*n_ind)++;
		} else {
			rc = add_observed(objs, scos, &s->v[i], ident, now);
			(*n_obs)++;
		}
	}
	json_decref(scos);
	json_t *bundle = json_pack("{s:s, s:s, s:o}", "type", "bundle", "id", stix_id_random("bundle", bid, sizeof bid),
				   "objects", objs);
	if (rc != 0) {
		json_decref(bundle);
		return NULL;
	}
	return bundle;
}

/* ------------------------------------------------------------ output */

static int write_bundle(json_t *bundle, const char *path)
{
	size_t flags = JSON_INDENT(2) | JSON_ENSURE_ASCII;
	if (strcmp(path, "-") == 0) {
		int rc = json_dumpf(bundle, stdout, flags);
		return (rc == 0 && fputc('\n', stdout) != EOF && fflush(stdout) == 0) ? 0 : -1;
	}
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.tmpXXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0)
		return -1;
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	int rc = json_dumpf(bundle, f, flags) == 0 && fputc('\n', f) != EOF && fflush(f) == 0 &&
			 fsync(fileno(f)) == 0
		     ? 0
		     : -1;
	if (fclose(f) != 0)
		rc = -1;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -1;
	if (rc != 0)
		unlink(tmp);
	return rc;
}

/* --name, else share.identity from --config, else "koban". */
static int reporter_name(const char *name, const char *config, char *out, size_t outsz)
{
	const char *src = name;
	static struct config cfg;
	char err[512];
	if (!src && config) {
		config_defaults(&cfg);
		if (!config_load(&cfg, config, err, sizeof err)) {
			fprintf(stderr, "koban: %s\n", err);
			return -1;
		}
		src = config_param(&cfg, "share.identity");
	}
	if (!src)
		src = "koban";
	if (strlen(src) >= outsz || text_clean_into(out, outsz, src, strlen(src)) == 0) {
		fprintf(stderr, "koban: share: the reporter name must be 1 to %zu bytes of text\n", outsz - 1);
		return -1;
	}
	return 0;
}

static int export(const char *dir, const char *out, const char *reporter)
{
	char dbpath[4200], err[600];
	struct share s = {.index = json_object()};
	sqlite3 *db = db_open_output(dir, dbpath, sizeof dbpath, err, sizeof err);
	if (!db) {
		fprintf(stderr, "koban: %s\n", err);
		json_decref(s.index);
		return 2;
	}
	int rc = read_events(db, dbpath, &s);
	sqlite3_close(db);
	size_t n_ind = 0, n_obs = 0;
	json_t *bundle = rc == 0 ? build_bundle(&s, reporter, &n_ind, &n_obs) : NULL;
	if (rc == 0 && !bundle)
		fprintf(stderr, "koban: share: out of memory\n");
	if (bundle && write_bundle(bundle, out) != 0) {
		fprintf(stderr, "koban: %s: cannot write: %s\n", out, strerror(errno));
		rc = -1;
	}
	if (bundle && rc == 0)
		fprintf(stderr,
			"koban: %s: STIX 2.1 bundle with %zu indicators (with sightings) and %zu observed-data "
			"from %zu events (%zu without a usable address, %zu beyond the limit)\n",
			strcmp(out, "-") == 0 ? "stdout" : out, n_ind, n_obs, s.events, s.skipped, s.dropped);
	if (bundle && rc == 0 && s.forged)
		fprintf(stderr,
			"koban: share: %zu flood event(s) from forged source addresses not exported: their sender is "
			"known only by its MAC address, which is not shared\n",
			s.forged);
	json_decref(bundle);
	json_decref(s.index);
	free(s.v);
	return bundle && rc == 0 ? 0 : 2;
}

int cmd_share(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"stix", required_argument, NULL, 's'},
		{"name", required_argument, NULL, 'n'},
		{"config", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *out = NULL, *name = NULL, *config = NULL;
	char reporter[201];
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "s:n:c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 's': out = optarg; break;
		case 'n': name = optarg; break;
		case 'c': config = optarg; break;
		case 'h': usage_share(stdout); return 0;
		default: usage_share(stderr); return 2;
		}
	}
	if (optind != argc - 1 || !out) {
		usage_share(stderr);
		return 2;
	}
	if (reporter_name(name, config, reporter, sizeof reporter) != 0)
		return 2;
	return export(argv[optind], out, reporter);
}
