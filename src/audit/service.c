/* service.c - one open port: which protocol it speaks (from the port, or
 * from what it says first), its banner and its login check; the shared
 * pacing and attempt budget of the login checks; UPnP via a unicast SSDP
 * M-SEARCH to the host and its description XML. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audit/banner.h"
#include "audit/creds.h"
#include "audit/net.h"
#include "audit/service.h"
#include "util/text.h"

const char *svc_name(enum svc_proto p)
{
	static const char *const n[] = {"unknown", "telnet", "ssh", "ftp", "http", "https", "rtsp", "mqtt", "mqtts"};
	return (unsigned)p < sizeof n / sizeof n[0] ? n[p] : "unknown";
}

enum svc_proto svc_guess(uint16_t port)
{
	switch (port) {
	case 21: return SVC_FTP;
	case 22: case 2222: return SVC_SSH;
	case 23: case 2323: case 9530: return SVC_TELNET;
	case 443: case 8443: return SVC_HTTPS;
	case 554: case 8554: case 10554: return SVC_RTSP;
	case 1883: return SVC_MQTT;
	case 8883: return SVC_MQTTS;
	case 80: case 81: case 5000: case 7547: case 8000: case 8080: case 8081: case 8888: case 9000: case 49152:
		return SVC_HTTP;
	default: return SVC_UNKNOWN;
	}
}

void banner_set(char *dst, size_t dstsz, const char *src, size_t n)
{
	char tmp[512];
	size_t o = 0;
	bool space = false;
	for (size_t i = 0; i < n && o + 1 < sizeof tmp; i++) {
		char ch = src[i];
		if (ch == '\r' || ch == '\n' || ch == '\t' || ch == ' ') {
			space = o > 0;
			continue;
		}
		if (space && o + 2 < sizeof tmp)
			tmp[o++] = ' ';
		space = false;
		tmp[o++] = ch;
	}
	text_clean_into(dst, dstsz, tmp, o);
}

bool creds_pace(struct check *c)
{
	struct login_result *r = &c->svc->login;
	if (r->attempts >= c->o->max_attempts)
		return false;
	audit_pace(&c->last_us, c->o->attempt_interval_ms);
	if (!r->first_us)
		r->first_us = c->last_us;
	r->last_us = c->last_us;
	r->attempts++;
	return true;
}

void creds_try_list(struct check *c, const char *method, try_fn fn, void *arg)
{
	struct login_result *r = &c->svc->login;
	bool unclear = false;
	size_t i;
	for (i = 0; i < c->creds->n && creds_pace(c); i++) {
		const struct audit_cred *cr = &c->creds->v[i];
		enum try_result t = fn(c, cr, arg);
		if (t == TRY_ACCEPTED) {
			r->state = LOGIN_FOUND;
			r->entry = cr->entry;
			snprintf(r->user, sizeof r->user, "%s", cr->user);
			snprintf(r->method, sizeof r->method, "%s", method);
			return;
		}
		if (t == TRY_UNREACHABLE) /* the service went away: stop, do not insist */
			break;
		unclear |= t == TRY_UNCLEAR;
	}
	if (r->attempts == 0)
		return;
	r->state = unclear ? LOGIN_INCONCLUSIVE : LOGIN_REFUSED;
	snprintf(r->method, sizeof r->method, "%s", method);
}

static bool any_text(const char *b, size_t n, void *ctx)
{
	(void)ctx;
	return n > 0 && (memchr(b, '\n', n) || (unsigned char)b[0] == 0xff);
}

/* A port with no usual protocol: what it says first, else an HTTP probe. */
static enum svc_proto identify(const struct check *c)
{
	int fd = net_connect(c->ip, c->svc->port, c->o->connect_timeout_ms);
	if (fd < 0)
		return SVC_UNKNOWN;
	char buf[512];
	unsigned wait = c->o->io_timeout_ms < 1000 ? c->o->io_timeout_ms : 1000;
	size_t n = net_recv(fd, buf, sizeof buf, 0, wait, any_text, NULL);
	close(fd);
	if (n >= 4 && !memcmp(buf, "SSH-", 4))
		return SVC_SSH;
	if (n >= 4 && !memcmp(buf, "220", 3))
		return SVC_FTP;
	if (n > 0 && ((unsigned char)buf[0] == 0xff || telnet_classify(buf, n) != TN_NOTHING))
		return SVC_TELNET;
	return n == 0 ? SVC_HTTP : SVC_UNKNOWN;
}

void service_check(const struct audit_opts *o, const struct audit_creds *creds, const struct kaddr *ip,
		   struct audit_service *svc)
{
	struct check c = {.o = o, .creds = creds, .ip = ip, .svc = svc};
	svc->proto = svc_guess(svc->port);
	if (svc->proto == SVC_UNKNOWN)
		svc->proto = identify(&c);
	switch (svc->proto) {
	case SVC_TELNET: check_telnet(&c); break;
	case SVC_SSH: check_ssh(&c); break;
	case SVC_FTP: check_ftp(&c); break;
	case SVC_HTTP: check_http(&c, false); break;
	case SVC_HTTPS: check_http(&c, true); break;
	case SVC_RTSP: check_rtsp(&c); break;
	case SVC_MQTT: check_mqtt(&c, false); break;
	case SVC_MQTTS: check_mqtt(&c, true); break;
	default: break;
	}
}
