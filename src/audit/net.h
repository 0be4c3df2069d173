/* net.h - small blocking-with-deadline TCP helpers for the service checks
 * (each check runs in its own worker thread), and the run's global rate
 * limit on new connections. Every wait is bounded by a timeout. */
#ifndef KOBAN_AUDIT_NET_H
#define KOBAN_AUDIT_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "util/addr.h"

/* The global limit: at most pps new connections or probes per second for
 * the whole run (0 = unlimited). net_rate_wait() blocks until one may go. */
void net_rate_set(unsigned pps);
void net_rate_wait(void);

/* Fills a sockaddr for ip:port; returns its length. */
socklen_t net_sockaddr(const struct kaddr *ip, uint16_t port, struct sockaddr_storage *ss);

/* Connects (after net_rate_wait) with a timeout; returns a blocking fd or -1. */
int net_connect(const struct kaddr *ip, uint16_t port, unsigned timeout_ms);

/* Sends all of buf within timeout_ms. 0 or -1. */
int net_send(int fd, const void *buf, size_t len, unsigned timeout_ms);

/* Stops reading when it returns true. */
typedef bool (*net_done_fn)(const char *buf, size_t len, void *ctx);

/* Reads into buf[have..cap-1) until done() says so, the peer closes, the
 * buffer is full or timeout_ms passes. buf stays NUL-terminated. Returns the
 * new length. */
size_t net_recv(int fd, char *buf, size_t cap, size_t have, unsigned timeout_ms, net_done_fn done, void *ctx);



/* ---- a connection that may be TLS (tlsconn.c) ---- */
struct tls_facts;
struct conn {
	int fd;
	void *ssl;            /* SSL *, or NULL for plain TCP */
	unsigned io_ms;       /* bound on each receive */
};
/* Connects; with tls, completes a handshake that accepts any certificate
 * and any protocol version (an audit must see weak ones) and, when tf is
 * not NULL, fills it with the certificate's facts. */
bool conn_open(struct conn *c, const struct kaddr *ip, uint16_t port, bool tls, unsigned connect_ms,
	       unsigned io_ms, struct tls_facts *tf);
int conn_send(struct conn *c, const void *buf, size_t len);
/* Like net_recv on the connection. */
size_t conn_recv(struct conn *c, char *buf, size_t cap, size_t have, net_done_fn done, void *ctx);
void conn_close(struct conn *c);
#endif
