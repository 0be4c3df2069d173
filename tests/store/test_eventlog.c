/* test_eventlog.c - the hash-chained event log: appending, reopening (chain
 * continues, a crash's partial line is moved aside, a wrong key or a
 * truncated log is refused) and verification that detects and locates each
 * kind of tampering: altered, removed, reordered, inserted, cut short. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/eventlog.h"
#include "test.h"

static char dir[64];
static char path[128];

/* ---- a log file as an array of lines, to tamper with ---- */

struct lines {
	char *v[256];
	size_t n;
};

static void load(struct lines *l)
{
	FILE *f = fopen(path, "r");
	char buf[8192];
	l->n = 0;
	while (f && l->n < 256 && fgets(buf, sizeof buf, f)) {
		buf[strcspn(buf, "\n")] = '\0';
		l->v[l->n++] = strdup(buf);
	}
	if (f)
		fclose(f);
}

static void save(const struct lines *l)
{
	FILE *f = fopen(path, "w");
	for (size_t i = 0; i < l->n; i++)
		fprintf(f, "%s\n", l->v[i]);
	fclose(f);
}

static void drop(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	l->n = 0;
}

/* Removes line i (0-based). */
static void del_line(struct lines *l, size_t i)
{
	free(l->v[i]);
	memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof l->v[0]);
	l->n--;
}

/* Inserts s (copied) before line i (0-based). */
static void ins_line(struct lines *l, size_t i, const char *s)
{
	memmove(&l->v[i + 1], &l->v[i], (l->n - i) * sizeof l->v[0]);
	l->v[i] = strdup(s);
	l->n++;
}

/* ---- helpers ---- */

/* Copies field i (0-based, space-separated: seq type prev hash payload) of line into out. */
static void field(const char *line, int i, char *out, size_t sz)
{
	while (i-- > 0 && (line = strchr(line, ' ')) != NULL)
		line++;
	size_t n = line ? strcspn(line, " ") : 0;
	snprintf(out, sz, "%.*s", (int)n, line ? line : "");
}

static void fresh(void)
{
	unlink(path);
	char torn[160];
	snprintf(torn, sizeof torn, "%s.torn", path);
	unlink(torn);
}

/* Writes n records {"n":i} (types cycling event/device/run) to a fresh log. */
static void make_log(int n, const char *key, struct eventlog_head *head)
{
	char err[512], payload[64];
	static const char *const types[] = { "event", "device", "run" };
	fresh();
	struct eventlog *lg = eventlog_open(path, key, NULL, err, sizeof err);
	CHECK(lg != NULL);
	if (!lg) {
		fprintf(stderr, "%s\n", err);
		return;
	}
	int bad = 0;
	for (int i = 1; i <= n; i++) {
		snprintf(payload, sizeof payload, "{\"n\":%d,\"text\":\"record %d\"}", i, i);
		bad += eventlog_append(lg, types[i % 3], payload, strlen(payload)) != (uint64_t)i;
	}
	CHECK_INT(bad, 0);
	if (head)
		eventlog_get_head(lg, head);
	eventlog_close(lg);
}

static struct eventlog_result verify(const char *key, const struct eventlog_head *dbhead, char *desc, size_t sz)
{
	struct eventlog_result r;
	char err[512];
	CHECK_INT(eventlog_verify(path, key, dbhead, &r, err, sizeof err), 0);
	eventlog_describe(&r, desc, sz);
	return r;
}

/* ---- tests ---- */

static void test_intact(void)
{
	struct eventlog_head h;
	char d[300];
	make_log(50, NULL, &h);
	struct eventlog_result r = verify(NULL, &h, d, sizeof d);
	CHECK_INT(r.problem, EVENTLOG_INTACT);
	CHECK_INT(r.intact, 50);
	CHECK_STR(d, "intact: 50 records");
	CHECK_INT(r.head.count, 50);
	CHECK_STR(r.head.hash, h.hash);

	/* the format: "SEQ TYPE PREV HASH PAYLOAD" and the first record chains from zeros */
	struct lines l;
	load(&l);
	CHECK_INT(l.n, 50);
	CHECK(strncmp(l.v[0], "1 device " EVENTLOG_GENESIS " ", 9 + 64 + 1) == 0);
	CHECK(strstr(l.v[0], " {\"n\":1,\"text\":\"record 1\"}") != NULL);
	/* the hash of record 1 recomputed from its fields */
	char want[EVENTLOG_HEX];
	const char *payload = "{\"n\":1,\"text\":\"record 1\"}";
	eventlog_hash(NULL, 1, "device", 6, EVENTLOG_GENESIS, payload, strlen(payload), want);
	CHECK(strncmp(l.v[0] + 9 + 65, want, 64) == 0);
	/* record 2's prev is record 1's hash */
	CHECK(strncmp(l.v[1] + 6, want, 64) == 0);
	drop(&l);

	fresh();
	fclose(fopen(path, "w"));
	r = verify(NULL, NULL, d, sizeof d);
	CHECK_STR(d, "intact: 0 records");
}

static void test_altered(void)
{
	struct lines l;
	char d[300];
	make_log(40, NULL, NULL);
	load(&l);
	char *p = strstr(l.v[16], "record 17");
	p[0] = 'R'; /* one byte of record 17's payload */
	save(&l);
	struct eventlog_result r = verify(NULL, NULL, d, sizeof d);
	CHECK_INT(r.problem, EVENTLOG_ALTERED);
	CHECK_INT(r.record, 17);
	CHECK_INT(r.line, 17);
	CHECK_INT(r.intact, 16);
	CHECK_STR(d, "altered: record 17 (line 17)");
	drop(&l);

	/* a byte of the stored hash, and of the sequence number */
	make_log(40, NULL, NULL);
	load(&l);
	l.v[29][9 + 65 + 10] ^= 1; /* "30 event PREV HASH": inside HASH */
	save(&l);
	r = verify(NULL, NULL, d, sizeof d);
	CHECK_STR(d, "altered: record 30 (line 30)");
	drop(&l);
	make_log(40, NULL, NULL);
	load(&l);
	l.v[7][0] = '9';
	save(&l);
	r = verify(NULL, NULL, d, sizeof d);
	CHECK_STR(d, "altered: record 8 (line 8)");
	drop(&l);

	/* rewritten with a recomputed hash (possible without a key): the next record no longer chains */
	make_log(40, NULL, NULL);
	load(&l);
	char h[EVENTLOG_HEX], prev[EVENTLOG_HEX], line[300];
	const char *forged = "{\"n\":17,\"text\":\"nothing happened\"}";
	field(l.v[16], 2, prev, sizeof prev);
	eventlog_hash(NULL, 17, "run", 3, prev, forged, strlen(forged), h);
	snprintf(line, sizeof line, "17 run %s %s %s", prev, h, forged);
	free(l.v[16]);
	l.v[16] = strdup(line);
	save(&l);
	r = verify(NULL, NULL, d, sizeof d);
	CHECK_INT(r.problem, EVENTLOG_ALTERED);
	CHECK_INT(r.intact, 16);
	CHECK_STR(d, "altered: record 17 (line 17): record 18 does not chain from it");
	drop(&l);
}

static void test_removed(void)
{
	struct lines l;
	char d[300];
	make_log(30, NULL, NULL);
	load(&l);
	del_line(&l, 4);
	save(&l);
	struct eventlog_result r = verify(NULL, NULL, d, sizeof d);
	CHECK_INT(r.problem, EVENTLOG_REMOVED);
	CHECK_INT(r.intact, 4);
	CHECK_STR(d, "removed: record 5 missing before line 5");
	drop(&l);

	make_log(30, NULL, NULL);
	load(&l);
	del_line(&l, 9);
	del_line(&l, 9);
	del_line(&l, 9);
	save(&l);
	verify(NULL, NULL, d, sizeof d);
	CHECK_STR(d, "removed: records 10-12 missing before line 10");
	drop(&l);

	make_log(30, NULL, NULL);
	load(&l);
	del_line(&l, 0);
	save(&l);
	verify(NULL, NULL, d, sizeof d);
	CHECK_STR(d, "removed: record 1 missing before line 1");
	drop(&l);
}

static void test_reordered(void)
{
	struct lines l;
	char d[300];
	make_log(30, NULL, NULL);
	load(&l);
	char *t = l.v[9];
	l.v[9] = l.v[10];
	l.v[10] = t;
	save(&l);
	struct eventlog_result r = verify(NULL, NULL, d, sizeof d);
	CHECK_INT(r.problem, EVENTLOG_REORDERED);
	CHECK_INT(r.intact, 9);
	CHECK_STR(d, "reordered: record 11 (line 10) comes before record 10 (line 11)");
	drop(&l);

	/* record 3 moved after record 7 */
	make_log(30, NULL, NULL);
	load(&l);
	char *three = strdup(l.v[2]);
	del_line(&l, 2);
	ins_line(&l, 6, three);
	free(three);
	save(&l);
	verify(NULL, NULL, d, sizeof d);
	CHECK_STR(d, "reordered: record 4 (line 3) comes before record 3 (line 7)");
	drop(&l);
}

static void test_inserted(void)
{
	struct lines l;
	char d[300];
	/* a duplicated record */
	make_log(30, NULL, NULL);
	load(&l);
	ins_line(&l, 20, l.v[19]);
	save(&l);
	struct eventlog_result r = verify(NULL, NULL, d, sizeof d);
	CHECK_INT(r.problem, EVENTLOG_INSERTED);
	CHECK_INT(r.intact, 20);
	CHECK_STR(d, "inserted: record 20 appears twice (lines 20 and 21)");
	drop(&l);

	/* a forged record with a correct hash and the next sequence number */
	make_log(30, NULL, NULL);
	load(&l);
	char h[EVENTLOG_HEX], prev[EVENTLOG_HEX], line[300];
	const char *forged = "{\"n\":21,\"text\":\"forged\"}";
	field(l.v[19], 3, prev, sizeof prev); /* record 20's hash */
	eventlog_hash(NULL, 21, "event", 5, prev, forged, strlen(forged), h);
	snprintf(line, sizeof line, "21 event %s %s %s", prev, h, forged);
	ins_line(&l, 20, line);
	save(&l);
	verify(NULL, NULL, d, sizeof d);
	CHECK_STR(d, "inserted: record 21 appears twice (lines 21 and 22)");
	drop(&l);

	/* a forged line whose hash is wrong, before the real record */
	make_log(30, NULL, NULL);
	load(&l);
	snprintf(line, sizeof line, "%s", l.v[20]);
	strstr(line, "record 21")[0] = 'X';
	ins_line(&l, 20, line);
	save(&l);
	r = verify(NULL, NULL, d, sizeof d);
	CHECK_INT(r.problem, EVENTLOG_INSERTED);
	CHECK_INT(r.intact, 20);
	CHECK_STR(d, "inserted: line 21 is not a record of this log (record 21 follows at line 22)");
	drop(&l);
}

static void test_cut_short(void)
{
	struct eventlog_head h;
	char d[300];
	struct stat st;
	make_log(50, NULL, &h);
	stat(path, &st);
	CHECK_INT(truncate(path, st.st_size - 10), 0);
	struct eventlog_result r = verify(NULL, &h, d, sizeof d);
	CHECK_INT(r.problem, EVENTLOG_CUT_PARTIAL);
	CHECK_INT(r.intact, 49);
	CHECK_STR(d, "cut short: last record incomplete after record 49");

	/* at a record boundary: only the head kept in koban.db tells */
	struct lines l;
	make_log(50, NULL, &h);
	load(&l);
	for (int i = 0; i < 5; i++)
		del_line(&l, l.n - 1);
	save(&l);
	r = verify(NULL, NULL, d, sizeof d);
	CHECK_STR(d, "intact: 45 records");
	r = verify(NULL, &h, d, sizeof d);
	CHECK_INT(r.problem, EVENTLOG_CUT_MISSING);
	CHECK_INT(r.missing, 5);
	CHECK_INT(r.intact, 45);
	CHECK_STR(d, "cut short: 5 records missing at the end (koban.db recorded 50)");
	drop(&l);

	/* a head whose hash differs from the record at that position */
	make_log(50, NULL, &h);
	h.hash[0] = h.hash[0] == 'a' ? 'b' : 'a';
	r = verify(NULL, &h, d, sizeof d);
	CHECK_INT(r.problem, EVENTLOG_HEAD_MISMATCH);
	CHECK_STR(d, "altered: record 50 (line 50) differs from the head recorded in koban.db");
	/* a log longer than the head (records logged after the last commit) is fine */
	make_log(50, NULL, NULL);
	h.count = 30;
	struct eventlog_result full = verify(NULL, NULL, d, sizeof d);
	(void)full;
	struct lines l2;
	load(&l2);
	field(l2.v[29], 3, h.hash, sizeof h.hash);
	drop(&l2);
	r = verify(NULL, &h, d, sizeof d);
	CHECK_STR(d, "intact: 50 records");
}

static void test_keyed(void)
{
	char d[300];
	make_log(20, "s3cret key", NULL);
	struct eventlog_result r = verify("s3cret key", NULL, d, sizeof d);
	CHECK_STR(d, "intact: 20 records");
	r = verify("wrong key", NULL, d, sizeof d);
	CHECK_INT(r.problem, EVENTLOG_ALTERED);
	CHECK_INT(r.record, 1);
	CHECK(r.key_hint);
	r = verify(NULL, NULL, d, sizeof d);
	CHECK_INT(r.problem, EVENTLOG_ALTERED);
	CHECK(r.key_hint);
	/* an unkeyed log checked with a key fails too */
	make_log(20, NULL, NULL);
	r = verify("some key", NULL, d, sizeof d);
	CHECK_INT(r.problem, EVENTLOG_ALTERED);
	/* the writer refuses to continue a chain with another key */
	char err[512];
	make_log(5, "s3cret key", NULL);
	struct eventlog *lg = eventlog_open(path, "other", NULL, err, sizeof err);
	CHECK(lg == NULL);
	CHECK(strstr(err, "does not verify with this log_key") != NULL);
	lg = eventlog_open(path, NULL, NULL, err, sizeof err);
	CHECK(lg == NULL);
	eventlog_close(lg);
	/* keyed hash = HMAC-SHA-256: differs from the unkeyed one and between keys */
	char a[EVENTLOG_HEX], b[EVENTLOG_HEX], c[EVENTLOG_HEX];
	eventlog_hash(NULL, 1, "event", 5, EVENTLOG_GENESIS, "{}", 2, a);
	eventlog_hash("k", 1, "event", 5, EVENTLOG_GENESIS, "{}", 2, b);
	eventlog_hash("K", 1, "event", 5, EVENTLOG_GENESIS, "{}", 2, c);
	CHECK(strcmp(a, b) != 0 && strcmp(b, c) != 0 && strlen(a) == 64);
}

static void test_reopen(void)
{
	char err[512], d[300];
	struct eventlog_head h1, h2;
	make_log(10, "k", &h1);
	struct eventlog *lg = eventlog_open(path, "k", &h1, err, sizeof err);
	CHECK(lg != NULL);
	if (!lg)
		return;
	eventlog_get_head(lg, &h2);
	CHECK_INT(h2.count, 10);
	CHECK_STR(h2.hash, h1.hash);
	CHECK_INT(eventlog_torn_bytes(lg), 0);
	/* a second writer is locked out */
	struct eventlog *lg2 = eventlog_open(path, "k", NULL, err, sizeof err);
	CHECK(lg2 == NULL);
	CHECK(strstr(err, "another koban process") != NULL);
	CHECK_INT(eventlog_append(lg, "event", "{\"n\":11}", 8), 11);
	json_t *j = json_pack("{s:i, s:s}", "n", 12, "note", "line\nbreak");
	CHECK_INT(eventlog_append_json(lg, "run", j), 12);
	json_decref(j);
	/* malformed records are refused */
	CHECK_INT(eventlog_append(lg, "event", "{\n}", 3), 0);
	CHECK_INT(eventlog_append(lg, "Bad Type", "{}", 2), 0);
	CHECK_INT(eventlog_append(lg, "event", "", 0), 0);
	CHECK_INT(eventlog_sync(lg), 0);
	eventlog_close(lg);
	struct eventlog_result r = verify("k", NULL, d, sizeof d);
	CHECK_STR(d, "intact: 12 records");

	/* a log shorter than the head in koban.db is refused, and left alone */
	h1.count = 20;
	lg = eventlog_open(path, "k", &h1, err, sizeof err);
	CHECK(lg == NULL);
	CHECK(strstr(err, "truncated") != NULL);
	(void)r;
}

static void test_torn_tail(void)
{
	char err[512], d[300], torn[160];
	struct eventlog_head h;
	make_log(10, NULL, &h);
	/* a crash in the middle of writing record 11 */
	int fd = open(path, O_WRONLY | O_APPEND);
	CHECK(write(fd, "11 event 12ab", 13) == 13);
	close(fd);
	verify(NULL, NULL, d, sizeof d);
	CHECK_STR(d, "cut short: last record incomplete after record 10");
	struct eventlog *lg = eventlog_open(path, NULL, &h, err, sizeof err);
	CHECK(lg != NULL);
	if (!lg)
		return;
	CHECK_INT(eventlog_torn_bytes(lg), 13);
	CHECK_INT(eventlog_append(lg, "run", "{\"phase\":\"recovered\"}", 21), 11);
	eventlog_close(lg);
	verify(NULL, NULL, d, sizeof d);
	CHECK_STR(d, "intact: 11 records");
	snprintf(torn, sizeof torn, "%s.torn", path);
	struct stat st;
	CHECK(stat(torn, &st) == 0 && st.st_size == 14);

	/* a file of nothing but a partial first record */
	fresh();
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	CHECK(write(fd, "1 ev", 4) == 4);
	close(fd);
	verify(NULL, NULL, d, sizeof d);
	CHECK_STR(d, "cut short: last record incomplete after record 0");
	lg = eventlog_open(path, NULL, NULL, err, sizeof err);
	CHECK(lg != NULL);
	CHECK_INT(eventlog_torn_bytes(lg), 4);
	CHECK_INT(eventlog_append(lg, "event", "{}", 2), 1);
	eventlog_close(lg);
	verify(NULL, NULL, d, sizeof d);
	CHECK_STR(d, "intact: 1 records");
}

static void test_errors(void)
{
	struct eventlog_result r;
	char err[512];
	CHECK_INT(eventlog_verify("/nonexistent/events.log", NULL, NULL, &r, err, sizeof err), -1);
	CHECK(strstr(err, "/nonexistent/events.log") != NULL);
	CHECK_INT(eventlog_verify(dir, NULL, NULL, &r, err, sizeof err), -1);
	CHECK(eventlog_open("/nonexistent/events.log", NULL, NULL, err, sizeof err) == NULL);
	CHECK(strstr(err, "/nonexistent/events.log") != NULL);
	/* garbage that is no log at all */
	FILE *f = fopen(path, "w");
	fputs("hello world\n", f);
	fclose(f);
	char d[300];
	verify(NULL, NULL, d, sizeof d);
	CHECK_STR(d, "altered: record 1 (line 1)");
	CHECK(eventlog_open(path, NULL, NULL, err, sizeof err) == NULL);
	CHECK(strstr(err, "malformed") != NULL);
	/* file hashing */
	char hex[EVENTLOG_HEX];
	f = fopen(path, "w");
	fputs("abc", f);
	fclose(f);
	CHECK(eventlog_file_sha256(path, 0, hex));
	CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	CHECK(eventlog_file_sha256(path, 2, hex)); /* SHA-256("ab") */
	CHECK_STR(hex, "fb8e20fc2e4c3f248c60c39bd652f3c1347298bb977b8b4d5903b85055620603");
	CHECK(!eventlog_file_sha256("/nonexistent", 0, hex));
}

int main(void)
{
	snprintf(dir, sizeof dir, "/tmp/koban-evlog-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/events.log", dir);
	test_intact();
	test_altered();
	test_removed();
	test_reordered();
	test_inserted();
	test_cut_short();
	test_keyed();
	test_reopen();
	test_torn_tail();
	test_errors();
	fresh();
	rmdir(dir);
	return test_summary();
}
