/* ports.c - TCP port survey without privileges: non-blocking connect() to
 * many (host, port) pairs at once, completions read with epoll. New
 * connections are started at most audit.rate per second for the whole run
 * and at most audit.per_host at a time per host; ports are interleaved
 * across hosts so no single device sees a burst. An accepted connection is
 * closed at once (nothing is sent); a refused one still shows the host is up. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#include "audit/audit.h"
#include "audit/net.h"
#include "audit/ports.h"

#define SCAN_MAX_INFLIGHT 512

struct slot {
	int fd;          /* -1 when free */
	size_t host;
	uint16_t port;
	uint64_t deadline_us;
};

struct scan {
	struct audit_run *run;
	const size_t *hosts;   /* indices into run->hosts */
	size_t n;
	size_t *next_port;     /* per listed host: next index into opts->ports */
	unsigned *active;      /* per listed host: connections in flight */
	size_t rr, remaining;
	struct slot slots[SCAN_MAX_INFLIGHT];
	size_t max_inflight, inflight;
	int ep;
	uint64_t next_start_us;
};

static bool record_open(struct audit_host *h, uint16_t port)
{
	h->up = true;
	for (size_t i = 0; i < h->n_svc; i++)
		if (h->svc[i].port == port)
			return false;
	if (h->n_svc < AUDIT_MAX_PORTS) {
		memset(&h->svc[h->n_svc], 0, sizeof h->svc[0]);
		h->svc[h->n_svc++].port = port;
		return true;
	}
	return false;
}

void ports_result(struct audit_run *run, struct audit_host *h, uint16_t port, bool open)
{
	if (open) {
		if (record_open(h, port))
			run->stats.ports_open++;
		if (!h->seen_by[0])
			snprintf(h->seen_by, sizeof h->seen_by, "tcp");
	} else if (!h->up) {
		h->up = true;
		snprintf(h->seen_by, sizeof h->seen_by, "tcp");
	}
}

static void finish(struct scan *s, struct slot *sl, int err)
{
	struct audit_host *h = &s->run->hosts[s->hosts[sl->host]];
	if (err == 0 || err == ECONNREFUSED)
		ports_result(s->run, h, sl->port, err == 0);
	epoll_ctl(s->ep, EPOLL_CTL_DEL, sl->fd, NULL);
	close(sl->fd);
	sl->fd = -1;
	s->active[sl->host]--;
	s->inflight--;
}

/* The next (host, port) that may start now, round-robin over hosts. */
static bool pick(struct scan *s, size_t *hi, uint16_t *port)
{
	size_t np = s->run->opts->n_ports;
	for (size_t k = 0; k < s->n; k++) {
		size_t i = (s->rr + k) % s->n;
		if (s->next_port[i] < np && s->active[i] < s->run->opts->per_host) {
			*hi = i;
			*port = s->run->opts->ports[s->next_port[i]++];
			s->rr = (i + 1) % s->n;
			return true;
		}
	}
	return false;
}

static void start_one(struct scan *s, size_t hi, uint16_t port)
{
	struct slot *sl = NULL;
	for (size_t i = 0; i < s->max_inflight && !sl; i++)
		if (s->slots[i].fd < 0)
			sl = &s->slots[i];
	s->remaining--;
	struct sockaddr_storage ss;
	socklen_t len = net_sockaddr(&s->run->hosts[s->hosts[hi]].ip, port, &ss);
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || !sl)
		goto out;
	s->run->stats.connects++;
	*sl = (struct slot){.fd = fd, .host = hi, .port = port,
			    .deadline_us = audit_now_us() + (uint64_t)s->run->opts->connect_timeout_ms * 1000u};
	s->active[hi]++;
	s->inflight++;
	int r = connect(fd, (struct sockaddr *)&ss, len);
	if (r == 0 || errno != EINPROGRESS) {
		finish(s, sl, r == 0 ? 0 : errno);
		return;
	}
	struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = sl};
	if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev) != 0)
		finish(s, sl, errno);
	return;
out:
	if (fd >= 0)
		close(fd);
}

static void start_due(struct scan *s)
{
	unsigned pps = s->run->opts->rate_pps;
	while (s->remaining && s->inflight < s->max_inflight) {
		uint64_t now = audit_now_us();
		if (pps && now < s->next_start_us)
			return;
		size_t hi;
		uint16_t port;
		if (!pick(s, &hi, &port))
			return;
		start_one(s, hi, port);
		if (pps)
			s->next_start_us = (s->next_start_us > now ? s->next_start_us : now) + 1000000u / pps;
	}
}

static void expire(struct scan *s)
{
	uint64_t now = audit_now_us();
	for (size_t i = 0; i < s->max_inflight; i++)
		if (s->slots[i].fd >= 0 && now >= s->slots[i].deadline_us)
			finish(s, &s->slots[i], ETIMEDOUT);
}

static void loop(struct scan *s)
{
	struct epoll_event evs[64];
	while (s->remaining || s->inflight) {
		start_due(s);
		uint64_t now = audit_now_us();
		int wait_ms = 50;
		if (s->remaining && s->next_start_us > now && s->inflight < s->max_inflight)
			wait_ms = (int)((s->next_start_us - now) / 1000) + 1;
		int n = epoll_wait(s->ep, evs, 64, wait_ms < 50 ? wait_ms : 50);
		for (int i = 0; i < n; i++) {
			struct slot *sl = evs[i].data.ptr;
			int err = 0;
			socklen_t el = sizeof err;
			if (getsockopt(sl->fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0)
				err = errno;
			finish(s, sl, err);
		}
		expire(s);
	}
}

int ports_scan(struct audit_run *run, const size_t *hosts, size_t n)
{
	if (n == 0)
		return 0;
	struct scan *s = calloc(1, sizeof *s);
	if (!s)
		return -1;
	s->run = run;
	s->hosts = hosts;
	s->n = n;
	s->next_port = calloc(n, sizeof *s->next_port);
	s->active = calloc(n, sizeof *s->active);
	s->ep = epoll_create1(EPOLL_CLOEXEC);
	struct rlimit rl;
	s->max_inflight = SCAN_MAX_INFLIGHT;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur / 2 < s->max_inflight)
		s->max_inflight = rl.rlim_cur / 2;
	s->remaining = n * run->opts->n_ports;
	for (size_t i = 0; i < SCAN_MAX_INFLIGHT; i++)
		s->slots[i].fd = -1;
	int rc = -1;
	if (s->next_port && s->active && s->ep >= 0) {
		loop(s);
		rc = 0;
	}
	if (s->ep >= 0)
		close(s->ep);
	free(s->next_port);
	free(s->active);
	free(s);
	return rc;
}
