/* main.c - koban-device-example: a host program standing in for an IoT
 * device built on libkoban-device. Each run is one power-on of the device
 * whose flash is FILE (made by `koban-device-tool provision`):
 *   koban-device-example --flash FILE [--mac MAC | --iface IF] [--credlist F] COMMAND
 *     info                     state: firmware, update status, password, log
 *     passwd OLD NEW           change the password (label password first)
 *     serve ADDR PORT [N]      admin service over HTTP (N requests, 0 = forever)
 *     update URL               download a signed image, install it, restart into its trial
 *     report DEST              signed status report to a file or POSTed to http://...
 *     erase                    full erase (user data, password, log)
 *     log-export FILE          event log records for a collector */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "example.h"

static struct ex x; /* the device's RAM: static, no allocation in the library */

static void usage(void)
{
	fputs("usage: koban-device-example --flash FILE [--mac MAC | --iface IF] [--credlist FILE] COMMAND\n"
	      "  info | passwd OLD NEW | serve ADDR PORT [N] | update URL | report FILE|URL | erase |\n"
	      "  log-export FILE\n",
	      stderr);
}

static int parse_mac(const char *s)
{
	unsigned v[6];
	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		x.mac[i] = (uint8_t)v[i];
	x.has_mac = true;
	return 0;
}

static int iface_mac(const char *ifname)
{
	char path[128], line[64];
	snprintf(path, sizeof path, "/sys/class/net/%s/address", ifname);
	FILE *f = fopen(path, "r");
	int rc = f && fgets(line, sizeof line, f) ? parse_mac(line) : -1;
	if (f)
		fclose(f);
	return rc;
}

/* koban's default-credential list, for the strength check (bounded). */
static void load_credlist(const char *path)
{
	static char buf[256 * 1024];
	char def[4096];
	if (!path) {
		const char *d = getenv("KOBAN_DATA_DIR");
		snprintf(def, sizeof def, "%s/default-credentials", d ? d : "data");
		path = def;
	}
	FILE *f = fopen(path, "rb");
	x.credlen = f ? fread(buf, 1, sizeof buf, f) : 0;
	if (f)
		fclose(f);
	x.credlist = x.credlen ? buf : NULL;
	unsigned bad = 0;
	if (!x.credlist || kd_credlist_count(x.credlist, x.credlen, &bad) < 0)
		fprintf(stderr, "device: no usable default-credential list at %s (line %u): strength check without it\n",
			path, bad);
}

static int passwd(const char *old, const char *nw)
{
	int verdict;
	int rc = kd_cred_change(&x.dev, old, strlen(old), nw, strlen(nw), x.credlist, x.credlen, &verdict);
	if (rc == KD_ERR_WEAK)
		fprintf(stderr, "device: password refused: %s\n", kd_pw_verdict_str(verdict));
	else if (rc)
		fprintf(stderr, "device: password not changed: %s\n", kd_strerror(rc));
	else
		printf("device: password changed: the device is unlocked\n");
	return rc ? 1 : 0;
}

static int log_export(const char *path)
{
	static uint8_t recs[64 * 1024];
	uint32_t next;
	int n = kd_log_export(&x.dev, 0, recs, sizeof recs, &next);
	FILE *f = n >= 0 ? fopen(path, "wb") : NULL;
	bool ok = f && fwrite(recs, KD_LOG_RECORD, (size_t)n, f) == (size_t)n;
	if (f && fclose(f) != 0)
		ok = false;
	if (!ok) {
		fprintf(stderr, "device: log export: %s\n", n < 0 ? kd_strerror(n) : path);
		return 1;
	}
	printf("device: %d log records exported to %s\n", n, path);
	return 0;
}

static int run(int argc, char **argv)
{
	const char *cmd = argv[0];
	if (!strcmp(cmd, "info") && argc == 1)
		return ex_print_state(&x), 0;
	if (!strcmp(cmd, "passwd") && argc == 3)
		return passwd(argv[1], argv[2]);
	if (!strcmp(cmd, "serve") && (argc == 3 || argc == 4))
		return ex_serve(&x, argv[1], atoi(argv[2]), argc == 4 ? atol(argv[3]) : 0);
	if (!strcmp(cmd, "update") && argc == 2) {
		int rc = ex_update(&x, argv[1]);
		kd_device_close(&x.dev);
		kd_flash_close(&x.flash);
		return rc ? rc : (ex_power_on(&x) == KD_OK ? 0 : 1); /* the restart */
	}
	if (!strcmp(cmd, "report") && argc == 2)
		return ex_report(&x, argv[1]);
	if (!strcmp(cmd, "erase") && argc == 1) {
		int rc = kd_erase(&x.dev, KD_ERASE_DATA | KD_ERASE_CREDS | KD_ERASE_LOG);
		printf("device: erase %s\n", rc ? kd_strerror(rc) : "done: user data, password and log");
		return rc ? 1 : 0;
	}
	if (!strcmp(cmd, "log-export") && argc == 2)
		return log_export(argv[1]);
	usage();
	return 2;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "flash", required_argument, NULL, 'f' }, { "mac", required_argument, NULL, 'm' },
		{ "iface", required_argument, NULL, 'i' }, { "credlist", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	const char *flash = NULL, *credlist = NULL;
	int ch;
	while ((ch = getopt_long(argc, argv, "+f:m:i:c:", lo, NULL)) != -1) {
		switch (ch) {
		case 'f': flash = optarg; break;
		case 'm': if (parse_mac(optarg)) { usage(); return 2; } break;
		case 'i': if (iface_mac(optarg)) { fprintf(stderr, "device: no MAC for %s\n", optarg); return 2; } break;
		case 'c': credlist = optarg; break;
		default: usage(); return 2;
		}
	}
	if (!flash || optind >= argc) {
		usage();
		return 2;
	}
	load_credlist(credlist);
	snprintf(x.path, sizeof x.path, "%s", flash);
	if (ex_power_on(&x) != KD_OK)
		return 1;
	int rc = run(argc - optind, argv + optind);
	kd_device_close(&x.dev);
	kd_flash_close(&x.flash);
	return rc;
}
