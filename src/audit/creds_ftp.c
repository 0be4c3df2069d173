/* creds_ftp.c - FTP login check: the 220 greeting is the banner; then one
 * connection per attempt: anonymous first (accepted = no-authentication),
 * then the credential list. USER/PASS only; an accepted login is ended with
 * QUIT at once, no other command is sent. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audit/banner.h"
#include "audit/creds.h"
#include "audit/net.h"

struct ftp {
	int fd;
	char buf[4096];
	size_t len;
	unsigned io_ms;
};

static bool reply_done(const char *buf, size_t n, void *ctx)
{
	(void)ctx;
	size_t used;
	char t[8];
	return ftp_parse_reply(buf, n, t, sizeof t, &used) != 0;
}

/* The next reply's code (text into text), or -1. */
static int ftp_reply(struct ftp *f, char *text, size_t textsz)
{
	f->len = net_recv(f->fd, f->buf, sizeof f->buf, f->len, f->io_ms, reply_done, NULL);
	size_t used;
	int code = ftp_parse_reply(f->buf, f->len, text, textsz, &used);
	if (code <= 0)
		return -1;
	memmove(f->buf, f->buf + used, f->len - used);
	f->len -= used;
	return code;
}

static int ftp_cmd(struct ftp *f, const char *verb, const char *arg)
{
	char line[200], text[128];
	snprintf(line, sizeof line, "%s %s\r\n", verb, arg);
	int rc = net_send(f->fd, line, strlen(line), f->io_ms) == 0 ? ftp_reply(f, text, sizeof text) : -1;
	explicit_bzero(line, sizeof line);
	return rc;
}

static bool ftp_open(struct check *c, struct ftp *f, char *greeting, size_t gsz)
{
	memset(f, 0, sizeof *f);
	f->io_ms = c->o->io_timeout_ms;
	f->fd = net_connect(c->ip, c->svc->port, c->o->connect_timeout_ms);
	if (f->fd < 0)
		return false;
	if (ftp_reply(f, greeting, gsz) == 220)
		return true;
	close(f->fd);
	return false;
}

static enum try_result ftp_try(struct check *c, const struct audit_cred *cred, void *arg)
{
	(void)arg;
	struct ftp f;
	char g[128];
	if (!ftp_open(c, &f, g, sizeof g))
		return TRY_UNREACHABLE;
	int code = ftp_cmd(&f, "USER", cred->user);
	if (code == 331 || code == 332)
		code = ftp_cmd(&f, "PASS", cred->pass);
	if (code == 230) /* logged in: leave at once */
		net_send(f.fd, "QUIT\r\n", 6, f.io_ms);
	close(f.fd);
	return code == 230 ? TRY_ACCEPTED : code >= 400 && code < 600 ? TRY_REFUSED : TRY_UNCLEAR;
}

void check_ftp(struct check *c)
{
	struct ftp f;
	char g[256];
	if (!ftp_open(c, &f, g, sizeof g))
		return;
	banner_set(c->svc->banner, sizeof c->svc->banner, g, strlen(g));
	net_send(f.fd, "QUIT\r\n", 6, f.io_ms);
	close(f.fd);
	if (!c->o->logins || !creds_pace(c))
		return;
	static const struct audit_cred anon = {.user = "anonymous", .pass = "koban-audit@", .entry = 0};
	enum try_result r = ftp_try(c, &anon, NULL);
	if (r == TRY_ACCEPTED) {
		c->svc->login.state = LOGIN_NO_AUTH;
		snprintf(c->svc->login.method, sizeof c->svc->login.method, "anonymous");
		return;
	}
	if (r != TRY_UNREACHABLE)
		creds_try_list(c, "password", ftp_try, NULL);
}
