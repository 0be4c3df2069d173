/* out_syslog.c - the syslog alert output: RFC 5424 messages built here
 *
 *   <PRI>1 TIMESTAMP HOSTNAME koban PROCID MSGID [koban@32473 ...] MSG
 *
 * PRI = facility * 8 + severity (critical 2, high 3, medium 4, low 5, info
 * 6); TIMESTAMP is the alert's capture time; MSGID the event kind; the
 * structured data carries the alert's fields as SD-PARAMs with '"', '\' and
 * ']' escaped by a backslash; MSG is the summary in the configured language
 * (with a BOM when it is not plain ASCII). Sent as one datagram to a UNIX
 * socket (/dev/log by default) or to UDP host:port, at most SYSLOG_MAX
 * bytes, reconnecting once if the receiver went away. */
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "alert/alert_int.h"
#include "util/text.h"

#define SYSLOG_MAX 2048   /* bytes per message (RFC 5424 receivers SHOULD accept 2048) */
#define SD_VALUE_MAX 256  /* bytes of a value before escaping */
#define SD_ID "koban@32473"

struct out_syslog {
	struct alert_out base;
	int fd;
	char *path;                 /* UNIX socket, or NULL */
	struct sockaddr_storage sa; /* UDP destination */
	socklen_t salen;
	int facility;
	char lang[3];
	char hostname[256];
};

static const struct {
	const char *name;
	int code;
} facilities[] = {
	{"kern", 0},     {"user", 1},     {"mail", 2},     {"daemon", 3},   {"auth", 4},
	{"syslog", 5},   {"lpr", 6},      {"news", 7},     {"uucp", 8},     {"cron", 9},
	{"authpriv", 10}, {"ftp", 11},    {"ntp", 12},     {"security", 13}, {"console", 14},
	{"local0", 16},  {"local1", 17},  {"local2", 18},  {"local3", 19},  {"local4", 20},
	{"local5", 21},  {"local6", 22},  {"local7", 23},
};

int syslog_facility_parse(const char *name)
{
	for (size_t i = 0; name && i < sizeof facilities / sizeof facilities[0]; i++)
		if (strcmp(name, facilities[i].name) == 0)
			return facilities[i].code;
	return -1;
}

/* RFC 5424 severity of a koban severity name (unknown: notice). */
static int pri_severity(const char *sev)
{
	static const char *const names[] = {"critical", "high", "medium", "low", "info"};
	for (int i = 0; sev && i < 5; i++)
		if (strcmp(sev, names[i]) == 0)
			return 2 + i;
	return 5;
}

/* ---- a bounded string builder ---- */

struct sbuf {
	char *p;
	size_t len, cap; /* cap includes the NUL */
};

static void sb_putc(struct sbuf *b, char c)
{
	if (b->len + 1 < b->cap)
		b->p[b->len++] = c;
	b->p[b->len] = '\0';
}

static void sb_puts(struct sbuf *b, const char *s)
{
	while (*s)
		sb_putc(b, *s++);
}

static void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	sb_puts(b, tmp);
}

/* s if it is 1..max printable US-ASCII characters (RFC 5424 header fields), else "-". */
static const char *header_field(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > max)
		return "-";
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 33 || (unsigned char)s[i] > 126)
			return "-";
	return s;
}

/* ` name="value"` with the value cut to SD_VALUE_MAX bytes on a character
 * boundary, '"', '\' and ']' escaped, control characters as '?'. */
static void sd_param(struct sbuf *b, const char *name, const char *value)
{
	if (!value)
		return;
	char v[SD_VALUE_MAX + 1];
	snprintf(v, sizeof v, "%s", value);
	text_fix_utf8_tail(v);
	sb_printf(b, " %s=\"", name);
	for (const char *p = v; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"' || c == '\\' || c == ']')
			sb_putc(b, '\\');
		sb_putc(b, c < 0x20 || c == 0x7f ? '?' : (char)c);
	}
	sb_putc(b, '"');
}

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* A JSON integer as text in buf, or NULL. */
static const char *jint(json_t *o, const char *key, char *buf, size_t bufsz)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v))
		return NULL;
	snprintf(buf, bufsz, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	return buf;
}

static void write_sd(struct sbuf *b, json_t *a)
{
	json_t *dev = json_object_get(a, "device"), *peer = json_object_get(a, "peer");
	char n1[24], n2[24], n3[24];
	const char *mac = jstr(dev, "mac"), *ip = jstr(dev, "ip");
	sb_puts(b, "[" SD_ID);
	sd_param(b, "type", jstr(a, "alert"));
	sd_param(b, "incident", jint(a, "incident", n1, sizeof n1));
	sd_param(b, "kind", jstr(a, "kind"));
	sd_param(b, "severity", jstr(a, "severity"));
	sd_param(b, "device", mac ? mac : ip ? ip : "");
	sd_param(b, "ip", ip);
	sd_param(b, "peer", jstr(peer, "ip"));
	sd_param(b, "peer_name", jstr(peer, "name"));
	sd_param(b, "port", jint(peer, "port", n2, sizeof n2));
	sd_param(b, "count", jint(a, "count", n3, sizeof n3));
	sd_param(b, "first_ts", jstr(a, "first_ts"));
	sd_param(b, "last_ts", jstr(a, "last_ts"));
	sb_putc(b, ']');
}

/* The summary text in lang (else the other language), with the count and
 * time range for a summary alert. */
static void write_msg(struct sbuf *b, json_t *a, const char *lang)
{
	bool ja = strcmp(lang, "ja") == 0;
	json_t *s = json_object_get(a, "summary");
	const char *text = jstr(s, ja ? "ja" : "en");
	if (!text || !*text)
		text = jstr(s, ja ? "en" : "ja");
	if (!text)
		text = "";
	char count[24], suffix[160] = "";
	const char *first = jstr(a, "first_ts"), *last = jstr(a, "last_ts"), *type = jstr(a, "alert");
	if (type && strcmp(type, "summary") == 0 && jint(a, "count", count, sizeof count) && first && last) {
		if (ja) /* （FIRST から LAST までに N 件） */
			snprintf(suffix, sizeof suffix,
				 "\xef\xbc\x88%.32s \xe3\x81\x8b\xe3\x82\x89 %.32s \xe3\x81\xbe\xe3\x81\xa7"
				 "\xe3\x81\xab %s \xe4\xbb\xb6\xef\xbc\x89",
				 first, last, count);
		else
			snprintf(suffix, sizeof suffix, " (%s events from %.32s to %.32s)", count, first, last);
	}
	bool ascii = true;
	for (const char *p = text; *p && ascii; p++)
		ascii = (unsigned char)*p < 0x80;
	for (const char *p = suffix; *p && ascii; p++)
		ascii = (unsigned char)*p < 0x80;
	if (!*text && !*suffix)
		return;
	sb_putc(b, ' ');
	if (!ascii)
		sb_puts(b, "\xef\xbb\xbf"); /* BOM: MSG-UTF8 */
	for (const char *p = text; *p; p++)
		sb_putc(b, (unsigned char)*p < 0x20 ? '?' : *p);
	sb_puts(b, suffix);
}

size_t syslog_format(json_t *alert, int facility, const char *hostname, long procid, const char *lang,
		     char *buf, size_t bufsz)
{
	struct sbuf b = {buf, 0, bufsz};
	if (!bufsz)
		return 0;
	buf[0] = '\0';
	char pid[24];
	snprintf(pid, sizeof pid, "%ld", procid);
	const char *ts = jstr(alert, "ts");
	if (ts && (strspn(ts, "0123456789-T:.Z") != strlen(ts) || strlen(ts) > 32))
		ts = NULL;
	sb_printf(&b, "<%d>1 %s %s koban %s %s ", facility * 8 + pri_severity(jstr(alert, "severity")),
		  header_field(ts, 32), header_field(hostname, 255), header_field(pid, 128),
		  header_field(jstr(alert, "kind"), 32));
	write_sd(&b, alert);
	write_msg(&b, alert, lang ? lang : "en");
	text_fix_utf8_tail(buf); /* a cut MSG ends on a whole character */
	return strlen(buf);
}

/* ---- transport ---- */

static int open_socket(struct out_syslog *o, char *err, size_t errsz)
{
	int family = o->path ? AF_UNIX : o->sa.ss_family;
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errsz, "syslog socket: %s", strerror(errno));
		return -1;
	}
	struct timeval tv = {1, 0}; /* a stalled receiver delays us at most 1 s per alert */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	struct sockaddr_un un = {.sun_family = AF_UNIX};
	if (o->path)
		memcpy(un.sun_path, o->path, strlen(o->path) + 1); /* length checked in out_syslog_new */
	int rc = o->path ? connect(fd, (struct sockaddr *)&un, sizeof un)
			 : connect(fd, (struct sockaddr *)&o->sa, o->salen);
	if (rc != 0) {
		snprintf(err, errsz, "syslog %s: %s", o->path ? o->path : "udp", strerror(errno));
		close(fd);
		return -1;
	}
	o->fd = fd;
	return 0;
}

static int syslog_send(struct alert_out *base, json_t *alert)
{
	struct out_syslog *o = (struct out_syslog *)base;
	char buf[SYSLOG_MAX + 1], err[128];
	size_t len = syslog_format(alert, o->facility, o->hostname, (long)getpid(), o->lang, buf, sizeof buf);
	for (int attempt = 0; attempt < 2; attempt++) {
		if (o->fd < 0 && open_socket(o, err, sizeof err) != 0)
			return -1;
		if (send(o->fd, buf, len, MSG_NOSIGNAL) == (ssize_t)len)
			return 0;
		close(o->fd); /* the receiver may have restarted: reconnect once */
		o->fd = -1;
	}
	return -1;
}

static void syslog_destroy(struct alert_out *base)
{
	struct out_syslog *o = (struct out_syslog *)base;
	if (o->fd >= 0)
		close(o->fd);
	free(o->path);
	free(o);
}

/* Parses "host:port" or "[v6]:port" into o->sa. */
static int parse_udp(struct out_syslog *o, const char *spec, char *err, size_t errsz)
{
	char host[256];
	const char *port;
	if (spec[0] == '[') {
		const char *end = strchr(spec, ']');
		port = end && end[1] == ':' ? end + 2 : NULL;
		if (port && (size_t)(end - spec - 1) < sizeof host)
			snprintf(host, sizeof host, "%.*s", (int)(end - spec - 1), spec + 1);
		else
			port = NULL;
	} else {
		const char *colon = strrchr(spec, ':');
		port = colon && colon == strchr(spec, ':') && (size_t)(colon - spec) < sizeof host ? colon + 1 : NULL;
		if (port)
			snprintf(host, sizeof host, "%.*s", (int)(colon - spec), spec);
	}
	char *end;
	long p = port ? strtol(port, &end, 10) : 0;
	if (!port || !*host || !*port || *end || p < 1 || p > 65535) {
		snprintf(err, errsz, "alert.syslog_udp: expected host:port or [ipv6]:port");
		return -1;
	}
	struct addrinfo hints = {.ai_socktype = SOCK_DGRAM, .ai_flags = AI_NUMERICSERV}, *res;
	int rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		snprintf(err, errsz, "alert.syslog_udp: %s: %s", host, gai_strerror(rc));
		return -1;
	}
	memcpy(&o->sa, res->ai_addr, res->ai_addrlen);
	o->salen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

struct alert_out *out_syslog_new(const struct syslog_opts *opt, char *err, size_t errsz)
{
	struct out_syslog *o = calloc(1, sizeof *o);
	if (!o) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	o->base.send = syslog_send;
	o->base.destroy = syslog_destroy;
	o->fd = -1;
	o->facility = opt->facility;
	snprintf(o->lang, sizeof o->lang, "%s", opt->lang && strcmp(opt->lang, "ja") == 0 ? "ja" : "en");
	if (gethostname(o->hostname, sizeof o->hostname - 1) != 0)
		o->hostname[0] = '\0';
	int rc;
	if (opt->udp) {
		rc = parse_udp(o, opt->udp, err, errsz);
	} else {
		const char *path = opt->socket_path ? opt->socket_path : "/dev/log";
		struct sockaddr_un un;
		rc = -1;
		if (strlen(path) >= sizeof un.sun_path)
			snprintf(err, errsz, "alert.syslog_socket: path too long");
		else if (!(o->path = strdup(path)))
			snprintf(err, errsz, "out of memory");
		else
			rc = 0;
	}
	if (rc == 0)
		rc = open_socket(o, err, errsz);
	if (rc != 0) {
		syslog_destroy(&o->base);
		return NULL;
	}
	return &o->base;
}
