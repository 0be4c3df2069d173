/* test_status_verify.c - koban's side of device status reports: maker key
 * files and directories, verification results (valid, unknown maker,
 * bad signature, malformed), the findings policy, and recording into the
 * store: events with key points and both languages, and the device merged
 * with what an earlier analysis stored about the same MAC. */
#include <sys/stat.h>

#include "devtest.h"
#include "device/inventory.h"
#include "device/status_verify.h"
#include "store/store.h"
#include "test.h"

#include <sqlite3.h>

static struct dt_env e;
static uint8_t rep[KD_STATUS_MAX], work[KD_STATUS_MAX];
static size_t rlen;
static char keydir[128];

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void test_keys(void)
{
	uint8_t pub[32], want[32];
	char err[256], hex[80], path[256];
	struct maker_keys mk;
	kd_crypto_sodium()->ed25519_public(NULL, dt_maker_seed, want);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", want[i]);
	char text[200];
	snprintf(text, sizeof text, "# Example Maker\n\n%s  comment\n", hex);
	CHECK_INT(maker_key_parse(text, strlen(text), pub, err, sizeof err), 0);
	CHECK(memcmp(pub, want, 32) == 0);
	CHECK_INT(maker_key_parse("abc\n", 4, pub, err, sizeof err), -1);
	CHECK_INT(maker_key_parse("# only a comment\n", 17, pub, err, sizeof err), -1);
	snprintf(text, sizeof text, "%sff\n", hex); /* 66 digits */
	CHECK_INT(maker_key_parse(text, strlen(text), pub, err, sizeof err), -1);
	snprintf(keydir, sizeof keydir, "%s/makers", e.dir);
	mkdir(keydir, 0755);
	snprintf(path, sizeof path, "%s/example-maker.pub", keydir);
	snprintf(text, sizeof text, "%s\n", hex);
	write_text(path, text);
	snprintf(path, sizeof path, "%s/README", keydir);
	write_text(path, "not a key\n");
	CHECK_INT(maker_keys_load(&mk, keydir, err, sizeof err), 0);
	CHECK_INT(mk.n, 1);
	CHECK_STR(mk.v[0].name, "example-maker");
	maker_keys_free(&mk);
	snprintf(path, sizeof path, "%s/broken.pub", keydir);
	write_text(path, "xyz\n");
	CHECK_INT(maker_keys_load(&mk, keydir, err, sizeof err), -1);
	CHECK(strstr(err, "broken.pub") != NULL);
	remove(path);
	CHECK_INT(maker_keys_load(&mk, "/nonexistent-dir", err, sizeof err), -1);
}

static void test_verify(void)
{
	struct maker_keys mk, none = { NULL, 0 };
	struct kd_status s;
	const struct maker_key *m;
	char err[256];
	CHECK_INT(maker_keys_load(&mk, keydir, err, sizeof err), 0);
	CHECK_INT(status_verify_report(&mk, rep, rlen, &s, &m), STATUS_VALID);
	CHECK(m == &mk.v[0]);
	CHECK_INT(status_verify_report(&none, rep, rlen, &s, &m), STATUS_UNKNOWN_MAKER);
	CHECK_STR(s.device_id, "KBN-TEST-0001"); /* unverified claims kept for the evidence */
	rep[rlen - 3] ^= 1;
	CHECK_INT(status_verify_report(&mk, rep, rlen, &s, &m), STATUS_BAD_SIGNATURE);
	rep[rlen - 3] ^= 1;
	CHECK_INT(status_verify_report(&mk, rep, rlen - 1, &s, &m), STATUS_MALFORMED);
	CHECK_INT(status_verify_report(&mk, rep, KD_STATUS_MAX + 1, &s, &m), STATUS_MALFORMED);
	CHECK_STR(status_result_str(STATUS_BAD_SIGNATURE), "bad signature");
	maker_keys_free(&mk);
}

static void test_findings(void)
{
	struct kd_status s;
	struct status_policy p = { true, 0 };
	memset(&s, 0, sizeof s);
	s.password_changed = true;
	s.fw_release = 1700000000; /* 2023-11-14 */
	kd_date_parse("2024-01-01", 10, &p.firmware_deadline);
	CHECK_INT(status_findings(&s, &p), FINDING_FIRMWARE_OUTDATED);
	kd_date_parse("2023-11-14", 10, &p.firmware_deadline);
	CHECK_INT(status_findings(&s, &p), 0); /* released on the deadline: not older */
	s.password_changed = false;
	s.update.state = KD_UPD_FAILED;
	CHECK_INT(status_findings(&s, NULL), FINDING_UPDATE_FAILED | FINDING_DEFAULT_PASSWORD);
	s.update.state = KD_UPD_NOT_APPLIED;
	CHECK_INT(status_findings(&s, NULL), FINDING_DEFAULT_PASSWORD);
}

/* An analysis stored the device with an address and a service first. */
static void store_known_device(const char *dir, const uint8_t mac[6])
{
	char err[256];
	struct kaddr ip;
	struct store *st = store_open(dir, NULL, err, sizeof err);
	struct inventory *inv = inventory_new(4);
	struct device *d = inventory_add(inv, mac, NULL, 1000000);
	kaddr_parse(&ip, "192.168.7.20");
	inventory_bind_ip(inv, d, &ip);
	struct service *sv = device_service(d, 80, 6, true, NULL);
	device_set_str(&sv->name, "http");
	device_set_str(&d->vendor, "Example OUI Vendor");
	d->local = true;
	d->last_seen_us = 2000000;
	CHECK_INT(store_put_device(st, d), 0);
	store_close(st);
	inventory_free(inv);
}

static int count_rows(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *q;
	int n = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	return n;
}

static void test_record(void)
{
	const uint8_t mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01 };
	char dir[160], dbpath[200], err[256];
	struct maker_keys mk;
	struct kd_status s;
	const struct maker_key *m;
	struct status_policy p = { true, 0 };
	snprintf(dir, sizeof dir, "%s/store", e.dir);
	mkdir(dir, 0755);
	snprintf(dbpath, sizeof dbpath, "%s/koban.db", dir);
	store_known_device(dir, mac);
	CHECK_INT(kd_status_build(&e.dev, mac, NULL, 0, rep, sizeof rep, &rlen, work, sizeof work), KD_OK);
	CHECK_INT(maker_keys_load(&mk, keydir, err, sizeof err), 0);
	kd_date_parse("2026-01-01", 10, &p.firmware_deadline);
	struct store *st = store_open(dir, NULL, err, sizeof err);
	enum status_result r = status_verify_report(&mk, rep, rlen, &s, &m);
	CHECK_INT(status_record(st, dbpath, r, &s, m, &p, "r1.cose", rep, rlen, err, sizeof err), 2);
	rep[20] ^= 0x40;
	r = status_verify_report(&mk, rep, rlen, &s, &m);
	CHECK(r != STATUS_VALID);
	CHECK_INT(status_record(st, dbpath, r, &s, m, &p, "r2.cose", rep, rlen, err, sizeof err), 1);
	store_close(st);
	sqlite3 *db;
	CHECK_INT(sqlite3_open(dbpath, &db), SQLITE_OK);
	CHECK_INT(count_rows(db, "SELECT count(*) FROM events WHERE kind = 'default-password-unchanged'"
				 " AND device_mac = '02:00:5e:10:00:01' AND json LIKE '%\"key_points\":[4,15]%'"), 1);
	CHECK_INT(count_rows(db, "SELECT count(*) FROM events WHERE kind = 'firmware-outdated'"
				 " AND summary_ja LIKE '%KBN-TEST-0001%' AND json LIKE '%\"deadline\":\"2026-01-01\"%'"), 1);
	CHECK_INT(count_rows(db, "SELECT count(*) FROM events WHERE kind = 'status-invalid' AND device_mac IS NULL"), 1);
	CHECK_INT(count_rows(db, "SELECT count(*) FROM devices"), 1);
	CHECK_INT(count_rows(db, "SELECT count(*) FROM devices WHERE firmware = '1.0.0' AND model = 'koban-cam-1'"
				 " AND manufacturer = 'Example Maker' AND vendor = 'Example OUI Vendor'"
				 " AND ips = '192.168.7.20' AND services LIKE '80/tcp http%' AND first_seen = 1000000"), 1);
	sqlite3_close(db);
	maker_keys_free(&mk);
}

int main(void)
{
	CHECK_INT(dt_setup(&e, 16, 2000), KD_OK);
	CHECK_INT(kd_status_build(&e.dev, NULL, NULL, 0, rep, sizeof rep, &rlen, work, sizeof work), KD_OK);
	test_keys();
	test_verify();
	test_findings();
	test_record();
	dt_teardown(&e);
	return test_summary();
}
