/* ctl.c - `koban ctl`: talks to a running `koban watch` over its control
 * socket (one request line, see daemon/ctlproto.h) and prints the answer.
 * Exit status: 0 done, 1 refused or failed, 2 usage. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/ctl_client.h"
#include "daemon/ctlproto.h"

static void usage(FILE *f)
{
	fputs("usage: koban ctl [--socket PATH] COMMAND [--reason TEXT]\n"
	      "  status [--json]            daemon state, counters and actions in place\n"
	      "  devices [--json]           local devices and the actions on each\n"
	      "  quarantine DEV             DEV reaches only the gateway's DNS and DHCP\n"
	      "  release DEV                remove every action on DEV\n"
	      "  degrade DEV PORT           close one port (23, 23/tcp, 53/udp, telnet ...)\n"
	      "  block DEV TARGET           drop DEV's traffic toward TARGET\n"
	      "  lan-only DEV               hold DEV to the local networks\n"
	      "DEV is a MAC or IP address. Default PATH /run/koban/ctl.sock ($KOBAN_CTL_SOCKET).\n",
	      f);
}

/* The request line; NULL on a usage error. */
static char *build(int argc, char **argv, const char *reason)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	for (int i = 0; i < argc; i++)
		fprintf(f, "%s%s", i ? " " : "", argv[i]);
	if (reason)
		fprintf(f, " -- %s", reason);
	fputc('\n', f);
	fclose(f);
	if (len > CTL_MAX_LINE || strchr(buf, '\n') != buf + len - 1) {
		free(buf);
		return NULL;
	}
	return buf;
}

int ctl_talk(const char *path, const char *req)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof sa.sun_path) {
		fprintf(stderr, "koban: socket path too long\n");
		return 1;
	}
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		fprintf(stderr, "koban: cannot reach koban watch at %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	size_t n = strlen(req);
	if (send(fd, req, n, MSG_NOSIGNAL) != (ssize_t)n) {
		fprintf(stderr, "koban: %s: %s\n", path, strerror(errno));
		close(fd);
		return 1;
	}
	shutdown(fd, SHUT_WR);
	char *resp = NULL;
	size_t rlen = 0;
	FILE *out = open_memstream(&resp, &rlen);
	char buf[4096];
	ssize_t r;
	while (out && (r = read(fd, buf, sizeof buf)) > 0)
		fwrite(buf, 1, (size_t)r, out);
	close(fd);
	if (out)
		fclose(out);
	int rc = 1;
	if (resp && strncmp(resp, "ok\n", 3) == 0) {
		fputs(resp + 3, stdout);
		rc = 0;
	} else {
		fprintf(stderr, "koban: %s", resp && rlen ? resp : "no answer from koban watch\n");
	}
	free(resp);
	return rc;
}

int cmd_ctl(int argc, char **argv)
{
	const char *path = getenv("KOBAN_CTL_SOCKET"), *reason = NULL;
	char *args[8];
	int n = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--socket") && i + 1 < argc)
			path = argv[++i];
		else if (!strcmp(argv[i], "--reason") && i + 1 < argc)
			reason = argv[++i];
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else if (n < 8)
			args[n++] = argv[i];
		else {
			usage(stderr);
			return 2;
		}
	}
	char *req = n ? build(n, args, reason) : NULL;
	struct ctl_request r;
	char err[256];
	if (!req || !ctl_parse(req, strlen(req), &r, err, sizeof err)) {
		if (req)
			fprintf(stderr, "koban: %s\n", err);
		usage(stderr);
		free(req);
		return 2;
	}
	int rc = ctl_talk(path && *path ? path : CTL_DEFAULT_SOCKET, req);
	free(req);
	return rc;
}
