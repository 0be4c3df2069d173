/* test_db.c - koban.db and the store: schema version and migrations (a
 * database newer than the code is refused), events and devices stored in
 * both the database and the log with periodic commits and the log head kept
 * in meta, runs, reopening, a truncated log refused, and kill -9 at random
 * moments leaving a database that opens and a log that verifies. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store/db.h"
#include "store/eventlog.h"
#include "store/store.h"
#include "test.h"

static char base[64];

static void new_dir(char *out, size_t sz, const char *name)
{
	snprintf(out, sz, "%s/%s", base, name);
	mkdir(out, 0700);
}

static long long count_rows(const char *dir, const char *sql)
{
	char path[256], err[512];
	snprintf(path, sizeof path, "%s/koban.db", dir);
	sqlite3 *db = db_open(path, true, err, sizeof err);
	sqlite3_stmt *s;
	long long n = -1;
	if (db && sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			n = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	sqlite3_close(db);
	return n;
}

static void fill_event(struct event *ev, int i)
{
	memset(ev, 0, sizeof *ev);
	ev->ts_us = 1700000000000000ull + (uint64_t)i * 1000;
	snprintf(ev->kind, sizeof ev->kind, "%s", i % 2 ? "cleartext-login" : "new-service");
	ev->severity = i % 2 ? SEV_HIGH : SEV_INFO;
	ev->has_mac = true;
	memcpy(ev->mac, (uint8_t[]){ 0x02, 0, 0, 0, 0, (uint8_t)(i % 7) }, 6);
	kaddr_v4(&ev->device_ip, (uint8_t[]){ 192, 168, 1, (uint8_t)(10 + i % 7) });
	kaddr_v4(&ev->peer_ip, (uint8_t[]){ 203, 0, 113, 5 });
	ev->peer_port = 23;
	snprintf(ev->peer_name, sizeof ev->peer_name, "cam.example");
	snprintf(ev->summary_en, sizeof ev->summary_en, "event %d: telnet login in cleartext", i);
	snprintf(ev->summary_ja, sizeof ev->summary_ja, "イベント %d", i);
	ev->evidence = json_pack("{s:i}", "i", i);
}

static struct device *new_device(int i)
{
	struct device *d = calloc(1, sizeof *d);
	d->id = (uint32_t)i;
	d->has_mac = true;
	memcpy(d->mac, (uint8_t[]){ 0x02, 0, 0, 0, 0, (uint8_t)i }, 6);
	kaddr_v4(&d->ips[0], (uint8_t[]){ 192, 168, 1, (uint8_t)(10 + i) });
	d->n_ips = 1;
	d->vendor = (char *)"Example Corp";
	d->hostnames.v[0] = (char *)"cam-1";
	d->hostnames.n = 1;
	d->services = calloc(1, sizeof *d->services);
	d->services[0] = (struct service){ .port = 23, .l4_proto = 6, .name = (char *)"telnet" };
	d->n_services = 1;
	d->first_seen_us = 1700000000000000ull;
	d->last_seen_us = 1700000001000000ull;
	return d;
}

static int add_events(struct store *st, int from, int n)
{
	struct event ev;
	int bad = 0;
	for (int i = from; i < from + n; i++) {
		fill_event(&ev, i);
		bad += store_add_event(st, &ev) != 0;
		json_decref(ev.evidence);
	}
	return bad;
}

/* Verifies DIR/events.log with the head recorded in DIR/koban.db. */
static struct eventlog_result verify_dir(const char *dir, const char *key, char *desc, size_t sz)
{
	char path[256], err[512];
	struct eventlog_head h;
	struct eventlog_result r;
	bool keyed;
	snprintf(path, sizeof path, "%s/events.log", dir);
	int have = db_head_beside(path, &h, &keyed, err, sizeof err);
	CHECK(have >= 0);
	CHECK_INT(eventlog_verify(path, key, have > 0 ? &h : NULL, &r, err, sizeof err), 0);
	eventlog_describe(&r, desc, sz);
	return r;
}

static void test_schema(void)
{
	char dir[128], path[256], err[512], buf[64];
	new_dir(dir, sizeof dir, "schema");
	struct store *st = store_open(dir, NULL, err, sizeof err);
	CHECK(st != NULL);
	store_close(st);
	snprintf(path, sizeof path, "%s/koban.db", dir);
	sqlite3 *db = db_open(path, false, err, sizeof err);
	CHECK(db != NULL);
	CHECK_INT(db_schema_latest(), 1);
	CHECK_INT(db_schema_version(db), 1);
	CHECK_INT(db_meta_get(db, "schema_version", buf, sizeof buf), 1);
	CHECK_STR(buf, "1");
	sqlite3_stmt *s;
	sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, NULL);
	CHECK(sqlite3_step(s) == SQLITE_ROW);
	CHECK_STR((const char *)sqlite3_column_text(s, 0), "wal");
	sqlite3_finalize(s);
	/* foreign keys are enforced: an event of a run that does not exist */
	CHECK_INT(db_exec(db, "INSERT INTO events(run_id, log_seq, ts, kind, severity, json) "
			      "VALUES(999, 1, 0, 'x', 'info', '{}')",
			  err, sizeof err),
		  -1);

	/* version 2 is one more array entry: applied once, in order */
	const char *const two[] = { "CREATE TABLE never_run(x)", "CREATE TABLE extra(x INTEGER)" };
	CHECK_INT(db_migrate(db, path, two, 2, err, sizeof err), 0);
	CHECK_INT(db_schema_version(db), 2);
	CHECK_INT(db_exec(db, "INSERT INTO extra(x) VALUES(1)", err, sizeof err), 0);
	CHECK_INT(db_exec(db, "SELECT * FROM never_run", err, sizeof err), -1);
	CHECK_INT(db_migrate(db, path, two, 2, err, sizeof err), 0);
	CHECK_INT(db_schema_version(db), 2);
	/* this code (version 1) refuses the newer database */
	CHECK_INT(db_migrate(db, path, two, 1, err, sizeof err), -1);
	CHECK(strstr(err, "newer") != NULL);
	sqlite3_close(db);
	st = store_open(dir, NULL, err, sizeof err);
	CHECK(st == NULL);
	CHECK(strstr(err, "schema version 2 is newer") != NULL && strstr(err, "koban.db") != NULL);
	CHECK(db_open(path, true, err, sizeof err) == NULL);
	CHECK(strstr(err, "newer") != NULL);
}

static void test_migration_failure(void)
{
	char dir[128], path[256], err[512];
	new_dir(dir, sizeof dir, "migfail");
	snprintf(path, sizeof path, "%s/test.db", dir);
	sqlite3 *db;
	CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
	const char *const bad[] = { "CREATE TABLE a(x)", "CREATE TABLE a(x)" };
	CHECK_INT(db_migrate(db, path, bad, 2, err, sizeof err), -1);
	CHECK(strstr(err, "migration to schema version 2 failed") != NULL);
	CHECK_INT(db_schema_version(db), 1); /* step 1 stays, step 2 rolled back */
	sqlite3_close(db);
	/* not a koban database */
	snprintf(path, sizeof path, "%s/other.db", dir);
	CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
	db_exec(db, "CREATE TABLE t(x)", err, sizeof err);
	sqlite3_close(db);
	CHECK(db_open(path, true, err, sizeof err) == NULL);
	CHECK(strstr(err, "not a koban database") != NULL);
}

static void test_store(void)
{
	char dir[128], err[512], d[300];
	new_dir(dir, sizeof dir, "store");
	struct store *st = store_open(dir, "the key", err, sizeof err);
	CHECK(st != NULL);
	if (!st)
		return;
	json_t *info = json_pack("{s:[{s:s, s:I}], s:s}", "inputs", "file", "lab.pcapng", "bytes", (json_int_t)1234,
				 "version", "test");
	CHECK_INT(store_run_begin(st, info), 0);
	json_decref(info);
	CHECK_INT(add_events(st, 0, STORE_COMMIT_EVERY - 1), 0);
	CHECK_INT(count_rows(dir, "SELECT count(*) FROM events"), 0); /* not committed yet */
	CHECK_INT(add_events(st, STORE_COMMIT_EVERY - 1, 1), 0);
	CHECK_INT(count_rows(dir, "SELECT count(*) FROM events"), STORE_COMMIT_EVERY);
	CHECK_INT(add_events(st, STORE_COMMIT_EVERY, 44), 0);

	struct device *a = new_device(1), *b = new_device(2);
	CHECK_INT(store_put_device(st, a), 0);
	CHECK_INT(store_put_device(st, b), 0);
	CHECK_INT(store_put_device(st, a), 0); /* unchanged: not logged again */
	a->firmware = (char *)"1.2.3";
	a->last_seen_us += 5000000;
	CHECK_INT(store_put_device(st, a), 0);
	b->has_mac = false; /* keyed by IP now: a third device */
	CHECK_INT(store_put_device(st, b), 0);
	CHECK_INT(store_commit(st), 0);
	CHECK_INT(count_rows(dir, "SELECT count(*) FROM events"), 300);
	json_t *end = json_pack("{s:i}", "packets", 99);
	CHECK_INT(store_run_end(st, end), 0);
	json_decref(end);
	store_close(st);
	free(a->services);
	free(b->services);
	free(a);
	free(b);

	CHECK_INT(count_rows(dir, "SELECT count(*) FROM devices"), 3);
	CHECK_INT(count_rows(dir, "SELECT count(*) FROM devices WHERE key = '02:00:00:00:00:01' AND firmware = '1.2.3'"
				  " AND first_seen = 1700000000000000 AND last_seen = 1700000006000000"),
		  1);
	CHECK_INT(count_rows(dir, "SELECT count(*) FROM devices WHERE key = '192.168.1.12' AND mac IS NULL"), 1);
	CHECK_INT(count_rows(dir, "SELECT count(*) FROM events WHERE run_id = 1 AND severity = 'high'"
				  " AND peer = 'cam.example (203.0.113.5:23)' AND device_mac = '02:00:00:00:00:01'"),
		  22);
	CHECK_INT(count_rows(dir, "SELECT count(*) FROM runs WHERE id = 1 AND ended IS NOT NULL AND log_last = 306"),
		  1);
	CHECK_INT(count_rows(dir, "SELECT max(log_seq) FROM events"), 301);
	/* log: run start + 300 events + 4 device changes + run end */
	struct eventlog_result r = verify_dir(dir, "the key", d, sizeof d);
	CHECK_STR(d, "intact: 306 records");
	CHECK_INT(count_rows(dir, "SELECT value FROM meta WHERE key = 'log_count'"), 306);
	CHECK_INT(count_rows(dir, "SELECT value FROM meta WHERE key = 'log_keyed'"), 1);
	r = verify_dir(dir, NULL, d, sizeof d);
	CHECK_INT(r.problem, EVENTLOG_ALTERED);

	/* reopening continues the chain; a wrong key is refused */
	CHECK(store_open(dir, "wrong", err, sizeof err) == NULL);
	CHECK(strstr(err, "events.log") != NULL);
	st = store_open(dir, "the key", err, sizeof err);
	CHECK(st != NULL);
	CHECK_INT(add_events(st, 1000, 5), 0);
	store_close(st);
	verify_dir(dir, "the key", d, sizeof d);
	CHECK_STR(d, "intact: 311 records");
}

/* The log cut at a record boundary: koban.db's head gives it away. */
static void test_truncated(void)
{
	char dir[128], err[512], d[300], path[256];
	new_dir(dir, sizeof dir, "trunc");
	struct store *st = store_open(dir, NULL, err, sizeof err);
	CHECK(st != NULL);
	if (!st)
		return;
	CHECK_INT(add_events(st, 0, 20), 0);
	store_close(st);
	snprintf(path, sizeof path, "%s/events.log", dir);
	FILE *f = fopen(path, "r");
	char line[4096];
	long keep = 0;
	for (int i = 0; i < 18 && fgets(line, sizeof line, f); i++)
		keep = ftell(f);
	fclose(f);
	CHECK_INT(truncate(path, keep), 0);
	struct eventlog_result r = verify_dir(dir, NULL, d, sizeof d);
	CHECK_INT(r.problem, EVENTLOG_CUT_MISSING);
	CHECK_STR(d, "cut short: 2 records missing at the end (koban.db recorded 20)");
	CHECK(store_open(dir, NULL, err, sizeof err) == NULL);
	CHECK(strstr(err, "truncated") != NULL);
}

/* A crash mid-record: the next store_open moves the partial line aside and
 * says so in a "run" record. */
static void test_torn(void)
{
	char dir[128], err[512], d[300], path[256];
	new_dir(dir, sizeof dir, "torn");
	struct store *st = store_open(dir, NULL, err, sizeof err);
	CHECK_INT(add_events(st, 0, 3), 0);
	store_close(st);
	snprintf(path, sizeof path, "%s/events.log", dir);
	int fd = open(path, O_WRONLY | O_APPEND);
	CHECK(write(fd, "4 event 00", 10) == 10);
	close(fd);
	verify_dir(dir, NULL, d, sizeof d);
	CHECK_STR(d, "cut short: last record incomplete after record 3");
	st = store_open(dir, NULL, err, sizeof err);
	CHECK(st != NULL);
	store_close(st);
	verify_dir(dir, NULL, d, sizeof d);
	CHECK_STR(d, "intact: 4 records");
	FILE *f = fopen(path, "r");
	char line[4096] = "";
	while (fgets(line, sizeof line, f))
		;
	fclose(f);
	CHECK(strncmp(line, "4 run ", 6) == 0 && strstr(line, "{\"phase\":\"recovered\",\"torn_bytes\":10,") != NULL);
}

/* A child writes events until it is killed with SIGKILL at a random moment. */
static void crash_once(const char *dir, unsigned delay_us)
{
	char err[512], d[300];
	pid_t pid = fork();
	if (pid == 0) {
		struct store *st = store_open(dir, "k", err, sizeof err);
		if (!st)
			_exit(3);
		store_run_begin(st, NULL);
		struct device *dev = new_device(3); /* (the kill frees it) */
		for (int i = 0;; i++) {
			add_events(st, i, 1);
			if (i % 50 == 0) {
				dev->last_seen_us++;
				store_put_device(st, dev);
			}
		}
	}
	usleep(delay_us);
	kill(pid, SIGKILL);
	int status;
	waitpid(pid, &status, 0);
	CHECK(WIFSIGNALED(status));
	struct eventlog_result r = verify_dir(dir, "k", d, sizeof d);
	CHECK(r.problem == EVENTLOG_INTACT || r.problem == EVENTLOG_CUT_PARTIAL);
	if (r.problem != EVENTLOG_INTACT && r.problem != EVENTLOG_CUT_PARTIAL)
		fprintf(stderr, "after kill -9: %s\n", d);
	struct store *st = store_open(dir, "k", err, sizeof err);
	CHECK(st != NULL);
	if (!st) {
		fprintf(stderr, "%s\n", err);
		return;
	}
	store_close(st);
	r = verify_dir(dir, "k", d, sizeof d);
	CHECK_INT(r.problem, EVENTLOG_INTACT);
	/* every committed event is in the log */
	CHECK(count_rows(dir, "SELECT count(*) FROM events") <= (long long)r.intact);
	CHECK(count_rows(dir, "SELECT value FROM meta WHERE key = 'log_count'") == (long long)r.intact);
}

static void test_kill9(void)
{
	char dir[128];
	new_dir(dir, sizeof dir, "kill9");
	srand((unsigned)time(NULL));
	for (int i = 0; i < 6; i++)
		crash_once(dir, 20000u + (unsigned)(rand() % 200000));
	CHECK(count_rows(dir, "SELECT count(*) FROM events") > 0);
}

static void test_open_errors(void)
{
	char err[512], dbpath[256], dir[128];
	CHECK(store_open("/nonexistent/dir", NULL, err, sizeof err) == NULL);
	CHECK(strstr(err, "/nonexistent/dir") != NULL);
	CHECK(db_open_output("/nonexistent/dir", dbpath, sizeof dbpath, err, sizeof err) == NULL);
	CHECK(strstr(err, "/nonexistent/dir") != NULL);
	new_dir(dir, sizeof dir, "empty");
	CHECK(db_open_output(dir, dbpath, sizeof dbpath, err, sizeof err) == NULL);
	CHECK(strstr(err, "koban.db") != NULL && strstr(err, dir) != NULL);

	/* JSON shown on a terminal: DEL and C1 controls become \u escapes */
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);
	db_print_json(f, "{\"a\":\"x\x7fy\xc2\x9bz\xc3\xa9\"}");
	fclose(f);
	CHECK_STR(out, "{\"a\":\"x\\u007fy\\u009bz\xc3\xa9\"}");
	free(out);
}

int main(void)
{
	snprintf(base, sizeof base, "/tmp/koban-db-XXXXXX");
	if (!mkdtemp(base))
		return 1;
	test_schema();
	test_migration_failure();
	test_store();
	test_truncated();
	test_torn();
	test_kill9();
	test_open_errors();
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", base);
	if (system(cmd) != 0)
		return 1;
	return test_summary();
}
