/* tlsconn.c - connections for the service checks that may run over TLS
 * (HTTPS admin pages, MQTT over TLS): OpenSSL client with no certificate
 * verification and security level 0, because the point is to see what the
 * device offers, weak or not. Every read is bounded by io_ms. */
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "audit/banner.h"
#include "audit/net.h"

static pthread_once_t ctx_once = PTHREAD_ONCE_INIT;
static SSL_CTX *client_ctx;

static void ctx_init(void)
{
	client_ctx = SSL_CTX_new(TLS_client_method());
	if (!client_ctx)
		return;
	SSL_CTX_set_security_level(client_ctx, 0);
	SSL_CTX_set_min_proto_version(client_ctx, 0);
	SSL_CTX_set_verify(client_ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_cipher_list(client_ctx, "ALL:@SECLEVEL=0");
}

static void set_timeouts(int fd, unsigned ms)
{
	struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (long)(ms % 1000) * 1000};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

static bool handshake(struct conn *c, struct tls_facts *tf)
{
	pthread_once(&ctx_once, ctx_init);
	SSL *ssl = client_ctx ? SSL_new(client_ctx) : NULL;
	if (!ssl)
		return false;
	c->ssl = ssl;
	SSL_set_fd(ssl, c->fd);
	if (SSL_connect(ssl) != 1) {
		ERR_clear_error();
		return false;
	}
	if (tf) {
		X509 *x = SSL_get1_peer_certificate(ssl);
		unsigned char *der = NULL;
		int n = x ? i2d_X509(x, &der) : -1;
		if (n > 0)
			tls_cert_facts(der, (size_t)n, time(NULL), tf);
		OPENSSL_free(der);
		X509_free(x);
		snprintf(tf->version, sizeof tf->version, "%s", SSL_get_version(ssl));
		tf->present = true;
	}
	return true;
}

bool conn_open(struct conn *c, const struct kaddr *ip, uint16_t port, bool tls, unsigned connect_ms,
	       unsigned io_ms, struct tls_facts *tf)
{
	memset(c, 0, sizeof *c);
	c->io_ms = io_ms;
	c->fd = net_connect(ip, port, connect_ms);
	if (c->fd < 0)
		return false;
	set_timeouts(c->fd, io_ms);
	if (tls && !handshake(c, tf)) {
		conn_close(c);
		return false;
	}
	return true;
}

int conn_send(struct conn *c, const void *buf, size_t len)
{
	if (!c->ssl)
		return net_send(c->fd, buf, len, c->io_ms);
	return SSL_write(c->ssl, buf, (int)len) == (int)len ? 0 : -1;
}

size_t conn_recv(struct conn *c, char *buf, size_t cap, size_t have, net_done_fn done, void *ctx)
{
	if (!c->ssl)
		return net_recv(c->fd, buf, cap, have, c->io_ms, done, ctx);
	uint64_t deadline = audit_now_us() + (uint64_t)c->io_ms * 1000u;
	if (!cap)
		return 0;
	buf[have < cap ? have : cap - 1] = '\0';
	while (have + 1 < cap && !(done && done(buf, have, ctx))) {
		uint64_t now = audit_now_us();
		if (now >= deadline)
			break;
		struct pollfd p = {.fd = c->fd, .events = POLLIN};
		if (!SSL_pending(c->ssl) && poll(&p, 1, (int)((deadline - now) / 1000 + 1)) <= 0)
			break;
		int r = SSL_read(c->ssl, buf + have, (int)(cap - 1 - have));
		if (r <= 0) {
			int e = SSL_get_error(c->ssl, r);
			ERR_clear_error();
			if (e == SSL_ERROR_WANT_READ)
				continue;
			break;
		}
		have += (size_t)r;
		buf[have] = '\0';
	}
	return have;
}

void conn_close(struct conn *c)
{
	if (c->ssl) {
		SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}
