/* service.c - the example device's admin service (HTTP, one request per
 * connection). Every function is refused until the label password has been
 * changed (key points 4, 15):
 *   GET  /          403 while the default password is unchanged, else 200
 *   POST /password  old=..&new=..  change it (strength check with koban's list)
 *   POST /login     password=..    200, 401, 429 with Retry-After (lockout)
 *   GET  /status    the signed status report (application/cose) */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "example.h"

#define BODY_MAX 2048

static int reply(int fd, int code, const char *type, const void *body, size_t n, const char *extra)
{
	char head[512];
	const char *why = code == 200 ? "OK" : code == 400 ? "Bad Request" : code == 401 ? "Unauthorized"
		: code == 403 ? "Forbidden" : code == 404 ? "Not Found" : code == 429 ? "Too Many Requests" : "Error";
	snprintf(head, sizeof head, "HTTP/1.0 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%sConnection: close\r\n\r\n",
		 code, why, type, n, extra ? extra : "");
	if (ex_write_all(fd, head, strlen(head)) != 0)
		return -1;
	return ex_write_all(fd, body, n);
}

static int text(int fd, int code, const char *msg, const char *extra)
{
	return reply(fd, code, "text/plain; charset=utf-8", msg, strlen(msg), extra);
}

static int do_password(struct ex *x, int fd, const char *body, size_t n)
{
	char old[KD_PW_MAX + 1], nw[KD_PW_MAX + 1], msg[256];
	size_t ol, nl;
	int verdict;
	if (kd_http_form_field(body, n, "old", old, sizeof old, &ol) || kd_http_form_field(body, n, "new", nw, sizeof nw, &nl))
		return text(fd, 400, "send old=...&new=...\n", NULL);
	int rc = kd_cred_change(&x->dev, old, ol, nw, nl, x->credlist, x->credlen, &verdict);
	kd_wipe(old, sizeof old);
	kd_wipe(nw, sizeof nw);
	if (rc == KD_OK)
		return text(fd, 200, "password changed: the device is unlocked\n", NULL);
	if (rc == KD_ERR_WEAK) {
		snprintf(msg, sizeof msg, "refused: %s\n", kd_pw_verdict_str(verdict));
		return text(fd, 400, msg, NULL);
	}
	return text(fd, rc == KD_ERR_LOCKED ? 429 : 401, rc == KD_ERR_LOCKED ? "locked out: wait\n" : "wrong password\n",
		    NULL);
}

static int do_login(struct ex *x, int fd, const char *body, size_t n)
{
	char pw[KD_PW_MAX + 1], extra[64];
	size_t len;
	uint32_t wait = 0;
	if (kd_http_form_field(body, n, "password", pw, sizeof pw, &len))
		return text(fd, 400, "send password=...\n", NULL);
	int rc = kd_cred_login(&x->dev, pw, len, &wait);
	kd_wipe(pw, sizeof pw);
	snprintf(extra, sizeof extra, "Retry-After: %u\r\n", wait);
	if (rc == KD_OK)
		return text(fd, 200, "welcome\n", NULL);
	if (rc == KD_ERR_DEFAULT_PASSWORD)
		return text(fd, 403, "change the default password first: POST /password\n", NULL);
	return text(fd, rc == KD_ERR_LOCKED || wait ? 429 : 401, rc == KD_ERR_LOCKED ? "locked out\n" : "wrong password\n",
		    wait ? extra : NULL);
}

static int route(struct ex *x, int fd, const struct kd_http_head *h, const char *body, size_t n)
{
	char msg[256];
	uint8_t rep[KD_STATUS_MAX], work[KD_STATUS_MAX];
	size_t rn;
	if (!strcmp(h->method, "POST") && !strcmp(h->path, "/password"))
		return do_password(x, fd, body, n);
	if (!strcmp(h->method, "POST") && !strcmp(h->path, "/login"))
		return do_login(x, fd, body, n);
	if (!strcmp(h->method, "GET") && !strcmp(h->path, "/status")) {
		if (kd_status_build(&x->dev, x->has_mac ? x->mac : NULL, NULL, 0, rep, sizeof rep, &rn, work, sizeof work))
			return text(fd, 500, "no report\n", NULL);
		return reply(fd, 200, "application/cose; cose-type=\"cose-sign1\"", rep, rn, NULL);
	}
	if (!strcmp(h->method, "GET") && !strcmp(h->path, "/")) {
		if (kd_cred_require_changed(&x->dev) != KD_OK)
			return text(fd, 403, "locked: change the default password first (POST /password old=...&new=...)\n", NULL);
		snprintf(msg, sizeof msg, "koban example device %s, firmware %s: at your service\n", x->dev.id.device_id,
			 x->dev.running.version);
		return text(fd, 200, msg, NULL);
	}
	return text(fd, 404, "not here\n", NULL);
}

static int handle(struct ex *x, int fd)
{
	char buf[KD_HTTP_HEAD_MAX + BODY_MAX];
	struct kd_http_head h;
	size_t got;
	if (ex_read_head(fd, buf, KD_HTTP_HEAD_MAX, &got, &h, true) != 0)
		return text(fd, 400, "bad request\n", NULL);
	size_t want = h.has_length ? h.content_length : 0;
	if (want > BODY_MAX)
		return text(fd, 400, "body too large\n", NULL);
	while (got - h.head_len < want) {
		ssize_t r = read(fd, buf + got, h.head_len + want - got);
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return route(x, fd, &h, buf + h.head_len, want);
}

int ex_serve(struct ex *x, const char *addr, int port, long requests)
{
	struct sockaddr_in sa = { 0 };
	int one = 1, lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (lfd < 0 || inet_pton(AF_INET, addr, &sa.sin_addr) != 1 ||
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    bind(lfd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(lfd, 8) != 0) {
		perror("device: serve");
		return 1;
	}
	printf("device: serving on %s:%d\n", addr, port);
	fflush(stdout);
	for (long i = 0; requests <= 0 || i < requests; i++) {
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		struct timeval tv = { 5, 0 };
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		handle(x, fd);
		close(fd);
	}
	close(lfd);
	return 0;
}
