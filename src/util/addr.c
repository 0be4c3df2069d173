/* addr.c - IP/MAC address values: formatting, parsing and range tests. */
#include "util/addr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void kaddr_v4(struct kaddr *a, const uint8_t b[4])
{
	memset(a, 0, sizeof *a);
	a->family = KADDR_V4;
	memcpy(a->b, b, 4);
}

void kaddr_v6(struct kaddr *a, const uint8_t b[16])
{
	a->family = KADDR_V6;
	memcpy(a->b, b, 16);
}

bool kaddr_eq(const struct kaddr *a, const struct kaddr *b)
{
	return a->family == b->family && memcmp(a->b, b->b, 16) == 0;
}

uint32_t kaddr_hash(const struct kaddr *a, uint32_t seed)
{
	uint64_t x, y;
	memcpy(&x, a->b, 8);
	memcpy(&y, a->b + 8, 8);
	uint64_t h = (x ^ ((uint64_t)seed << 32 | a->family)) * 0x9e3779b97f4a7c15ULL;
	h ^= (y + (h >> 29)) * 0xc2b2ae3d27d4eb4fULL;
	h ^= h >> 32;
	return (uint32_t)h;
}

const char *kaddr_str(const struct kaddr *a, char *buf, size_t bufsz)
{
	if (bufsz == 0)
		return buf;
	buf[0] = '\0';
	if (a->family == KADDR_V4)
		inet_ntop(AF_INET, a->b, buf, (socklen_t)bufsz);
	else if (a->family == KADDR_V6)
		inet_ntop(AF_INET6, a->b, buf, (socklen_t)bufsz);
	return buf;
}

bool kaddr_parse(struct kaddr *a, const char *s)
{
	memset(a, 0, sizeof *a);
	if (inet_pton(AF_INET, s, a->b) == 1) {
		a->family = KADDR_V4;
		return true;
	}
	if (inet_pton(AF_INET6, s, a->b) == 1) {
		a->family = KADDR_V6;
		return true;
	}
	return false;
}

bool kaddr_is_private(const struct kaddr *a)
{
	const uint8_t *b = a->b;
	if (a->family == KADDR_V4)
		return b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16) ||
		       (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254) ||
		       (b[0] == 100 && (b[1] & 0xc0) == 64);
	if (a->family == KADDR_V6)
		return (b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80);
	return false;
}

bool kaddr_is_multicast(const struct kaddr *a)
{
	if (a->family == KADDR_V4)
		return (a->b[0] & 0xf0) == 0xe0;
	if (a->family == KADDR_V6)
		return a->b[0] == 0xff;
	return false;
}

bool kaddr_is_broadcast(const struct kaddr *a)
{
	static const uint8_t all[4] = {255, 255, 255, 255};
	return a->family == KADDR_V4 && memcmp(a->b, all, 4) == 0;
}

bool kaddr_is_unspecified(const struct kaddr *a)
{
	static const uint8_t zero[16];
	if (a->family == KADDR_V4)
		return memcmp(a->b, zero, 4) == 0;
	return a->family == KADDR_V6 && memcmp(a->b, zero, 16) == 0;
}

bool kaddr_is_loopback(const struct kaddr *a)
{
	static const uint8_t one[16] = {[15] = 1};
	if (a->family == KADDR_V4)
		return a->b[0] == 127;
	return a->family == KADDR_V6 && memcmp(a->b, one, 16) == 0;
}

bool kprefix_parse(struct kprefix *p, const char *s)
{
	char tmp[64];
	size_t n = strlen(s);
	if (n >= sizeof tmp)
		return false;
	memcpy(tmp, s, n + 1);
	char *slash = strchr(tmp, '/');
	int len = -1;
	if (slash) {
		*slash = '\0';
		char *end;
		long v = strtol(slash + 1, &end, 10);
		if (*end || end == slash + 1 || v < 0 || v > 128)
			return false;
		len = (int)v;
	}
	if (!kaddr_parse(&p->addr, tmp))
		return false;
	int max = p->addr.family == KADDR_V4 ? 32 : 128;
	if (len < 0)
		len = max;
	if (len > max)
		return false;
	p->len = (uint8_t)len;
	return true;
}

bool kprefix_contains(const struct kprefix *p, const struct kaddr *a)
{
	if (p->addr.family != a->family)
		return false;
	int full = p->len / 8, rest = p->len % 8;
	if (memcmp(p->addr.b, a->b, (size_t)full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (p->addr.b[full] & mask) == (a->b[full] & mask);
}

const char *mac_str(const uint8_t mac[6], char *buf, size_t bufsz)
{
	snprintf(buf, bufsz, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
		 mac[5]);
	return buf;
}

bool mac_parse(uint8_t mac[6], const char *s)
{
	unsigned v[6];
	char tail;
	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &tail) != 6)
		return false;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return true;
}

bool mac_is_zero(const uint8_t mac[6])
{
	static const uint8_t zero[6];
	return memcmp(mac, zero, 6) == 0;
}

bool mac_is_group(const uint8_t mac[6])
{
	return (mac[0] & 1) != 0;
}

bool mac_is_local_admin(const uint8_t mac[6])
{
	return (mac[0] & 2) != 0;
}
