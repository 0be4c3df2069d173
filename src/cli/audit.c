/* audit.c - `koban audit`: an active survey of the operator's own network
 * (see src/audit/audit.h and docs/audit.md). Checks the scope before any
 * packet is sent, records the run (who, when, scope, targets) in the
 * tamper-evident log, and writes devices.json, events.jsonl, report.html,
 * koban.db, events.log and one notice per device with findings
 * (notices/ADDRESS.txt) into the output directory. */
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit.h"
#include "audit/output.h"
#include "cli/commands.h"
#include "engine/config.h"
#include "intel/intel.h"
#include "util/datadir.h"

static void usage_audit(FILE *f)
{
	fputs("usage: koban audit [--scope CIDR]... [--out DIR] [--rate PPS] [--credentials FILE]\n"
	      "                   [--authorized --scope-file FILE] [--config FILE] [--lang ja|en]\n"
	      "                   [--ports LIST] [--scan syn|connect|auto] [--verbose] [TARGET]...\n"
	      "  TARGET: an address or CIDR prefix; without targets the --scope prefixes are surveyed.\n"
	      "  Only private, link-local and ULA addresses may be surveyed; any other needs --authorized\n"
	      "  and a --scope-file listing it.\n",
	      f);
}

static int parse_audit_args(int argc, char **argv, struct audit_job *a)
{
	static const struct option longopts[] = {
		{"scope", required_argument, NULL, 's'},      {"out", required_argument, NULL, 'o'},
		{"rate", required_argument, NULL, 'r'},       {"credentials", required_argument, NULL, 'C'},
		{"authorized", no_argument, NULL, 'A'},       {"scope-file", required_argument, NULL, 'S'},
		{"config", required_argument, NULL, 'c'},     {"lang", required_argument, NULL, 'l'},
		{"ports", required_argument, NULL, 'p'},      {"verbose", no_argument, NULL, 'v'},
		{"scan", required_argument, NULL, 'm'},       {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	a->out_dir = "koban-out";
	optind = 1;
	int ch;
	while ((ch = getopt_long(argc, argv, "s:o:r:C:AS:c:l:p:m:vh", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			if (a->n_scopes == AUDIT_MAX_SCOPES) {
				fprintf(stderr, "koban: at most %d --scope prefixes\n", AUDIT_MAX_SCOPES);
				return -1;
			}
			a->scopes[a->n_scopes++] = optarg;
			break;
		case 'o': a->out_dir = optarg; break;
		case 'r': a->rate = optarg; break;
		case 'C': a->cred_path = optarg; break;
		case 'A': a->authorized = true; break;
		case 'S': a->scope_file = optarg; break;
		case 'c': a->config_path = optarg; break;
		case 'l': a->lang = optarg; break;
		case 'p': a->ports = optarg; break;
		case 'm': a->scan = optarg; break;
		case 'v': a->verbose = true; break;
		case 'h': usage_audit(stdout); exit(0);
		default: usage_audit(stderr); return -1;
		}
	}
	if (a->lang && strcmp(a->lang, "ja") != 0 && strcmp(a->lang, "en") != 0) {
		fprintf(stderr, "koban: --lang must be ja or en\n");
		return -1;
	}
	if (a->authorized != (a->scope_file != NULL)) {
		fprintf(stderr, "koban: --authorized and --scope-file go together\n");
		return -1;
	}
	a->targets = argv + optind;
	a->n_targets = (size_t)(argc - optind);
	return 0;
}

/* Configuration, options and the credential list. 0 or exit status 2. */
static int load_settings(struct audit_job *a)
{
	char err[512];
	config_defaults(&a->cfg);
	if (a->config_path && !config_load(&a->cfg, a->config_path, err, sizeof err))
		goto bad;
	audit_opts_defaults(&a->opts);
	if (!audit_opts_load(&a->opts, &a->cfg, err, sizeof err))
		goto bad;
	if (a->ports && !audit_ports_parse(&a->opts, a->ports, err, sizeof err))
		goto bad;
	if (a->scan && !audit_scan_parse(a->scan, &a->opts.scan)) {
		snprintf(err, sizeof err, "--scan: expected syn, connect or auto");
		goto bad;
	}
	if (a->rate) {
		char *end;
		unsigned long r = strtoul(a->rate, &end, 10);
		if (end == a->rate || *end || r < 1 || r > 100000) {
			snprintf(err, sizeof err, "--rate: expected packets per second from 1 to 100000");
			goto bad;
		}
		a->opts.rate_pps = (unsigned)r;
	}
	/* the analyze-side sections of a shared configuration file are fine here */
	for (size_t i = 0; i < a->cfg.n_params; i++)
		if (strncmp(a->cfg.params[i].key, "audit.", 6) != 0)
			a->cfg.params[i].used = true;
	if (!config_check_unused(&a->cfg, err, sizeof err))
		goto bad;
	char path[4096];
	if (!a->cred_path && !data_path("default-credentials", path, sizeof path)) {
		snprintf(err, sizeof err, "no default-credentials file found (set KOBAN_DATA_DIR or --credentials)");
		goto bad;
	}
	if (!creds_load(&a->creds, a->cred_path ? a->cred_path : path, err, sizeof err))
		goto bad;
	return 0;
bad:
	fprintf(stderr, "koban: %s\n", err);
	return 2;
}

static int host_cmp(const void *x, const void *y)
{
	const struct kaddr *a = &((const struct audit_host *)x)->ip, *b = &((const struct audit_host *)y)->ip;
	return a->family != b->family ? (int)a->family - (int)b->family : memcmp(a->b, b->b, 16);
}

/* Scope and targets: everything is checked before anything is sent. */
static int build_targets(struct audit_job *a)
{
	char why[512];
	struct audit_scope *sc = &a->scope;
	sc->authorized_flag = a->authorized;
	if (a->scope_file && !scope_load_file(sc, a->scope_file, why, sizeof why))
		goto refuse;
	for (size_t i = 0; i < a->n_scopes; i++)
		if (!scope_add(sc, a->scopes[i], why, sizeof why))
			goto refuse;
	char **list = a->n_targets ? a->targets : (char **)a->scopes;
	size_t n = a->n_targets ? a->n_targets : a->n_scopes;
	if (n == 0) {
		usage_audit(stderr);
		return 2;
	}
	struct kaddr *addrs = malloc(AUDIT_MAX_HOSTS * sizeof *addrs);
	size_t na = 0;
	for (size_t i = 0; addrs && i < n; i++) {
		struct kprefix t;
		if (!scope_parse_target(&t, list[i])) {
			snprintf(why, sizeof why, "%s: not an address or CIDR prefix", list[i]);
			free(addrs);
			goto refuse;
		}
		if (!scope_allows(sc, &t, why, sizeof why)) {
			free(addrs);
			goto refuse;
		}
		if (!scope_expand(&t, addrs, &na, AUDIT_MAX_HOSTS)) {
			snprintf(why, sizeof why, "%s: more than %d addresses in all (IPv6 prefixes: /112 or longer)",
				 list[i], AUDIT_MAX_HOSTS);
			free(addrs);
			goto refuse;
		}
	}
	a->hosts = addrs ? calloc(na ? na : 1, sizeof *a->hosts) : NULL;
	for (size_t i = 0; a->hosts && i < na; i++)
		a->hosts[i].ip = addrs[i];
	free(addrs);
	if (!a->hosts)
		return 3;
	qsort(a->hosts, na, sizeof *a->hosts, host_cmp);
	for (size_t i = 0; i < na; i++) /* drop duplicates */
		if (a->n_hosts == 0 || host_cmp(&a->hosts[a->n_hosts - 1], &a->hosts[i]) != 0)
			a->hosts[a->n_hosts++] = a->hosts[i];
	return 0;
refuse:
	fprintf(stderr, "koban: refused: %s\n", why);
	return 2;
}

int cmd_audit(int argc, char **argv)
{
	struct audit_job *a = calloc(1, sizeof *a);
	if (!a)
		return 3;
	int rc = parse_audit_args(argc, argv, a) != 0 ? 2 : 0;
	if (rc == 0)
		rc = load_settings(a);
	if (rc == 0)
		rc = build_targets(a);
	if (rc == 0)
		rc = audit_job_run(a);
	creds_free(&a->creds);
	free(a->hosts);
	free(a);
	return rc;
}
