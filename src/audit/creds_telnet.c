/* creds_telnet.c - TELNET login check: read the banner up to the login
 * prompt (a shell prompt without any login is `no-authentication`), then one
 * connection per pair: user, password, and the answer read as a shell prompt
 * (accepted: the connection is closed at once, nothing typed) or a refusal. */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "audit/banner.h"
#include "audit/creds.h"
#include "audit/net.h"
#include "util/text.h"

struct tn {
	int fd;
	char text[4096];
	size_t len, mark;   /* classify only what came after mark */
	unsigned io_ms;
};

/* Reads (answering option negotiation) until the text after mark reaches
 * one of the wanted states, the peer closes or the timeout passes. */
static enum telnet_state tn_wait(struct tn *t, unsigned want_mask)
{
	uint64_t deadline = audit_now_us() + (uint64_t)t->io_ms * 1000u;
	enum telnet_state st = TN_NOTHING;
	for (;;) {
		st = telnet_classify(t->text + t->mark, t->len - t->mark);
		if (want_mask & (1u << st))
			return st;
		uint64_t now = audit_now_us();
		struct pollfd p = {.fd = t->fd, .events = POLLIN};
		if (now >= deadline || poll(&p, 1, (int)((deadline - now) / 1000 + 1)) <= 0)
			return TN_NOTHING;
		uint8_t raw[1024], reply[192];
		ssize_t r = recv(t->fd, raw, sizeof raw, 0);
		if (r <= 0)
			return st == TN_FAILED ? TN_FAILED : TN_NOTHING;
		size_t rl;
		t->len += telnet_filter(raw, (size_t)r, t->text + t->len, sizeof t->text - t->len, reply, sizeof reply, &rl);
		if (rl)
			net_send(t->fd, reply, rl, t->io_ms);
		if (t->len + 1 >= sizeof t->text) { /* keep the tail */
			memmove(t->text, t->text + 2048, t->len - 2048 + 1);
			t->len -= 2048;
			t->mark = t->mark > 2048 ? t->mark - 2048 : 0;
		}
	}
}

#define W(s) (1u << (s))

static bool tn_open(struct check *c, struct tn *t)
{
	memset(t, 0, sizeof *t);
	t->io_ms = c->o->io_timeout_ms;
	t->fd = net_connect(c->ip, c->svc->port, c->o->connect_timeout_ms);
	return t->fd >= 0;
}

static void keep_banner(struct check *c, const struct tn *t)
{
	if (!c->svc->banner[0])
		banner_set(c->svc->banner, sizeof c->svc->banner, t->text, t->len);
}

static enum try_result tn_try(struct check *c, const struct audit_cred *cred, void *arg)
{
	(void)arg;
	struct tn t;
	if (!tn_open(c, &t))
		return TRY_UNREACHABLE;
	enum try_result res = TRY_UNCLEAR;
	char line[160];
	if (tn_wait(&t, W(TN_LOGIN)) == TN_LOGIN) {
		snprintf(line, sizeof line, "%s\r\n", cred->user);
		t.mark = t.len;
		net_send(t.fd, line, strlen(line), t.io_ms);
		enum telnet_state st = tn_wait(&t, W(TN_PASSWORD) | W(TN_SHELL) | W(TN_FAILED) | W(TN_LOGIN));
		if (st == TN_PASSWORD) {
			snprintf(line, sizeof line, "%s\r\n", cred->pass);
			t.mark = t.len;
			net_send(t.fd, line, strlen(line), t.io_ms);
			explicit_bzero(line, sizeof line);
			st = tn_wait(&t, W(TN_SHELL) | W(TN_FAILED) | W(TN_LOGIN));
		}
		res = st == TN_SHELL ? TRY_ACCEPTED : st == TN_NOTHING ? TRY_UNCLEAR : TRY_REFUSED;
	}
	close(t.fd); /* accepted or not: nothing more is sent */
	return res;
}

void check_telnet(struct check *c)
{
	struct tn t;
	if (!tn_open(c, &t))
		return;
	enum telnet_state st = tn_wait(&t, W(TN_LOGIN) | W(TN_PASSWORD) | W(TN_SHELL));
	keep_banner(c, &t);
	close(t.fd);
	if (st == TN_SHELL) {
		c->svc->login.state = LOGIN_NO_AUTH;
		snprintf(c->svc->login.method, sizeof c->svc->login.method, "none");
		return;
	}
	if (st == TN_LOGIN && c->o->logins)
		creds_try_list(c, "password", tn_try, NULL);
}
