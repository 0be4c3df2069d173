/* addr.h - IPv4/IPv6 addresses and MAC addresses as plain values, with
 * formatting and the address-range tests (private, ULA, link-local ...) that
 * decide which hosts are local devices. */
#ifndef KOBAN_ADDR_H
#define KOBAN_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { KADDR_NONE = 0, KADDR_V4 = 4, KADDR_V6 = 6 };

/* An IP address: family 4 uses b[0..3], family 6 uses b[0..15]; unused bytes are zero. */
struct kaddr {
	uint8_t family;
	uint8_t b[16];
};

#define KADDR_STRLEN 46 /* INET6_ADDRSTRLEN */
#define MAC_STRLEN 18

void kaddr_v4(struct kaddr *a, const uint8_t b[4]);
void kaddr_v6(struct kaddr *a, const uint8_t b[16]);
bool kaddr_eq(const struct kaddr *a, const struct kaddr *b);
uint32_t kaddr_hash(const struct kaddr *a, uint32_t seed);
/* Writes a NUL-terminated text form into buf (at least KADDR_STRLEN); returns buf. */
const char *kaddr_str(const struct kaddr *a, char *buf, size_t bufsz);
/* Parses dotted-quad or IPv6 text. Returns false on bad input. */
bool kaddr_parse(struct kaddr *a, const char *s);

/* RFC 1918, RFC 6598 shared, 169.254/16, fc00::/7, fe80::/10. */
bool kaddr_is_private(const struct kaddr *a);
bool kaddr_is_multicast(const struct kaddr *a);
bool kaddr_is_broadcast(const struct kaddr *a);
bool kaddr_is_unspecified(const struct kaddr *a);
bool kaddr_is_loopback(const struct kaddr *a);

/* A prefix such as 192.168.1.0/24 or fd00::/8. */
struct kprefix {
	struct kaddr addr;
	uint8_t len;
};
bool kprefix_parse(struct kprefix *p, const char *s);
bool kprefix_contains(const struct kprefix *p, const struct kaddr *a);

const char *mac_str(const uint8_t mac[6], char *buf, size_t bufsz);
bool mac_parse(uint8_t mac[6], const char *s);
bool mac_is_zero(const uint8_t mac[6]);
bool mac_is_group(const uint8_t mac[6]);       /* multicast or broadcast */
bool mac_is_local_admin(const uint8_t mac[6]); /* locally administered (random) */

#endif
