/* status_ingest.c - records a device status report into koban's store: the
 * device (model, maker, firmware from the verified report, merged with
 * what earlier analyses stored about the same MAC) and the events the
 * report raises: update-failed (key points 16, 17), default-password-
 * unchanged (4, 15), firmware-outdated (17, 21), status-invalid (13, 16). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "device/inventory.h"
#include "device/status_verify.h"
#include "engine/model.h"
#include "store/db.h"
#include "store/store.h"

/* ---- the device row, merged with the stored one ---- */

static void merge_lists(struct inventory *inv, struct device *d, json_t *j)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(j, "ips"), i, v) {
		struct kaddr a;
		if (json_is_string(v) && kaddr_parse(&a, json_string_value(v)))
			inventory_bind_ip(inv, d, &a);
	}
	json_array_foreach(json_object_get(j, "hostnames"), i, v)
		strlist_add(&d->hostnames, json_string_value(v));
	json_array_foreach(json_object_get(j, "services"), i, v) {
		json_int_t port = json_integer_value(json_object_get(v, "port"));
		const char *proto = json_string_value(json_object_get(v, "proto"));
		struct service *s = port > 0 && port < 65536
			? device_service(d, (uint16_t)port, proto && !strcmp(proto, "udp") ? 17 : 6, true, NULL) : NULL;
		if (s) {
			device_set_str(&s->name, json_string_value(json_object_get(v, "name")));
			device_set_str(&s->banner, json_string_value(json_object_get(v, "banner")));
		}
	}
	json_array_foreach(json_object_get(j, "peers"), i, v) {
		struct kaddr a;
		const char *ip = json_string_value(json_object_get(v, "ip"));
		struct peer *p = ip && kaddr_parse(&a, ip) ? device_peer(d, &a, true) : NULL;
		if (p) {
			device_set_str(&p->name, json_string_value(json_object_get(v, "name")));
			p->flows = (uint32_t)json_integer_value(json_object_get(v, "flows"));
		}
	}
}

/* Fills d from the stored row for key, if there is one. */
static void merge_known(struct inventory *inv, struct device *d, const char *dbpath, const char *key)
{
	char err[256];
	sqlite3_stmt *q = NULL;
	sqlite3 *db = db_open(dbpath, true, err, sizeof err);
	if (!db)
		return;
	if (sqlite3_prepare_v2(db, "SELECT json, manufacturer, first_seen, last_seen FROM devices WHERE key = ?1", -1,
			       &q, NULL) == SQLITE_OK) {
		sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
		if (sqlite3_step(q) == SQLITE_ROW) {
			json_t *j = json_loads((const char *)sqlite3_column_text(q, 0), 0, NULL);
			device_set_str(&d->vendor, json_string_value(json_object_get(j, "vendor")));
			device_set_str(&d->mud_url, json_string_value(json_object_get(j, "mud_url")));
			device_set_str(&d->manufacturer, (const char *)sqlite3_column_text(q, 1));
			d->first_seen_us = (uint64_t)sqlite3_column_int64(q, 2);
			d->last_seen_us = (uint64_t)sqlite3_column_int64(q, 3);
			if (j)
				merge_lists(inv, d, j);
			json_decref(j);
		}
	}
	sqlite3_finalize(q);
	sqlite3_close(db);
}

static int put_device(struct store *st, const char *dbpath, const struct kd_status *s, char *err, size_t errsz)
{
	char key[32];
	uint64_t ts = s->time * 1000000u;
	struct inventory *inv = inventory_new(4);
	struct device *d = inv ? inventory_add(inv, s->mac, NULL, ts) : NULL;
	int rc = -1;
	if (d) {
		mac_str(s->mac, key, sizeof key);
		merge_known(inv, d, dbpath, key);
		d->local = true;
		device_set_str(&d->manufacturer, s->maker[0] ? s->maker : NULL);
		device_set_str(&d->model, s->hw_class);
		device_set_str(&d->firmware, s->fw_version);
		if (!d->first_seen_us || ts < d->first_seen_us)
			d->first_seen_us = ts;
		if (ts > d->last_seen_us)
			d->last_seen_us = ts;
		rc = store_put_device(st, d);
		if (rc != 0)
			snprintf(err, errsz, "%s", store_error(st));
	} else {
		snprintf(err, errsz, "out of memory");
	}
	inventory_free(inv);
	return rc;
}

/* ---- evidence and events ---- */

static json_t *date_json(uint64_t secs)
{
	char d[KD_DATE_LEN + 1];
	kd_date_format((int64_t)(secs / 86400), d);
	return json_string(d);
}

static json_t *report_json(const char *source, const uint8_t *buf, size_t len, uint64_t t)
{
	uint8_t h[32];
	char hex[65];
	crypto_hash_sha256(h, buf, len);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	return json_pack("{s:s, s:s, s:I, s:I}", "source", source, "sha256", hex, "bytes", (json_int_t)len,
			 "time", (json_int_t)t);
}

static json_t *evidence(const struct kd_status *s, const struct maker_key *m, const char *source,
			const uint8_t *buf, size_t len)
{
	char hash[65];
	sodium_bin2hex(hash, sizeof hash, s->log_hash, 32);
	return json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:o, s:I}, s:{s:s, s:s, s:s, s:I}, s:b, s:{s:I, s:s},"
			 " s:s?, s:o}",
			 "device_id", s->device_id, "maker", s->maker, "maker_key", m ? m->name : "", "hw_class",
			 s->hw_class, "firmware", "version", s->fw_version, "released", date_json(s->fw_release),
			 "security_counter", (json_int_t)s->security_counter, "update", "status",
			 kd_update_state_str(s->update.state), "reason", kd_update_reason_str(s->update.reason),
			 "version", s->update.version, "time", (json_int_t)s->update.time, "password_changed",
			 s->password_changed, "log_head", "seq", (json_int_t)s->log_seq, "hash", hash,
			 "end_of_support", s->end_of_support[0] ? s->end_of_support : NULL, "report",
			 report_json(source, buf, len, s->time));
}

static void event_base(struct event *ev, const struct kd_status *s, const char *kind, enum severity sev,
		       const uint8_t *kps, size_t nkp)
{
	memset(ev, 0, sizeof *ev);
	ev->ts_us = s->time * 1000000u;
	snprintf(ev->kind, sizeof ev->kind, "%s", kind);
	ev->severity = sev;
	ev->has_mac = s->has_mac;
	memcpy(ev->mac, s->mac, 6);
	for (size_t i = 0; i < nkp && i < EVENT_MAX_KEY_POINTS; i++)
		ev->key_points[ev->n_key_points++] = kps[i];
}

static void text_update_failed(struct event *ev, const struct kd_status *s)
{
	const char *why = kd_update_reason_str(s->update.reason);
	snprintf(ev->summary_en, sizeof ev->summary_en,
		 "Device %s (%s) reports that the firmware update to %s failed (%s); it runs %s.", s->device_id,
		 s->hw_class, s->update.version[0] ? s->update.version : "?", why, s->fw_version);
	snprintf(ev->summary_ja, sizeof ev->summary_ja,
		 "機器 %s（%s）がファームウェア %s への更新の失敗を報告しました（理由: %s）。動作中の版は %s です。",
		 s->device_id, s->hw_class, s->update.version[0] ? s->update.version : "?", why, s->fw_version);
}

static void text_default_pw(struct event *ev, const struct kd_status *s)
{
	snprintf(ev->summary_en, sizeof ev->summary_en,
		 "Device %s (%s) still has its factory default password; its functions stay locked until it is changed.",
		 s->device_id, s->hw_class);
	snprintf(ev->summary_ja, sizeof ev->summary_ja,
		 "機器 %s（%s）は初期パスワードのままです。変更されるまで機器の機能は制限されています。", s->device_id,
		 s->hw_class);
}

static void text_outdated(struct event *ev, const struct kd_status *s, const struct status_policy *p)
{
	char rel[KD_DATE_LEN + 1], dl[KD_DATE_LEN + 1];
	kd_date_format((int64_t)(s->fw_release / 86400), rel);
	kd_date_format(p->firmware_deadline, dl);
	snprintf(ev->summary_en, sizeof ev->summary_en,
		 "Device %s (%s) runs firmware %s released %s, older than the deadline %s: update it or isolate it.",
		 s->device_id, s->hw_class, s->fw_version, rel, dl);
	snprintf(ev->summary_ja, sizeof ev->summary_ja,
		 "機器 %s（%s）のファームウェア %s（%s 公開）は期限 %s より古いままです。更新するか、ネットワークから隔離してください。",
		 s->device_id, s->hw_class, s->fw_version, rel, dl);
}

static int add(struct store *st, struct event *ev, json_t *evidence_obj, char *err, size_t errsz)
{
	ev->evidence = evidence_obj;
	int rc = store_add_event(st, ev);
	json_decref(evidence_obj);
	ev->evidence = NULL;
	if (rc != 0)
		snprintf(err, errsz, "%s", store_error(st));
	return rc;
}

static int record_invalid(struct store *st, enum status_result res, const struct kd_status *s, const char *source,
			  const uint8_t *buf, size_t len, char *err, size_t errsz)
{
	static const uint8_t kps[] = { 16, 13 };
	struct event ev;
	struct kd_status none = *s;
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	none.time = (uint64_t)now.tv_sec;
	none.has_mac = false; /* nothing in an unverified report is trusted */
	event_base(&ev, &none, "status-invalid", SEV_HIGH, kps, 2);
	snprintf(ev.summary_en, sizeof ev.summary_en,
		 "A device status report (%s) failed verification: %s. Its contents cannot be trusted.", source,
		 status_result_str(res));
	snprintf(ev.summary_ja, sizeof ev.summary_ja, "機器の状態報告（%s）の検証に失敗しました（%s）。内容は信頼できません。",
		 source, status_result_str(res));
	json_t *e = json_pack("{s:s, s:s?, s:o}", "result", status_result_str(res), "claimed_device_id",
			      s->device_id[0] ? s->device_id : NULL, "report", report_json(source, buf, len, 0));
	return add(st, &ev, e, err, errsz) == 0 ? 1 : -1;
}

int status_record(struct store *st, const char *dbpath, enum status_result res, const struct kd_status *s,
		  const struct maker_key *maker, const struct status_policy *p, const char *source,
		  const uint8_t *buf, size_t len, char *err, size_t errsz)
{
	static const uint8_t kp_upd[] = { 17, 16 }, kp_pw[] = { 4, 15 }, kp_old[] = { 17, 21 };
	struct event ev;
	int n = 0;
	if (res != STATUS_VALID)
		return record_invalid(st, res, s, source, buf, len, err, errsz);
	if (s->has_mac && put_device(st, dbpath, s, err, errsz) != 0)
		return -1;
	unsigned f = status_findings(s, p);
	if (f & FINDING_UPDATE_FAILED) {
		uint8_t r = s->update.reason;
		bool attack = r == KD_RSN_BAD_SIGNATURE || r == KD_RSN_UNKNOWN_KEY || r == KD_RSN_ROLLBACK;
		event_base(&ev, s, "update-failed", attack ? SEV_HIGH : SEV_MEDIUM, kp_upd, attack ? 2 : 1);
		text_update_failed(&ev, s);
		if (add(st, &ev, evidence(s, maker, source, buf, len), err, errsz) != 0)
			return -1;
		n++;
	}
	if (f & FINDING_DEFAULT_PASSWORD) {
		event_base(&ev, s, "default-password-unchanged", SEV_HIGH, kp_pw, 2);
		text_default_pw(&ev, s);
		if (add(st, &ev, evidence(s, maker, source, buf, len), err, errsz) != 0)
			return -1;
		n++;
	}
	if (f & FINDING_FIRMWARE_OUTDATED) {
		event_base(&ev, s, "firmware-outdated", SEV_MEDIUM, kp_old, 2);
		text_outdated(&ev, s, p);
		json_t *e = evidence(s, maker, source, buf, len);
		char d[KD_DATE_LEN + 1];
		kd_date_format(p->firmware_deadline, d);
		json_object_set_new(e, "deadline", json_string(d));
		if (add(st, &ev, e, err, errsz) != 0)
			return -1;
		n++;
	}
	return n;
}
