/* alert.h - koban's alert outputs: every event at or above
 * alert.min_severity is folded into incidents (same kind, device, peer and
 * evidence key within alert.fold_window seconds of capture time, see
 * fold.c) and the resulting alerts go to the outputs the configuration
 * enables: JSON lines on standard output, RFC 5424 syslog messages (UNIX
 * datagram socket or UDP), and a command run with the alert on its standard
 * input. The keys and formats are documented in docs/alerts.md.
 *
 * Use: alerter_new() at start-up (it reads every `alert.*` key), then
 * alerter_event() for each event in capture order, alerter_finish() at the
 * end of the run (sends the summaries of incidents still open), and
 * alerter_free(). All of it runs in the caller's thread; a command output
 * blocks for at most alert.command_timeout seconds per alert. */
#ifndef KOBAN_ALERT_H
#define KOBAN_ALERT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "engine/config.h"
#include "engine/model.h"

struct alerter;

struct alert_stats {
	uint64_t events;        /* events given to alerter_event */
	uint64_t below_min;     /* of those, ignored: below alert.min_severity */
	uint64_t folded;        /* folded into an open incident without an alert of their own */
	uint64_t alerts;        /* "event" alerts sent: first of an incident, or a severity rise */
	uint64_t summaries;     /* "summary" alerts sent for incidents of two or more events */
	uint64_t send_errors;   /* deliveries that failed (syslog send, command exit != 0 ...) */
	uint64_t command_timeouts; /* commands killed at alert.command_timeout */
};

/* Reads the `alert.*` keys of cfg (marking them used) and opens the outputs.
 * Returns NULL with a message in err on a bad setting or an output that
 * cannot be opened (e.g. no syslog socket at the configured path). With no
 * output enabled it still works (and counts). */
struct alerter *alerter_new(struct config *cfg, char *err, size_t errsz);

/* One event, in capture order. ev is only read; its evidence is not kept
 * beyond what the alert needs (a reference is taken). */
void alerter_event(struct alerter *a, const struct event *ev);

/* End of the run: sends the summary of every incident still open that
 * folded two or more events. Events may follow (new incidents). */
void alerter_finish(struct alerter *a);

/* Closes the outputs and frees everything. Sends nothing: call
 * alerter_finish() first. NULL is allowed. */
void alerter_free(struct alerter *a);

void alerter_get_stats(const struct alerter *a, struct alert_stats *out);

/* Also hands every alert object (the JSON written to stdout) to fn, after
 * the outputs; the object is only lent for the call. For tests and for
 * callers that want the alerts themselves. fn NULL removes it. */
void alerter_set_sink(struct alerter *a, void (*fn)(void *ctx, json_t *alert), void *ctx);

#endif
