/* store.h - koban's persistent store in an output directory: the SQLite
 * database (koban.db, WAL, schema version + migrations) holding the device
 * inventory and the events, and the tamper-evident event log (events.log).
 *
 * Writes are crash-safe: an event is appended to events.log (one write per
 * record) and inserted into the database inside a transaction that is
 * committed at least every STORE_COMMIT_EVERY events and on store_commit(). A
 * kill -9 loses nothing that was committed, leaves a database that opens and
 * a log that verifies up to its last whole record. */
#ifndef KOBAN_STORE_H
#define KOBAN_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/model.h"

#define STORE_COMMIT_EVERY 256

struct store;

/* Opens or creates DIR/koban.db and DIR/events.log (DIR must exist). `key`
 * (may be NULL) keys the log's hash chain (HMAC-SHA-256 instead of SHA-256).
 * On failure returns NULL and writes a reason into err. */
struct store *store_open(const char *dir, const char *key, char *err, size_t errsz);

/* Records an event: appended to events.log and inserted into the database. */
int store_add_event(struct store *st, const struct event *ev);
/* The same with the event's JSON (event_to_json, compact) already made. */
int store_add_event_json(struct store *st, const struct event *ev, const char *json);

/* Inserts or replaces a device (keyed by MAC, else by its first IP) and logs
 * the state change ("device" record) in events.log. */
int store_put_device(struct store *st, const struct device *dev);
/* The same with the device's JSON (device_to_json, compact) already made. */
int store_put_device_json(struct store *st, const struct device *dev, const char *json);

/* Marks the start of an analysis run: a "run" record {"phase":"start",
 * ...info} in events.log (info: what is read - e.g. the input files with
 * their size and SHA-256, the koban version; may be NULL; not stolen) and a
 * row in `runs`, committed at once. Events stored until store_run_end()
 * belong to this run. Returns 0 or -1. */
int store_run_begin(struct store *st, const json_t *info);

/* Marks the end of the run: a "run" record {"phase":"end","run":SEQ,
 * ...info} (e.g. packets read, events, devices), then commits. */
int store_run_end(struct store *st, const json_t *info);

/* Commits the open transaction (the caller does this at the end of a run
 * and may do it periodically). */
int store_commit(struct store *st);

/* The reason for the last failure (a sentence naming the file). */
const char *store_error(const struct store *st);

/* Commits what is pending and closes. */
void store_close(struct store *st);

#endif
