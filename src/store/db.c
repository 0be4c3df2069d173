/* db.c - koban.db: opening SQLite with koban's pragmas, the schema as an
 * ordered list of migration steps recorded in meta.schema_version, and the
 * meta table that keeps a copy of the event log's head. To change the
 * schema, append one step to `migrations` (never edit a released step). */
#include "store/db.h"

#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Step N brings the schema from version N-1 to N. Times are microseconds
 * since the epoch (capture time); json holds device_to_json/event_to_json. */
static const char *const migrations[] = {
	/* 1 */
	"CREATE TABLE devices ("
	"  id INTEGER PRIMARY KEY,"
	"  key TEXT NOT NULL UNIQUE,"    /* MAC, else first IP */
	"  mac TEXT,"
	"  ips TEXT,"                    /* display: comma-separated */
	"  hostnames TEXT,"
	"  services TEXT,"               /* display: \"80/tcp http, 23/tcp telnet\" */
	"  first_seen INTEGER NOT NULL,"
	"  last_seen INTEGER NOT NULL,"
	"  vendor TEXT,"
	"  manufacturer TEXT,"
	"  model TEXT,"
	"  firmware TEXT,"
	"  log_seq INTEGER,"             /* its last \"device\" record in events.log */
	"  json TEXT NOT NULL);"
	"CREATE TABLE runs ("
	"  id INTEGER PRIMARY KEY,"      /* sequence number of its \"run\" start record */
	"  started TEXT NOT NULL,"       /* wall clock, ISO 8601 UTC */
	"  ended TEXT,"
	"  start_json TEXT NOT NULL,"
	"  end_json TEXT,"
	"  log_last INTEGER);"           /* its \"run\" end record */
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY,"
	"  run_id INTEGER REFERENCES runs(id),"
	"  log_seq INTEGER NOT NULL,"    /* its \"event\" record in events.log */
	"  ts INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  severity TEXT NOT NULL,"
	"  device_mac TEXT,"
	"  device_ip TEXT,"
	"  peer TEXT,"
	"  summary_en TEXT,"
	"  summary_ja TEXT,"
	"  json TEXT NOT NULL);"
	"CREATE INDEX events_ts ON events(ts);"
	"CREATE INDEX events_kind ON events(kind, ts);",
};

int db_schema_latest(void)
{
	return (int)(sizeof migrations / sizeof migrations[0]);
}

int db_exec(sqlite3 *db, const char *sql, char *err, size_t errsz)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errsz, "%s", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int db_meta_get(sqlite3 *db, const char *key, char *buf, size_t bufsz)
{
	sqlite3_stmt *st;
	int rc = -1;
	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?1", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		const unsigned char *v = sqlite3_column_text(st, 0);
		snprintf(buf, bufsz, "%s", v ? (const char *)v : "");
		rc = 1;
	} else if (s == SQLITE_DONE) {
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

int db_meta_set(sqlite3 *db, const char *key, const char *value)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "INSERT INTO meta(key, value) VALUES(?1, ?2) "
				   "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
			       -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	return rc;
}

static bool has_meta_table(sqlite3 *db)
{
	sqlite3_stmt *st;
	bool found = false;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", -1, &st,
			       NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(st, 1, "meta", -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

int db_schema_version(sqlite3 *db)
{
	char buf[32];
	if (!has_meta_table(db))
		return 0;
	int rc = db_meta_get(db, "schema_version", buf, sizeof buf);
	if (rc <= 0)
		return rc;
	char *end;
	long v = strtol(buf, &end, 10);
	return (*end || v < 0 || v > 1000000) ? -1 : (int)v;
}

/* One step: in its own transaction, re-reading the version inside it so two
 * processes opening a new database at once do not both apply it. Returns 1
 * if a step was applied, 0 if already at target, -1 on error. */
static int migrate_one(sqlite3 *db, const char *path, const char *const *steps, int nsteps, char *err,
		       size_t errsz)
{
	char msg[256], ver[16];
	if (db_exec(db, "BEGIN IMMEDIATE", msg, sizeof msg) != 0) {
		snprintf(err, errsz, "%s: %s", path, msg);
		return -1;
	}
	int v = db_schema_version(db);
	if (v < 0 || v > nsteps) {
		db_exec(db, "ROLLBACK", msg, sizeof msg);
		if (v < 0)
			snprintf(err, errsz, "%s: unreadable schema_version in the meta table", path);
		else
			snprintf(err, errsz,
				 "%s: database schema version %d is newer than this koban supports (%d); "
				 "use a newer koban or another output directory",
				 path, v, nsteps);
		return -1;
	}
	if (v == nsteps)
		return db_exec(db, "COMMIT", msg, sizeof msg) == 0 ? 0 : -1;
	snprintf(ver, sizeof ver, "%d", v + 1);
	if (db_exec(db, steps[v], msg, sizeof msg) != 0 || db_meta_set(db, "schema_version", ver) != 0 ||
	    db_exec(db, "COMMIT", msg, sizeof msg) != 0) {
		snprintf(err, errsz, "%s: migration to schema version %d failed: %s", path, v + 1,
			 *msg ? msg : sqlite3_errmsg(db));
		db_exec(db, "ROLLBACK", msg, sizeof msg);
		return -1;
	}
	return 1;
}

int db_migrate(sqlite3 *db, const char *path, const char *const *steps, int nsteps, char *err, size_t errsz)
{
	char msg[256] = "";
	if (db_exec(db, "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value NOT NULL)", msg,
		    sizeof msg) != 0) {
		snprintf(err, errsz, "%s: %s", path, msg);
		return -1;
	}
	int rc;
	while ((rc = migrate_one(db, path, steps, nsteps, err, errsz)) == 1)
		;
	return rc;
}

static sqlite3 *open_fail(sqlite3 *db, char *err, size_t errsz, const char *path, const char *why)
{
	snprintf(err, errsz, "%s: %s", path, why ? why : (db ? sqlite3_errmsg(db) : "cannot open"));
	sqlite3_close(db);
	return NULL;
}

/* Read-only: the file must be a koban database this code can read. */
static sqlite3 *check_readonly(sqlite3 *db, const char *path, char *err, size_t errsz)
{
	char why[200];
	int v = db_schema_version(db);
	if (v == 0 || v < 0)
		return open_fail(db, err, errsz, path, v == 0 ? "not a koban database (no schema version)"
							      : sqlite3_errmsg(db));
	if (v > db_schema_latest()) {
		snprintf(why, sizeof why, "database schema version %d is newer than this koban supports (%d)", v,
			 db_schema_latest());
		return open_fail(db, err, errsz, path, why);
	}
	return db;
}

sqlite3 *db_open(const char *path, bool readonly, char *err, size_t errsz)
{
	sqlite3 *db = NULL;
	struct stat st;
	char msg[256];
	if (readonly && stat(path, &st) != 0)
		return open_fail(NULL, err, errsz, path, strerror(errno));
	int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		return open_fail(db, err, errsz, path, NULL);
	sqlite3_busy_timeout(db, 5000);
	sqlite3_extended_result_codes(db, 1);
	if (db_exec(db, "PRAGMA foreign_keys = ON", msg, sizeof msg) != 0)
		return open_fail(db, err, errsz, path, msg);
	if (readonly)
		return check_readonly(db, path, err, errsz);
	if (db_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL", msg, sizeof msg) != 0)
		return open_fail(db, err, errsz, path, msg);
	if (db_migrate(db, path, migrations, db_schema_latest(), err, errsz) != 0) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

int db_get_log_head(sqlite3 *db, struct eventlog_head *h)
{
	char count[32], hash[EVENTLOG_HEX + 8];
	int a = db_meta_get(db, "log_count", count, sizeof count);
	int b = db_meta_get(db, "log_head", hash, sizeof hash);
	if (a < 0 || b < 0)
		return -1;
	if (a == 0 || b == 0)
		return 0;
	char *end;
	errno = 0;
	unsigned long long n = strtoull(count, &end, 10);
	if (*end || errno || strlen(hash) != 64)
		return -1;
	h->count = n;
	memcpy(h->hash, hash, EVENTLOG_HEX);
	return 1;
}

int db_set_log_head(sqlite3 *db, const struct eventlog_head *h)
{
	char count[32];
	snprintf(count, sizeof count, "%" PRIu64, h->count);
	return db_meta_set(db, "log_count", count) == 0 && db_meta_set(db, "log_head", h->hash) == 0 ? 0 : -1;
}

int db_head_beside(const char *logpath, struct eventlog_head *h, bool *keyed, char *err, size_t errsz)
{
	char copy[4096], dbpath[4200], flag[8];
	struct stat st;
	*keyed = false;
	snprintf(copy, sizeof copy, "%s", logpath);
	snprintf(dbpath, sizeof dbpath, "%s/%s", dirname(copy), DB_FILE);
	if (stat(dbpath, &st) != 0)
		return 0;
	sqlite3 *db = db_open(dbpath, true, err, errsz);
	if (!db)
		return -1;
	int rc = db_get_log_head(db, h);
	if (rc < 0)
		snprintf(err, errsz, "%s: cannot read the log head: %s", dbpath, sqlite3_errmsg(db));
	if (db_meta_get(db, "log_keyed", flag, sizeof flag) == 1)
		*keyed = strcmp(flag, "1") == 0;
	sqlite3_close(db);
	return rc;
}

sqlite3 *db_open_output(const char *dir, char *dbpath, size_t dbpathsz, char *err, size_t errsz)
{
	struct stat st;
	int rc = stat(dir, &st);
	if (rc != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errsz, "%s: %s", dir, rc != 0 ? strerror(errno) : "not a directory");
		return NULL;
	}
	snprintf(dbpath, dbpathsz, "%s/%s", dir, DB_FILE);
	if (stat(dbpath, &st) != 0) {
		snprintf(err, errsz, "%s: no koban database here (run `koban analyze --out %s` first)", dbpath, dir);
		return NULL;
	}
	return db_open(dbpath, true, err, errsz);
}

void db_print_json(FILE *f, const char *text)
{
	const unsigned char *u = (const unsigned char *)text;
	for (; *u; u++) {
		if (*u == 0x7f)
			fputs("\\u007f", f);
		else if (*u == 0xc2 && u[1] >= 0x80 && u[1] <= 0x9f)
			fprintf(f, "\\u%04x", *++u);
		else if (*u < 0x20) /* never in valid JSON text; do not pass it on */
			fprintf(f, "\\u%04x", *u);
		else
			fputc(*u, f);
	}
}
