/* net.c - TCP helpers with deadlines and the global connection rate limit
 * (a token bucket shared by every thread of the run). */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit.h"
#include "audit/net.h"

static pthread_mutex_t rate_mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned rate_pps;
static uint64_t rate_next_us;

uint64_t audit_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void audit_sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

void audit_pace(uint64_t *last_us, unsigned interval_ms)
{
	uint64_t now = audit_now_us();
	if (*last_us) {
		uint64_t due = *last_us + (uint64_t)interval_ms * 1000u;
		while (now < due) {
			uint64_t left = due - now;
			audit_sleep_ms((unsigned)((left + 999) / 1000));
			now = audit_now_us();
		}
	}
	*last_us = now;
}

void net_rate_set(unsigned pps)
{
	pthread_mutex_lock(&rate_mu);
	rate_pps = pps;
	rate_next_us = 0;
	pthread_mutex_unlock(&rate_mu);
}

/* Each caller reserves the next slot, 1/pps apart, then sleeps until it. */
void net_rate_wait(void)
{
	pthread_mutex_lock(&rate_mu);
	if (!rate_pps) {
		pthread_mutex_unlock(&rate_mu);
		return;
	}
	uint64_t now = audit_now_us(), slot = rate_next_us > now ? rate_next_us : now;
	rate_next_us = slot + 1000000u / rate_pps;
	pthread_mutex_unlock(&rate_mu);
	if (slot > now)
		audit_sleep_ms((unsigned)((slot - now + 999) / 1000));
}

socklen_t net_sockaddr(const struct kaddr *ip, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	if (ip->family == KADDR_V4) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		memcpy(&s4->sin_addr, ip->b, 4);
		return sizeof *s4;
	}
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(port);
	memcpy(&s6->sin6_addr, ip->b, 16);
	return sizeof *s6;
}

static int wait_fd(int fd, short ev, unsigned timeout_ms)
{
	struct pollfd p = {.fd = fd, .events = ev};
	int r;
	do
		r = poll(&p, 1, (int)timeout_ms);
	while (r < 0 && errno == EINTR);
	return r;
}

int net_connect(const struct kaddr *ip, uint16_t port, unsigned timeout_ms)
{
	struct sockaddr_storage ss;
	socklen_t sl = net_sockaddr(ip, port, &ss);
	net_rate_wait();
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&ss, sl) != 0) {
		int err = 0;
		socklen_t el = sizeof err;
		if (errno != EINPROGRESS || wait_fd(fd, POLLOUT, timeout_ms) <= 0 ||
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0 || err != 0) {
			close(fd);
			return -1;
		}
	}
	int fl = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	return fd;
}

int net_send(int fd, const void *buf, size_t len, unsigned timeout_ms)
{
	const char *p = buf;
	while (len) {
		if (wait_fd(fd, POLLOUT, timeout_ms) <= 0)
			return -1;
		ssize_t w = send(fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

size_t net_recv(int fd, char *buf, size_t cap, size_t have, unsigned timeout_ms, net_done_fn done, void *ctx)
{
	uint64_t deadline = audit_now_us() + (uint64_t)timeout_ms * 1000u;
	if (cap == 0)
		return 0;
	buf[have < cap ? have : cap - 1] = '\0';
	while (have + 1 < cap) {
		if (done && done(buf, have, ctx))
			break;
		uint64_t now = audit_now_us();
		if (now >= deadline || wait_fd(fd, POLLIN, (unsigned)((deadline - now + 999) / 1000)) <= 0)
			break;
		ssize_t r = recv(fd, buf + have, cap - 1 - have, MSG_DONTWAIT);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (r <= 0)
			break;
		have += (size_t)r;
		buf[have] = '\0';
	}
	return have;
}
