/* syn.c - the half-open TCP survey for IPv4 targets, used when the process
 * has CAP_NET_RAW (`--scan syn|auto`, audit.scan). A raw IPPROTO_TCP socket
 * (the kernel writes the IPv4 header) sends one SYN per (host, port) from a
 * few source ports reserved for the run (bound, never listening); the
 * initial sequence number is a keyed hash of (our address, target, ports)
 * with a key drawn for the run, so a reply is believed only when it
 * acknowledges that cookie + 1. SYN+ACK: open; RST+ACK: closed, the host is
 * up; silence: a second SYN after half of audit.connect_timeout, then the
 * port counts as filtered. koban answers nothing itself: the kernel finds no
 * socket for the SYN+ACK and answers it with a RST, which is the usual
 * half-open behaviour (the device never sees a completed connection).
 *
 * The same bounds as the connect scan (ports.c): at most audit.rate SYNs
 * per second for the whole run (retries included), at most audit.per_host
 * probes in flight per host, ports interleaved across hosts. Every read of
 * the raw socket is bounded by the buffer, and every length in a received
 * packet is checked against what was received (syn_parse). */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "audit/audit.h"
#include "audit/net.h"
#include "audit/ports.h"
#include "audit/syn.h"

/* ---- the pure pieces ---- */

void syn_key_random(struct syn_key *k)
{
	if (sodium_init() < 0) /* cannot happen on Linux with getrandom(); still never a fixed key */
		abort();
	randombytes_buf(k->k, sizeof k->k);
}

uint32_t syn_cookie(const struct syn_key *k, const uint8_t src[4], const uint8_t dst[4], uint16_t sport,
		    uint16_t dport)
{
	uint8_t in[12], out[crypto_shorthash_BYTES];
	memcpy(in, src, 4);
	memcpy(in + 4, dst, 4);
	in[8] = (uint8_t)(sport >> 8);
	in[9] = (uint8_t)sport;
	in[10] = (uint8_t)(dport >> 8);
	in[11] = (uint8_t)dport;
	crypto_shorthash(out, in, sizeof in, k->k);
	return (uint32_t)out[0] << 24 | (uint32_t)out[1] << 16 | (uint32_t)out[2] << 8 | out[3];
}

static uint32_t sum16(const uint8_t *b, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (n & 1)
		s += (uint32_t)b[n - 1] << 8;
	return s;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

size_t syn_build(uint8_t *buf, size_t cap, const uint8_t src[4], const uint8_t dst[4], uint16_t sport,
		 uint16_t dport, uint32_t seq)
{
	if (cap < SYN_PROBE_LEN)
		return 0;
	memset(buf, 0, SYN_PROBE_LEN);
	put16(buf, sport);
	put16(buf + 2, dport);
	put32(buf + 4, seq);
	buf[12] = (SYN_PROBE_LEN / 4) << 4;
	buf[13] = SYN_F_SYN;
	put16(buf + 14, 64240);             /* window */
	buf[20] = 2;                        /* MSS option, as every stack sends */
	buf[21] = 4;
	put16(buf + 22, 1460);
	uint8_t pseudo[12];
	memcpy(pseudo, src, 4);
	memcpy(pseudo + 4, dst, 4);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_TCP;
	put16(pseudo + 10, SYN_PROBE_LEN);
	uint32_t s = sum16(buf, SYN_PROBE_LEN, sum16(pseudo, sizeof pseudo, 0));
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	put16(buf + 16, (uint16_t)~s);
	return SYN_PROBE_LEN;
}

bool syn_parse(const uint8_t *pkt, size_t len, struct syn_reply *r)
{
	if (!pkt || len < 20 || pkt[0] >> 4 != 4)
		return false;
	size_t ihl = (size_t)(pkt[0] & 0x0f) * 4;
	size_t tot = get16(pkt + 2);
	if (ihl < 20 || ihl > len || tot > len || tot < ihl + 20)
		return false;
	if ((get16(pkt + 6) & 0x1fff) != 0 || pkt[9] != IPPROTO_TCP) /* only a whole or first fragment */
		return false;
	const uint8_t *t = pkt + ihl;
	size_t doff = (size_t)(t[12] >> 4) * 4;
	if (doff < 20 || doff > tot - ihl)
		return false;
	memcpy(r->src, pkt + 12, 4);
	memcpy(r->dst, pkt + 16, 4);
	r->sport = get16(t);
	r->dport = get16(t + 2);
	r->seq = get32(t + 4);
	r->ack = get32(t + 8);
	r->flags = t[13];
	return true;
}

enum syn_verdict syn_classify(const struct syn_key *k, const struct syn_reply *r)
{
	if (!(r->flags & SYN_F_ACK))
		return SYN_IGNORE;
	/* our probe went from r->dst:r->dport to r->src:r->sport */
	if (r->ack != syn_cookie(k, r->dst, r->src, r->dport, r->sport) + 1u)
		return SYN_IGNORE;
	if (r->flags & SYN_F_RST)
		return SYN_CLOSED;
	if ((r->flags & (SYN_F_SYN | SYN_F_FIN)) == SYN_F_SYN)
		return SYN_OPEN;
	return SYN_IGNORE;
}

int syn_socket(void)
{
	int fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
	if (fd >= 0) {
		int sz = 1 << 20;
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
	}
	return fd;
}

/* ---- the survey ---- */

#define SYN_MAX_INFLIGHT 512
#define SYN_TRIES 2
#define SYN_SPORTS 4
#define SYN_READS 256 /* packets read per turn of the loop */

struct probe {
	bool used;
	size_t host;          /* index into the list */
	uint16_t port, sport;
	uint32_t cookie;
	unsigned tries;
	uint64_t deadline_us;
};

struct v4 {
	uint32_t ip;
	size_t li;
};

struct sscan {
	struct audit_run *run;
	const size_t *hosts;
	size_t n;
	size_t *next_port;
	unsigned *active;
	uint8_t (*src)[4];    /* our address towards each listed host */
	struct v4 *idx;       /* listed hosts by address */
	size_t rr, remaining;
	struct probe slots[SYN_MAX_INFLIGHT];
	size_t inflight;
	int fd;
	uint64_t next_send_us;
	unsigned try_ms;
	struct syn_key key;
	uint16_t sports[SYN_SPORTS];
	int sport_fd[SYN_SPORTS];
	size_t n_sports;
	uint8_t buf[4096];
};

static struct audit_host *host_of(struct sscan *s, size_t li)
{
	return &s->run->hosts[s->hosts[li]];
}

static int v4_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct v4 *)a)->ip, y = ((const struct v4 *)b)->ip;
	return x < y ? -1 : x > y;
}

static bool find_listed(struct sscan *s, const uint8_t ip[4], size_t *li)
{
	struct v4 key = {.ip = get32(ip)};
	const struct v4 *e = bsearch(&key, s->idx, s->n, sizeof *s->idx, v4_cmp);
	if (e)
		*li = e->li;
	return e != NULL;
}

/* The source address the kernel will use towards ip (no packet is sent). */
static bool source_for(const uint8_t ip[4], uint8_t out[4])
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(9)}, me;
	memcpy(&to.sin_addr, ip, 4);
	socklen_t l = sizeof me;
	bool ok = connect(fd, (struct sockaddr *)&to, sizeof to) == 0 &&
		  getsockname(fd, (struct sockaddr *)&me, &l) == 0 && me.sin_family == AF_INET;
	if (ok)
		memcpy(out, &me.sin_addr, 4);
	close(fd);
	return ok;
}

/* Reserves the source ports: bound TCP sockets that never listen, so no
 * other local connection takes them and the kernel resets every SYN+ACK. */
static void reserve_sports(struct sscan *s)
{
	for (size_t i = 0; i < SYN_SPORTS; i++) {
		s->sport_fd[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		struct sockaddr_in a = {.sin_family = AF_INET};
		socklen_t l = sizeof a;
		if (s->sport_fd[i] < 0 || bind(s->sport_fd[i], (struct sockaddr *)&a, sizeof a) != 0 ||
		    getsockname(s->sport_fd[i], (struct sockaddr *)&a, &l) != 0) {
			if (s->sport_fd[i] >= 0)
				close(s->sport_fd[i]);
			s->sport_fd[i] = -1;
			continue;
		}
		s->sports[s->n_sports++] = ntohs(a.sin_port);
	}
	if (s->n_sports == 0) { /* cannot reserve: one random high port */
		uint16_t r = (uint16_t)randombytes_uniform(16384);
		s->sports[s->n_sports++] = (uint16_t)(40000 + r);
	}
}

static bool our_sport(const struct sscan *s, uint16_t p)
{
	for (size_t i = 0; i < s->n_sports; i++)
		if (s->sports[i] == p)
			return true;
	return false;
}

static void finish(struct sscan *s, struct probe *p)
{
	p->used = false;
	s->active[p->host]--;
	s->inflight--;
}

static void send_probe(struct sscan *s, struct probe *p, uint64_t now)
{
	uint8_t pkt[SYN_PROBE_LEN];
	struct audit_host *h = host_of(s, p->host);
	syn_build(pkt, sizeof pkt, s->src[p->host], h->ip.b, p->sport, p->port, p->cookie);
	struct sockaddr_in to = {.sin_family = AF_INET};
	memcpy(&to.sin_addr, h->ip.b, 4);
	sendto(s->fd, pkt, sizeof pkt, 0, (struct sockaddr *)&to, sizeof to); /* a lost SYN is retried */
	s->run->stats.syn_sent++;
	p->tries++;
	p->deadline_us = now + (uint64_t)s->try_ms * 1000u;
}

/* A new probe: the next (host, port) round-robin over hosts below their limit. */
static struct probe *pick(struct sscan *s)
{
	size_t np = s->run->opts->n_ports;
	struct probe *p = NULL;
	for (size_t i = 0; i < SYN_MAX_INFLIGHT && !p; i++)
		if (!s->slots[i].used)
			p = &s->slots[i];
	if (!p)
		return NULL;
	for (size_t k = 0; k < s->n; k++) {
		size_t i = (s->rr + k) % s->n;
		if (s->next_port[i] < np && s->active[i] < s->run->opts->per_host) {
			uint16_t port = s->run->opts->ports[s->next_port[i]++];
			s->rr = (i + 1) % s->n;
			uint16_t sport = s->sports[(i + s->next_port[i]) % s->n_sports];
			*p = (struct probe){.used = true, .host = i, .port = port, .sport = sport,
					    .cookie = syn_cookie(&s->key, s->src[i], host_of(s, i)->ip.b, sport, port)};
			s->active[i]++;
			s->inflight++;
			s->remaining--;
			return p;
		}
	}
	return NULL;
}

static struct probe *retry_due(struct sscan *s, uint64_t now)
{
	for (size_t i = 0; i < SYN_MAX_INFLIGHT; i++) {
		struct probe *p = &s->slots[i];
		if (p->used && p->tries < SYN_TRIES && now >= p->deadline_us)
			return p;
	}
	return NULL;
}

static void send_due(struct sscan *s)
{
	unsigned pps = s->run->opts->rate_pps;
	for (;;) {
		uint64_t now = audit_now_us();
		if (pps && now < s->next_send_us)
			return;
		struct probe *p = retry_due(s, now);
		if (!p && s->remaining)
			p = pick(s);
		if (!p)
			return;
		send_probe(s, p, now);
		if (pps)
			s->next_send_us = (s->next_send_us > now ? s->next_send_us : now) + 1000000u / pps;
	}
}

static void read_replies(struct sscan *s)
{
	for (int k = 0; k < SYN_READS; k++) {
		ssize_t r = recv(s->fd, s->buf, sizeof s->buf, MSG_DONTWAIT);
		if (r < 0)
			return;
		struct syn_reply rep;
		size_t li;
		if (!syn_parse(s->buf, (size_t)r, &rep) || !our_sport(s, rep.dport))
			continue;
		enum syn_verdict v = syn_classify(&s->key, &rep);
		if (v == SYN_IGNORE || !find_listed(s, rep.src, &li))
			continue;
		/* a late answer (after the last try) still counts: the cookie proves it */
		ports_result(s->run, host_of(s, li), rep.sport, v == SYN_OPEN);
		for (size_t i = 0; i < SYN_MAX_INFLIGHT; i++) {
			struct probe *p = &s->slots[i];
			if (p->used && p->host == li && p->port == rep.sport) {
				finish(s, p);
				break;
			}
		}
	}
}

static void expire(struct sscan *s)
{
	uint64_t now = audit_now_us();
	for (size_t i = 0; i < SYN_MAX_INFLIGHT; i++) {
		struct probe *p = &s->slots[i];
		if (p->used && p->tries >= SYN_TRIES && now >= p->deadline_us)
			finish(s, p); /* filtered, or nothing there */
	}
}

static void loop(struct sscan *s)
{
	while (s->remaining || s->inflight) {
		send_due(s);
		read_replies(s);
		expire(s);
		uint64_t now = audit_now_us();
		int wait_ms = 20;
		if (s->next_send_us > now && (s->next_send_us - now) / 1000 < (uint64_t)wait_ms)
			wait_ms = (int)((s->next_send_us - now) / 1000) + 1;
		struct pollfd pfd = {.fd = s->fd, .events = POLLIN};
		poll(&pfd, 1, wait_ms);
	}
	/* answers to the last probes that crossed the deadline */
	read_replies(s);
}

int syn_scan(struct audit_run *run, const size_t *hosts, size_t n, int fd)
{
	if (fd < 0)
		return -1;
	if (n == 0) {
		close(fd);
		return 0;
	}
	struct sscan *s = calloc(1, sizeof *s);
	if (!s) {
		close(fd);
		return -1;
	}
	s->run = run;
	s->hosts = hosts;
	s->n = n;
	s->fd = fd;
	s->try_ms = run->opts->connect_timeout_ms / SYN_TRIES;
	if (s->try_ms < 50)
		s->try_ms = 50;
	s->next_port = calloc(n, sizeof *s->next_port);
	s->active = calloc(n, sizeof *s->active);
	s->src = calloc(n, sizeof *s->src);
	s->idx = calloc(n, sizeof *s->idx);
	int rc = -1;
	if (s->next_port && s->active && s->src && s->idx) {
		syn_key_random(&s->key);
		reserve_sports(s);
		size_t np = run->opts->n_ports;
		for (size_t i = 0; i < n; i++) {
			const struct audit_host *h = &run->hosts[hosts[i]];
			s->idx[i] = (struct v4){.ip = get32(h->ip.b), .li = i};
			if (h->ip.family == KADDR_V4 && source_for(h->ip.b, s->src[i]))
				s->remaining += np;
			else
				s->next_port[i] = np; /* no route: nothing to send */
		}
		qsort(s->idx, n, sizeof *s->idx, v4_cmp);
		loop(s);
		rc = 0;
		for (size_t i = 0; i < SYN_SPORTS; i++)
			if (s->sport_fd[i] >= 0)
				close(s->sport_fd[i]);
	}
	close(fd);
	free(s->next_port);
	free(s->active);
	free(s->src);
	free(s->idx);
	free(s);
	return rc;
}
