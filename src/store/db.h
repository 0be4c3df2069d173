/* db.h - koban.db, the SQLite side of the store (internal to src/store and
 * the CLI verbs that read it): opening with the right pragmas, the schema
 * and its ordered migrations, and the meta table (schema_version, the copy
 * of the event log's head). */
#ifndef KOBAN_DB_H
#define KOBAN_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <sqlite3.h>

#include "store/eventlog.h"

#define DB_FILE "koban.db"
#define LOG_FILE "events.log"

/* The schema version this code writes (the number of migration steps). */
int db_schema_latest(void);

/* Opens PATH. Read-write: created if missing, WAL, synchronous=NORMAL,
 * foreign keys on, migrated to the latest version. Read-only: must exist and
 * be a koban database not newer than this code. Refuses a database newer
 * than the code. On failure returns NULL with a reason naming PATH in err. */
sqlite3 *db_open(const char *path, bool readonly, char *err, size_t errsz);

/* Applies steps[v-1] for every version v above the recorded one, up to
 * nsteps, each in its own transaction together with the new schema_version.
 * Fails (without changing anything) if the database is newer than nsteps. */
int db_migrate(sqlite3 *db, const char *path, const char *const *steps, int nsteps, char *err, size_t errsz);

/* The recorded schema_version: 0 if none, -1 on error. */
int db_schema_version(sqlite3 *db);

/* meta table. get: 1 found (copied into buf), 0 missing, -1 error. */
int db_meta_get(sqlite3 *db, const char *key, char *buf, size_t bufsz);
int db_meta_set(sqlite3 *db, const char *key, const char *value);

/* The event log's head as recorded at the last commit: 1 found, 0 none, -1 error. */
int db_get_log_head(sqlite3 *db, struct eventlog_head *h);
int db_set_log_head(sqlite3 *db, const struct eventlog_head *h);

/* For `koban log verify FILE`: the head recorded in koban.db beside FILE.
 * Returns 1 found, 0 when there is no koban.db there (or it has no head),
 * -1 when it exists but cannot be read (reason in err). *keyed is set from
 * the database's log_keyed flag (false when unknown). */
int db_head_beside(const char *logpath, struct eventlog_head *h, bool *keyed, char *err, size_t errsz);

/* Opens DIR/koban.db read-only for the verbs that list what a run stored
 * (path copied into dbpath). Fails with a reason naming DIR or the database
 * when DIR is missing, holds no koban.db or an unreadable one. */
sqlite3 *db_open_output(const char *dir, char *dbpath, size_t dbpathsz, char *err, size_t errsz);

/* Writes compact JSON text to f with DEL and C1 control characters (which jansson
 * leaves as they are) turned into \u escapes: still the same JSON, and safe
 * to show on a terminal. */
void db_print_json(FILE *f, const char *text);

/* Runs SQL without parameters (BEGIN, COMMIT, DDL). Returns 0 or -1 with err. */
int db_exec(sqlite3 *db, const char *sql, char *err, size_t errsz);

#endif
