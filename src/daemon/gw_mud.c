/* gw_mud.c - MUD in the parent: the local profiles of mud.dir (*.json,
 * loaded at start and on SIGHUP), matched by their mud-url against the URL
 * a device announces in DHCP option 161; with mud.fetch = yes, a URL with no
 * local profile is fetched over HTTPS and used only if its CMS signature
 * verifies against mud.ca_file. DNS names in a profile are resolved when it
 * is applied. The policy is also sent to the engine, which reports traffic
 * the profile does not permit. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

void gw_mud_for_device(struct gw *g, const struct ipc_device *d)
{
	if (!d->has_mac)
		return;
	char how[300], mac[MAC_STRLEN];
	struct mud_policy *p = find_profile(g, d->mud_url, how, sizeof how);
	if (!p) {
		gw_log("MUD %s for %s: %s", d->mud_url, mac_str(d->mac, mac, sizeof mac), how);
		return;
	}
	unsigned unresolved = mud_resolve(p);
	struct enf_action a = {.kind = ENF_MUD, .enforced = g->dc.mode[ENF_MUD] == ENF_ENFORCE, .mud = p};
	a.dev.has_mac = true;
	memcpy(a.dev.mac, d->mac, 6);
	for (size_t i = 0; i < d->n_ips; i++)
		enf_device_add_ip(&a.dev, &d->ips[i]);
	snprintf(a.origin, sizeof a.origin, "mud");
	snprintf(a.reason, sizeof a.reason, "MUD profile %.120s (%.50s; %zu entries, %u not enforceable, %u names unresolved)",
		 p->url, how, p->n, p->skipped, unresolved);
	char msg[256];
	gw_act(g, &a, msg, sizeof msg);
}
