/* clients.c - connections to the control socket and the metrics port in
 * the daemon's single-threaded loop: accepted non-blocking, read as data
 * arrives until the request is whole, served, closed. A client that sends
 * nothing is dropped after a second and never stalls capture. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon/gw.h"

void gw_client_accept(struct gw *g, int listen_fd, bool metrics)
{
	int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	if (g->n_clients == GW_MAX_CLIENTS) {
		close(fd);
		return;
	}
	struct gw_client *c = &g->clients[g->n_clients++];
	c->fd = fd;
	c->metrics = metrics;
	c->n = 0;
	c->deadline_ms = gw_now_ms() + 1000;
}

void gw_clients_poll(struct gw *g, struct pollfd *p, size_t *n)
{
	for (size_t i = 0; i < g->n_clients; i++)
		p[(*n)++] = (struct pollfd){.fd = g->clients[i].fd, .events = POLLIN};
}

static bool whole(const struct gw_client *c)
{
	if (c->metrics)
		return memmem(c->buf, c->n, "\r\n\r\n", 4) || memmem(c->buf, c->n, "\n\n", 2);
	return memchr(c->buf, '\n', c->n) != NULL;
}

/* Reads what is there; true when the client is done (served or gone). */
static bool serve(struct gw *g, struct gw_client *c)
{
	ssize_t r = read(c->fd, c->buf + c->n, sizeof c->buf - 1 - c->n);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return false;
	if (r > 0)
		c->n += (size_t)r;
	bool eof = r <= 0, full = c->n == sizeof c->buf - 1;
	if (!whole(c) && !eof && !full)
		return false;
	if (c->metrics)
		gw_metrics_respond(g, c->fd, c->buf, c->n);
	else if (c->n) {
		const char *nl = memchr(c->buf, '\n', c->n);
		gw_ctl_request(g, c->fd, c->buf, nl ? (size_t)(nl - c->buf + 1) : c->n);
	}
	return true;
}

void gw_clients_serve(struct gw *g, const struct pollfd *p, size_t base)
{
	uint64_t now = gw_now_ms();
	size_t n = g->n_clients;
	bool done[GW_MAX_CLIENTS] = {false};
	for (size_t i = 0; i < n; i++) {
		struct gw_client *c = &g->clients[i];
		if (p[base + i].fd == c->fd && p[base + i].revents)
			done[i] = serve(g, c);
		if (!done[i] && now >= c->deadline_ms)
			done[i] = true;
	}
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		if (done[i])
			close(g->clients[i].fd);
		else
			g->clients[j++] = g->clients[i];
	}
	g->n_clients = j;
}

void gw_clients_close(struct gw *g)
{
	for (size_t i = 0; i < g->n_clients; i++)
		close(g->clients[i].fd);
	g->n_clients = 0;
}
