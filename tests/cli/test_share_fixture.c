/* test_share_fixture.c - the event store that tests/cli/share_test.sh
 * exports with `koban share`: c2 events (address, domain and URL
 * indicators, one without an indicator, one unusable), scan and flood
 * events from IPv4 and IPv6 sources and an event of another kind, written
 * through the store API. `test_share_fixture DIR [empty]` fills DIR (which
 * must exist; "empty": with one new-device event only); without arguments it builds the store in a temporary directory
 * and checks that every event arrived. */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/store.h"
#include "test.h"

#define T0 (1714521600ull * 1000000ull) /* 2024-05-01T00:00:00Z */

static int add(struct store *st, uint64_t ts, const char *kind, const char *dev, const char *peer_ip,
	       const char *peer_name, json_t *evidence)
{
	struct event ev;
	memset(&ev, 0, sizeof ev);
	ev.ts_us = ts;
	snprintf(ev.kind, sizeof ev.kind, "%s", kind);
	ev.severity = SEV_HIGH;
	if (dev)
		kaddr_parse(&ev.device_ip, dev);
	if (peer_ip)
		kaddr_parse(&ev.peer_ip, peer_ip);
	if (peer_name)
		snprintf(ev.peer_name, sizeof ev.peer_name, "%s", peer_name);
	snprintf(ev.summary_en, sizeof ev.summary_en, "test %s event", kind);
	snprintf(ev.summary_ja, sizeof ev.summary_ja, "テスト");
	ev.evidence = evidence ? evidence : json_object();
	int rc = store_add_event(st, &ev);
	json_decref(ev.evidence);
	return rc;
}

static json_t *ind(const char *value, const char *type, const char *label)
{
	json_t *o = json_pack("{s:s, s:s}", "indicator", value, "indicator_type", type);
	if (label)
		json_object_set_new(o, "label", json_string(label));
	return o;
}

static int fill(const char *dir, bool empty)
{
	char err[512];
	struct store *st = store_open(dir, NULL, err, sizeof err);
	if (!st) {
		fprintf(stderr, "fixture: %s\n", err);
		return -1;
	}
	const uint64_t m = 60ull * 1000000ull;
	const char *dev = "192.168.1.50";
	int rc = 0;
	if (empty) {
		rc |= add(st, T0, "new-device", dev, NULL, NULL, NULL);
		rc |= store_commit(st);
		store_close(st);
		return rc ? -1 : 0;
	}
	for (int i = 0; i < 3; i++)
		rc |= add(st, T0 + (uint64_t)i * m, "c2", dev, "198.51.100.7", NULL,
			  ind("198.51.100.7", "ipv4", "Mirai C2"));
	for (int i = 0; i < 2; i++)
		rc |= add(st, T0 + 10 * m + (uint64_t)i * m, "c2", dev, "203.0.113.5", "c2.example",
			  ind("C2.Example", "domain", NULL));
	rc |= add(st, T0 + 20 * m, "c2", dev, "203.0.113.99", NULL, NULL);             /* behaviour only */
	rc |= add(st, T0 + 21 * m, "c2", dev, "203.0.113.66", NULL,
		  ind("http://dl.example/it's\\x.sh", "url", "loader"));
	rc |= add(st, T0 + 22 * m, "c2", dev, NULL, NULL, ind("not an indicator", "domain", NULL)); /* unusable */
	for (int i = 0; i < 4; i++)
		rc |= add(st, T0 + 30 * m + (uint64_t)i * m, "scan", dev, NULL, NULL, NULL);
	rc |= add(st, T0 + 40 * m, "scan", "2001:db8::50", NULL, NULL, NULL);
	for (int i = 0; i < 2; i++)
		rc |= add(st, T0 + 50 * m + (uint64_t)i * m, "flood", dev, NULL, NULL, NULL);
	rc |= add(st, T0 + 60 * m, "new-device", dev, NULL, NULL, NULL);
	rc |= store_commit(st);
	store_close(st);
	return rc ? -1 : 0;
}

static int count(const char *dir, const char *kind)
{
	char path[4200];
	sqlite3 *db;
	sqlite3_stmt *s;
	int n = -1;
	snprintf(path, sizeof path, "%s/koban.db", dir);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM events WHERE kind = ?1", -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, kind, -1, SQLITE_STATIC);
		if (sqlite3_step(s) == SQLITE_ROW)
			n = sqlite3_column_int(s, 0);
		sqlite3_finalize(s);
	}
	sqlite3_close(db);
	return n;
}

int main(int argc, char **argv)
{
	if (argc == 2 || (argc == 3 && strcmp(argv[2], "empty") == 0))
		return fill(argv[1], argc == 3) == 0 ? 0 : 1;
	char dir[] = "/tmp/koban-share-XXXXXX", cmd[300];
	CHECK(mkdtemp(dir) != NULL);
	CHECK_INT(fill(dir, false), 0);
	CHECK_INT(count(dir, "c2"), 8);
	CHECK_INT(count(dir, "scan"), 5);
	CHECK_INT(count(dir, "flood"), 2);
	CHECK_INT(count(dir, "new-device"), 1);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
	return test_summary();
}
