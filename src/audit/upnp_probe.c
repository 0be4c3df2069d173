/* upnp_probe.c - UPnP facts of one host: a unicast SSDP M-SEARCH to its
 * port 1900 (never the multicast group, so only the target answers), then
 * the description XML at the LOCATION it gives, fetched only when that URL
 * names the same address (a LOCATION elsewhere is out of scope). */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "audit/banner.h"
#include "audit/net.h"
#include "audit/service.h"

static bool ssdp_answer(const struct audit_opts *o, struct audit_host *h, char *loc, size_t locsz)
{
	struct sockaddr_storage ss;
	socklen_t sl = net_sockaddr(&h->ip, 1900, &ss);
	int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	static const char msearch[] = "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n"
				      "MAN: \"ssdp:discover\"\r\nMX: 1\r\nST: upnp:rootdevice\r\n"
				      "USER-AGENT: Linux UPnP/1.1 koban-audit/" KOBAN_VERSION "\r\n\r\n";
	bool ok = false;
	net_rate_wait();
	if (connect(fd, (struct sockaddr *)&ss, sl) == 0 && send(fd, msearch, sizeof msearch - 1, 0) > 0) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		unsigned wait = o->io_timeout_ms < 2000 ? o->io_timeout_ms : 2000;
		char buf[2048];
		ssize_t r;
		if (poll(&p, 1, (int)wait) > 0 && (r = recv(fd, buf, sizeof buf - 1, 0)) > 0)
			ok = ssdp_parse_response(buf, (size_t)r, loc, locsz, h->upnp_server, sizeof h->upnp_server);
	}
	close(fd);
	return ok;
}

static const char *body_of(const char *b, size_t n)
{
	for (size_t i = 0; i + 3 < n; i++)
		if (!memcmp(b + i, "\r\n\r\n", 4))
			return b + i + 4;
	return NULL;
}

void upnp_probe(const struct audit_opts *o, struct audit_host *h)
{
	char loc[256], path[200];
	struct kaddr ip;
	uint16_t port;
	if (!ssdp_answer(o, h, loc, sizeof loc))
		return;
	snprintf(h->upnp_location, sizeof h->upnp_location, "%s", loc);
	if (!url_parse_http(loc, &ip, &port, path, sizeof path) || !kaddr_eq(&ip, &h->ip))
		return;
	struct conn k;
	if (!conn_open(&k, &h->ip, port, false, o->connect_timeout_ms, o->io_timeout_ms, NULL))
		return;
	char req[512], host[KADDR_STRLEN];
	kaddr_str(&h->ip, host, sizeof host);
	int n = snprintf(req, sizeof req,
			 "GET %s HTTP/1.1\r\nHost: %s:%u\r\nUser-Agent: koban-audit/" KOBAN_VERSION
			 "\r\nConnection: close\r\n\r\n",
			 path, host, port);
	static __thread char buf[65536];
	size_t len = 0;
	if (n > 0 && (size_t)n < sizeof req && conn_send(&k, req, (size_t)n) == 0)
		len = conn_recv(&k, buf, sizeof buf, 0, NULL, NULL);
	conn_close(&k);
	const char *body = body_of(buf, len);
	if (len >= 12 && !strncmp(buf + 8, " 200", 4) && body)
		upnp_description_facts(body, len - (size_t)(body - buf), h);
}
