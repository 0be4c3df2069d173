/* ctlproto.c - parses `koban ctl` request lines (see ctlproto.h). */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/ctlproto.h"
#include "util/text.h"

static const struct {
	const char *name;
	uint16_t port;
	uint8_t proto;
} services[] = {
	{"ftp", 21, IPPROTO_TCP},    {"ssh", 22, IPPROTO_TCP},	    {"telnet", 23, IPPROTO_TCP},
	{"smtp", 25, IPPROTO_TCP},   {"dns", 53, 0},		    {"http", 80, IPPROTO_TCP},
	{"ntp", 123, IPPROTO_UDP},   {"snmp", 161, IPPROTO_UDP},    {"https", 443, IPPROTO_TCP},
	{"rtsp", 554, IPPROTO_TCP},  {"mqtt", 1883, IPPROTO_TCP},   {"upnp", 1900, IPPROTO_UDP},
	{"http-alt", 8080, IPPROTO_TCP}, {"mdns", 5353, IPPROTO_UDP},
};

bool ctl_parse_port(const char *s, uint16_t *port, uint8_t *proto)
{
	for (size_t i = 0; i < sizeof services / sizeof services[0]; i++) {
		if (strcmp(s, services[i].name) == 0) {
			*port = services[i].port;
			*proto = services[i].proto;
			return true;
		}
	}
	char *end;
	if (*s < '0' || *s > '9')
		return false;
	unsigned long n = strtoul(s, &end, 10);
	if (n < 1 || n > 65535)
		return false;
	*port = (uint16_t)n;
	if (!*end)
		*proto = 0;
	else if (!strcmp(end, "/tcp"))
		*proto = IPPROTO_TCP;
	else if (!strcmp(end, "/udp"))
		*proto = IPPROTO_UDP;
	else
		return false;
	return true;
}

#define MAX_ARGS 4

static const struct {
	const char *name;
	enum ctl_verb verb;
	int nargs; /* after the verb, before "--" */
} verbs[] = {
	{"status", CTL_STATUS, 0},	   {"devices", CTL_DEVICES, 0}, {"quarantine", CTL_QUARANTINE, 1},
	{"release", CTL_RELEASE, 1},   {"degrade", CTL_DEGRADE, 2}, {"block", CTL_BLOCK, 2},
	{"lan-only", CTL_LANONLY, 1},
};

static bool fail(char *err, size_t errsz, const char *msg)
{
	snprintf(err, errsz, "%s", msg);
	return false;
}

/* Splits the words before " -- " into argv (in buf); the rest is the reason. */
static int split(char *buf, char **argv, char **reason)
{
	int n = 0;
	char *save = NULL;
	*reason = NULL;
	for (char *w = strtok_r(buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (strcmp(w, "--") == 0) {
			*reason = save;
			break;
		}
		if (n == MAX_ARGS + 1)
			return -1;
		argv[n++] = w;
	}
	return n;
}

static bool parse_args(struct ctl_request *r, char **argv, int argc, char *err, size_t errsz)
{
	if (r->verb == CTL_STATUS || r->verb == CTL_DEVICES) {
		if (argc == 1 && !strcmp(argv[0], "--json"))
			r->json = true;
		else if (argc)
			return fail(err, errsz, "unexpected argument");
		return true;
	}
	if (!enf_device_parse(&r->dev, argv[0]))
		return fail(err, errsz, "DEV must be a MAC address or a unicast IP address");
	if (r->verb == CTL_DEGRADE && !ctl_parse_port(argv[1], &r->port, &r->proto))
		return fail(err, errsz, "PORT must be a number (1-65535), NUMBER/tcp, NUMBER/udp or a service name");
	if (r->verb == CTL_BLOCK && (!kaddr_parse(&r->target, argv[1]) || kaddr_is_unspecified(&r->target)))
		return fail(err, errsz, "TARGET must be an IP address");
	return true;
}

bool ctl_parse(const char *line, size_t len, struct ctl_request *r, char *err, size_t errsz)
{
	char buf[CTL_MAX_LINE + 1], *argv[MAX_ARGS + 1], *reason;
	memset(r, 0, sizeof *r);
	if (len && line[len - 1] == '\n')
		len--;
	if (len == 0 || len > CTL_MAX_LINE || memchr(line, '\0', len) || memchr(line, '\n', len))
		return fail(err, errsz, "empty, overlong or malformed request");
	memcpy(buf, line, len);
	buf[len] = '\0';
	int argc = split(buf, argv, &reason);
	if (argc <= 0)
		return fail(err, errsz, argc < 0 ? "too many arguments" : "empty request");
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
		if (strcmp(argv[0], verbs[i].name) != 0)
			continue;
		r->verb = verbs[i].verb;
		bool optional = r->verb == CTL_STATUS || r->verb == CTL_DEVICES;
		if (!optional && argc - 1 != verbs[i].nargs)
			return fail(err, errsz, "wrong number of arguments");
		if (!parse_args(r, argv + 1, argc - 1, err, errsz))
			return false;
		if (reason)
			text_clean_into(r->reason, sizeof r->reason, reason, strlen(reason));
		return true;
	}
	return fail(err, errsz, "unknown command");
}
