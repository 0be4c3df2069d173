/* gw_mud.c - MUD in the parent: the local profiles of mud.dir (*.json,
 * loaded at start and on SIGHUP), matched by their mud-url against the URL
 * a device announces in DHCP option 161; with mud.fetch = yes, a URL with no
 * local profile is fetched over HTTPS and used only if its CMS signature
 * verifies against mud.ca_file. Finding, fetching and resolving the DNS
 * names of a profile happen in a short-lived helper process (one at a time,
 * devices queued), so a slow or hostile URL never stalls capture. The
 * policy is also sent to the engine, which reports traffic the profile does
 * not permit. */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/gw.h"

void gw_muds_free(struct gw *g)
{
	for (size_t i = 0; i < g->n_muds; i++)
		mud_free(g->muds[i]);
	free(g->muds);
	g->muds = NULL;
	g->n_muds = 0;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = malloc(MUD_MAX_BYTES + 1);
	size_t n = buf ? fread(buf, 1, MUD_MAX_BYTES + 1, f) : 0;
	fclose(f);
	if (buf && n > MUD_MAX_BYTES) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

void gw_muds_load(struct gw *g)
{
	gw_muds_free(g);
	DIR *d = opendir(g->dc.mud_dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name), len = 0;
		if (n < 6 || strcmp(e->d_name + n - 5, ".json") != 0)
			continue;
		char path[600], err[256];
		snprintf(path, sizeof path, "%s/%s", g->dc.mud_dir, e->d_name);
		char *text = read_file(path, &len);
		struct mud_policy *p = text ? mud_parse(text, len, err, sizeof err) : NULL;
		free(text);
		if (!p) {
			gw_log("%s: %s", path, text ? err : "cannot read");
			continue;
		}
		struct mud_policy **v = realloc(g->muds, (g->n_muds + 1) * sizeof *v);
		if (!v) {
			mud_free(p);
			break;
		}
		g->muds = v;
		g->muds[g->n_muds++] = p;
	}
	closedir(d);
	gw_log("%zu MUD profiles in %s", g->n_muds, g->dc.mud_dir);
}

void gw_mud_to_child(struct gw *g, const struct enf_action *a, bool remove)
{
	if (!g->child_ready || !a->dev.has_mac)
		return;
	char mac[MAC_STRLEN];
	json_t *o = json_pack("{s:s, s:b, s:o}", "mac", mac_str(a->dev.mac, mac, sizeof mac), "enforced", a->enforced,
			      "policy", !remove && a->mud ? mud_to_json(a->mud) : json_null());
	char *text = json_dumps(o, JSON_COMPACT);
	if (text)
		ipc_send(g->child_fd, IPC_MUD, text, strlen(text));
	free(text);
	json_decref(o);
}

/* In the helper: the profile for URL, local or fetched and verified. */
static struct mud_policy *find_profile(struct gw *g, const char *url, char *how, size_t howsz)
{
	for (size_t i = 0; i < g->n_muds; i++) {
		if (strcmp(g->muds[i]->url, url) == 0) {
			snprintf(how, howsz, "local profile");
			return mud_dup(g->muds[i]);
		}
	}
	if (!g->dc.mud_fetch) {
		snprintf(how, howsz, "no local profile and mud.fetch is off");
		return NULL;
	}
	struct mud_fetch_cfg fc = {.ca_file = g->dc.mud_ca, .tls_ca_file = g->dc.mud_tls_ca,
				   .timeout_s = g->dc.mud_timeout_s};
	char err[256];
	struct mud_policy *p = mud_fetch(url, &fc, err, sizeof err);
	snprintf(how, howsz, "%s", p ? "fetched, signature verified" : err);
	return p;
}

/* The helper process: finds the profile, resolves its names, writes
 * {"how": ..., "policy": ... or null} to fd and exits. */
static void helper(struct gw *g, const char *url, int fd)
{
	char how[300];
	struct mud_policy *p = find_profile(g, url, how, sizeof how);
	unsigned unresolved = p ? mud_resolve(p) : 0;
	json_t *o = json_pack("{s:s, s:i, s:o}", "how", how, "unresolved", (int)unresolved, "policy",
			      p ? mud_to_json(p) : json_null());
	char *text = json_dumps(o, JSON_COMPACT);
	size_t len = text ? strlen(text) : 0, off = 0;
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	_exit(0);
}

static void start_next(struct gw *g)
{
	if (g->mud_pid > 0 || !g->n_fetchq)
		return;
	struct gw_fetch f = g->fetchq[0];
	memmove(g->fetchq, g->fetchq + 1, --g->n_fetchq * sizeof f);
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) != 0)
		return;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		/* only the pipe stays open: no capture, control or engine socket */
		if (dup2(pfd[1], 3) == 3 && close_range(4, ~0u, 0) == 0)
			helper(g, f.url, 3);
		_exit(1);
	}
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		return;
	}
	g->mud_pid = pid;
	g->mud_fd = pfd[0];
	memcpy(g->mud_mac, f.mac, 6);
	memcpy(g->mud_url, f.url, sizeof g->mud_url);
	g->mud_len = 0;
}

void gw_mud_for_device(struct gw *g, const struct ipc_device *d)
{
	if (!d->has_mac)
		return;
	for (size_t i = 0; i < g->n_fetchq; i++)
		if (memcmp(g->fetchq[i].mac, d->mac, 6) == 0)
			return;
	if (g->n_fetchq == GW_MAX_FETCH) {
		gw_log("MUD: too many devices waiting for a profile; %s ignored for now", d->mud_url);
		return;
	}
	memcpy(g->fetchq[g->n_fetchq].mac, d->mac, 6);
	snprintf(g->fetchq[g->n_fetchq++].url, sizeof g->fetchq[0].url, "%s", d->mud_url);
	start_next(g);
}

/* The helper's answer is whole: the device's MUD action. */
static void apply(struct gw *g)
{
	char mac[MAC_STRLEN], err[128];
	json_t *o = json_loadb(g->mud_out, g->mud_len, 0, NULL);
	const char *how = json_string_value(json_object_get(o, "how"));
	struct mud_policy *p = mud_from_json(json_object_get(o, "policy"), err, sizeof err);
	struct enf_device key = {.has_mac = true};
	memcpy(key.mac, g->mud_mac, 6);
	struct gw_dev *x = gw_dev_find(g, &key);
	if (!p || !x) {
		gw_log("MUD %s for %s: %s", g->mud_url, mac_str(g->mud_mac, mac, sizeof mac),
		       how ? how : "no answer from the helper");
		mud_free(p);
		json_decref(o);
		return;
	}
	struct enf_action a = {.kind = ENF_MUD, .enforced = g->dc.mode[ENF_MUD] == ENF_ENFORCE, .mud = p, .dev = key};
	for (size_t i = 0; i < x->d.n_ips; i++)
		enf_device_add_ip(&a.dev, &x->d.ips[i]);
	snprintf(a.origin, sizeof a.origin, "mud");
	snprintf(a.reason, sizeof a.reason, "MUD profile %.120s (%.50s; %zu entries, %u not enforceable, %d names unresolved)",
		 p->url, how ? how : "?", p->n, p->skipped, (int)json_integer_value(json_object_get(o, "unresolved")));
	json_decref(o);
	char msg[256];
	gw_act(g, &a, msg, sizeof msg);
}

void gw_mud_input(struct gw *g)
{
	char buf[8192];
	ssize_t r = read(g->mud_fd, buf, sizeof buf);
	if (r < 0)
		return;
	if (r > 0 && g->mud_len + (size_t)r <= 4u << 20) {
		char *q = realloc(g->mud_out, g->mud_len + (size_t)r);
		if (q) {
			memcpy(q + g->mud_len, buf, (size_t)r);
			g->mud_out = q;
			g->mud_len += (size_t)r;
		}
		return;
	}
	close(g->mud_fd); /* end of the answer (the helper is reaped with SIGCHLD) */
	g->mud_fd = -1;
	g->mud_pid = 0;
	apply(g);
	free(g->mud_out);
	g->mud_out = NULL;
	g->mud_len = 0;
	start_next(g);
}

void gw_mud_stop(struct gw *g)
{
	if (g->mud_pid > 0)
		kill(g->mud_pid, SIGKILL);
	if (g->mud_fd >= 0)
		close(g->mud_fd);
	g->mud_fd = -1;
	g->mud_pid = 0;
	free(g->mud_out);
	g->mud_out = NULL;
	g->n_fetchq = 0;
}
