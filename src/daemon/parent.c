/* parent.c - `koban watch`, the privileged parent: configuration (checked
 * whole before anything starts), state directories, the nftables tables,
 * capture, control socket and metrics, the engine child, and the main loop.
 * SIGHUP reloads the configuration (a bad file is reported and the running
 * one kept) and restarts the engine with it; SIGTERM/SIGINT stop cleanly:
 * the engine commits its store, koban's tables are removed (unless
 * enforce.keep_on_exit), the state file is written. */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alert/alert.h"
#include "daemon/gw.h"
#include "engine/engine.h"

uint64_t gw_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void gw_log(const char *fmt, ...)
{
	char when[32];
	time_t t = time(NULL);
	struct tm tm;
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s koban watch: ", when);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* Loads and checks the whole configuration: the daemon's keys here, the
 * alert outputs and the engine (detector parameters, unknown keys) on a
 * throw-away copy, exactly as the engine child will. */
static bool load_config(const char *path, struct config *cfg, struct daemon_cfg *dc, char *err, size_t errsz)
{
	config_defaults(cfg);
	if (path && !config_load(cfg, path, err, errsz))
		return false;
	if (!daemon_cfg_read(cfg, dc, err, errsz))
		return false;
	if (!dc->n_ifaces) {
		snprintf(err, errsz, "%s: daemon.interfaces is required (the LAN interfaces to watch)",
			 cfg->path[0] ? cfg->path : "configuration");
		return false;
	}
	static struct config tmp;
	tmp = *cfg;
	if (config_param(&tmp, "alert.command")) {
		snprintf(err, errsz, "alert.command cannot run from the sandboxed engine of koban watch: use alert.syslog");
		return false;
	}
	struct alerter *al = alerter_new(&tmp, err, errsz);
	if (!al)
		return false;
	alerter_free(al);
	tmp.flow_memory_kb = 64; /* only the parameters are checked */
	tmp.stream_slots = 0;
	struct engine *e = engine_new(&tmp, &(struct engine_sink){0}, NULL, err, errsz);
	if (!e)
		return false;
	engine_free(e);
	return true;
}

/* STATE/ (root 0755), STATE/enforce (root 0700), STATE/engine (the
 * engine's uid, 0700, and every file in it). */
static int make_dirs(const struct daemon_cfg *dc, char *err, size_t errsz)
{
	char p[400];
	snprintf(p, sizeof p, "%s/enforce", dc->state_dir);
	if ((mkdir(dc->state_dir, 0755) != 0 && errno != EEXIST) || (mkdir(p, 0700) != 0 && errno != EEXIST)) {
		snprintf(err, errsz, "cannot create %s: %s", p, strerror(errno));
		return -1;
	}
	snprintf(p, sizeof p, "%s/engine", dc->state_dir);
	if ((mkdir(p, 0700) != 0 && errno != EEXIST) || chown(p, dc->uid, dc->gid) != 0 || chmod(p, 0700) != 0) {
		snprintf(err, errsz, "cannot prepare %s: %s", p, strerror(errno));
		return -1;
	}
	DIR *d = opendir(p);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		char f[700];
		snprintf(f, sizeof f, "%s/%s", p, e->d_name);
		if (e->d_name[0] != '.' && lchown(f, dc->uid, dc->gid) != 0)
			gw_log("cannot chown %s: %s", f, strerror(errno));
	}
	if (d)
		closedir(d);
	return 0;
}

static int open_signals(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

static void reload(struct gw *g)
{
	static struct config cfg;
	struct daemon_cfg dc;
	char err[512];
	if (!load_config(g->opts->config_path, &cfg, &dc, err, sizeof err)) {
		gw_log("reload refused, the running configuration stays: %s", err);
		return;
	}
	if (memcmp(dc.ifaces, g->dc.ifaces, sizeof dc.ifaces) != 0 || strcmp(dc.state_dir, g->dc.state_dir) != 0 ||
	    strcmp(dc.ctl_path, g->dc.ctl_path) != 0 || strcmp(dc.metrics_listen, g->dc.metrics_listen) != 0)
		gw_log("interfaces, state_dir, ctl.socket and metrics.listen change only at a restart");
	memcpy(dc.ifaces, g->dc.ifaces, sizeof dc.ifaces);
	dc.n_ifaces = g->dc.n_ifaces;
	memcpy(dc.state_dir, g->dc.state_dir, sizeof dc.state_dir);
	g->cfg = cfg;
	g->dc = dc;
	g->n_local = daemon_local_nets(&g->cfg, g->local, sizeof g->local / sizeof g->local[0]);
	gw_muds_load(g);
	for (size_t i = 0; i < g->n_devs; i++)
		g->devs[i].mud_checked = false;
	gw_rules_apply(g);
	gw_child_stop(g);
	g->restart_at_ms = 0;
	gw_log("configuration reloaded; engine restarting");
}

static void on_signals(struct gw *g)
{
	struct signalfd_siginfo si;
	while (read(g->sig_fd, &si, sizeof si) == sizeof si) {
		if (si.ssi_signo == SIGCHLD)
			gw_child_reap(g);
		else if (si.ssi_signo == SIGHUP)
			reload(g);
		else
			g->stop = true;
	}
}

static void loop(struct gw *g)
{
	while (!g->stop) {
		struct pollfd p[5 + DAEMON_MAX_IFACES + GW_MAX_CLIENTS];
		size_t n = 0;
		p[n++] = (struct pollfd){.fd = g->sig_fd, .events = POLLIN};
		p[n++] = (struct pollfd){.fd = g->child_fd, .events = POLLIN};
		p[n++] = (struct pollfd){.fd = g->ctl_fd, .events = POLLIN};
		p[n++] = (struct pollfd){.fd = g->metrics_fd, .events = POLLIN};
		p[n++] = (struct pollfd){.fd = g->mud_fd, .events = POLLIN};
		for (size_t i = 0; i < g->n_caps; i++)
			p[n++] = (struct pollfd){.fd = g->caps[i].fd, .events = POLLIN};
		size_t base = n;
		gw_clients_poll(g, p, &n);
		int r = poll(p, n, 100);
		if (r < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			on_signals(g);
		if (p[1].revents && g->child_fd >= 0)
			gw_child_input(g);
		if (p[4].revents && g->mud_fd >= 0)
			gw_mud_input(g);
		for (size_t i = 0; i < g->n_caps; i++)
			if (p[5 + i].revents)
				gw_capture_read(g, i);
		gw_clients_serve(g, p, base); /* before new ones shift the list */
		if (p[2].revents & POLLIN)
			gw_client_accept(g, g->ctl_fd, false);
		if (p[3].revents & POLLIN)
			gw_client_accept(g, g->metrics_fd, true);
		gw_child_tick(g);
	}
}

static int start(struct gw *g)
{
	char err[512];
	if (make_dirs(&g->dc, err, sizeof err) != 0 || (g->sig_fd = open_signals()) < 0 ||
	    gw_capture_open(g, err, sizeof err) != 0 || gw_ctl_open(g, err, sizeof err) != 0 ||
	    gw_metrics_open(g, err, sizeof err) != 0) {
		gw_log("%s", err[0] ? err : strerror(errno));
		return -1;
	}
	g->n_local = daemon_local_nets(&g->cfg, g->local, sizeof g->local / sizeof g->local[0]);
	gw_state_load(g);
	gw_muds_load(g);
	if (gw_rules_apply(g) != 0)
		return -1;
	gw_log("watching %zu interface%s, fail mode %s, %zu actions in place", g->n_caps, g->n_caps == 1 ? "" : "s",
	       g->dc.fail_closed ? "closed" : "open", g->acts.n);
	return gw_child_start(g);
}

static void finish(struct gw *g)
{
	gw_mud_stop(g);
	gw_clients_close(g);
	gw_child_stop(g);
	if (!g->dc.keep_rules)
		gw_rules_remove(g);
	if (g->acts.n || access(g->dc.state_dir, F_OK) == 0)
		gw_state_save(g);
	gw_ctl_close(g);
	if (g->metrics_fd >= 0)
		close(g->metrics_fd);
	if (g->sig_fd >= 0)
		close(g->sig_fd);
	gw_capture_close(g);
	gw_muds_free(g);
	enf_set_free(&g->acts);
	json_decref(g->pending);
	free(g->devs);
	free(g->batch);
}

int daemon_run(const struct watch_opts *o)
{
	static struct gw g;
	char err[512];
	memset(&g, 0, sizeof g);
	g.opts = o;
	g.child_fd = g.ctl_fd = g.metrics_fd = g.sig_fd = g.mud_fd = -1;
	if (!load_config(o->config_path, &g.cfg, &g.dc, err, sizeof err)) {
		fprintf(stderr, "koban: %s\n", err);
		return 2;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "koban: watch must start as root (it drops privileges for the engine)\n");
		return 2;
	}
	enf_set_init(&g.acts);
	g.pending = json_array();
	g.batch = calloc(1, sizeof *g.batch);
	int rc = g.batch && start(&g) == 0 ? 0 : 1;
	if (rc == 0)
		loop(&g);
	gw_log("stopping");
	g.stop = true;
	finish(&g);
	return rc;
}
