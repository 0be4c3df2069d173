/* daemon_cfg.c - reads the daemon's configuration keys (daemon.*, ctl.*,
 * metrics.*, enforce.*, mud.*) from the shared koban.conf, before the engine
 * checks that no key is left unknown. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/daemon.h"

static bool parse_bool(const char *v, bool *out)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "on") || !strcmp(v, "1"))
		*out = true;
	else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "off") || !strcmp(v, "0"))
		*out = false;
	else
		return false;
	return true;
}

static bool parse_num(const char *v, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;
	if (!*v || *v == '-')
		return false;
	unsigned long n = strtoul(v, &end, 10);
	if (*end || n < min || n > max)
		return false;
	*out = n;
	return true;
}

static bool iface_ok(const char *s, size_t n)
{
	if (n == 0 || n >= 16)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '-' || s[i] == '_' || s[i] == '.' || s[i] == '@'))
			return false;
	return true;
}

static bool parse_ifaces(const char *v, struct daemon_cfg *d)
{
	d->n_ifaces = 0;
	while (*v) {
		while (*v == ' ' || *v == ',')
			v++;
		size_t n = strcspn(v, " ,");
		if (!n)
			break;
		if (d->n_ifaces == DAEMON_MAX_IFACES || !iface_ok(v, n))
			return false;
		memcpy(d->ifaces[d->n_ifaces], v, n);
		d->ifaces[d->n_ifaces++][n] = '\0';
		v += n;
	}
	return d->n_ifaces > 0;
}

static void defaults(struct daemon_cfg *d)
{
	memset(d, 0, sizeof *d);
	snprintf(d->state_dir, sizeof d->state_dir, "/var/lib/koban");
	d->uid = d->gid = 65534;
	d->snaplen = 65535;
	d->buffer_mb = 32;
	d->sandbox = true;
	d->restart_ms = 500;
	snprintf(d->ctl_path, sizeof d->ctl_path, "/run/koban/ctl.sock");
	snprintf(d->metrics_listen, sizeof d->metrics_listen, "127.0.0.1:9465");
	snprintf(d->mud_dir, sizeof d->mud_dir, "/etc/koban/mud");
	d->mud_timeout_s = 5;
}

static bool read_autos(struct config *c, struct daemon_cfg *d, char *err, size_t errsz)
{
	for (size_t i = 0; i < c->n_params; i++) {
		const char *k = c->params[i].key;
		if (strncmp(k, "enforce.auto.", 13) != 0)
			continue;
		const char *v = config_param(c, k);
		enum enf_kind a = strcmp(v, "none") == 0 ? ENF_NONE : enf_kind_parse(v);
		if ((a == ENF_NONE && strcmp(v, "none") != 0) || a == ENF_MUD || a == ENF_DEGRADE ||
		    strlen(k + 13) >= sizeof d->autos[0].kind || !k[13] || d->n_autos == DAEMON_MAX_AUTO) {
			snprintf(err, errsz, "%s, line %u: %s: expected quarantine, block-target, lan-only or none",
				 c->path, c->params[i].line, k);
			return false;
		}
		snprintf(d->autos[d->n_autos].kind, sizeof d->autos[0].kind, "%s", k + 13);
		d->autos[d->n_autos++].action = a;
	}
	return true;
}

static bool read_modes(struct config *c, struct daemon_cfg *d, char *err, size_t errsz)
{
	for (int k = ENF_QUARANTINE; k < ENF__COUNT; k++) {
		char key[64];
		snprintf(key, sizeof key, "enforce.%s", enf_kind_name((enum enf_kind)k));
		const char *v = config_param(c, key);
		if (!v)
			continue;
		if (strcmp(v, "monitor") && strcmp(v, "enforce")) {
			snprintf(err, errsz, "%s: %s must be monitor or enforce", c->path, key);
			return false;
		}
		d->mode[k] = strcmp(v, "enforce") == 0 ? ENF_ENFORCE : ENF_MONITOR;
	}
	return true;
}

#define BAD(key) (snprintf(err, errsz, "%s: bad value for %s", c->path, key), false)

static bool read_str(struct config *c, const char *key, char *dst, size_t dstsz, char *err, size_t errsz)
{
	const char *v = config_param(c, key);
	if (!v)
		return true;
	if (strlen(v) >= dstsz)
		return BAD(key);
	snprintf(dst, dstsz, "%s", v);
	return true;
}

static bool read_nums(struct config *c, struct daemon_cfg *d, char *err, size_t errsz)
{
	const char *v;
	unsigned long n;
	if ((v = config_param(c, "daemon.uid"))) {
		if (!parse_num(v, 1, 0x7fffffff, &n))
			return BAD("daemon.uid (a numeric uid other than 0)");
		d->uid = (uid_t)n;
	}
	if ((v = config_param(c, "daemon.gid"))) {
		if (!parse_num(v, 1, 0x7fffffff, &n))
			return BAD("daemon.gid (a numeric gid other than 0)");
		d->gid = (gid_t)n;
	}
	if ((v = config_param(c, "ctl.gid"))) {
		if (!parse_num(v, 0, 0x7fffffff, &n))
			return BAD("ctl.gid");
		d->ctl_gid = (gid_t)n;
	}
	if ((v = config_param(c, "daemon.snaplen"))) {
		if (!parse_num(v, 64, 262144, &n))
			return BAD("daemon.snaplen");
		d->snaplen = (uint32_t)n;
	}
	if ((v = config_param(c, "daemon.buffer_mb"))) {
		if (!parse_num(v, 1, 2048, &n))
			return BAD("daemon.buffer_mb");
		d->buffer_mb = (uint32_t)n;
	}
	if ((v = config_param(c, "daemon.restart_delay_ms"))) {
		if (!parse_num(v, 0, 60000, &n))
			return BAD("daemon.restart_delay_ms");
		d->restart_ms = (uint32_t)n;
	}
	if ((v = config_param(c, "mud.timeout"))) {
		if (!parse_num(v, 1, 120, &n))
			return BAD("mud.timeout");
		d->mud_timeout_s = (uint32_t)n;
	}
	return true;
}

static bool read_bools(struct config *c, struct daemon_cfg *d, char *err, size_t errsz)
{
	const char *v;
	if ((v = config_param(c, "daemon.sandbox")) && !parse_bool(v, &d->sandbox))
		return BAD("daemon.sandbox");
	if ((v = config_param(c, "enforce.keep_on_exit")) && !parse_bool(v, &d->keep_rules))
		return BAD("enforce.keep_on_exit");
	if ((v = config_param(c, "mud.fetch")) && !parse_bool(v, &d->mud_fetch))
		return BAD("mud.fetch");
	if ((v = config_param(c, "daemon.fail_mode"))) {
		if (strcmp(v, "open") && strcmp(v, "closed"))
			return BAD("daemon.fail_mode (open or closed)");
		d->fail_closed = strcmp(v, "closed") == 0;
	}
	return true;
}

bool daemon_cfg_read(struct config *c, struct daemon_cfg *d, char *err, size_t errsz)
{
	defaults(d);
	const char *v = config_param(c, "daemon.interfaces");
	if (v && !parse_ifaces(v, d))
		return BAD("daemon.interfaces (up to 8 interface names)");
	if (!read_str(c, "daemon.state_dir", d->state_dir, sizeof d->state_dir, err, errsz) ||
	    !read_str(c, "ctl.socket", d->ctl_path, sizeof d->ctl_path, err, errsz) ||
	    !read_str(c, "metrics.listen", d->metrics_listen, sizeof d->metrics_listen, err, errsz) ||
	    !read_str(c, "mud.dir", d->mud_dir, sizeof d->mud_dir, err, errsz) ||
	    !read_str(c, "mud.ca_file", d->mud_ca, sizeof d->mud_ca, err, errsz) ||
	    !read_str(c, "mud.tls_ca_file", d->mud_tls_ca, sizeof d->mud_tls_ca, err, errsz))
		return false;
	if (d->state_dir[0] != '/' || d->ctl_path[0] != '/')
		return BAD("daemon.state_dir / ctl.socket (absolute paths)");
	if (!read_nums(c, d, err, errsz) || !read_bools(c, d, err, errsz) || !read_modes(c, d, err, errsz) ||
	    !read_autos(c, d, err, errsz))
		return false;
	if (d->mud_fetch && !d->mud_ca[0]) {
		snprintf(err, errsz, "%s: mud.fetch = yes needs mud.ca_file (the CA that signs MUD files)", c->path);
		return false;
	}
	return true;
}

size_t daemon_local_nets(const struct config *c, struct kprefix *out, size_t max)
{
	static const char *const priv[] = {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
					   "169.254.0.0/16", "fc00::/7", "fe80::/10"};
	size_t n = 0;
	if (c->n_local_nets) {
		for (size_t i = 0; i < c->n_local_nets && n < max; i++)
			out[n++] = c->local_nets[i];
		return n;
	}
	for (size_t i = 0; i < sizeof priv / sizeof priv[0] && n < max; i++)
		if (kprefix_parse(&out[n], priv[i]))
			n++;
	return n;
}
