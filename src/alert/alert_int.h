/* alert_int.h - internals of the alert module: the output interface (one
 * file per output: out_stdout.c, out_syslog.c, out_command.c) and the
 * incident folding of fold.c. Not part of koban's API. */
#ifndef KOBAN_ALERT_INT_H
#define KOBAN_ALERT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "engine/model.h"

/* ---- outputs ---- */

struct alert_out {
	/* Delivers one alert (the JSON object documented in docs/alerts.md).
	 * Returns 0, or -1 if it could not be delivered. */
	int (*send)(struct alert_out *o, json_t *alert);
	void (*destroy)(struct alert_out *o);
	uint64_t timeouts; /* out_command: commands killed at the timeout */
};

/* JSON lines on f (normally stdout), flushed after each alert. */
struct alert_out *out_stdout_new(FILE *f);

struct syslog_opts {
	const char *socket_path; /* UNIX datagram socket (e.g. /dev/log), or NULL */
	const char *udp;         /* "host:port" or "[v6]:port", or NULL */
	int facility;            /* 0..23 */
	const char *lang;        /* language of MSG: "ja" or "en" */
};
struct alert_out *out_syslog_new(const struct syslog_opts *o, char *err, size_t errsz);

/* Facility name ("daemon", "local0" ...) to its number, -1 if unknown. */
int syslog_facility_parse(const char *name);

/* Formats the RFC 5424 message for an alert into buf (NUL-terminated,
 * at most bufsz - 1 bytes, MSG cut on a character boundary). Returns the
 * length. hostname and procid as given (validated here). */
size_t syslog_format(json_t *alert, int facility, const char *hostname, long procid, const char *lang,
		     char *buf, size_t bufsz);

/* Runs `/bin/sh -c command` per alert with the alert JSON on stdin, killing
 * it (and its process group) after timeout_s seconds. */
struct alert_out *out_command_new(const char *command, unsigned timeout_s, char *err, size_t errsz);

/* ---- folding ---- */

#define FOLD_MAX_OPEN 4096 /* open incidents kept; the one idle longest is closed to make room */

typedef void (*fold_emit_fn)(void *ctx, json_t *alert);

struct fold_stats {
	uint64_t folded, alerts, summaries;
};

struct fold;

/* window_s 0 turns folding off (every event is its own alert). emit
 * receives each alert object, lent for the call. */
struct fold *fold_new(uint32_t window_s, size_t max_open, fold_emit_fn emit, void *ctx);
/* Capture time has reached now_us: closes the incidents idle for longer
 * than the window (their summaries are emitted). */
void fold_advance(struct fold *f, uint64_t now_us);
/* An event (at or above the minimum severity), in capture order. */
void fold_event(struct fold *f, const struct event *ev);
/* Closes every open incident. */
void fold_flush(struct fold *f);
void fold_get_stats(const struct fold *f, struct fold_stats *out);
void fold_free(struct fold *f);

#endif
