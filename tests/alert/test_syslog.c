/* test_syslog.c - the syslog alert output. The test binds its own UNIX
 * datagram socket in a temporary directory (and a UDP socket on 127.0.0.1
 * for alert.syslog_udp), lets the alerter send to it, and parses each
 * message as RFC 5424: PRI per severity and facility, header fields,
 * exactly one SD element whose escaped values (hostile text with '"', ']'
 * and '\') decode back to the original, MSG with a BOM when not ASCII,
 * summaries, truncation, reconnection and a vanished receiver. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "alert/alert.h"
#include "alert/alert_int.h"
#include "test.h"

#define S 1000000ull
#define T0 (1767225600ull * S) /* 2026-01-01T00:00:00Z */
#define HOSTILE "a\"] [fake@1 x=\"y\"]\\\\\"]"

static char dir[] = "/tmp/koban-syslog-XXXXXX";
static char sock_path[64];

static void set(struct config *c, const char *key, const char *value)
{
	struct config_param *p = &c->params[c->n_params++];
	snprintf(p->key, sizeof p->key, "%s", key);
	snprintf(p->value, sizeof p->value, "%s", value);
	p->line = (unsigned)c->n_params;
}

static int bind_unix(void)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct sockaddr_un un = {.sun_family = AF_UNIX};
	snprintf(un.sun_path, sizeof un.sun_path, "%s", sock_path);
	unlink(sock_path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&un, sizeof un) != 0) {
		perror("bind");
		exit(1);
	}
	return fd;
}

/* One datagram (NUL-terminated), or "" after two seconds. */
static char *recv_msg(int fd, char *buf, size_t bufsz)
{
	struct pollfd p = {fd, POLLIN, 0};
	buf[0] = '\0';
	if (poll(&p, 1, 2000) == 1) {
		ssize_t n = recv(fd, buf, bufsz - 1, 0);
		buf[n > 0 ? n : 0] = '\0';
	}
	return buf;
}

struct sd_param {
	char name[40], value[1024];
};

struct msg {
	int pri;
	char ts[64], host[256], app[64], procid[32], msgid[64];
	struct sd_param params[20];
	int n_params;
	int n_elements;
	const char *msg; /* points into the parsed buffer, after the space */
};

/* Reads one space-terminated header field. */
static const char *field(const char *p, char *out, size_t outsz)
{
	size_t n = strcspn(p, " ");
	if (!p[n] || n == 0 || n >= outsz)
		return NULL;
	memcpy(out, p, n);
	out[n] = '\0';
	return p + n + 1;
}

/* Parses a quoted SD-PARAM value with \" \\ \] escapes; returns the char after the quote. */
static const char *sd_value(const char *p, char *out, size_t outsz)
{
	size_t n = 0;
	if (*p++ != '"')
		return NULL;
	for (; *p && *p != '"'; p++) {
		if (*p == '\\' && (p[1] == '"' || p[1] == '\\' || p[1] == ']'))
			p++;
		else if (*p == ']')
			return NULL; /* must be escaped */
		if (n + 1 < outsz)
			out[n++] = *p;
	}
	out[n] = '\0';
	return *p == '"' ? p + 1 : NULL;
}

static const char *sd_element(const char *p, struct msg *m)
{
	char id[64];
	size_t n = strcspn(p + 1, " ]");
	if (*p != '[' || n == 0 || n >= sizeof id)
		return NULL;
	memcpy(id, p + 1, n);
	id[n] = '\0';
	if (strcmp(id, "koban@32473") != 0)
		return NULL;
	p += 1 + n;
	while (*p == ' ' && m->n_params < 20) {
		struct sd_param *sp = &m->params[m->n_params++];
		size_t k = strcspn(p + 1, "=");
		if (k == 0 || k >= sizeof sp->name)
			return NULL;
		memcpy(sp->name, p + 1, k);
		sp->name[k] = '\0';
		if (!(p = sd_value(p + 2 + k, sp->value, sizeof sp->value)))
			return NULL;
	}
	m->n_elements++;
	return *p == ']' ? p + 1 : NULL;
}

/* Parses an RFC 5424 message; 1 if well formed. */
static int parse(const char *s, struct msg *m)
{
	memset(m, 0, sizeof *m);
	char *end;
	if (s[0] != '<')
		return 0;
	m->pri = (int)strtol(s + 1, &end, 10);
	if (*end != '>' || strncmp(end, ">1 ", 3) != 0 || m->pri < 0 || m->pri > 191)
		return 0;
	const char *p = end + 3;
	if (!(p = field(p, m->ts, sizeof m->ts)) || !(p = field(p, m->host, sizeof m->host)) ||
	    !(p = field(p, m->app, sizeof m->app)) || !(p = field(p, m->procid, sizeof m->procid)) ||
	    !(p = field(p, m->msgid, sizeof m->msgid)))
		return 0;
	if (*p == '-')
		p++;
	else
		while (*p == '[')
			if (!(p = sd_element(p, m)))
				return 0;
	if (*p == ' ')
		m->msg = p + 1;
	else if (*p)
		return 0;
	return 1;
}

static const char *param(const struct msg *m, const char *name)
{
	for (int i = 0; i < m->n_params; i++)
		if (strcmp(m->params[i].name, name) == 0)
			return m->params[i].value;
	return NULL;
}

static void send_ev(struct alerter *a, const char *kind, enum severity sev, uint64_t ts, const char *peer_name,
		    const char *summary_en, const char *summary_ja)
{
	struct event ev;
	memset(&ev, 0, sizeof ev);
	snprintf(ev.kind, sizeof ev.kind, "%s", kind);
	ev.severity = sev;
	ev.ts_us = ts;
	ev.has_mac = true;
	memcpy(ev.mac, (uint8_t[]){0x00, 0x11, 0x22, 0x33, 0x44, 0x55}, 6);
	kaddr_parse(&ev.device_ip, "192.168.1.20");
	kaddr_parse(&ev.peer_ip, "203.0.113.9");
	ev.peer_port = 23;
	snprintf(ev.peer_name, sizeof ev.peer_name, "%s", peer_name ? peer_name : "");
	snprintf(ev.summary_en, sizeof ev.summary_en, "%s", summary_en);
	snprintf(ev.summary_ja, sizeof ev.summary_ja, "%s", summary_ja);
	ev.evidence = json_object();
	alerter_event(a, &ev);
	json_decref(ev.evidence);
}

static struct alerter *make(const char *facility, const char *lang, const char *window)
{
	struct config c;
	char err[256];
	config_defaults(&c);
	set(&c, "alert.syslog", "yes");
	set(&c, "alert.syslog_socket", sock_path);
	set(&c, "alert.min_severity", "info");
	if (facility)
		set(&c, "alert.syslog_facility", facility);
	if (window)
		set(&c, "alert.fold_window", window);
	if (lang)
		snprintf(c.lang, sizeof c.lang, "%s", lang);
	struct alerter *a = alerter_new(&c, err, sizeof err);
	if (!a)
		fprintf(stderr, "alerter_new: %s\n", err);
	return a;
}

static void test_pri(int fd)
{
	static const struct {
		enum severity sev;
		int code;
	} map[] = {{SEV_CRITICAL, 2}, {SEV_HIGH, 3}, {SEV_MEDIUM, 4}, {SEV_LOW, 5}, {SEV_INFO, 6}};
	static const struct {
		const char *name;
		int code;
	} fac[] = {{NULL, 16}, {"daemon", 3}, {"local7", 23}, {"user", 1}};
	char buf[4096];
	struct msg m;
	for (size_t f = 0; f < sizeof fac / sizeof fac[0]; f++) {
		struct alerter *a = make(fac[f].name, NULL, "0");
		CHECK(a != NULL);
		for (size_t i = 0; i < 5; i++) {
			send_ev(a, "scan", map[i].sev, T0 + i * S, NULL, "Scan seen", "スキャン");
			CHECK(parse(recv_msg(fd, buf, sizeof buf), &m));
			CHECK_INT(m.pri, fac[f].code * 8 + map[i].code);
		}
		alerter_free(a);
	}
}

static void test_fields(int fd)
{
	char buf[4096], host[256] = "";
	struct msg m;
	struct alerter *a = make("daemon", NULL, NULL);
	send_ev(a, "cleartext-login", SEV_MEDIUM, T0 + 1500, HOSTILE, "Telnet login " HOSTILE " \x01x", "平文");
	CHECK(parse(recv_msg(fd, buf, sizeof buf), &m));
	CHECK_INT(m.pri, 28);
	CHECK_STR(m.ts, "2026-01-01T00:00:00.001Z");
	gethostname(host, sizeof host - 1);
	CHECK_STR(m.host, host);
	CHECK_STR(m.app, "koban");
	CHECK_INT(atol(m.procid), getpid());
	CHECK_STR(m.msgid, "cleartext-login");
	CHECK_INT(m.n_elements, 1); /* no element injected by the hostile text */
	CHECK_STR(param(&m, "peer_name"), HOSTILE);
	CHECK_STR(param(&m, "kind"), "cleartext-login");
	CHECK_STR(param(&m, "severity"), "medium");
	CHECK_STR(param(&m, "device"), "00:11:22:33:44:55");
	CHECK_STR(param(&m, "ip"), "192.168.1.20");
	CHECK_STR(param(&m, "peer"), "203.0.113.9");
	CHECK_STR(param(&m, "port"), "23");
	CHECK_STR(param(&m, "type"), "event");
	CHECK_STR(param(&m, "count"), "1");
	CHECK_STR(param(&m, "incident"), "1");
	CHECK(param(&m, "fake@1") == NULL && param(&m, "x") == NULL);
	CHECK(strstr(buf, "peer_name=\"a\\\"\\] [fake@1 x=\\\"y\\\"\\]\\\\\\\\\\\"\\]\"") != NULL);
	CHECK(m.msg && strncmp(m.msg, "Telnet login " HOSTILE " ?x", strlen("Telnet login " HOSTILE " ?x")) == 0);
	CHECK(m.msg && strncmp(m.msg, "\xef\xbb\xbf", 3) != 0); /* ASCII: no BOM */
	/* two more of the same incident, then the summary at the end of the run */
	send_ev(a, "cleartext-login", SEV_MEDIUM, T0 + 5 * S, HOSTILE, "Telnet login again", "平文");
	send_ev(a, "cleartext-login", SEV_MEDIUM, T0 + 9 * S, HOSTILE, "Telnet login last", "平文");
	alerter_finish(a);
	CHECK(parse(recv_msg(fd, buf, sizeof buf), &m));
	CHECK_STR(param(&m, "type"), "summary");
	CHECK_STR(param(&m, "count"), "3");
	CHECK_STR(param(&m, "first_ts"), "2026-01-01T00:00:00.001Z");
	CHECK_STR(param(&m, "last_ts"), "2026-01-01T00:00:09.000Z");
	CHECK_STR(m.ts, "2026-01-01T00:00:09.000Z");
	CHECK_STR(m.msg, "Telnet login last (3 events from 2026-01-01T00:00:00.001Z to 2026-01-01T00:00:09.000Z)");
	struct alert_stats st;
	alerter_get_stats(a, &st);
	CHECK_INT(st.send_errors, 0);
	alerter_free(a);
}

static void test_japanese(int fd)
{
	char buf[4096];
	struct msg m;
	struct alerter *a = make(NULL, "ja", NULL);
	send_ev(a, "c2", SEV_CRITICAL, T0, NULL, "C2 traffic", "C&Cサーバとの通信");
	CHECK(parse(recv_msg(fd, buf, sizeof buf), &m));
	CHECK_STR(m.msg, "\xef\xbb\xbf" "C&Cサーバとの通信");
	send_ev(a, "c2", SEV_CRITICAL, T0 + S, NULL, "C2 traffic", "C&Cサーバとの通信");
	alerter_finish(a);
	CHECK(parse(recv_msg(fd, buf, sizeof buf), &m));
	CHECK_STR(m.msg, "\xef\xbb\xbf" "C&Cサーバとの通信（2026-01-01T00:00:00.000Z から "
		  "2026-01-01T00:00:01.000Z までに 2 件）");
	alerter_free(a);
	/* an English summary missing: the Japanese one is used */
	a = make(NULL, "en", NULL);
	send_ev(a, "c2", SEV_CRITICAL, T0, NULL, "", "日本語のみ");
	CHECK(parse(recv_msg(fd, buf, sizeof buf), &m));
	CHECK_STR(m.msg, "\xef\xbb\xbf" "日本語のみ");
	alerter_free(a);
}

/* syslog_format cuts MSG on a character boundary. */
static void test_truncation(void)
{
	json_t *al = json_pack("{s:s, s:s, s:s, s:{s:s, s:s}, s:s}", "ts", "2026-01-01T00:00:00.000Z", "kind", "scan",
			       "severity", "high", "summary", "en", "", "ja",
			       "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめも", "alert", "event");
	char buf[150];
	for (size_t sz = 100; sz <= sizeof buf; sz++) {
		size_t n = syslog_format(al, 16, "host", 42, "ja", buf, sz);
		CHECK(n < sz && n == strlen(buf));
		const unsigned char *e = (const unsigned char *)buf + n;
		int cont = 0; /* trailing continuation bytes must complete a 3-byte character */
		while (cont < 3 && e - cont > (const unsigned char *)buf && (e[-1 - cont] & 0xc0) == 0x80)
			cont++;
		CHECK(cont == 0 || cont == 2);
	}
	const char *head = "<131>1 2026-01-01T00:00:00.000Z - koban 42 scan [koban@32473 ";
	size_t n = syslog_format(al, 16, "bad host", 42, "ja", buf, sizeof buf);
	CHECK(n > 0 && strncmp(buf, head, strlen(head)) == 0); /* a host name with a space becomes "-" */
	json_decref(al);
}

static void test_reconnect(int *fd)
{
	char buf[4096];
	struct msg m;
	struct alerter *a = make(NULL, NULL, "0");
	send_ev(a, "flood", SEV_HIGH, T0, NULL, "one", "一");
	CHECK(parse(recv_msg(*fd, buf, sizeof buf), &m));
	close(*fd);
	*fd = bind_unix(); /* the receiver restarts: a new socket at the same path */
	send_ev(a, "flood", SEV_HIGH, T0 + S, NULL, "two", "二");
	CHECK(parse(recv_msg(*fd, buf, sizeof buf), &m));
	CHECK_STR(m.msg, "two");
	close(*fd);
	unlink(sock_path); /* the receiver is gone */
	send_ev(a, "flood", SEV_HIGH, T0 + 2 * S, NULL, "three", "三");
	struct alert_stats st;
	alerter_get_stats(a, &st);
	CHECK_INT(st.send_errors, 1);
	alerter_free(a);
	*fd = bind_unix();
}

static void test_udp(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof sin;
	CHECK(bind(fd, (struct sockaddr *)&sin, sizeof sin) == 0);
	getsockname(fd, (struct sockaddr *)&sin, &len);
	char spec[64], err[256], buf[4096];
	snprintf(spec, sizeof spec, "127.0.0.1:%u", ntohs(sin.sin_port));
	struct config c;
	config_defaults(&c);
	set(&c, "alert.syslog", "yes");
	set(&c, "alert.syslog_udp", spec);
	set(&c, "alert.syslog_facility", "local3");
	struct alerter *a = alerter_new(&c, err, sizeof err);
	CHECK(a != NULL);
	send_ev(a, "wan-exposure", SEV_HIGH, T0, NULL, "exposed", "公開");
	struct msg m;
	CHECK(parse(recv_msg(fd, buf, sizeof buf), &m));
	CHECK_INT(m.pri, 19 * 8 + 3);
	CHECK_STR(m.msgid, "wan-exposure");
	alerter_free(a);
	close(fd);
	static const char *const bad[] = {"127.0.0.1", "127.0.0.1:0", "127.0.0.1:70000", ":514", "::1:514",
					  "[::1]514", "127.0.0.1:5x"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		config_defaults(&c);
		set(&c, "alert.syslog", "yes");
		set(&c, "alert.syslog_udp", bad[i]);
		CHECK(alerter_new(&c, err, sizeof err) == NULL);
		CHECK(strstr(err, "alert.syslog_udp") != NULL);
	}
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	snprintf(sock_path, sizeof sock_path, "%s/log", dir);
	int fd = bind_unix();
	test_pri(fd);
	test_fields(fd);
	test_japanese(fd);
	test_truncation();
	test_reconnect(&fd);
	test_udp();
	close(fd);
	unlink(sock_path);
	rmdir(dir);
	return test_summary();
}
