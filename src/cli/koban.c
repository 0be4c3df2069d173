/* koban.c - the `koban` command: dispatches to one verb per file in src/cli. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "device/oui.h"

static void usage(FILE *f)
{
	fputs("koban " KOBAN_VERSION " - IoT security monitor (Japan's IoT Security Guideline in software)\n"
	      "\n"
	      "usage:\n"
	      "  koban analyze [--out DIR] [--config FILE] [--lang ja|en] [--indicators FILE]... CAPTURE...\n"
	      "      analyse pcap/pcapng captures: device inventory, events, report (default DIR ./koban-out)\n"
	      "  koban devices DIR [--json]          list the devices stored in DIR\n"
	      "  koban events DIR [--kind K] [--json] list the events stored in DIR\n"
	      "  koban share DIR --stix FILE [--name NAME]  export C&C indicators and scan/flood sources\n"
	      "      stored in DIR as a STIX 2.1 bundle\n"
	      "  koban audit [--scope CIDR]... [--out DIR] [--rate PPS] [--credentials FILE] [TARGET]...\n"
	      "      survey your own network: services, default logins, weak TLS, firmware (see docs/audit.md)\n"
	      "  koban status ingest [--makers DIR] [--firmware-deadline DATE] DIR REPORT...\n"
	      "      verify signed device status reports (libkoban-device) and record them in DIR\n"
	      "  koban log verify [--config FILE] FILE  check a tamper-evident event log\n"
	      "  koban watch [--config FILE]          live gateway: capture, detect, contain (docs/gateway.md)\n"
	      "  koban ctl COMMAND ...                control a running koban watch (status, devices,\n"
	      "      quarantine DEV, release DEV, degrade DEV PORT, block DEV TARGET, lan-only DEV)\n"
	      "  koban help | --help                  this text\n"
	      "  koban --version                      print the version\n"
	      "\n"
	      "See koban(1) for details.\n",
	      f);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const char *verb = argv[1];
	int rc;
	if (strcmp(verb, "--version") == 0 || strcmp(verb, "version") == 0) {
		puts("koban " KOBAN_VERSION);
		return 0;
	}
	if (strcmp(verb, "help") == 0 || strcmp(verb, "--help") == 0 || strcmp(verb, "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(verb, "analyze") == 0 || strcmp(verb, "analyse") == 0)
		rc = cmd_analyze(argc - 1, argv + 1);
	else if (strcmp(verb, "log") == 0)
		rc = cmd_log(argc - 1, argv + 1);
	else if (strcmp(verb, "devices") == 0)
		rc = cmd_devices(argc - 1, argv + 1);
	else if (strcmp(verb, "events") == 0)
		rc = cmd_events(argc - 1, argv + 1);
	else if (strcmp(verb, "audit") == 0)
		rc = cmd_audit(argc - 1, argv + 1);
	else if (strcmp(verb, "share") == 0)
		rc = cmd_share(argc - 1, argv + 1);
	else if (strcmp(verb, "watch") == 0)
		rc = cmd_watch(argc - 1, argv + 1);
	else if (strcmp(verb, "ctl") == 0)
		rc = cmd_ctl(argc - 1, argv + 1);
	else if (strcmp(verb, "status") == 0)
		rc = cmd_status(argc - 1, argv + 1);
	else {
		fprintf(stderr, "koban: unknown command '%s'\n", verb);
		usage(stderr);
		return 2;
	}
	oui_free();
	return rc;
}
