/* log.c - `koban log verify [--config FILE] FILE`: checks a tamper-evident
 * event log (events.log) and names its first altered, removed, inserted or
 * reordered record. The head recorded in koban.db beside the log, when there
 * is one, reveals records cut off at the end. Exit status: 0 intact, 1 a
 * problem was found, 2 usage or I/O error. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "engine/config.h"
#include "store/db.h"
#include "store/eventlog.h"

static void usage_log(FILE *f)
{
	fputs("usage: koban log verify [--config FILE] FILE\n"
	      "  checks the hash chain of an event log (events.log); the log_key of FILE's\n"
	      "  configuration keys the chain. Exit 0 intact, 1 tampered or damaged, 2 error.\n",
	      f);
}

/* Hints on stderr when the key in use is probably not the log's. */
static void key_hints(const struct eventlog_result *res, bool have_db, bool db_keyed, bool keyed)
{
	if (res->problem == EVENTLOG_INTACT)
		return;
	if (have_db && db_keyed && !keyed)
		fputs("hint: koban.db says this log is keyed: pass --config with its log_key\n", stderr);
	else if (have_db && !db_keyed && keyed)
		fputs("hint: koban.db says this log is not keyed: try without log_key\n", stderr);
	else if (res->key_hint)
		fputs("hint: every record fails its own hash: was the log written with a different log_key?\n",
		      stderr);
}

static int verify(const char *path, const char *key)
{
	char err[600], line[300];
	struct eventlog_head head;
	struct eventlog_result res;
	bool db_keyed = false;
	int have = db_head_beside(path, &head, &db_keyed, err, sizeof err);
	if (have < 0)
		fprintf(stderr, "koban: warning: %s; records cut off at the end cannot be detected\n", err);
	if (eventlog_verify(path, key, have > 0 ? &head : NULL, &res, err, sizeof err) != 0) {
		fprintf(stderr, "koban: %s\n", err);
		return 2;
	}
	eventlog_describe(&res, line, sizeof line);
	puts(line);
	key_hints(&res, have > 0, db_keyed, key && *key);
	return res.problem == EVENTLOG_INTACT ? 0 : 1;
}

int cmd_log(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *config_path = NULL;
	struct config cfg;
	char err[512];
	int ch;
	if (argc < 2 || strcmp(argv[1], "verify") != 0) {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
			usage_log(stdout);
			return 0;
		}
		usage_log(stderr);
		return 2;
	}
	optind = 1;
	while ((ch = getopt_long(argc - 1, argv + 1, "c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': config_path = optarg; break;
		case 'h': usage_log(stdout); return 0;
		default: usage_log(stderr); return 2;
		}
	}
	if (optind != argc - 2) {
		usage_log(stderr);
		return 2;
	}
	config_defaults(&cfg);
	if (config_path && !config_load(&cfg, config_path, err, sizeof err)) {
		fprintf(stderr, "koban: %s\n", err);
		return 2;
	}
	return verify(argv[optind + 1], cfg.log_key);
}
