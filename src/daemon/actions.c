/* actions.c - the parent's containment state: actions added by operators
 * (`koban ctl`) or automatically for event kinds (enforce.auto.<kind>),
 * each in monitor or enforce mode (enforce.<action>); the nftables tables
 * regenerated from it; the state file (STATE_DIR/enforce/actions.json,
 * written atomically, reloaded at start so containment survives restarts);
 * and the records of every change in the tamper-evident log. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "daemon/gw.h"

int gw_rules_apply(struct gw *g)
{
	const char *ifs[DAEMON_MAX_IFACES];
	for (size_t i = 0; i < g->dc.n_ifaces; i++)
		ifs[i] = g->dc.ifaces[i];
	struct enf_rules_in in = {.set = &g->acts, .local = g->local, .n_local = g->n_local, .ifaces = ifs,
				  .n_ifaces = g->dc.n_ifaces, .fail_closed = g->fail_active};
	char *text = nft_rules_text(&in);
	char err[512];
	int rc = text ? nft_apply(text, err, sizeof err) : -1;
	if (!text)
		snprintf(err, sizeof err, "out of memory");
	free(text);
	if (rc != 0) {
		ipc_strcpy(g->nft_error, sizeof g->nft_error, err);
		gw_log("%s", err);
		return -1;
	}
	g->nft_error[0] = '\0';
	return 0;
}

void gw_rules_remove(struct gw *g)
{
	char err[512];
	if (nft_apply(nft_rules_delete_text(), err, sizeof err) != 0)
		gw_log("%s", err);
	(void)g;
}

static void state_path(const struct gw *g, char *buf, size_t bufsz, const char *suffix)
{
	snprintf(buf, bufsz, "%s/enforce/actions.json%s", g->dc.state_dir, suffix);
}

int gw_state_save(struct gw *g)
{
	char path[400], tmp[400];
	state_path(g, path, sizeof path, "");
	state_path(g, tmp, sizeof tmp, ".tmp");
	json_t *arr = json_array();
	for (size_t i = 0; i < g->acts.n; i++)
		json_array_append_new(arr, enf_action_to_json(&g->acts.v[i]));
	char *text = json_dumps(arr, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(arr);
	int fd = text ? open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) : -1;
	size_t len = text ? strlen(text) : 0;
	bool ok = fd >= 0 && write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;
	if (fd >= 0 && close(fd) != 0)
		ok = false;
	free(text);
	if (!ok || rename(tmp, path) != 0) {
		gw_log("cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int gw_state_load(struct gw *g)
{
	char path[400], err[256];
	state_path(g, path, sizeof path, "");
	json_error_t je;
	json_t *arr = json_load_file(path, 0, &je);
	if (!arr)
		return access(path, F_OK) == 0 ? (gw_log("%s: %s", path, je.text), -1) : 0;
	size_t i;
	json_t *o;
	json_array_foreach(arr, i, o) {
		struct enf_action a;
		if (!enf_action_from_json(o, &a, err, sizeof err)) {
			gw_log("%s: entry %zu: %s (skipped)", path, i + 1, err);
			continue;
		}
		enf_set_add(&g->acts, &a);
		mud_free(a.mud);
	}
	json_decref(arr);
	gw_log("restored %zu actions from %s", g->acts.n, path);
	return 0;
}

/* A record of an action for the tamper-evident log, through the engine
 * (which owns the log); kept until the engine is up again. */
void gw_record(struct gw *g, const char *what, const struct enf_action *a, const char *result)
{
	char dev[KADDR_STRLEN], text[512], ja[640];
	enf_device_str(&a->dev, dev, sizeof dev);
	snprintf(text, sizeof text, "koban %s %s on %s (%s, by %s): %s - %s", what, enf_kind_name(a->kind), dev,
		 a->enforced ? "enforce" : "monitor", a->origin, a->reason[0] ? a->reason : "no reason given", result);
	snprintf(ja, sizeof ja, "koban の対処: %s を %s %s (%s、実行者 %s) 理由: %s - 結果: %s", enf_kind_name(a->kind), dev,
		 strcmp(what, "added") == 0 ? "に適用" : "から解除", a->enforced ? "遮断" : "監視のみ", a->origin,
		 a->reason[0] ? a->reason : "なし", result);
	gw_log("%s", text);
	json_t *r = enf_action_to_json(a);
	json_object_del(r, "mud");
	json_object_set_new(r, "change", json_string(what));
	json_object_set_new(r, "result", json_string(result));
	json_object_set_new(r, "text", json_string(text));
	json_object_set_new(r, "text_ja", json_string(ja));
	char *s = json_dumps(r, JSON_COMPACT);
	if (g->child_ready && s)
		ipc_send(g->child_fd, IPC_RECORD, s, strlen(s));
	else if (json_array_size(g->pending) < GW_MAX_PENDING)
		json_array_append(g->pending, r);
	free(s);
	json_decref(r);
}

struct gw_dev *gw_dev_find(struct gw *g, const struct enf_device *d)
{
	for (size_t i = 0; i < g->n_devs; i++) {
		struct ipc_device *x = &g->devs[i].d;
		if (d->has_mac && x->has_mac && memcmp(x->mac, d->mac, 6) == 0)
			return &g->devs[i];
		if (!d->has_mac)
			for (size_t k = 0; k < x->n_ips; k++)
				for (size_t j = 0; j < d->n_ips; j++)
					if (kaddr_eq(&x->ips[k], &d->ips[j]))
						return &g->devs[i];
	}
	return NULL;
}

/* Completes a device named by MAC or IP with what the engine knows. */
static void complete_device(struct gw *g, struct enf_device *d)
{
	struct gw_dev *x = gw_dev_find(g, d);
	if (!x)
		return;
	if (!d->has_mac && x->d.has_mac) {
		d->has_mac = true;
		memcpy(d->mac, x->d.mac, 6);
	}
	for (size_t i = 0; i < x->d.n_ips; i++)
		enf_device_add_ip(d, &x->d.ips[i]);
}

int gw_act(struct gw *g, struct enf_action *a, char *msg, size_t msgsz)
{
	complete_device(g, &a->dev);
	if (!a->dev.n_ips && a->kind != ENF_QUARANTINE) {
		snprintf(msg, msgsz, "no IP address is known for this device yet");
		mud_free(a->mud);
		a->mud = NULL;
		return -1;
	}
	a->since = (uint64_t)time(NULL);
	int idx = enf_set_add(&g->acts, a);
	if (idx < 0) {
		snprintf(msg, msgsz, "out of memory");
		return -1;
	}
	const struct enf_action *in = &g->acts.v[idx];
	g->actions_total[in->kind][in->enforced]++;
	int rc = in->enforced ? gw_rules_apply(g) : 0;
	snprintf(msg, msgsz, "%s", rc == 0 ? (in->enforced ? "applied" : "recorded (monitor mode)") : g->nft_error);
	gw_record(g, "added", in, msg);
	if (in->kind == ENF_MUD)
		gw_mud_to_child(g, in, false);
	gw_state_save(g);
	return rc;
}

size_t gw_release(struct gw *g, const struct enf_device *dev, const char *origin)
{
	struct enf_device d = *dev;
	complete_device(g, &d);
	size_t n = 0;
	for (size_t i = 0; i < g->acts.n; i++) {
		struct enf_action *a = &g->acts.v[i];
		if (!enf_device_same(&a->dev, &d))
			continue;
		struct enf_action rec = *a;
		rec.mud = NULL;
		snprintf(rec.origin, sizeof rec.origin, "%s", origin);
		gw_record(g, "released", &rec, "removed");
		if (a->kind == ENF_MUD)
			gw_mud_to_child(g, a, true);
		n++;
	}
	if (n) {
		enf_set_remove(&g->acts, &d, ENF_NONE);
		g->releases += n;
		gw_rules_apply(g);
		gw_state_save(g);
	}
	return n;
}

static void count_kind(struct gw *g, const char *kind)
{
	for (size_t i = 0; i < g->n_kinds; i++) {
		if (strcmp(g->kinds[i].kind, kind) == 0) {
			g->kinds[i].n++;
			return;
		}
	}
	if (g->n_kinds < GW_MAX_KINDS) {
		snprintf(g->kinds[g->n_kinds].kind, sizeof g->kinds[0].kind, "%s", kind);
		g->kinds[g->n_kinds++].n = 1;
	}
}

/* An event from the engine: counted, and acted on if its kind has an
 * automatic action. */
void gw_on_event(struct gw *g, const struct ipc_event *e)
{
	count_kind(g, e->kind);
	enum enf_kind k = ENF_NONE;
	for (size_t i = 0; i < g->dc.n_autos; i++)
		if (strcmp(g->dc.autos[i].kind, e->kind) == 0)
			k = g->dc.autos[i].action;
	if (k == ENF_NONE || strcmp(e->kind, "action") == 0 || (!e->has_mac && !e->device_ip.family))
		return;
	if (k == ENF_BLOCK_TARGET && !e->peer_ip.family)
		return;
	struct enf_action a = {.kind = k, .enforced = g->dc.mode[k] == ENF_ENFORCE};
	a.dev.has_mac = e->has_mac;
	memcpy(a.dev.mac, e->mac, 6);
	if (e->device_ip.family)
		enf_device_add_ip(&a.dev, &e->device_ip);
	a.target = e->peer_ip;
	/* an action already in place is not repeated for every event */
	for (size_t i = 0; i < g->acts.n; i++)
		if (g->acts.v[i].kind == k && enf_device_same(&g->acts.v[i].dev, &a.dev) &&
		    (k != ENF_BLOCK_TARGET || kaddr_eq(&g->acts.v[i].target, &a.target)))
			return;
	snprintf(a.origin, sizeof a.origin, "auto %s", e->kind);
	snprintf(a.reason, sizeof a.reason, "%s", e->summary);
	char msg[256];
	if (gw_act(g, &a, msg, sizeof msg) == 0 && a.enforced) {
		/* the event's time is the capture time of its packet */
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		uint64_t us = (uint64_t)now.tv_sec * 1000000u + (uint64_t)now.tv_nsec / 1000u;
		g->last_block_us = us > e->ts_us ? us - e->ts_us : 0;
		gw_log("detection to block: %.1f ms (%s)", (double)g->last_block_us / 1000.0, e->kind);
	}
}

/* A device identity from the engine: kept for `koban ctl devices`, its new
 * addresses added to the actions on it, and its MUD URL looked up. */
void gw_on_device(struct gw *g, const struct ipc_device *d)
{
	struct enf_device key = {.has_mac = d->has_mac};
	memcpy(key.mac, d->mac, 6);
	for (size_t i = 0; i < d->n_ips && i < ENF_MAX_IPS; i++)
		enf_device_add_ip(&key, &d->ips[i]);
	struct gw_dev *x = gw_dev_find(g, &key);
	if (!x) {
		if (g->n_devs == GW_MAX_DEVS)
			return;
		struct gw_dev *v = realloc(g->devs, (g->n_devs + 1) * sizeof *v);
		if (!v)
			return;
		g->devs = v;
		x = &g->devs[g->n_devs++];
		memset(x, 0, sizeof *x);
	}
	bool url_changed = strcmp(x->d.mud_url, d->mud_url) != 0;
	x->d = *d;
	if (url_changed)
		x->mud_checked = false;
	if (d->has_mac && enf_set_update_ips(&g->acts, d->mac, d->ips, d->n_ips)) {
		gw_rules_apply(g);
		gw_state_save(g);
	}
	if (d->mud_url[0] && !x->mud_checked && d->n_ips) { /* addresses first: the rules need them */
		x->mud_checked = true;
		gw_mud_for_device(g, d);
	}
}
