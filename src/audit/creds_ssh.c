/* creds_ssh.c - SSH check: the identification string is the banner (read
 * on a plain socket); then, with libssh, one connection per pair and only
 * password authentication. An accepted login is disconnected at once: no
 * channel is opened, so nothing can run. Host keys are not checked or
 * stored (~/.ssh is never read or written). */
#include <libssh/libssh.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audit/banner.h"
#include "audit/creds.h"
#include "audit/net.h"

static bool line_done(const char *b, size_t n, void *ctx)
{
	(void)ctx;
	return memchr(b, '\n', n) != NULL && memmem(b, n, "SSH-", 4) != NULL;
}

static ssh_session ssh_open(struct check *c)
{
	ssh_session s = ssh_new();
	if (!s)
		return NULL;
	char host[KADDR_STRLEN];
	kaddr_str(c->ip, host, sizeof host);
	unsigned port = c->svc->port;
	long timeout_s = (long)(c->o->io_timeout_ms + 999) / 1000;
	int no = 0, verbosity = SSH_LOG_NOLOG;
	ssh_options_set(s, SSH_OPTIONS_HOST, host);
	ssh_options_set(s, SSH_OPTIONS_PORT, &port);
	ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout_s);
	ssh_options_set(s, SSH_OPTIONS_LOG_VERBOSITY, &verbosity);
	ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no);
	ssh_options_set(s, SSH_OPTIONS_STRICTHOSTKEYCHECK, &no);
	ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, "/dev/null");
	ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
	net_rate_wait();
	if (ssh_connect(s) != SSH_OK) {
		ssh_free(s);
		return NULL;
	}
	return s;
}

static enum try_result ssh_try(struct check *c, const struct audit_cred *cred, void *arg)
{
	(void)arg;
	ssh_session s = ssh_open(c);
	if (!s)
		return TRY_UNREACHABLE;
	int rc = ssh_userauth_password(s, cred->user, cred->pass);
	ssh_disconnect(s); /* accepted or not: no channel, no command */
	ssh_free(s);
	return rc == SSH_AUTH_SUCCESS ? TRY_ACCEPTED
	       : rc == SSH_AUTH_DENIED || rc == SSH_AUTH_PARTIAL ? TRY_REFUSED
								  : TRY_UNCLEAR;
}

void check_ssh(struct check *c)
{
	int fd = net_connect(c->ip, c->svc->port, c->o->connect_timeout_ms);
	if (fd < 0)
		return;
	char buf[1024], sw[200];
	size_t n = net_recv(fd, buf, sizeof buf, 0, c->o->io_timeout_ms, line_done, NULL);
	close(fd);
	if (!ssh_parse_ident(buf, n, sw, sizeof sw))
		return;
	banner_set(c->svc->banner, sizeof c->svc->banner, sw, strlen(sw));
	if (c->o->logins)
		creds_try_list(c, "password", ssh_try, NULL);
}
