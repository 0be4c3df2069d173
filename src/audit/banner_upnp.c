/* banner_upnp.c - SSDP answers to a unicast M-SEARCH, the LOCATION URL
 * they point to, and the facts of the description XML (read with the
 * engine's bounded scanner, proto/upnp.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audit/banner.h"
#include "proto/upnp.h"
#include "util/text.h"

static void hdr_value(const char *l, size_t len, const char *name, char *out, size_t outsz)
{
	size_t kl = strlen(name);
	if (len <= kl || strncasecmp(l, name, kl) != 0 || l[kl] != ':')
		return;
	const char *v = l + kl + 1;
	size_t vl = len - kl - 1;
	while (vl && (*v == ' ' || *v == '\t'))
		v++, vl--;
	text_clean_into(out, outsz, v, vl);
}

bool ssdp_parse_response(const char *buf, size_t n, char *location, size_t locsz, char *server, size_t srvsz)
{
	location[0] = server[0] = '\0';
	if (n < 12 || strncmp(buf, "HTTP/1.", 7) != 0 || strncmp(buf + 8, " 200", 4) != 0)
		return false;
	size_t pos = 0;
	while (pos < n) {
		const char *l = buf + pos, *nl = memchr(l, '\n', n - pos);
		size_t len = nl ? (size_t)(nl - l) : n - pos, tl = len;
		if (tl && l[tl - 1] == '\r')
			tl--;
		pos += len + 1;
		hdr_value(l, tl, "LOCATION", location, locsz);
		hdr_value(l, tl, "SERVER", server, srvsz);
	}
	return location[0] != '\0';
}

bool url_parse_http(const char *url, struct kaddr *ip, uint16_t *port, char *path, size_t pathsz)
{
	if (strncasecmp(url, "http://", 7) != 0)
		return false;
	const char *h = url + 7, *end = h + strcspn(h, "/?#");
	char host[KADDR_STRLEN + 2];
	const char *hp = h, *colon = NULL;
	if (*h == '[') {
		const char *rb = memchr(h, ']', (size_t)(end - h));
		if (!rb)
			return false;
		hp = h + 1;
		colon = rb + 1 < end && rb[1] == ':' ? rb + 1 : NULL;
		if ((size_t)(rb - hp) >= sizeof host)
			return false;
		memcpy(host, hp, (size_t)(rb - hp));
		host[rb - hp] = '\0';
	} else {
		colon = memchr(h, ':', (size_t)(end - h));
		const char *he = colon ? colon : end;
		if ((size_t)(he - h) >= sizeof host)
			return false;
		memcpy(host, h, (size_t)(he - h));
		host[he - h] = '\0';
	}
	*port = 80;
	if (colon) {
		char *pe;
		long p = strtol(colon + 1, &pe, 10);
		if (pe != end || p < 1 || p > 65535)
			return false;
		*port = (uint16_t)p;
	}
	if (!kaddr_parse(ip, host))
		return false;
	snprintf(path, pathsz, "%s", *end == '/' ? end : "/");
	return true;
}

static void on_fact(void *ctx, const struct fact *f)
{
	struct audit_host *h = ctx;
	if (f->kind == FACT_MANUFACTURER)
		text_clean_into(h->manufacturer, sizeof h->manufacturer, f->value, f->value_len);
	else if (f->kind == FACT_MODEL)
		text_clean_into(h->model, sizeof h->model, f->value, f->value_len);
	else if (f->kind == FACT_FIRMWARE)
		text_clean_into(h->firmware, sizeof h->firmware, f->value, f->value_len);
}

void upnp_description_facts(const char *xml, size_t n, struct audit_host *h)
{
	struct fact_sink sink = {.emit = on_fact, .ctx = h};
	upnp_parse_description(xml, n, ABOUT_SERVER, &sink);
}
