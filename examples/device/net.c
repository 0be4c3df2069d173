/* net.c - the example device's HTTP client: downloads a signed image
 * (streamed into kd_update: the manifest is checked before anything is
 * erased, the payload hashed while it arrives) and posts the signed status
 * report to a collector. http:// only: the image and the report carry their
 * own signatures. */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "example.h"

#define EX_TRANSPORT (-1000) /* the connection broke during the download */

/* Splits http://HOST[:PORT]/PATH and connects. Returns the socket or -1. */
int ex_connect(const char *url, char *host, size_t hostsz, char *path, size_t pathsz)
{
	struct addrinfo hints = { 0 }, *res = NULL;
	char port[8] = "80";
	const char *h = url + 7, *slash, *colon;
	if (strncmp(url, "http://", 7) != 0 || !(slash = strchr(h, '/')) || (size_t)(slash - h) >= hostsz ||
	    strlen(slash) >= pathsz)
		return -1;
	snprintf(host, hostsz, "%.*s", (int)(slash - h), h);
	snprintf(path, pathsz, "%s", slash);
	if ((colon = strchr(host, ':')) != NULL) {
		snprintf(port, sizeof port, "%s", colon + 1);
		host[colon - host] = '\0';
	}
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &res) != 0)
		return -1;
	int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct timeval tv = { 10, 0 }; /* a stalled server must not hang the device */
	if (fd >= 0 && (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
			setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0 ||
			connect(fd, res->ai_addr, res->ai_addrlen) != 0)) {
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

int ex_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n > 0) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads until the message head is complete; buf keeps what came after it. */
int ex_read_head(int fd, char *buf, size_t cap, size_t *got, struct kd_http_head *h, bool request)
{
	*got = 0;
	for (;;) {
		int rc = kd_http_parse(buf, *got, request, h);
		if (rc != 0)
			return rc == 1 ? 0 : -1;
		if (*got == cap)
			return -1;
		ssize_t r = read(fd, buf + *got, cap - *got);
		if (r <= 0)
			return -1;
		*got += (size_t)r;
	}
}

/* Feeds the body into the update: manifest first, then the payload. */
static int feed(struct ex *x, int fd, const char *pre, size_t npre, size_t total)
{
	uint8_t manifest[KD_MANIFEST_SIZE], chunk[4096];
	size_t have = 0, done = 0;
	int rc = KD_OK;
	while (done < total && rc == KD_OK) {
		size_t n;
		if (npre > 0) {
			n = npre < sizeof chunk ? npre : sizeof chunk;
			memcpy(chunk, pre, n);
			pre += n;
			npre -= n;
		} else {
			ssize_t r = read(fd, chunk, total - done < sizeof chunk ? total - done : sizeof chunk);
			if (r <= 0)
				return EX_TRANSPORT;
			n = (size_t)r;
		}
		n = n > total - done ? total - done : n;
		done += n;
		size_t m = have < KD_MANIFEST_SIZE ? KD_MANIFEST_SIZE - have : 0;
		m = m > n ? n : m;
		memcpy(manifest + have, chunk, m);
		have += m;
		if (m > 0 && have == KD_MANIFEST_SIZE && (rc = kd_update_begin(&x->dev, manifest, have)) != KD_OK)
			return rc;
		if (n > m)
			rc = kd_update_write(&x->dev, chunk + m, n - m);
	}
	return rc;
}

int ex_update(struct ex *x, const char *url)
{
	char host[256], path[512], req[1024], head[KD_HTTP_HEAD_MAX];
	struct kd_http_head h;
	size_t got;
	int rc, fd = ex_connect(url, host, sizeof host, path, sizeof path);
	if (fd < 0) {
		fprintf(stderr, "device: update: cannot reach %s\n", url);
		kd_update_abort(&x->dev, KD_RSN_DOWNLOAD);
		return 1;
	}
	snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: koban-device-example\r\n\r\n", path, host);
	if (ex_write_all(fd, req, strlen(req)) != 0 || ex_read_head(fd, head, sizeof head, &got, &h, false) != 0 ||
	    h.status != 200 || !h.has_length || h.content_length <= KD_MANIFEST_SIZE) {
		close(fd);
		fprintf(stderr, "device: update: %s: no image (HTTP %d)\n", url, h.status);
		kd_update_abort(&x->dev, KD_RSN_DOWNLOAD);
		return 1;
	}
	rc = feed(x, fd, head + h.head_len, got - h.head_len, h.content_length);
	close(fd);
	if (rc == KD_OK)
		rc = kd_update_finish(&x->dev, x->work, sizeof x->work);
	else if (x->dev.updating)
		kd_update_abort(&x->dev, KD_RSN_DOWNLOAD);
	if (rc != KD_OK) {
		fprintf(stderr, "device: update refused: %s\n", rc == EX_TRANSPORT ? "transfer cut" : kd_strerror(rc));
		return 1;
	}
	printf("device: firmware %s installed, restarting for its trial boot\n", x->dev.upd.m.version);
	return 0;
}

static int post(const char *url, const uint8_t *body, size_t n)
{
	char host[256], path[512], req[1024], head[KD_HTTP_HEAD_MAX];
	struct kd_http_head h;
	size_t got;
	int fd = ex_connect(url, host, sizeof host, path, sizeof path);
	if (fd < 0)
		return -1;
	snprintf(req, sizeof req,
		 "POST %s HTTP/1.0\r\nHost: %s\r\nContent-Type: application/cose; cose-type=\"cose-sign1\"\r\n"
		 "Content-Length: %zu\r\n\r\n", path, host, n);
	int rc = ex_write_all(fd, req, strlen(req)) || ex_write_all(fd, body, n) ||
		 ex_read_head(fd, head, sizeof head, &got, &h, false) || h.status < 200 || h.status > 299;
	close(fd);
	return rc ? -1 : 0;
}

int ex_report(struct ex *x, const char *dest)
{
	uint8_t rep[KD_STATUS_MAX], work[KD_STATUS_MAX];
	size_t n;
	int rc = kd_status_build(&x->dev, x->has_mac ? x->mac : NULL, NULL, 0, rep, sizeof rep, &n, work, sizeof work);
	if (rc) {
		fprintf(stderr, "device: report: %s\n", kd_strerror(rc));
		return 1;
	}
	if (strncmp(dest, "http://", 7) == 0) {
		rc = post(dest, rep, n);
	} else {
		FILE *f = fopen(dest, "wb");
		rc = !f || fwrite(rep, 1, n, f) != n;
		if (f && fclose(f) != 0)
			rc = -1;
	}
	if (rc) {
		fprintf(stderr, "device: report: cannot deliver to %s\n", dest);
		return 1;
	}
	printf("device: signed status report (%zu bytes) sent to %s\n", n, dest);
	return 0;
}
