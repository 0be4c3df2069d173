/* test_pacing.c - the attempt budget and pacing every login check goes
 * through (creds_try_list / creds_pace), and the epoll connect scan against
 * a listening and a closed port on the loopback address. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "audit/creds.h"
#include "audit/net.h"
#include "audit/ports.h"
#include "test.h"

struct seen {
	uint64_t at[64];
	unsigned n;
	unsigned accept_entry;   /* 0 = refuse everything */
};

static enum try_result fake_try(struct check *c, const struct audit_cred *cred, void *arg)
{
	(void)c;
	struct seen *s = arg;
	s->at[s->n++] = audit_now_us();
	return cred->entry == s->accept_entry ? TRY_ACCEPTED : TRY_REFUSED;
}

static void make_creds(struct audit_creds *c, unsigned n)
{
	c->v = calloc(n, sizeof *c->v);
	c->n = n;
	for (unsigned i = 0; i < n; i++) {
		c->v[i].user = strdup("root");
		c->v[i].pass = strdup("x");
		c->v[i].entry = i + 1;
	}
}

static void test_budget(void)
{
	struct audit_opts o;
	audit_opts_defaults(&o);
	o.max_attempts = 5;
	o.attempt_interval_ms = 40;
	struct audit_creds creds = {0};
	make_creds(&creds, 20);
	struct kaddr ip = {0};
	struct audit_service svc = {0};
	struct check c = {.o = &o, .creds = &creds, .ip = &ip, .svc = &svc};
	struct seen s = {0};
	creds_try_list(&c, "password", fake_try, &s);
	CHECK_INT(s.n, 5);                       /* never more than max_attempts */
	CHECK_INT(svc.login.attempts, 5);
	CHECK_INT(svc.login.state, LOGIN_REFUSED);
	bool paced = true;
	for (unsigned i = 1; i < s.n; i++)
		paced &= s.at[i] - s.at[i - 1] >= 40000;
	CHECK(paced);
	CHECK(svc.login.last_us - svc.login.first_us >= 4 * 40000);

	/* stops at the first accepted pair */
	struct audit_service svc2 = {0};
	struct check c2 = {.o = &o, .creds = &creds, .ip = &ip, .svc = &svc2};
	struct seen s2 = {.accept_entry = 3};
	creds_try_list(&c2, "basic", fake_try, &s2);
	CHECK_INT(s2.n, 3);
	CHECK_INT(svc2.login.state, LOGIN_FOUND);
	CHECK_INT(svc2.login.entry, 3);
	CHECK_STR(svc2.login.user, "root");
	CHECK_STR(svc2.login.method, "basic");

	/* an earlier check (anonymous) counts against the same budget */
	struct audit_service svc3 = {0};
	struct check c3 = {.o = &o, .creds = &creds, .ip = &ip, .svc = &svc3};
	struct seen s3 = {0};
	CHECK(creds_pace(&c3));
	creds_try_list(&c3, "password", fake_try, &s3);
	CHECK_INT(s3.n, 4);
	CHECK_INT(svc3.login.attempts, 5);
	o.max_attempts = 0; /* logins off by budget */
	struct audit_service svc4 = {0};
	struct check c4 = {.o = &o, .creds = &creds, .ip = &ip, .svc = &svc4};
	struct seen s4 = {0};
	creds_try_list(&c4, "password", fake_try, &s4);
	CHECK_INT(s4.n, 0);
	CHECK_INT(svc4.login.state, LOGIN_NOT_TRIED);
	creds_free(&creds);
}

static int listener(uint16_t *port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t l = sizeof a;
	if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 16) != 0)
		return -1;
	getsockname(fd, (struct sockaddr *)&a, &l);
	*port = ntohs(a.sin_port);
	return fd;
}

static void test_scan(void)
{
	uint16_t open_port, closed_port;
	int lfd = listener(&open_port), cfd = listener(&closed_port);
	CHECK(lfd >= 0 && cfd >= 0);
	close(cfd); /* now nothing listens there */
	struct audit_opts o;
	audit_opts_defaults(&o);
	o.n_ports = 2;
	o.ports[0] = closed_port;
	o.ports[1] = open_port;
	o.rate_pps = 1000;
	struct audit_host h = {0};
	const uint8_t lo[4] = {127, 0, 0, 1};
	kaddr_v4(&h.ip, lo);
	struct audit_run run = {.opts = &o, .hosts = &h, .n_hosts = 1};
	size_t list[1] = {0};
	CHECK_INT(ports_scan(&run, list, 1), 0);
	CHECK(h.up);
	CHECK_INT(h.n_svc, 1);
	CHECK_INT(h.svc[0].port, open_port);
	CHECK_INT(run.stats.connects, 2);
	int fd = net_connect(&h.ip, open_port, 500);
	CHECK(fd >= 0);
	CHECK_INT(net_send(fd, "ping\n", 5, 500), 0);
	close(fd);
	CHECK_INT(net_connect(&h.ip, closed_port, 500), -1);
	close(lfd);
}

static void test_rate(void)
{
	net_rate_set(100); /* 10 ms apart */
	uint64_t t0 = audit_now_us();
	for (int i = 0; i < 11; i++)
		net_rate_wait();
	CHECK(audit_now_us() - t0 >= 95000);
	net_rate_set(0);
}

int main(void)
{
	test_budget();
	test_scan();
	test_rate();
	return test_summary();
}
