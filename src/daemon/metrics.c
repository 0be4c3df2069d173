/* metrics.c - Prometheus text exposition (format 0.0.4) on a local TCP
 * address (metrics.listen, 127.0.0.1:9465 by default; "off" disables it):
 * packets, capture drops, flows, devices, events by kind, actions by kind
 * and mode, engine restarts, detection-to-block latency. Any GET gets the
 * metrics; nothing else is served. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon/gw.h"

static bool parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	if (!colon || colon == s || (size_t)(colon - s) >= sizeof host)
		return false;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	char *end;
	unsigned long port = strtoul(colon + 1, &end, 10);
	if (*end || port == 0 || port > 65535)
		return false;
	char *h = host;
	if (h[0] == '[' && h[strlen(h) - 1] == ']') {
		h[strlen(h) - 1] = '\0';
		h++;
	}
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	memset(ss, 0, sizeof *ss);
	if (inet_pton(AF_INET, h, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		*len = sizeof *v4;
		return true;
	}
	if (inet_pton(AF_INET6, h, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		*len = sizeof *v6;
		return true;
	}
	return false;
}

int gw_metrics_open(struct gw *g, char *err, size_t errsz)
{
	g->metrics_fd = -1;
	if (!strcmp(g->dc.metrics_listen, "off") || !g->dc.metrics_listen[0])
		return 0;
	struct sockaddr_storage ss;
	socklen_t len;
	if (!parse_listen(g->dc.metrics_listen, &ss, &len)) {
		snprintf(err, errsz, "metrics.listen: expected ADDRESS:PORT, e.g. 127.0.0.1:9465");
		return -1;
	}
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), one = 1;
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, 16) != 0) {
		snprintf(err, errsz, "metrics on %s: %s", g->dc.metrics_listen, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	g->metrics_fd = fd;
	return 0;
}

static void counter(FILE *f, const char *name, const char *help, uint64_t v, bool gauge)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n%s %llu\n", name, help, name, gauge ? "gauge" : "counter", name,
		(unsigned long long)v);
}

char *gw_metrics_text(struct gw *g)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	counter(f, "koban_packets_captured_total", "Frames captured on the watched interfaces.", g->captured, false);
	counter(f, "koban_packets_analysed_total", "Frames the engine analysed.", g->cstats.packets, false);
	counter(f, "koban_capture_drops_total", "Frames the kernel dropped before koban read them.",
		gw_capture_drops(g), false);
	counter(f, "koban_engine_down_drops_total", "Frames not analysed because the engine was down or busy.",
		g->dropped_down + g->dropped_ipc, false);
	counter(f, "koban_flows_total", "Flows the engine created.", g->cstats.flows_created, false);
	counter(f, "koban_flows_active", "Flows in the flow table.", g->cstats.flows_active, true);
	counter(f, "koban_devices", "Local devices known.", g->n_devs, true);
	counter(f, "koban_engine_up", "1 while the engine child runs.", g->child_ready, true);
	counter(f, "koban_engine_restarts_total", "Restarts of the engine child.", g->restarts, false);
	counter(f, "koban_fail_closed_active", "1 while fail-closed rules stop forwarding.", g->fail_active, true);
	fputs("# HELP koban_events_total Events by kind.\n# TYPE koban_events_total counter\n", f);
	for (size_t i = 0; i < g->n_kinds; i++)
		fprintf(f, "koban_events_total{kind=\"%s\"} %llu\n", g->kinds[i].kind, (unsigned long long)g->kinds[i].n);
	fputs("# HELP koban_actions_total Containment actions taken, by action and mode.\n"
	      "# TYPE koban_actions_total counter\n",
	      f);
	for (int k = ENF_QUARANTINE; k < ENF__COUNT; k++)
		for (int m = 0; m < 2; m++)
			fprintf(f, "koban_actions_total{action=\"%s\",mode=\"%s\"} %llu\n", enf_kind_name((enum enf_kind)k),
				m ? "enforce" : "monitor", (unsigned long long)g->actions_total[k][m]);
	fputs("# HELP koban_actions_active Containment actions in place.\n# TYPE koban_actions_active gauge\n", f);
	for (int k = ENF_QUARANTINE; k < ENF__COUNT; k++) {
		uint64_t n = 0;
		for (size_t i = 0; i < g->acts.n; i++)
			n += g->acts.v[i].kind == (enum enf_kind)k;
		fprintf(f, "koban_actions_active{action=\"%s\"} %llu\n", enf_kind_name((enum enf_kind)k),
			(unsigned long long)n);
	}
	counter(f, "koban_releases_total", "Actions released.", g->releases, false);
	fprintf(f, "# HELP koban_last_block_latency_seconds From the packet that raised an event to its automatic "
		   "rule in the kernel (last enforced automatic action).\n# TYPE koban_last_block_latency_seconds gauge\n"
		   "koban_last_block_latency_seconds %.6f\n",
		(double)g->last_block_us / 1e6);
	counter(f, "koban_mud_violations_total", "Packets a MUD profile did not permit (reported).",
		g->cstats.mud_violations, false);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* A request from a metrics client (clients.c): any GET gets the text. */
void gw_metrics_respond(struct gw *g, int fd, const char *req, size_t len)
{
	if (len < 4 || memcmp(req, "GET ", 4) != 0)
		return;
	char *text = gw_metrics_text(g);
	if (!text)
		return;
	char head[160];
	int hn = snprintf(head, sizeof head,
			  "HTTP/1.0 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: %zu\r\n\r\n",
			  strlen(text));
	/* non-blocking: a client that does not read gets what fits, never a wait */
	if (send(fd, head, (size_t)hn, MSG_DONTWAIT | MSG_NOSIGNAL) == hn)
		(void)!send(fd, text, strlen(text), MSG_DONTWAIT | MSG_NOSIGNAL);
	free(text);
}
