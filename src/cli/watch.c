/* watch.c - `koban watch`: the live gateway daemon (src/daemon/). Runs in
 * the foreground (systemd: Type=simple); logs go to standard error. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/commands.h"
#include "daemon/daemon.h"

#define MAX_INDICATOR_FILES 32

static void usage(FILE *f)
{
	fputs("usage: koban watch [--config FILE] [--indicators FILE]...\n"
	      "  captures live on daemon.interfaces, analyses in a sandboxed engine, contains devices with\n"
	      "  nftables; default FILE /etc/koban/koban.conf (see docs/gateway.md)\n",
	      f);
}

int cmd_watch(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"indicators", required_argument, NULL, 'i'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	char *indicators[MAX_INDICATOR_FILES];
	struct watch_opts o = {.config_path = "/etc/koban/koban.conf", .indicators = indicators};
	optind = 1;
	int ch;
	while ((ch = getopt_long(argc, argv, "c:i:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': o.config_path = optarg; break;
		case 'i':
			if (o.n_indicators == MAX_INDICATOR_FILES) {
				fprintf(stderr, "koban: at most %d --indicators files\n", MAX_INDICATOR_FILES);
				return 2;
			}
			indicators[o.n_indicators++] = optarg;
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	return daemon_run(&o);
}
