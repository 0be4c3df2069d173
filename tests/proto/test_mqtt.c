/* test_mqtt.c - unit tests for the MQTT CONNECT dissector (proto/mqtt.c):
 * 3.1, 3.1.1 and 5.0 CONNECTs, flags, splits, truncation and length lies. */
#include <netinet/in.h>
#include <stdlib.h>

#define FACTS_MAX 16
#define STREAM_DISSECTOR dissector_mqtt
#define STREAM_PORT 1883
#include "proto/protocols.h"
#include "stream_run.h"
#include "test.h"

static size_t str(uint8_t *b, size_t o, const char *s)
{
	size_t n = strlen(s);
	b[o] = (uint8_t)(n >> 8);
	b[o + 1] = (uint8_t)n;
	memcpy(b + o + 2, s, n);
	return o + 2 + n;
}

/* Builds a CONNECT; user/pass/will may be NULL. Level 5 adds properties. */
static size_t build(uint8_t *b, const char *pname, int level, const char *id, const char *will,
		    const char *user, const char *pass)
{
	uint8_t v[8192];
	size_t o = str(v, 0, pname);
	v[o++] = (uint8_t)level;
	v[o++] = (uint8_t)((user ? 0x80 : 0) | (pass ? 0x40 : 0) | (will ? 0x04 : 0) | 0x02);
	v[o++] = 0;
	v[o++] = 60;
	if (level >= 5) {
		v[o++] = 5; /* properties: session expiry interval */
		memcpy(v + o, "\x11\x00\x00\x00\x3c", 5);
		o += 5;
	}
	o = str(v, o, id);
	if (will) {
		if (level >= 5)
			v[o++] = 0;
		o = str(v, o, "will/topic");
		o = str(v, o, will);
	}
	if (user)
		o = str(v, o, user);
	if (pass)
		o = str(v, o, pass);
	size_t h = 0;
	b[h++] = 0x10;
	size_t rem = o;
	do { /* variable byte integer */
		uint8_t d = rem & 0x7f;
		rem >>= 7;
		b[h++] = (uint8_t)(d | (rem ? 0x80 : 0));
	} while (rem);
	memcpy(b + h, v, o);
	return h + o;
}

static void check(const char *id, const char *user, const char *pass)
{
	const struct rec *c = get(FACT_MQTT_CLIENT_ID), *l = get(FACT_LOGIN);
	CHECK(c != NULL);
	if (c) {
		CHECK_STR(c->value, id);
		CHECK_INT(c->about, ABOUT_CLIENT);
		CHECK_STR(c->proto, "mqtt");
	}
	if (!user) {
		CHECK(l == NULL);
		return;
	}
	CHECK(l != NULL);
	if (!l)
		return;
	CHECK_STR(l->value, user);
	CHECK_INT(l->about, ABOUT_SERVER);
	CHECK_INT(l->port, 1883);
	CHECK_STR(l->proto, "mqtt");
	CHECK(l->has_secret == (pass != NULL));
	if (pass)
		CHECK_STR(l->secret, pass);
}

static void test_versions(void)
{
	uint8_t b[4096];
	size_t n;
	n = build(b, "MQTT", 4, "shelly1-98CDAC", NULL, "admin", "hunter2");
	flow_begin();
	segn(true, b, n);
	CHECK_INT(nrec, 2); /* complete: reported before the flow ends */
	check("shelly1-98CDAC", "admin", "hunter2");
	segn(true, b, n);
	flow_end();
	CHECK_INT(nrec, 2);

	n = build(b, "MQIsdp", 3, "old-client", "offline", "u", NULL);
	flow_begin();
	segn(true, b, n);
	check("old-client", "u", NULL);

	n = build(b, "MQTT", 5, "v5client", "gone", "user5", "pw5");
	flow_begin();
	segn(true, b, n);
	check("v5client", "user5", "pw5");

	n = build(b, "MQTT", 4, "anon", NULL, NULL, NULL);
	flow_begin();
	segn(true, b, n);
	CHECK_INT(nrec, 1);
	check("anon", NULL, NULL);

	n = build(b, "MQTT", 4, "", NULL, "u", "");
	flow_begin();
	segn(true, b, n);
	CHECK_INT(nrec, 1); /* empty client id not reported; empty password is a password */
	CHECK(get(FACT_LOGIN) && get(FACT_LOGIN)->has_secret);

	stateless = true;
	n = build(b, "MQTT", 4, "sl", NULL, "a", "b");
	flow_begin();
	segn(true, b, n);
	check("sl", "a", "b");
	stateless = false;
}

static void test_splits(void)
{
	uint8_t b[4096];
	char bigwill[700];
	memset(bigwill, 'w', sizeof bigwill - 1);
	bigwill[sizeof bigwill - 1] = '\0';
	size_t n = build(b, "MQTT", 4, "split-id", bigwill, "splituser", "splitpass");
	for (size_t cut = 0; cut <= n; cut++) {
		flow_begin();
		segn(true, b, cut);
		segn(false, (const uint8_t *)"\x20\x02\x00\x00", 4);
		segn(true, b + cut, n - cut);
		check("split-id", "splituser", "splitpass");
		CHECK_INT(nrec, 2);
	}
	flow_begin();
	for (size_t i = 0; i < n; i++)
		segn(true, b + i, 1);
	check("split-id", "splituser", "splitpass");
}

static void test_truncation(void)
{
	uint8_t b[4096];
	size_t n = build(b, "MQTT", 5, "trunc-id", "w", "tuser", "tpass");
	for (size_t cut = 0; cut < n; cut++) {
		for (int sl = 0; sl < 2; sl++) {
			stateless = sl;
			flow_begin();
			segn(true, b, cut);
			flow_end();
			const struct rec *c = get(FACT_MQTT_CLIENT_ID), *l = get(FACT_LOGIN);
			CHECK(!c || strcmp(c->value, "trunc-id") == 0);
			CHECK(!l); /* the password is the last field: never cut into a NULL secret */
		}
	}
	stateless = false;
}

static void test_lies(void)
{
	uint8_t b[4096], m[4096];
	size_t n = build(b, "MQTT", 4, "lie-id", "will", "luser", "lpass");
	/* every two-byte window set to big and small values */
	for (size_t off = 0; off + 1 < n; off++) {
		const uint16_t vals[] = { 0, 1, 0x7f, 0xff, 0x1000, 0xffff };
		for (size_t v = 0; v < 6; v++) {
			memcpy(m, b, n);
			m[off] = (uint8_t)(vals[v] >> 8);
			m[off + 1] = (uint8_t)vals[v];
			flow_begin();
			segn(true, m, n);
			flow_end();
			CHECK(nrec <= 2);
		}
	}
	/* remaining length bigger than what comes: parsed at the end of the flow */
	memcpy(m, b, n);
	m[1] = 0xff;
	m[2] = 0x7f;
	memmove(m + 3, b + 2, n - 2);
	flow_begin();
	segn(true, m, n + 1);
	CHECK_INT(nrec, 0);
	flow_end();
	check("lie-id", "luser", "lpass");
	/* five-byte remaining length, wrong first byte, wrong protocol name, reserved flag */
	const char *bad[] = { "\x10\xff\xff\xff\xff\x01", "\x30\x0c\x00\x04MQTT\x04\x02\x00\x3c\x00\x00",
			      "\x10\x0c\x00\x04MQTX\x04\x02\x00\x3c\x00\x00",
			      "\x10\x0e\x00\x04MQTT\x04\x03\x00\x3c\x00\x02id" };
	const size_t blen[] = { 6, 14, 14, 16 };
	for (size_t i = 0; i < 4; i++) {
		flow_begin();
		segn(true, (const uint8_t *)bad[i], blen[i]);
		flow_end();
		CHECK_INT(nrec, 0);
	}
	/* a CONNECT bigger than the buffer: the fields in the first 4 KiB count */
	char bigpass[5000];
	memset(bigpass, 'p', sizeof bigpass - 1);
	bigpass[sizeof bigpass - 1] = '\0';
	uint8_t *big = malloc(6000);
	n = build(big, "MQTT", 4, "big-id", NULL, "buser", bigpass);
	flow_begin();
	segn(true, big, n);
	check("big-id", NULL, NULL); /* the cut password is not reported as absent */
	free(big);
}

static void test_match(void)
{
	uint8_t b[256];
	size_t n = build(b, "MQTT", 4, "m", NULL, NULL, NULL);
	struct dissect_input in = { .payload = b, .len = n, .from_client = true, .server_port = 9999 };
	CHECK(dissector_mqtt.match(&in));
	in.from_client = false;
	CHECK(!dissector_mqtt.match(&in));
	in.from_client = true;
	in.len = 5;
	CHECK(!dissector_mqtt.match(&in));
	in.server_port = 1883;
	CHECK(dissector_mqtt.match(&in));
	CHECK(dissector_mqtt.state_size <= DISSECT_STATE_MAX);
}

int main(void)
{
	test_versions();
	test_splits();
	test_truncation();
	test_lies();
	test_match();
	free(state);
	return test_summary();
}
