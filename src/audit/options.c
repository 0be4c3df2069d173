/* options.c - the audit.* settings of the configuration file and their
 * defaults (docs/audit.md): pacing and bounds of the login checks, rate
 * limits and the TCP ports of the survey. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "engine/config.h"

/* The IoT port list: remote consoles, file transfer, web admin pages
 * (also the alternative ports cameras and routers use), RTSP, MQTT, UPnP,
 * TR-069, and the ports of the Mirai-era backdoors. */
static const uint16_t default_ports[] = {21,   22,   23,   80,   81,   443,  554,  1883, 2323, 5000, 7547, 8000,
					 8080, 8081, 8443, 8554, 8883, 8888, 9000, 9530, 49152};

void audit_opts_defaults(struct audit_opts *o)
{
	memset(o, 0, sizeof *o);
	o->max_attempts = 10;
	o->attempt_interval_ms = 1000;
	o->rate_pps = 200;
	o->per_host = 4;
	o->connect_timeout_ms = 1500;
	o->io_timeout_ms = 3000;
	o->workers = 16;
	o->discover = true;
	o->logins = true;
	o->n_ports = sizeof default_ports / sizeof default_ports[0];
	memcpy(o->ports, default_ports, sizeof default_ports);
}

const char *audit_scan_name(enum audit_scan m)
{
	return m == AUDIT_SCAN_SYN ? "syn" : m == AUDIT_SCAN_CONNECT ? "connect" : "auto";
}

bool audit_scan_parse(const char *s, enum audit_scan *m)
{
	if (!strcmp(s, "auto"))
		*m = AUDIT_SCAN_AUTO;
	else if (!strcmp(s, "syn"))
		*m = AUDIT_SCAN_SYN;
	else if (!strcmp(s, "connect"))
		*m = AUDIT_SCAN_CONNECT;
	else
		return false;
	return true;
}

static bool add_port(struct audit_opts *o, unsigned long p, char *err, size_t errsz)
{
	for (size_t i = 0; i < o->n_ports; i++)
		if (o->ports[i] == p)
			return true;
	if (o->n_ports == AUDIT_MAX_PORTS) {
		snprintf(err, errsz, "audit.ports: at most %d ports", AUDIT_MAX_PORTS);
		return false;
	}
	o->ports[o->n_ports++] = (uint16_t)p;
	return true;
}

bool audit_ports_parse(struct audit_opts *o, const char *s, char *err, size_t errsz)
{
	o->n_ports = 0;
	while (*s) {
		char *end;
		unsigned long a = strtoul(s, &end, 10), b = a;
		if (end == s)
			goto bad;
		if (*end == '-') {
			const char *q = end + 1;
			b = strtoul(q, &end, 10);
			if (end == q)
				goto bad;
		}
		if (a == 0 || b > 65535 || b < a || b - a > AUDIT_MAX_PORTS)
			goto bad;
		for (unsigned long p = a; p <= b; p++)
			if (!add_port(o, p, err, errsz))
				return false;
		s = end;
		while (*s == ',' || *s == ' ')
			s++;
	}
	if (o->n_ports)
		return true;
bad:
	snprintf(err, errsz, "audit.ports: expected a list like 23,80,8000-8010");
	return false;
}

static bool get_uint(struct config *cfg, const char *key, unsigned *v, unsigned lo, unsigned hi, char *err,
		     size_t errsz)
{
	const char *s = config_param(cfg, key);
	if (!s)
		return true;
	char *end;
	unsigned long x = strtoul(s, &end, 10);
	if (end == s || *end || x < lo || x > hi) {
		snprintf(err, errsz, "%s: %s:%s: expected a whole number from %u to %u", key, cfg->path, s, lo, hi);
		return false;
	}
	*v = (unsigned)x;
	return true;
}

static bool get_bool(struct config *cfg, const char *key, bool *v, char *err, size_t errsz)
{
	const char *s = config_param(cfg, key);
	if (!s)
		return true;
	if (!strcmp(s, "yes") || !strcmp(s, "true") || !strcmp(s, "on") || !strcmp(s, "1"))
		*v = true;
	else if (!strcmp(s, "no") || !strcmp(s, "false") || !strcmp(s, "off") || !strcmp(s, "0"))
		*v = false;
	else {
		snprintf(err, errsz, "%s: expected yes or no", key);
		return false;
	}
	return true;
}

bool audit_opts_load(struct audit_opts *o, struct config *cfg, char *err, size_t errsz)
{
	const char *ports = config_param(cfg, "audit.ports");
	if (ports && !audit_ports_parse(o, ports, err, errsz))
		return false;
	const char *scan = config_param(cfg, "audit.scan");
	if (scan && !audit_scan_parse(scan, &o->scan)) {
		snprintf(err, errsz, "audit.scan: expected syn, connect or auto");
		return false;
	}
	return get_uint(cfg, "audit.max_attempts", &o->max_attempts, 0, AUDIT_MAX_CREDS, err, errsz) &&
	       get_uint(cfg, "audit.attempt_interval", &o->attempt_interval_ms, 0, 600000, err, errsz) &&
	       get_uint(cfg, "audit.rate", &o->rate_pps, 1, 100000, err, errsz) &&
	       get_uint(cfg, "audit.per_host", &o->per_host, 1, 64, err, errsz) &&
	       get_uint(cfg, "audit.connect_timeout", &o->connect_timeout_ms, 50, 60000, err, errsz) &&
	       get_uint(cfg, "audit.io_timeout", &o->io_timeout_ms, 50, 60000, err, errsz) &&
	       get_uint(cfg, "audit.workers", &o->workers, 1, 256, err, errsz) &&
	       get_bool(cfg, "audit.discover", &o->discover, err, errsz) &&
	       get_bool(cfg, "audit.logins", &o->logins, err, errsz);
}
