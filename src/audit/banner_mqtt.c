/* banner_mqtt.c - the two MQTT 3.1.1 packets a login check needs: the
 * CONNECT it sends and the broker's CONNACK. Nothing is ever subscribed to
 * or published. */
#include <string.h>

#include "audit/banner.h"

static size_t put_str(uint8_t *p, const char *s)
{
	size_t l = strlen(s);
	p[0] = (uint8_t)(l >> 8);
	p[1] = (uint8_t)l;
	memcpy(p + 2, s, l);
	return l + 2;
}

size_t mqtt_build_connect(uint8_t *out, size_t cap, const char *client_id, const char *user, const char *pass)
{
	size_t body = 10 + 2 + strlen(client_id);
	if (user)
		body += 2 + strlen(user) + 2 + strlen(pass ? pass : "");
	if (body > 127 * 128 || body + 3 > cap || strlen(client_id) > 23)
		return 0;
	size_t o = 0;
	out[o++] = 0x10;
	if (body > 127) {
		out[o++] = (uint8_t)(0x80 | (body & 0x7f));
		out[o++] = (uint8_t)(body >> 7);
	} else {
		out[o++] = (uint8_t)body;
	}
	o += put_str(out + o, "MQTT");
	out[o++] = 4;                                      /* protocol level 3.1.1 */
	out[o++] = (uint8_t)(0x02 | (user ? 0xc0 : 0));    /* clean session, user+password */
	out[o++] = 0;
	out[o++] = 10;                                     /* keep-alive */
	o += put_str(out + o, client_id);
	if (user) {
		o += put_str(out + o, user);
		o += put_str(out + o, pass ? pass : "");
	}
	return o;
}

int mqtt_parse_connack(const uint8_t *buf, size_t n)
{
	if (n < 1)
		return -2;
	if (buf[0] != 0x20)
		return -1;
	if (n < 2)
		return -2;
	if (buf[1] != 2)
		return -1;
	if (n < 4)
		return -2;
	return buf[3];
}
