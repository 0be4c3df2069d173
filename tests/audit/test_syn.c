/* test_syn.c - the SYN scan's pure pieces: the per-run cookie, the probe
 * builder and the reply parser and classifier, on hand-made packets
 * (answers to our probes, forged and stale ones, truncated and hostile
 * headers); and, when the test may open a raw socket (CAP_NET_RAW), a SYN
 * scan of a listening and a closed port on the loopback address. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "audit/ports.h"
#include "audit/syn.h"
#include "test.h"

static const uint8_t ME[4] = {192, 168, 60, 1}, DEV[4] = {192, 168, 60, 10};

/* An IPv4 packet from DEV:sport to ME:dport with the given TCP fields. */
static size_t reply(uint8_t *p, uint16_t sport, uint16_t dport, uint32_t ack, uint8_t flags)
{
	memset(p, 0, 64);
	p[0] = 0x45;
	p[2] = 0;
	p[3] = 44;            /* 20 IP + 24 TCP */
	p[8] = 64;
	p[9] = IPPROTO_TCP;
	memcpy(p + 12, DEV, 4);
	memcpy(p + 16, ME, 4);
	uint8_t *t = p + 20;
	t[0] = (uint8_t)(sport >> 8);
	t[1] = (uint8_t)sport;
	t[2] = (uint8_t)(dport >> 8);
	t[3] = (uint8_t)dport;
	t[4] = 0x12;          /* their sequence number, anything */
	t[8] = (uint8_t)(ack >> 24);
	t[9] = (uint8_t)(ack >> 16);
	t[10] = (uint8_t)(ack >> 8);
	t[11] = (uint8_t)ack;
	t[12] = 6 << 4;
	t[13] = flags;
	t[20] = 2;
	t[21] = 4;
	t[22] = 0x05;
	t[23] = 0xb4;
	return 44;
}

static enum syn_verdict verdict(const struct syn_key *k, const uint8_t *p, size_t len)
{
	struct syn_reply r;
	return syn_parse(p, len, &r) ? syn_classify(k, &r) : (enum syn_verdict)-1;
}

static void test_cookie(void)
{
	struct syn_key a = {{1, 2, 3}}, b = {{1, 2, 4}};
	uint32_t c = syn_cookie(&a, ME, DEV, 40000, 23);
	CHECK_INT(syn_cookie(&a, ME, DEV, 40000, 23), c);    /* stable within a run */
	CHECK(syn_cookie(&b, ME, DEV, 40000, 23) != c);      /* another key, another cookie */
	CHECK(syn_cookie(&a, ME, DEV, 40000, 22) != c);      /* depends on the port */
	CHECK(syn_cookie(&a, ME, DEV, 40001, 23) != c);
	CHECK(syn_cookie(&a, DEV, ME, 40000, 23) != c);
	struct syn_key r1, r2;
	syn_key_random(&r1);
	syn_key_random(&r2);
	CHECK(memcmp(r1.k, r2.k, sizeof r1.k) != 0);
}

static void test_build(void)
{
	uint8_t b[64];
	CHECK_INT(syn_build(b, 10, ME, DEV, 40000, 23, 7), 0);
	CHECK_INT(syn_build(b, sizeof b, ME, DEV, 40000, 23, 0x01020304), SYN_PROBE_LEN);
	CHECK_INT(b[0] << 8 | b[1], 40000);
	CHECK_INT(b[2] << 8 | b[3], 23);
	CHECK_INT(b[4], 1);
	CHECK_INT(b[7], 4);
	CHECK_INT(b[12] >> 4, 6);
	CHECK_INT(b[13], SYN_F_SYN);
	/* the checksum over pseudo header + segment folds to 0xffff */
	uint32_t s = 0;
	uint8_t ph[12] = {192, 168, 60, 1, 192, 168, 60, 10, 0, IPPROTO_TCP, 0, SYN_PROBE_LEN};
	for (size_t i = 0; i < 12; i += 2)
		s += (uint32_t)(ph[i] << 8 | ph[i + 1]);
	for (size_t i = 0; i < SYN_PROBE_LEN; i += 2)
		s += (uint32_t)(b[i] << 8 | b[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	CHECK_INT(s, 0xffff);
}

static void test_replies(void)
{
	struct syn_key k = {{9, 8, 7, 6, 5}};
	uint32_t c = syn_cookie(&k, ME, DEV, 40000, 23);
	uint8_t p[64];
	size_t n = reply(p, 23, 40000, c + 1, SYN_F_SYN | SYN_F_ACK);
	struct syn_reply r;
	CHECK(syn_parse(p, n, &r));
	CHECK_INT(r.sport, 23);
	CHECK_INT(r.dport, 40000);
	CHECK_INT(r.ack, c + 1);
	CHECK(!memcmp(r.src, DEV, 4) && !memcmp(r.dst, ME, 4));
	CHECK_INT(syn_classify(&k, &r), SYN_OPEN);
	n = reply(p, 23, 40000, c + 1, SYN_F_RST | SYN_F_ACK);
	CHECK_INT(verdict(&k, p, n), SYN_CLOSED);

	/* not acknowledging our cookie: ignored */
	n = reply(p, 23, 40000, c, SYN_F_SYN | SYN_F_ACK);
	CHECK_INT(verdict(&k, p, n), SYN_IGNORE);
	n = reply(p, 23, 40000, c + 2, SYN_F_RST | SYN_F_ACK);
	CHECK_INT(verdict(&k, p, n), SYN_IGNORE);
	n = reply(p, 22, 40000, c + 1, SYN_F_SYN | SYN_F_ACK);   /* another port's cookie */
	CHECK_INT(verdict(&k, p, n), SYN_IGNORE);
	n = reply(p, 23, 40001, c + 1, SYN_F_SYN | SYN_F_ACK);   /* another source port */
	CHECK_INT(verdict(&k, p, n), SYN_IGNORE);
	struct syn_key other = {{1}};
	n = reply(p, 23, 40000, c + 1, SYN_F_SYN | SYN_F_ACK);
	CHECK_INT(verdict(&other, p, n), SYN_IGNORE);            /* a stale run's key */
	n = reply(p, 23, 40000, c + 1, SYN_F_SYN | SYN_F_ACK);
	p[15] = 11;                                              /* from another host */
	CHECK_INT(verdict(&k, p, n), SYN_IGNORE);
	/* flags that do not answer a SYN */
	n = reply(p, 23, 40000, c + 1, SYN_F_SYN);
	CHECK_INT(verdict(&k, p, n), SYN_IGNORE);
	n = reply(p, 23, 40000, c + 1, SYN_F_RST);               /* RST without ACK carries no proof */
	CHECK_INT(verdict(&k, p, n), SYN_IGNORE);
	n = reply(p, 23, 40000, c + 1, SYN_F_ACK);
	CHECK_INT(verdict(&k, p, n), SYN_IGNORE);
	n = reply(p, 23, 40000, c + 1, SYN_F_SYN | SYN_F_ACK | SYN_F_FIN);
	CHECK_INT(verdict(&k, p, n), SYN_IGNORE);
	/* padding after the packet (short frames) is fine */
	n = reply(p, 23, 40000, c + 1, SYN_F_SYN | SYN_F_ACK);
	CHECK_INT(verdict(&k, p, 60), SYN_OPEN);
	/* IP options are skipped */
	uint8_t q[80];
	memset(q, 0, sizeof q);
	memcpy(q, p, 20);
	q[0] = 0x46;
	q[3] = 48;
	q[20] = 1;            /* NOP options */
	q[21] = 1;
	q[22] = 1;
	q[23] = 0;
	memcpy(q + 24, p + 20, 24);
	CHECK_INT(verdict(&k, q, 48), SYN_OPEN);
}

static void test_hostile(void)
{
	struct syn_key k = {{9, 8, 7, 6, 5}};
	uint32_t c = syn_cookie(&k, ME, DEV, 40000, 23);
	uint8_t p[64], *h;
	struct syn_reply r;
	size_t n = reply(p, 23, 40000, c + 1, SYN_F_SYN | SYN_F_ACK);
	/* every truncation is refused, each in a buffer of exactly that size */
	unsigned refused = 0;
	for (size_t len = 0; len < n; len++) {
		h = malloc(len ? len : 1);
		memcpy(h, p, len);
		refused += !syn_parse(h, len, &r);
		free(h);
	}
	CHECK_INT(refused, n);
	CHECK(!syn_parse(NULL, 44, &r));
	uint8_t b[64];
#define MUT(stmt)                 \
	(memcpy(b, p, sizeof b), stmt, syn_parse(b, n, &r))
	CHECK(MUT((void)0));
	CHECK(!MUT(b[0] = 0x65));                     /* IPv6 version nibble */
	CHECK(!MUT(b[0] = 0x44));                     /* IHL 16 bytes */
	CHECK(!MUT(b[0] = 0x40));                     /* IHL 0 */
	CHECK(!MUT(b[0] = 0x4f));                     /* IHL 60 > total */
	CHECK(!MUT((b[2] = 0, b[3] = 45)));           /* total length beyond what was received */
	CHECK(!MUT((b[2] = 0xff, b[3] = 0xff)));
	CHECK(!MUT((b[2] = 0, b[3] = 39)));           /* total shorter than IP + TCP headers */
	CHECK(!MUT((b[2] = 0, b[3] = 0)));
	CHECK(!MUT(b[9] = IPPROTO_UDP));
	CHECK(!MUT(b[7] = 1));                        /* a later fragment */
	CHECK(MUT(b[6] = 0x40));                      /* DF is fine */
	CHECK(!MUT(b[32] = 4 << 4));                  /* TCP data offset 16 */
	CHECK(!MUT(b[32] = 0));
	CHECK(!MUT(b[32] = 7 << 4));                  /* 28 > 24 bytes of TCP */
	CHECK(!MUT(b[32] = 0xf0));
	/* total length cuts the TCP header although the buffer is longer */
	CHECK(!MUT((b[3] = 40, b[32] = 6 << 4)));
	CHECK(MUT((b[3] = 40, b[32] = 5 << 4)));
#undef MUT
	/* random bytes never crash and never classify without the cookie */
	srand(5);
	unsigned fake = 0;
	for (int i = 0; i < 20000; i++) {
		uint8_t x[64];
		size_t len = (size_t)rand() % sizeof x;
		for (size_t j = 0; j < len; j++)
			x[j] = (uint8_t)rand();
		if (len > 0 && i & 1)
			x[0] = 0x45;
		if (syn_parse(x, len, &r) && syn_classify(&k, &r) != SYN_IGNORE)
			fake++;
	}
	CHECK_INT(fake, 0);
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

/* A live SYN scan on loopback, when a raw socket may be opened. */
static void test_scan(void)
{
	int raw = syn_socket();
	if (raw < 0) {
		printf("test_syn: no CAP_NET_RAW, live SYN scan skipped\n");
		return;
	}
	uint16_t open_port, closed_port;
	int lfd = listener(&open_port), cfd = listener(&closed_port);
	CHECK(lfd >= 0 && cfd >= 0);
	close(cfd);
	struct audit_opts o;
	audit_opts_defaults(&o);
	o.n_ports = 2;
	o.ports[0] = closed_port;
	o.ports[1] = open_port;
	o.rate_pps = 1000;
	o.connect_timeout_ms = 400;
	struct audit_host h = {0};
	const uint8_t lo[4] = {127, 0, 0, 1};
	kaddr_v4(&h.ip, lo);
	struct audit_run run = {.opts = &o, .hosts = &h, .n_hosts = 1};
	size_t list[1] = {0};
	uint64_t t0 = audit_now_us();
	CHECK_INT(syn_scan(&run, list, 1, raw), 0);
	CHECK(h.up);
	CHECK_INT(h.n_svc, 1);
	CHECK_INT(h.svc[0].port, open_port);
	CHECK_INT(run.stats.ports_open, 1);
	CHECK_INT(run.stats.syn_sent, 2);          /* both answered at once: no retry */
	CHECK_INT(run.stats.connects, 0);
	CHECK(audit_now_us() - t0 < 400000);
	/* the listener never saw a connection: the kernel reset the SYN+ACK */
	struct pollfd pfd = {.fd = lfd, .events = POLLIN};
	CHECK_INT(poll(&pfd, 1, 100), 0);
	close(lfd);
}

int main(void)
{
	test_cookie();
	test_build();
	test_replies();
	test_hostile();
	test_scan();
	return test_summary();
}
