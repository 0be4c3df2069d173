/* status.c - `koban status ingest [--config FILE] [--makers DIR]
 * [--firmware-deadline YYYY-MM-DD] DIR REPORT...`: verifies signed status
 * reports from devices built on libkoban-device against the enrolled maker
 * keys, records each device and raises update-failed,
 * default-password-unchanged, firmware-outdated or status-invalid events in
 * the store DIR. Exit 0 when every report verified, 1 when one did not (or
 * could not be read), 2 for usage or configuration errors, 3 when the
 * store cannot be written. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/commands.h"
#include "cli/ctl_client.h"
#include "device/status_verify.h"
#include "engine/config.h"
#include "store/store.h"
#include "util/datadir.h"
#include "util/text.h"

struct ingest {
	const char *config_path, *makers_dir, *deadline;
	const char *quarantine_socket; /* --quarantine-outdated: koban watch's control socket, or NULL */
	struct config cfg;
	struct maker_keys makers;
	struct status_policy policy;
	char makers_buf[4096];
};

static void usage_status(FILE *f)
{
	fputs("usage: koban status ingest [--config FILE] [--makers DIR] [--firmware-deadline YYYY-MM-DD]\n"
	      "                           [--quarantine-outdated[=SOCKET]] DIR REPORT...\n"
	      "  verifies device status reports (libkoban-device) against the maker keys in DIR/*.pub\n"
	      "  (default: the data directory's makers/) and records devices and events in the store DIR;\n"
	      "  with --quarantine-outdated, asks koban watch (its control socket, default\n"
	      "  $KOBAN_CTL_SOCKET or " CTL_DEFAULT_SOCKET ") to quarantine devices whose firmware is older\n"
	      "  than the deadline\n",
	      f);
}

/* device_status.* keys of the configuration; other modules' keys are theirs. */
static int read_config(struct ingest *g, char *err, size_t errsz)
{
	config_defaults(&g->cfg);
	if (g->config_path && !config_load(&g->cfg, g->config_path, err, errsz))
		return -1;
	const char *dir = config_param(&g->cfg, "device_status.makers_dir");
	const char *dl = config_param(&g->cfg, "device_status.firmware_deadline");
	for (size_t i = 0; i < g->cfg.n_params; i++) {
		const struct config_param *p = &g->cfg.params[i];
		if (strncmp(p->key, "device_status.", 14) == 0 && !p->used) {
			snprintf(err, errsz, "%s:%u: %s: unknown key", g->cfg.path, p->line, p->key);
			return -1;
		}
	}
	if (!g->makers_dir)
		g->makers_dir = dir;
	if (!g->deadline)
		g->deadline = dl;
	return 0;
}

static int setup(struct ingest *g, char *err, size_t errsz)
{
	if (read_config(g, err, errsz) != 0)
		return -1;
	if (g->deadline) {
		if (!kd_date_parse(g->deadline, strlen(g->deadline), &g->policy.firmware_deadline)) {
			snprintf(err, errsz, "firmware deadline: '%s' is not a date (YYYY-MM-DD)", g->deadline);
			return -1;
		}
		g->policy.has_deadline = true;
	}
	if (!g->makers_dir) {
		if (!data_path("makers", g->makers_buf, sizeof g->makers_buf)) {
			snprintf(err, errsz, "no maker key directory: give --makers DIR or device_status.makers_dir");
			return -1;
		}
		g->makers_dir = g->makers_buf;
	}
	return maker_keys_load(&g->makers, g->makers_dir, err, errsz);
}

static int read_report(const char *path, uint8_t *buf, size_t cap, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	*len = fread(buf, 1, cap, f);
	int bad = ferror(f);
	fclose(f);
	if (bad)
		errno = EIO;
	return bad ? -1 : 0;
}

static void print_result(const char *path, enum status_result res, const struct kd_status *s, int events)
{
	term_escape(stdout, path);
	if (res != STATUS_VALID) {
		printf(": %s\n", status_result_str(res));
		return;
	}
	printf(": valid: %s (%s) firmware %s, update %s, %d event%s\n", s->device_id, s->hw_class, s->fw_version,
	       kd_update_state_str(s->update.state), events, events == 1 ? "" : "s");
}

#define FIRMWARE_OUTDATED_FLAG FINDING_FIRMWARE_OUTDATED

/* Asks the running gateway (koban watch) to quarantine a device whose
 * firmware is older than the deadline; its refusal or absence is reported
 * but does not undo what was recorded. */
static void quarantine_outdated(const struct ingest *g, const struct kd_status *s)
{
	char mac[MAC_STRLEN], req[256];
	mac_str(s->mac, mac, sizeof mac);
	snprintf(req, sizeof req, "quarantine %s -- firmware older than the deadline %s\n", mac,
		 g->deadline ? g->deadline : "(configured)");
	if (ctl_talk(g->quarantine_socket, req) == 0)
		printf("  quarantine requested for %s\n", mac);
}

/* Verifies and records one report: 0 valid, 1 invalid/unreadable, 3 store error. */
static int ingest_one(struct ingest *g, struct store *st, const char *dbpath, const char *path)
{
	uint8_t buf[KD_STATUS_MAX + 1];
	size_t len;
	struct kd_status s;
	const struct maker_key *maker;
	char err[512];
	if (read_report(path, buf, sizeof buf, &len) != 0) {
		fprintf(stderr, "koban: %s: %s\n", path, strerror(errno));
		return 1;
	}
	enum status_result res = status_verify_report(&g->makers, buf, len, &s, &maker);
	int n = status_record(st, dbpath, res, &s, maker, &g->policy, path, buf, len, err, sizeof err);
	if (n < 0 || store_commit(st) != 0) {
		fprintf(stderr, "koban: %s\n", n < 0 ? err : store_error(st));
		return 3;
	}
	print_result(path, res, &s, n);
	if (res == STATUS_VALID && g->quarantine_socket && s.has_mac &&
	    (status_findings(&s, &g->policy) & FIRMWARE_OUTDATED_FLAG))
		quarantine_outdated(g, &s);
	return res == STATUS_VALID ? 0 : 1;
}

static int ingest(struct ingest *g, const char *dir, char **reports, int n)
{
	char err[600], dbpath[4200];
	struct stat sb;
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		fprintf(stderr, "koban: %s: not a directory\n", dir);
		return 2;
	}
	struct store *st = store_open(dir, g->cfg.log_key[0] ? g->cfg.log_key : NULL, err, sizeof err);
	if (!st) {
		fprintf(stderr, "koban: %s\n", err);
		return 3;
	}
	snprintf(dbpath, sizeof dbpath, "%s/koban.db", dir);
	int rc = 0;
	for (int i = 0; i < n && rc != 3; i++) {
		int r = ingest_one(g, st, dbpath, reports[i]);
		rc = r > rc ? r : rc;
	}
	store_close(st);
	return rc;
}

int cmd_status(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"makers", required_argument, NULL, 'm'},
		{"firmware-deadline", required_argument, NULL, 'd'},
		{"quarantine-outdated", optional_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct ingest g;
	char err[600];
	int ch;
	memset(&g, 0, sizeof g);
	if (argc < 2 || strcmp(argv[1], "ingest") != 0) {
		usage_status(argc >= 2 && !strcmp(argv[1], "--help") ? stdout : stderr);
		return argc >= 2 && !strcmp(argv[1], "--help") ? 0 : 2;
	}
	optind = 1;
	while ((ch = getopt_long(argc - 1, argv + 1, "c:m:d:qh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': g.config_path = optarg; break;
		case 'm': g.makers_dir = optarg; break;
		case 'd': g.deadline = optarg; break;
		case 'q':
			g.quarantine_socket = optarg ? optarg : getenv("KOBAN_CTL_SOCKET");
			if (!g.quarantine_socket || !*g.quarantine_socket)
				g.quarantine_socket = CTL_DEFAULT_SOCKET;
			break;
		case 'h': usage_status(stdout); return 0;
		default: usage_status(stderr); return 2;
		}
	}
	if (argc - 1 - optind < 2) {
		usage_status(stderr);
		return 2;
	}
	if (setup(&g, err, sizeof err) != 0) {
		fprintf(stderr, "koban: %s\n", err);
		return 2;
	}
	int rc = ingest(&g, argv[1 + optind], argv + 2 + optind, argc - 2 - optind);
	maker_keys_free(&g.makers);
	return rc;
}
