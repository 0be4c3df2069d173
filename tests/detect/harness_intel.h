/* harness_intel.h - shared by the c2, vulnerable-firmware and end-of-support
 * detector tests: a temporary data directory with the test's own intel
 * files, an engine running chosen detectors with chosen parameters, DNS
 * exchanges and TCP handshakes through the gateway; frames and event
 * lookups come from engine_harness.h. */
#ifndef KOBAN_TEST_HARNESS_INTEL_H
#define KOBAN_TEST_HARNESS_INTEL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/engine.h"
#include "engine_harness.h"
#include "intel/intel.h"
#include "pktgen.h"
#include "test.h"

static char h_dir[256];

/* Writes `text` to h_dir/name; returns the path (static buffer per call). */
static const char *h_write(const char *name, const char *text)
{
	static char path[8][512];
	static int next;
	char *p = path[next++ % 8];
	snprintf(p, 512, "%s/%s", h_dir, name);
	FILE *f = fopen(p, "w");
	if (!f) {
		perror(p);
		exit(2);
	}
	fputs(text, f);
	fclose(f);
	return p;
}

/* A fresh data directory (KOBAN_DATA_DIR) with the given advisories and
 * end-of-support lists, no credentials and no indicator directory, and an
 * OUI registry (KOBAN_OUI_FILE) naming the test MACs' vendors. */
static inline void h_setup(const char *advisories, const char *eos)
{
	snprintf(h_dir, sizeof h_dir, "/tmp/koban-detect-XXXXXX");
	if (!mkdtemp(h_dir)) {
		perror("mkdtemp");
		exit(2);
	}
	setenv("KOBAN_DATA_DIR", h_dir, 1);
	h_write("advisories.json", advisories ? advisories : "[]\n");
	h_write("end-of-support.json", eos ? eos : "[]\n");
	h_write("default-credentials", "# none\n");
	const char *oui = h_write("oui.csv", "Registry,Assignment,Organization Name,Organization Address\n"
					     "MA-L,2857BE,\"Hangzhou Hikvision Digital Technology Co.,Ltd.\",Hangzhou CN\n"
					     "MA-L,001B21,Intel Corporate,Santa Clara US\n");
	setenv("KOBAN_OUI_FILE", oui, 1);
}

static inline void h_teardown(void)
{
	static const char *const names[] = {"advisories.json", "end-of-support.json", "default-credentials",
					    "oui.csv", "c2list.txt", NULL};
	char p[512];
	for (int i = 0; names[i]; i++) {
		snprintf(p, sizeof p, "%s/%s", h_dir, names[i]);
		unlink(p);
	}
	rmdir(h_dir);
}

static inline struct intel *h_intel(const char *indicator_list)
{
	char err[512];
	const char *extra[1] = {NULL};
	size_t n = 0;
	if (indicator_list)
		extra[n++] = h_write("c2list.txt", indicator_list);
	struct intel *in = intel_load(extra, n, err, sizeof err);
	if (!in)
		fprintf(stderr, "intel_load: %s\n", err);
	return in;
}

/* An engine running `detectors` with params "key=value" (NULL-terminated). */
static inline struct engine *h_engine(json_t *events, struct intel *in, const char *detectors, const char *const *params)
{
	struct config cfg;
	char err[256];
	config_defaults(&cfg);
	cfg.flow_memory_kb = 8192;
	cfg.stream_slots = 16;
	snprintf(cfg.detectors, sizeof cfg.detectors, "%s", detectors);
	for (size_t i = 0; params && params[i] && cfg.n_params < CONFIG_MAX_PARAMS; i++) {
		struct config_param *p = &cfg.params[cfg.n_params++];
		const char *eq = strchr(params[i], '=');
		snprintf(p->key, sizeof p->key, "%.*s", (int)(eq - params[i]), params[i]);
		snprintf(p->value, sizeof p->value, "%s", eq + 1);
		p->line = (unsigned)i + 1;
	}
	struct engine *e = eh_engine(&cfg, events, in, err, sizeof err);
	if (!e)
		fprintf(stderr, "engine_new: %s\n", err);
	return e;
}

/* Frees an engine (NULL is fine) and the list its events went to. */
static inline void h_free(struct engine *e, json_t *events)
{
	engine_free(e);
	json_decref(events);
}

static const char *h_str(json_t *ev, const char *key)
{
	return json_string_value(json_object_get(ev, key));
}

/* Equal strings, false when either is NULL. */
static inline bool h_eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* The event's summary in "en" or "ja" ("" if missing, so strstr is safe). */
static const char *h_summary(json_t *ev, const char *lang)
{
	const char *s = json_string_value(json_object_get(json_object_get(ev, "summary"), lang));
	return s ? s : "";
}

static const uint8_t H_CAM[6] = {0x28, 0x57, 0xbe, 0x01, 0x02, 0x03};
static const uint8_t H_PC[6] = {0x00, 0x1b, 0x21, 0x0a, 0x0b, 0x0c};
static const uint8_t H_GW[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
#define H_T0 1700000000000000ULL /* 2023-11-14T22:13:20Z */
#define H_S 1000000ULL

/* A DNS message: a query for name (type A), or with answer != NULL a
 * response carrying one A record. Returns its length. */
static inline size_t h_dns_msg(uint8_t *b, uint16_t id, const char *name, const char *answer)
{
	memset(b, 0, 12);
	pg_put16(b, id);
	pg_put16(b + 2, answer ? 0x8180 : 0x0100);
	pg_put16(b + 4, 1);
	pg_put16(b + 6, answer ? 1 : 0);
	size_t n = 12;
	for (const char *p = name; *p;) {
		size_t l = strcspn(p, ".");
		b[n++] = (uint8_t)l;
		memcpy(b + n, p, l);
		n += l;
		p += l;
		if (*p == '.')
			p++;
	}
	b[n++] = 0;
	pg_put16(b + n, 1);
	pg_put16(b + n + 2, 1);
	n += 4;
	if (answer) {
		pg_put16(b + n, 0xc00c);
		pg_put16(b + n + 2, 1);
		pg_put16(b + n + 4, 1);
		pg_put32(b + n + 6, 300);
		pg_put16(b + n + 10, 4);
		inet_pton(AF_INET, answer, b + n + 12);
		n += 16;
	}
	return n;
}

/* `mac`/`ip` asks the gateway resolver 192.168.1.1 for name; with answer
 * != NULL the resolver answers 1 ms later. */
static inline void h_dns(struct engine *e, uint64_t ts, const uint8_t *mac, const char *ip, uint16_t sport,
		  const char *name, const char *answer)
{
	uint8_t m[512];
	size_t n = h_dns_msg(m, sport, name, NULL);
	eh_udp(e, ts, mac, ip, sport, H_GW, "192.168.1.1", 53, m, n);
	if (answer) {
		n = h_dns_msg(m, sport, name, answer);
		eh_udp(e, ts + 1000, H_GW, "192.168.1.1", 53, mac, ip, sport, m, n);
	}
}

/* Only the resolver's answer (the query was not captured). */
static inline void h_dns_answer(struct engine *e, uint64_t ts, const uint8_t *mac, const char *ip, uint16_t sport,
			 const char *name, const char *answer)
{
	uint8_t m[512];
	size_t n = h_dns_msg(m, sport, name, answer);
	eh_udp(e, ts, H_GW, "192.168.1.1", 53, mac, ip, sport, m, n);
}

/* A full TCP handshake from a local device (mac/ip) to a remote host
 * through the gateway's MAC. */
static inline void h_handshake(struct engine *e, uint64_t ts, const uint8_t *mac, const char *ip, uint16_t sport,
			const char *dip, uint16_t dport)
{
	eh_tcp(e, ts, mac, ip, sport, H_GW, dip, dport, 0x02, NULL);
	eh_tcp(e, ts + 1000, H_GW, dip, dport, mac, ip, sport, 0x12, NULL);
	eh_tcp(e, ts + 2000, mac, ip, sport, H_GW, dip, dport, 0x10, NULL);
}

#endif
