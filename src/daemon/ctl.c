/* ctl.c - the daemon's control socket: a UNIX stream socket whose file is
 * owned by root and the configured group (ctl.gid) with mode 0660 (0600
 * when no group is configured), and whose every connection is checked again
 * with SO_PEERCRED/SO_PEERGROUPS: only root and members of ctl.gid are
 * served. One request line per connection (ctlproto.h, read by clients.c
 * without ever blocking the daemon); every action goes through actions.c,
 * which logs it with the caller's uid. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "daemon/gw.h"

int gw_ctl_open(struct gw *g, char *err, size_t errsz)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char dir[sizeof sa.sun_path];
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", g->dc.ctl_path);
	snprintf(dir, sizeof dir, "%s", g->dc.ctl_path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0755);
	}
	unlink(sa.sun_path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	mode_t old = umask(0177);
	int rc = fd < 0 ? -1 : bind(fd, (struct sockaddr *)&sa, sizeof sa);
	umask(old);
	if (rc != 0 || chown(sa.sun_path, 0, g->dc.ctl_gid) != 0 ||
	    chmod(sa.sun_path, g->dc.ctl_gid ? 0660 : 0600) != 0 || listen(fd, 16) != 0) {
		snprintf(err, errsz, "control socket %s: %s", sa.sun_path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	g->ctl_fd = fd;
	return 0;
}

void gw_ctl_close(struct gw *g)
{
	if (g->ctl_fd >= 0) {
		close(g->ctl_fd);
		unlink(g->dc.ctl_path);
	}
	g->ctl_fd = -1;
}

/* Root, the configured group as primary or supplementary group. */
static bool peer_allowed(const struct gw *g, int fd, uid_t *uid)
{
	struct ucred cr;
	socklen_t len = sizeof cr;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) != 0)
		return false;
	*uid = cr.uid;
	if (cr.uid == 0)
		return true;
	if (!g->dc.ctl_gid)
		return false;
	if (cr.gid == g->dc.ctl_gid)
		return true;
	gid_t groups[256];
	len = sizeof groups;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) != 0)
		return false;
	for (size_t i = 0; i < len / sizeof groups[0]; i++)
		if (groups[i] == g->dc.ctl_gid)
			return true;
	return false;
}

static void write_all(int fd, const char *s, size_t len)
{
	struct pollfd p = {.fd = fd, .events = POLLOUT};
	while (len && poll(&p, 1, 1000) > 0) {
		ssize_t w = write(fd, s, len);
		if (w <= 0)
			return;
		s += w;
		len -= (size_t)w;
	}
}

static void put_action(FILE *f, const struct enf_action *a)
{
	char dev[KADDR_STRLEN], ip[KADDR_STRLEN], when[32];
	time_t t = (time_t)a->since;
	struct tm tm;
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
	fprintf(f, "  %s %s", enf_kind_name(a->kind), enf_device_str(&a->dev, dev, sizeof dev));
	for (size_t i = a->dev.has_mac ? 0 : 1; i < a->dev.n_ips; i++)
		fprintf(f, " %s", kaddr_str(&a->dev.ips[i], ip, sizeof ip));
	if (a->kind == ENF_DEGRADE)
		fprintf(f, " port %u/%s", a->port, a->proto == 6 ? "tcp" : a->proto == 17 ? "udp" : "any");
	if (a->kind == ENF_BLOCK_TARGET)
		fprintf(f, " target %s", kaddr_str(&a->target, ip, sizeof ip));
	fprintf(f, " [%s] since %s by %s: %s\n", a->enforced ? "enforce" : "monitor", when, a->origin, a->reason);
}

static void status_text(struct gw *g, FILE *f)
{
	fprintf(f, "engine: %s", g->child_ready ? "running" : "down (restarting)");
	if (g->child_pid > 0)
		fprintf(f, " (pid %d)", (int)g->child_pid);
	fprintf(f, ", restarts %u\nfail mode: %s%s\ninterfaces:", g->restarts, g->dc.fail_closed ? "closed" : "open",
		g->fail_active ? " (active: forwarding stopped)" : "");
	for (size_t i = 0; i < g->n_caps; i++)
		fprintf(f, " %s", g->caps[i].name);
	fprintf(f, "\npackets: captured %llu, analysed %llu, dropped %llu (kernel %llu, engine down %llu)\n",
		(unsigned long long)g->captured, (unsigned long long)g->cstats.packets,
		(unsigned long long)(gw_capture_drops(g) + g->dropped_down + g->dropped_ipc),
		(unsigned long long)gw_capture_drops(g), (unsigned long long)g->dropped_down);
	fprintf(f, "devices: %zu, flows: %llu, events: %llu\nnftables: %s\nactions: %zu\n", g->n_devs,
		(unsigned long long)g->cstats.flows_created, (unsigned long long)g->cstats.events,
		g->nft_error[0] ? g->nft_error : "ok", g->acts.n);
	for (size_t i = 0; i < g->acts.n; i++)
		put_action(f, &g->acts.v[i]);
}

static void status_json(struct gw *g, FILE *f)
{
	json_t *acts = json_array();
	for (size_t i = 0; i < g->acts.n; i++)
		json_array_append_new(acts, enf_action_to_json(&g->acts.v[i]));
	json_t *o = json_pack("{s:b, s:i, s:i, s:s, s:b, s:I, s:I, s:I, s:I, s:s, s:o}", "engine_up", g->child_ready,
			      "engine_pid", (int)g->child_pid, "restarts", (int)g->restarts, "fail_mode",
			      g->dc.fail_closed ? "closed" : "open", "fail_active", g->fail_active, "captured",
			      (json_int_t)g->captured, "analysed", (json_int_t)g->cstats.packets, "devices",
			      (json_int_t)g->n_devs, "events", (json_int_t)g->cstats.events, "nftables",
			      g->nft_error[0] ? g->nft_error : "ok", "actions", acts);
	json_dumpf(o, f, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	fputc('\n', f);
	json_decref(o);
}

static void devices_out(struct gw *g, FILE *f, bool json)
{
	json_t *arr = json_array();
	char mac[MAC_STRLEN], ip[KADDR_STRLEN];
	for (size_t i = 0; i < g->n_devs; i++) {
		const struct ipc_device *d = &g->devs[i].d;
		json_t *ips = json_array(), *acts = json_array();
		for (size_t k = 0; k < d->n_ips; k++)
			json_array_append_new(ips, json_string(kaddr_str(&d->ips[k], ip, sizeof ip)));
		struct enf_device key = {.has_mac = d->has_mac};
		memcpy(key.mac, d->mac, 6);
		for (size_t k = 0; k < g->acts.n; k++)
			if (enf_device_same(&g->acts.v[k].dev, &key))
				json_array_append_new(acts, json_string(enf_kind_name(g->acts.v[k].kind)));
		json_array_append_new(arr, json_pack("{s:s, s:o, s:s, s:s, s:s, s:s, s:s, s:o}", "mac",
						     d->has_mac ? mac_str(d->mac, mac, sizeof mac) : "", "ips", ips,
						     "vendor", d->vendor, "hostname", d->hostname, "model", d->model,
						     "firmware", d->firmware, "mud_url", d->mud_url, "actions", acts));
	}
	if (json) {
		json_dumpf(arr, f, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
		fputc('\n', f);
	} else {
		size_t i;
		json_t *o;
		json_array_foreach(arr, i, o) {
			fprintf(f, "%s", json_string_value(json_object_get(o, "mac")));
			json_t *v;
			size_t k;
			json_array_foreach(json_object_get(o, "ips"), k, v) fprintf(f, " %s", json_string_value(v));
			static const char *const keys[] = {"vendor", "hostname", "model", "firmware", "mud_url"};
			for (size_t j = 0; j < 5; j++)
				if (*json_string_value(json_object_get(o, keys[j])))
					fprintf(f, " %s=\"%s\"", keys[j], json_string_value(json_object_get(o, keys[j])));
			json_array_foreach(json_object_get(o, "actions"), k, v) fprintf(f, " [%s]", json_string_value(v));
			fputc('\n', f);
		}
	}
	json_decref(arr);
}

static bool handle(struct gw *g, const struct ctl_request *r, uid_t uid, FILE *f, char *err, size_t errsz)
{
	char origin[48];
	snprintf(origin, sizeof origin, "ctl uid %u", (unsigned)uid);
	if (r->verb == CTL_STATUS) {
		r->json ? status_json(g, f) : status_text(g, f);
		return true;
	}
	if (r->verb == CTL_DEVICES) {
		devices_out(g, f, r->json);
		return true;
	}
	if (r->verb == CTL_RELEASE) {
		size_t n = gw_release(g, &r->dev, origin);
		fprintf(f, "released %zu action%s\n", n, n == 1 ? "" : "s");
		return true;
	}
	static const enum enf_kind kinds[] = {[CTL_QUARANTINE] = ENF_QUARANTINE, [CTL_DEGRADE] = ENF_DEGRADE,
					      [CTL_BLOCK] = ENF_BLOCK_TARGET, [CTL_LANONLY] = ENF_LAN_ONLY};
	/* an operator's action is enforced whatever the automatic mode */
	struct enf_action a = {.kind = kinds[r->verb], .dev = r->dev, .port = r->port, .proto = r->proto,
			       .target = r->target, .enforced = true};
	snprintf(a.origin, sizeof a.origin, "%s", origin);
	snprintf(a.reason, sizeof a.reason, "%s", r->reason[0] ? r->reason : "operator request");
	if (gw_act(g, &a, err, errsz) != 0)
		return false;
	fprintf(f, "%s: %s\n", enf_kind_name(a.kind), err);
	return true;
}

/* A whole request line from a client of the control socket (clients.c):
 * answered and closed. */
void gw_ctl_request(struct gw *g, int fd, const char *line, size_t len)
{
	uid_t uid = (uid_t)-1;
	char err[300] = "";
	char *body = NULL;
	size_t blen = 0;
	FILE *f = open_memstream(&body, &blen);
	struct ctl_request r;
	bool ok = false;
	if (!f)
		snprintf(err, sizeof err, "out of memory");
	else if (!peer_allowed(g, fd, &uid))
		snprintf(err, sizeof err, "permission denied: only root and group %u may use this socket",
			 (unsigned)g->dc.ctl_gid);
	else if (ctl_parse(line, len, &r, err, sizeof err))
		ok = handle(g, &r, uid, f, err, sizeof err);
	if (f)
		fclose(f);
	char head[400];
	int n = ok ? snprintf(head, sizeof head, "ok\n") : snprintf(head, sizeof head, "error: %s\n", err);
	write_all(fd, head, (size_t)n < sizeof head ? (size_t)n : sizeof head - 1);
	if (ok && body)
		write_all(fd, body, blen);
	free(body);
	if (!ok && strncmp(err, "permission", 10) == 0)
		gw_log("control socket: refused uid %d", (int)uid);
}
