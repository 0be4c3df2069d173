/* dns_msg.h - a DNS message builder shared by the DNS and mDNS dissector
 * tests: big-endian fields, the 12-byte header and names as labels (split
 * at a separator) ending in a 0 or a compression pointer. */
#ifndef KOBAN_TEST_DNS_MSG_H
#define KOBAN_TEST_DNS_MSG_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct msg {
	uint8_t b[4096];
	size_t n;
};

static inline void put8(struct msg *m, unsigned v) { m->b[m->n++] = (uint8_t)v; }
static inline void put16(struct msg *m, unsigned v) { put8(m, v >> 8); put8(m, v & 0xff); }
static inline void put32(struct msg *m, uint32_t v) { put16(m, v >> 16); put16(m, v & 0xffff); }
static inline void putn(struct msg *m, const void *p, size_t n) { memcpy(m->b + m->n, p, n); m->n += n; }

/* Starts the message over with its header. */
static inline void msg_header(struct msg *m, unsigned id, unsigned flags, unsigned qd, unsigned an, unsigned ns,
			      unsigned ar)
{
	m->n = 0;
	put16(m, id);
	put16(m, flags);
	put16(m, qd);
	put16(m, an);
	put16(m, ns);
	put16(m, ar);
}

/* Labels separated by sep, then a 0 or, if ptr >= 0, a pointer to ptr.
 * Returns the offset where the name starts. */
static inline size_t msg_name(struct msg *m, const char *s, char sep, int ptr)
{
	size_t at = m->n;
	while (*s) {
		const char *end = strchr(s, sep);
		size_t len = end ? (size_t)(end - s) : strlen(s);
		put8(m, (unsigned)len);
		putn(m, s, len);
		s += len;
		if (*s == sep)
			s++;
	}
	if (ptr >= 0)
		put16(m, 0xc000 | (unsigned)ptr);
	else
		put8(m, 0);
	return at;
}

#endif
