/* creds_mqtt.c - MQTT login check (plain or over TLS): a CONNECT without
 * user first (accepted = no-authentication, anyone may read and publish),
 * then the credential list. Each attempt is one connection; an accepted one
 * is ended with DISCONNECT at once: nothing is subscribed or published. */
#include <stdio.h>
#include <string.h>

#include "audit/banner.h"
#include "audit/creds.h"
#include "audit/net.h"

static bool connack_done(const char *b, size_t n, void *ctx)
{
	(void)ctx;
	return mqtt_parse_connack((const uint8_t *)b, n) != -2;
}

/* One CONNECT; returns the CONNACK code, -1 for no MQTT answer, -3 for no connection. */
static int mqtt_connect(struct check *c, bool tls, const char *user, const char *pass)
{
	struct conn k;
	struct tls_facts *tf = tls && !c->svc->tls.present ? &c->svc->tls : NULL;
	if (!conn_open(&k, c->ip, c->svc->port, tls, c->o->connect_timeout_ms, c->o->io_timeout_ms, tf))
		return -3;
	uint8_t pkt[512];
	char buf[64];
	size_t n = mqtt_build_connect(pkt, sizeof pkt, "koban-audit", user, pass), len = 0;
	if (n && conn_send(&k, pkt, n) == 0)
		len = conn_recv(&k, buf, sizeof buf, 0, connack_done, NULL);
	explicit_bzero(pkt, sizeof pkt);
	int rc = mqtt_parse_connack((const uint8_t *)buf, len);
	if (rc == 0)
		conn_send(&k, "\xe0\x00", 2); /* DISCONNECT */
	conn_close(&k);
	return rc < 0 ? -1 : rc;
}

static enum try_result mqtt_try(struct check *c, const struct audit_cred *cred, void *arg)
{
	int rc = mqtt_connect(c, *(bool *)arg, cred->user, cred->pass);
	return rc == 0 ? TRY_ACCEPTED : rc == -3 ? TRY_UNREACHABLE : rc == 4 || rc == 5 ? TRY_REFUSED : TRY_UNCLEAR;
}

void check_mqtt(struct check *c, bool tls)
{
	if (!creds_pace(c))
		return;
	int rc = mqtt_connect(c, tls, NULL, NULL);
	if (rc < 0)
		return;
	snprintf(c->svc->banner, sizeof c->svc->banner, "MQTT broker (CONNACK %d)", rc);
	if (rc == 0) {
		c->svc->login.state = LOGIN_NO_AUTH;
		snprintf(c->svc->login.method, sizeof c->svc->login.method, "none");
	} else if ((rc == 4 || rc == 5) && c->o->logins) {
		creds_try_list(c, "password", mqtt_try, &tls);
	}
}
