/* koban-device-tool.c - entry point of the maker's host tool: dispatches to
 * one sub-command and holds the small file and key helpers they share. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "device/status_verify.h"
#include "devtool.h"

uint8_t *dt_read_file(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = f ? malloc(max + 1) : NULL;
	if (!buf) {
		fprintf(stderr, "koban-device-tool: %s: %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		return NULL;
	}
	*len = fread(buf, 1, max + 1, f);
	bool bad = ferror(f) || *len > max;
	fclose(f);
	if (bad) {
		fprintf(stderr, "koban-device-tool: %s: %s\n", path, *len > max ? "too large" : "read error");
		free(buf);
		return NULL;
	}
	return buf;
}

int dt_write_file(const char *path, const void *p, size_t n, int mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	bool ok = fd >= 0 && write(fd, p, n) == (ssize_t)n;
	if (fd >= 0 && close(fd) != 0)
		ok = false;
	if (!ok)
		fprintf(stderr, "koban-device-tool: %s: %s\n", path, strerror(errno));
	return ok ? 0 : -1;
}

int dt_read_key(const char *path, uint8_t key[32])
{
	size_t len;
	char why[128];
	uint8_t *text = dt_read_file(path, 4096, &len);
	if (!text)
		return -1;
	int rc = maker_key_parse((const char *)text, len, key, why, sizeof why);
	if (rc != 0)
		fprintf(stderr, "koban-device-tool: %s: %s\n", path, why);
	free(text);
	return rc;
}

void dt_hex(const uint8_t *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
	out[2 * n] = '\0';
}

bool dt_date_secs(const char *s, uint64_t *secs)
{
	int64_t days;
	if (!s) {
		*secs = (uint64_t)time(NULL) / 86400 * 86400;
		return true;
	}
	if (!kd_date_parse(s, strlen(s), &days))
		return false;
	*secs = (uint64_t)days * 86400;
	return true;
}

static void usage(FILE *f)
{
	fputs("usage: koban-device-tool COMMAND ...\n"
	      "  keygen NAME                      new Ed25519 maker key: NAME.key (secret), NAME.pub\n"
	      "  sign --key K --version V --counter N --hw-class C [--release YYYY-MM-DD] PAYLOAD OUT\n"
	      "                                   signed image: 256-byte manifest + payload\n"
	      "  verify --pub P IMAGE             check an image's signature and hash\n"
	      "  provision --key K --id ID --hw-class C --maker NAME [--eos YYYY-MM-DD] --image IMG FLASH\n"
	      "                                   factory: new flash file with identity and first image;\n"
	      "                                   prints the unit's label password\n"
	      "  label FLASH                      the unit's label (default) password\n"
	      "  log-verify [--anchor HEX] FILE   check exported event-log records\n"
	      "  status-show [--makers DIR] REPORT  decode (and verify) a status report\n"
	      "  bench [--size BYTES] [--rounds N]  time the verification of a signed image\n",
	      f);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {
		{ "keygen", cmd_keygen }, { "sign", cmd_sign }, { "verify", cmd_verify },
		{ "provision", cmd_provision }, { "label", cmd_label }, { "log-verify", cmd_log_verify },
		{ "status-show", cmd_status_show }, { "bench", cmd_bench },
	};
	if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "koban-device-tool: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
