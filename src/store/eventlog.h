/* eventlog.h - the tamper-evident event log (events.log): an append-only text
 * file of hash-chained records, one per line, and its verifier. The format
 * and the threat model are described in docs/eventlog.md.
 *
 * A line is  SEQ SP TYPE SP PREV SP HASH SP PAYLOAD LF  where SEQ counts from
 * 1, TYPE is "event", "device" or "run", PREV and HASH are 64 lowercase hex
 * digits and PAYLOAD is compact single-line JSON. HASH is SHA-256 (or
 * HMAC-SHA-256 keyed with log_key) over the canonical encoding of (SEQ, TYPE,
 * PREV, PAYLOAD); PREV is the HASH of the record before, or 64 zeros for the
 * first record. */
#ifndef KOBAN_EVENTLOG_H
#define KOBAN_EVENTLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define EVENTLOG_HEX 65 /* 64 hex digits + NUL */
#define EVENTLOG_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* The head of a log: how many records it has and the hash of the last one
 * (EVENTLOG_GENESIS when empty). koban.db keeps a copy updated at each commit. */
struct eventlog_head {
	uint64_t count;
	char hash[EVENTLOG_HEX];
};

/* ---- writing ---- */

struct eventlog;

/* Opens PATH for appending (created if missing), continuing its chain. The
 * last whole record must verify with `key` (NULL or "" = unkeyed). A partial
 * last line left by a crash is moved to PATH.torn and cut off; the caller
 * learns its size from eventlog_torn_bytes() and should log a "run" record
 * saying so. If `head` is given (the copy in koban.db), a log that ends
 * before it is refused as truncated. Takes an exclusive lock on the file.
 * On failure returns NULL with a reason naming the file in err. */
struct eventlog *eventlog_open(const char *path, const char *key, const struct eventlog_head *head,
			       char *err, size_t errsz);

/* Appends one record with a single write(). `payload` must be single-line
 * JSON text (no '\n'). Returns the new record's sequence number, or 0 on
 * error. */
uint64_t eventlog_append(struct eventlog *lg, const char *type, const char *payload, size_t len);
/* Same with the payload serialised from `j` (JSON_COMPACT | JSON_PRESERVE_ORDER). */
uint64_t eventlog_append_json(struct eventlog *lg, const char *type, const json_t *j);

/* The current head (count and last hash). */
void eventlog_get_head(const struct eventlog *lg, struct eventlog_head *head);
/* Bytes of a partial last line removed when the log was opened (0 = none). */
uint64_t eventlog_torn_bytes(const struct eventlog *lg);
/* Flushes the file to disk (fdatasync). Returns 0 or -1. */
int eventlog_sync(struct eventlog *lg);
/* The last error of the writer (a short sentence naming the file). */
const char *eventlog_error(const struct eventlog *lg);
void eventlog_close(struct eventlog *lg);

/* ---- hashing ---- */

/* Computes the record hash (hex) of (seq, type, prev, payload). */
void eventlog_hash(const char *key, uint64_t seq, const char *type, size_t type_len, const char *prev_hex,
		   const char *payload, size_t payload_len, char out[EVENTLOG_HEX]);

/* SHA-256 as hex of a file's first `limit` bytes (0: the whole file), for
 * "run" records naming what was read. Returns false on I/O error. */
bool eventlog_file_sha256(const char *path, uint64_t limit, char out[EVENTLOG_HEX]);

/* ---- verifying ---- */

enum eventlog_problem {
	EVENTLOG_INTACT = 0,
	EVENTLOG_ALTERED,    /* a record's hash does not match its contents, or the chain breaks */
	EVENTLOG_REMOVED,    /* records missing (sequence gap) */
	EVENTLOG_INSERTED,   /* a foreign line, or a sequence number seen twice */
	EVENTLOG_REORDERED,  /* a record appears before one that precedes it */
	EVENTLOG_CUT_PARTIAL,/* the last line is incomplete (no newline) */
	EVENTLOG_CUT_MISSING,/* whole records missing at the end (log shorter than the koban.db head) */
	EVENTLOG_HEAD_MISMATCH, /* the record at the koban.db head differs from what it recorded */
};

struct eventlog_result {
	enum eventlog_problem problem;
	uint64_t intact;      /* records verified before the first problem (all of them when intact) */
	uint64_t record;      /* the record (sequence number) the problem concerns */
	uint64_t line;        /* its line in the file (1-based) */
	uint64_t record2;     /* the other record involved (reordered: the one out of place; removed: last missing) */
	uint64_t line2;       /* the other line involved (inserted: the duplicate; reordered: where record2 is) */
	uint64_t missing;     /* CUT_MISSING: records missing at the end */
	bool foreign;         /* INSERTED: line `line` is not a record of this log (else: a duplicate) */
	bool key_hint;        /* the first records fail only their own hashes: probably the wrong key */
	struct eventlog_head head; /* the last intact record (count = intact) */
};

/* Verifies PATH with `key` (NULL or "" = unkeyed). `dbhead` (may be NULL) is
 * the head recorded in koban.db. Returns 0 with *res filled in (intact or
 * not), or -1 on an I/O error with a reason naming the file in err. */
int eventlog_verify(const char *path, const char *key, const struct eventlog_head *dbhead,
		    struct eventlog_result *res, char *err, size_t errsz);

/* One line describing the result, as `koban log verify` prints it
 * ("intact: 42 records", "altered: record 17 (line 17)" ...). */
void eventlog_describe(const struct eventlog_result *res, char *buf, size_t bufsz);

#endif
