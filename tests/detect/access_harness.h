/* access_harness.h - drives the real engine with hand-made frames for the
 * tests of the access detectors (bruteforce, default-credential,
 * cleartext-admin, wan-exposure): an engine with chosen detectors and
 * configuration lines, hosts (local ones by their own MAC, remote ones
 * behind the gateway's MAC), TCP sessions with TELNET / FTP / HTTP Basic
 * logins, and lookups in the events collected; on engine_harness.h. */
#ifndef KOBAN_TEST_ACCESS_HARNESS_H
#define KOBAN_TEST_ACCESS_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/engine.h"
#include "engine_harness.h"
#include "intel/intel.h"
#include "pktgen.h"
#include "test.h"

#define H_UNUSED __attribute__((unused))

struct host {
	const uint8_t *mac; /* a remote host's frames carry the gateway's MAC */
	const char *ip;
};

static const uint8_t H_CAM_MAC[6] H_UNUSED = {0x28, 0x57, 0xbe, 0x01, 0x02, 0x03};
static const uint8_t H_PC_MAC[6] H_UNUSED = {0x00, 0x1b, 0x21, 0x0a, 0x0b, 0x0c};
static const uint8_t H_PC2_MAC[6] H_UNUSED = {0x00, 0x1b, 0x21, 0x0a, 0x0b, 0x0d};
static const uint8_t H_GW_MAC[6] H_UNUSED = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};

static const struct host CAM H_UNUSED = {H_CAM_MAC, "192.168.1.20"};
static const struct host PC H_UNUSED = {H_PC_MAC, "192.168.1.10"};
static const struct host PC2 H_UNUSED = {H_PC2_MAC, "192.168.1.11"};
static const struct host WAN1 H_UNUSED = {H_GW_MAC, "203.0.113.9"};
static const struct host WAN2 H_UNUSED = {H_GW_MAC, "198.51.100.7"};
static const struct host WAN3 H_UNUSED = {H_GW_MAC, "198.51.100.8"};

static json_t *h_events H_UNUSED;
static uint64_t h_now H_UNUSED = 1700000000000000ULL;
static uint16_t h_port H_UNUSED = 40000;

static inline void h_collect(void *ctx, const struct event *ev)
{
	(void)ctx;
	json_array_append_new(h_events, event_to_json(ev));
}

/* A fresh engine (and event list) with detectors `dets` and configuration
 * lines `conf` (may be NULL). NULL with the reason in err on failure. */
static inline struct engine *h_engine(const char *dets, const char *conf, struct intel *in, char *err, size_t errsz)
{
	struct config cfg;
	config_defaults(&cfg);
	if (conf && *conf) {
		char path[] = "/tmp/koban-detect-XXXXXX";
		int fd = mkstemp(path);
		FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (!f)
			return NULL;
		fputs(conf, f);
		fclose(f);
		bool ok = config_load(&cfg, path, err, errsz);
		unlink(path);
		if (!ok)
			return NULL;
	}
	snprintf(cfg.detectors, sizeof cfg.detectors, "%s", dets);
	cfg.flow_memory_kb = 1024;
	cfg.stream_slots = 16;
	json_decref(h_events);
	h_events = json_array();
	struct engine_sink sink = {.event = h_collect, .ctx = NULL};
	return engine_new(&cfg, &sink, in, err, errsz);
}

static inline struct engine *h_engine_ok(const char *dets, const char *conf, struct intel *in)
{
	char err[256] = "";
	struct engine *e = h_engine(dets, conf, in, err, sizeof err);
	if (!e)
		fprintf(stderr, "engine: %s\n", err);
	CHECK(e != NULL);
	return e;
}

static inline void h_done(struct engine *e)
{
	engine_free(e);
}

static inline void h_wait(double seconds)
{
	h_now += (uint64_t)(seconds * 1e6);
}

/* One TCP segment from a to b, 1 ms after the last frame. */
static inline void h_tcp(struct engine *e, const struct host *a, uint16_t aport, const struct host *b, uint16_t bport,
		  uint8_t flags, const char *payload)
{
	h_now += 1000;
	eh_tcp(e, h_now, a->mac, a->ip, aport, b->mac, b->ip, bport, flags, payload);
}

static inline void h_udp(struct engine *e, const struct host *a, uint16_t aport, const struct host *b, uint16_t bport,
		  const char *payload)
{
	h_now += 1000;
	eh_udp(e, h_now, a->mac, a->ip, aport, b->mac, b->ip, bport, payload, strlen(payload));
}

/* An ARP packet: lets capture time pass with no TCP/UDP traffic. */
static inline void h_tick(struct engine *e)
{
	uint8_t buf[64];
	size_t n = pg_arp(buf, H_PC_MAC, PC.ip, "192.168.1.1");
	h_now += 1000;
	eh_feed(e, h_now, buf, n);
}

/* Client port of the next session (every session gets its own). */
static inline uint16_t h_next_port(void)
{
	if (++h_port < 40000)
		h_port = 40000;
	return h_port;
}

static inline void h_handshake(struct engine *e, const struct host *c, uint16_t cp, const struct host *s, uint16_t sp)
{
	h_tcp(e, c, cp, s, sp, 0x02, NULL);
	h_tcp(e, s, sp, c, cp, 0x12, NULL);
	h_tcp(e, c, cp, s, sp, 0x10, NULL);
}

static inline void h_close(struct engine *e, const struct host *c, uint16_t cp, const struct host *s, uint16_t sp)
{
	h_tcp(e, c, cp, s, sp, 0x11, NULL);
	h_tcp(e, s, sp, c, cp, 0x11, NULL);
	h_tcp(e, c, cp, s, sp, 0x10, NULL);
}

/* A TELNET connection with one login attempt (server answers "incorrect"). */
static inline void h_telnet_login(struct engine *e, const struct host *c, const struct host *s, uint16_t sp,
			   const char *user, const char *pass)
{
	char line[128];
	uint16_t cp = h_next_port();
	h_handshake(e, c, cp, s, sp);
	h_tcp(e, s, sp, c, cp, 0x18, "\r\nIPCAM v2.1 ready\r\nlogin: ");
	snprintf(line, sizeof line, "%s\r\n", user);
	h_tcp(e, c, cp, s, sp, 0x18, line);
	h_tcp(e, s, sp, c, cp, 0x18, "Password: ");
	snprintf(line, sizeof line, "%s\r\n", pass);
	h_tcp(e, c, cp, s, sp, 0x18, line);
	h_tcp(e, s, sp, c, cp, 0x18, "\r\nLogin incorrect\r\n");
	h_close(e, c, cp, s, sp);
}

static inline void h_ftp_login(struct engine *e, const struct host *c, const struct host *s, const char *user,
			const char *pass)
{
	char line[128];
	uint16_t cp = h_next_port();
	h_handshake(e, c, cp, s, 21);
	h_tcp(e, s, 21, c, cp, 0x18, "220 NAS FTP server ready\r\n");
	snprintf(line, sizeof line, "USER %s\r\n", user);
	h_tcp(e, c, cp, s, 21, 0x18, line);
	h_tcp(e, s, 21, c, cp, 0x18, "331 Password required\r\n");
	snprintf(line, sizeof line, "PASS %s\r\n", pass);
	h_tcp(e, c, cp, s, 21, 0x18, line);
	h_tcp(e, s, 21, c, cp, 0x18, "530 Login incorrect\r\n");
	h_close(e, c, cp, s, 21);
}

static inline void h_base64(const char *in, char *out)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(in), o = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)(uint8_t)in[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)(uint8_t)in[i + 1] << 8;
		if (i + 2 < n)
			v |= (uint8_t)in[i + 2];
		out[o++] = tab[v >> 18 & 63];
		out[o++] = tab[v >> 12 & 63];
		out[o++] = i + 1 < n ? tab[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? tab[v & 63] : '=';
	}
	out[o] = '\0';
}

/* `requests` HTTP requests with the same Basic credentials on one connection. */
static inline void h_http_basic(struct engine *e, const struct host *c, const struct host *s, uint16_t sp,
			 const char *user, const char *pass, int requests)
{
	char cred[128], b64[200], req[512];
	uint16_t cp = h_next_port();
	snprintf(cred, sizeof cred, "%s:%s", user, pass);
	h_base64(cred, b64);
	snprintf(req, sizeof req, "GET /snapshot.jpg HTTP/1.1\r\nHost: cam\r\nAuthorization: Basic %s\r\n\r\n", b64);
	h_handshake(e, c, cp, s, sp);
	for (int i = 0; i < requests; i++) {
		h_tcp(e, c, cp, s, sp, 0x18, req);
		h_tcp(e, s, sp, c, cp, 0x18, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
	}
	h_close(e, c, cp, s, sp);
}

/* A short connection with a little data each way (an SSH attempt). */
static inline void h_short_conn(struct engine *e, const struct host *c, const struct host *s, uint16_t sp)
{
	uint16_t cp = h_next_port();
	h_handshake(e, c, cp, s, sp);
	h_tcp(e, s, sp, c, cp, 0x18, "SSH-2.0-dropbear_2019.78\r\n");
	h_tcp(e, c, cp, s, sp, 0x18, "SSH-2.0-libssh2_1.8.0\r\n");
	h_close(e, c, cp, s, sp);
}

/* A refused connection: SYN answered by RST. */
static inline void h_refused(struct engine *e, const struct host *c, const struct host *s, uint16_t sp)
{
	uint16_t cp = h_next_port();
	h_tcp(e, c, cp, s, sp, 0x02, NULL);
	h_tcp(e, s, sp, c, cp, 0x14, NULL);
}

/* ---- events ---- */

static inline size_t h_count(const char *kind)
{
	return eh_count(h_events, kind);
}

static inline json_t *h_find(const char *kind, size_t nth)
{
	return eh_nth(h_events, kind, nth);
}

static inline const char *h_str(json_t *ev, const char *key)
{
	return eh_ev_str(ev, key);
}

static inline long long h_int(json_t *ev, const char *key)
{
	json_t *v = eh_evidence(ev, key);
	return json_is_integer(v) ? json_integer_value(v) : -1;
}

static inline const char *h_sev(json_t *ev)
{
	return json_string_value(json_object_get(ev, "severity"));
}

static inline const char *h_dev_ip(json_t *ev)
{
	return json_string_value(json_object_get(json_object_get(ev, "device"), "ip"));
}

static inline const char *h_peer_ip(json_t *ev)
{
	return json_string_value(json_object_get(json_object_get(ev, "peer"), "ip"));
}

/* The event's key points as text: "4,15". */
static inline const char *h_kps(json_t *ev, char *buf, size_t bufsz)
{
	size_t i, o = 0;
	json_t *k;
	buf[0] = '\0';
	json_array_foreach(json_object_get(ev, "key_points"), i, k) {
		int n = snprintf(buf + o, bufsz - o, "%s%lld", i ? "," : "", (long long)json_integer_value(k));
		if (n < 0 || (size_t)n >= bufsz - o)
			break;
		o += (size_t)n;
	}
	return buf;
}

/* The head of an event, as four checks: severity, key points ("4,15"),
 * the device's and the peer's address. */
#define H_CHECK_HEAD(ev, sev, kps, dev_ip, peer_ip)                  \
	do {                                                          \
		char kp_[32];                                         \
		CHECK_STR(h_sev(ev), sev);                            \
		CHECK_STR(h_kps(ev, kp_, sizeof kp_), kps);           \
		CHECK_STR(h_dev_ip(ev), dev_ip);                      \
		CHECK_STR(h_peer_ip(ev), peer_ip);                    \
	} while (0)

/* True if `secret` appears nowhere in the events written so far. */
static inline bool h_secret_absent(const char *secret)
{
	char *dump = json_dumps(h_events, 0);
	bool absent = dump && !strstr(dump, secret);
	free(dump);
	return absent;
}

static inline struct intel *h_intel(void)
{
	char err[512] = "";
	setenv("KOBAN_DATA_DIR", "data", 0);
	struct intel *in = intel_load(NULL, 0, err, sizeof err);
	if (!in)
		fprintf(stderr, "intel_load: %s\n", err);
	return in;
}

#endif
