/* devtool_unit.c - per-unit commands: factory provisioning of a flash file,
 * the label password, checking records exported from a device's event log,
 * and showing (and verifying) a status report. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "device/status_verify.h"
#include "devtool.h"

struct prov_opts {
	const char *key, *id, *hw_class, *maker, *eos, *image;
};

static int prov_args(int argc, char **argv, struct prov_opts *o)
{
	static const struct option lo[] = {
		{ "key", required_argument, NULL, 'k' }, { "id", required_argument, NULL, 'i' },
		{ "hw-class", required_argument, NULL, 'c' }, { "maker", required_argument, NULL, 'm' },
		{ "eos", required_argument, NULL, 'e' }, { "image", required_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "k:i:c:m:e:g:", lo, NULL)) != -1) {
		switch (ch) {
		case 'k': o->key = optarg; break;
		case 'i': o->id = optarg; break;
		case 'c': o->hw_class = optarg; break;
		case 'm': o->maker = optarg; break;
		case 'e': o->eos = optarg; break;
		case 'g': o->image = optarg; break;
		default: return -1;
		}
	}
	return o->key && o->id && o->hw_class && o->maker && o->image && argc - optind == 1 ? 0 : -1;
}

int cmd_provision(int argc, char **argv)
{
	struct prov_opts o = { 0 };
	struct kd_layout l;
	struct kd_file_flash f;
	struct kd_identity id;
	uint8_t seed[32];
	char label[KD_LABEL_PW_LEN + 1];
	size_t len;
	if (prov_args(argc, argv, &o) != 0) {
		fputs("usage: koban-device-tool provision --key K --id ID --hw-class C --maker NAME"
		      " [--eos YYYY-MM-DD] --image IMG FLASH\n", stderr);
		return 2;
	}
	uint8_t *img = dt_read_file(o.image, 2 << 20, &len);
	if (!img || dt_read_key(o.key, seed) != 0)
		return 1;
	struct kd_provision p = { o.id, o.hw_class, o.maker, o.eos ? o.eos : "", (uint64_t)time(NULL) };
	kd_layout_default(&l);
	int rc = kd_flash_create(&f, argv[optind], &l) == 0 ? KD_OK : KD_ERR_STORAGE;
	if (!rc)
		rc = kd_provision(&f.st, kd_crypto_sodium(), seed, &p, img, len, &id);
	if (!rc)
		rc = kd_label_password(kd_crypto_sodium(), id.secret, id.device_id, label, sizeof label);
	kd_flash_close(&f);
	kd_wipe(seed, sizeof seed);
	free(img);
	if (rc) {
		fprintf(stderr, "koban-device-tool: provision: %s\n", kd_strerror(rc));
		return 1;
	}
	printf("device %s provisioned into %s\nlabel password: %s\n", id.device_id, argv[optind], label);
	kd_wipe(&id, sizeof id);
	return 0;
}

int cmd_label(int argc, char **argv)
{
	struct kd_file_flash f;
	struct kd_identity id;
	uint8_t blk[KD_IDENTITY_SIZE];
	char label[KD_LABEL_PW_LEN + 1];
	if (argc != 2) {
		fputs("usage: koban-device-tool label FLASH\n", stderr);
		return 2;
	}
	if (kd_flash_open(&f, argv[1]) != 0) {
		perror(argv[1]);
		return 1;
	}
	int rc = f.st.read(f.st.ctx, KD_REGION_IDENTITY, 0, blk, sizeof blk) ? KD_ERR_STORAGE : KD_OK;
	if (!rc)
		rc = kd_identity_parse(kd_crypto_sodium(), blk, &id);
	if (!rc)
		rc = kd_label_password(kd_crypto_sodium(), id.secret, id.device_id, label, sizeof label);
	kd_flash_close(&f);
	if (rc) {
		fprintf(stderr, "koban-device-tool: %s: %s\n", argv[1], kd_strerror(rc));
		return 1;
	}
	printf("%s %s\n", id.device_id, label);
	kd_wipe(&id, sizeof id);
	return 0;
}

static int parse_anchor(const char *hex, uint8_t out[32])
{
	char text[80];
	char why[100];
	snprintf(text, sizeof text, "%s\n", hex);
	return maker_key_parse(text, strlen(text), out, why, sizeof why);
}

int cmd_log_verify(int argc, char **argv)
{
	uint8_t anchor[32], *a = NULL;
	struct kd_log_verdict v;
	size_t len;
	if (argc == 4 && !strcmp(argv[1], "--anchor") && parse_anchor(argv[2], anchor) == 0)
		a = anchor;
	else if (argc != 2) {
		fputs("usage: koban-device-tool log-verify [--anchor HASH] FILE\n", stderr);
		return 2;
	}
	uint8_t *recs = dt_read_file(argv[argc - 1], 64u << 20, &len);
	if (!recs)
		return 1;
	if (len % KD_LOG_RECORD != 0) {
		printf("%s: cut short: %zu bytes is not a whole number of records\n", argv[argc - 1], len);
		free(recs);
		return 1;
	}
	int rc = kd_log_verify_records(kd_crypto_sodium(), recs, len / KD_LOG_RECORD, a, &v);
	if (rc == KD_OK && v.records > 0) {
		struct kd_log_record r;
		char h[65];
		kd_log_record_parse(recs + len - KD_LOG_RECORD, &r);
		dt_hex(r.hash, 32, h);
		printf("intact: %u records (seq %u..%u), head %s\n", v.records, v.first_seq, v.last_seq, h);
	} else if (rc == KD_OK) {
		printf("intact: 0 records\n");
	} else {
		printf("%s: record %u (seq %u)\n", v.what ? v.what : "tampered", v.bad_slot + 1, v.bad_seq);
	}
	free(recs);
	return rc == KD_OK ? 0 : 1;
}

static void show(const struct kd_status *s)
{
	char h[65], rel[KD_DATE_LEN + 1];
	dt_hex(s->log_hash, 32, h);
	kd_date_format((int64_t)(s->fw_release / 86400), rel);
	printf("device_id: %s\nhw_class: %s\nmaker: %s\nfirmware: %s (released %s, security counter %u)\n",
	       s->device_id, s->hw_class, s->maker, s->fw_version, rel, s->security_counter);
	printf("update: %s (%s) %s at %llu\nlog_head: %u %s\npassword_changed: %s\nend_of_support: %s\n",
	       kd_update_state_str(s->update.state), kd_update_reason_str(s->update.reason), s->update.version,
	       (unsigned long long)s->update.time, s->log_seq, h, s->password_changed ? "yes" : "no",
	       s->end_of_support[0] ? s->end_of_support : "-");
	if (s->has_mac)
		printf("mac: %02x:%02x:%02x:%02x:%02x:%02x\n", s->mac[0], s->mac[1], s->mac[2], s->mac[3], s->mac[4],
		       s->mac[5]);
}

int cmd_status_show(int argc, char **argv)
{
	struct kd_status s;
	struct maker_keys mk = { 0 };
	const struct maker_key *maker;
	char err[512];
	size_t len;
	bool verify = argc == 4 && !strcmp(argv[1], "--makers");
	if (!verify && argc != 2) {
		fputs("usage: koban-device-tool status-show [--makers DIR] REPORT\n", stderr);
		return 2;
	}
	uint8_t *buf = dt_read_file(argv[argc - 1], KD_STATUS_MAX, &len);
	if (!buf)
		return 1;
	if (verify && maker_keys_load(&mk, argv[2], err, sizeof err) != 0) {
		fprintf(stderr, "koban-device-tool: %s\n", err);
		free(buf);
		return 1;
	}
	enum status_result res = verify ? status_verify_report(&mk, buf, len, &s, &maker)
					: (kd_status_parse(buf, len, &s) == KD_OK ? STATUS_VALID : STATUS_MALFORMED);
	if (res == STATUS_VALID || res != STATUS_MALFORMED)
		show(&s);
	printf("verification: %s\n", !verify && res == STATUS_VALID ? "not checked (no --makers)" : status_result_str(res));
	maker_keys_free(&mk);
	free(buf);
	return res == STATUS_VALID ? 0 : 1;
}
