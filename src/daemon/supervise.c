/* supervise.c - the engine child's life in the parent: start it (socketpair
 * + fork), take its messages, notice its death, apply the fail mode while it
 * is down and restart it (after daemon.restart_delay_ms, doubled up to 10 s
 * while it keeps dying young). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon/gw.h"

static void set_fail(struct gw *g, bool on)
{
	if (!g->dc.fail_closed || g->fail_active == on)
		return;
	g->fail_active = on;
	gw_log("fail mode closed: forwarding %s", on ? "stopped while the engine is down" : "restored");
	gw_rules_apply(g);
}

int gw_child_start(struct gw *g)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
		gw_log("socketpair: %s", strerror(errno));
		return -1;
	}
	int big = 8 << 20;
	struct timeval tv = {.tv_sec = 0, .tv_usec = 200000};
	for (int i = 0; i < 2; i++) {
		if (setsockopt(sv[i], SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof big) != 0)
			setsockopt(sv[i], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
		if (setsockopt(sv[i], SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big) != 0)
			setsockopt(sv[i], SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
	}
	setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		gw_log("fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		/* the child keeps no descriptor of the parent's: capture sockets,
		 * control and metrics listeners, signals */
		for (size_t i = 0; i < g->n_caps; i++)
			close(g->caps[i].fd);
		if (g->child_fd >= 0)
			close(g->child_fd);
		for (int i = 0, fds[4] = {g->sig_fd, g->ctl_fd, g->metrics_fd, g->mud_fd}; i < 4; i++)
			if (fds[i] >= 0)
				close(fds[i]);
		for (size_t i = 0; i < g->n_clients; i++)
			close(g->clients[i].fd);
		struct child_args a = {.cfg = &g->cfg, .dc = &g->dc, .fd = sv[1], .indicators = g->opts->indicators,
				       .n_indicators = g->opts->n_indicators};
		child_main(&a);
	}
	close(sv[1]);
	g->child_fd = sv[0];
	g->child_pid = pid;
	g->child_ready = false;
	g->child_started_ms = gw_now_ms();
	gw_log("engine started (pid %d)", (int)pid);
	return 0;
}

/* The child is gone (or must go): close its socket, apply the fail mode,
 * schedule the restart. */
static void child_down(struct gw *g, const char *why)
{
	if (g->child_fd >= 0)
		close(g->child_fd);
	g->child_fd = -1;
	g->child_ready = false;
	if (g->stop)
		return;
	uint64_t now = gw_now_ms();
	g->quick_deaths = now - g->child_started_ms < 5000 ? g->quick_deaths + 1 : 0;
	uint64_t delay = g->dc.restart_ms, cap = delay > 10000 ? delay : 10000;
	for (unsigned i = 0; i < g->quick_deaths && delay < cap; i++)
		delay = delay ? delay * 2 : 100;
	g->restart_at_ms = now + (delay > cap ? cap : delay);
	gw_log("engine %s; restart in %llu ms, fail mode %s", why, (unsigned long long)(g->restart_at_ms - now),
	       g->dc.fail_closed ? "closed" : "open");
	set_fail(g, true);
}

void gw_child_reap(struct gw *g)
{
	int st;
	pid_t pid;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		if (pid != g->child_pid)
			continue;
		g->child_pid = 0;
		char why[64];
		if (WIFSIGNALED(st))
			snprintf(why, sizeof why, "killed by signal %d", WTERMSIG(st));
		else
			snprintf(why, sizeof why, "exited with status %d", WEXITSTATUS(st));
		if (g->child_fd >= 0)
			child_down(g, why);
		else
			gw_log("engine %s", why);
	}
}

void gw_child_stop(struct gw *g)
{
	if (g->child_fd >= 0) {
		gw_flush(g);
		shutdown(g->child_fd, SHUT_RDWR); /* EOF: the child commits and exits */
		close(g->child_fd);
		g->child_fd = -1;
	}
	for (int i = 0; i < 50 && g->child_pid > 0; i++) {
		int st;
		if (waitpid(g->child_pid, &st, WNOHANG) == g->child_pid)
			g->child_pid = 0;
		else
			usleep(100000);
	}
	if (g->child_pid > 0) {
		kill(g->child_pid, SIGKILL);
		waitpid(g->child_pid, NULL, 0);
		g->child_pid = 0;
	}
	g->child_ready = false;
}

static void on_ready(struct gw *g)
{
	g->child_ready = true;
	gw_log("engine ready");
	for (size_t i = 0; i < g->acts.n; i++)
		if (g->acts.v[i].kind == ENF_MUD)
			gw_mud_to_child(g, &g->acts.v[i], false);
	size_t i;
	json_t *r;
	json_array_foreach(g->pending, i, r) {
		char *text = json_dumps(r, JSON_COMPACT);
		if (text)
			ipc_send(g->child_fd, IPC_RECORD, text, strlen(text));
		free(text);
	}
	json_array_clear(g->pending);
	set_fail(g, false);
}

static void on_message(struct gw *g, uint32_t type, uint8_t *body, size_t len)
{
	if (type == IPC_READY) {
		on_ready(g);
	} else if (type == IPC_EVENT && len == sizeof(struct ipc_event)) {
		struct ipc_event e;
		memcpy(&e, body, sizeof e);
		ipc_event_sanitize(&e);
		gw_on_event(g, &e);
	} else if (type == IPC_DEVICE && len == sizeof(struct ipc_device)) {
		struct ipc_device d;
		memcpy(&d, body, sizeof d);
		ipc_device_sanitize(&d);
		gw_on_device(g, &d);
	} else if (type == IPC_STATS && len == sizeof(struct ipc_stats)) {
		memcpy(&g->cstats, body, sizeof g->cstats);
	}
}

void gw_child_input(struct gw *g)
{
	static uint8_t *buf;
	if (!buf && !(buf = malloc(IPC_MAX_MSG)))
		return;
	for (int i = 0; i < 1024 && g->child_fd >= 0; i++) {
		uint32_t type;
		long n = ipc_recv(g->child_fd, buf, &type);
		if (n == -2)
			return;
		if (n < 0) {
			child_down(g, "closed its socket");
			return;
		}
		on_message(g, type, buf, (size_t)n);
	}
}

void gw_child_tick(struct gw *g)
{
	if (g->stop || g->child_fd >= 0 || g->child_pid > 0 || gw_now_ms() < g->restart_at_ms)
		return;
	g->restarts++;
	if (gw_child_start(g) != 0)
		g->restart_at_ms = gw_now_ms() + 5000;
}
