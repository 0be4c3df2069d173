/* cursor.h - the one way koban reads packet bytes: a bounds-checked cursor.
 *
 * Every accessor checks that the bytes exist. On overrun the cursor sets its
 * sticky `err` flag and returns zero, so a dissector can read a whole header
 * and test `err` once at the end (in the spirit of tcpdump's GET_U_1/ND_TCHECK).
 * No dissector does raw pointer arithmetic on packet data. */
#ifndef KOBAN_CURSOR_H
#define KOBAN_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cursor {
	const uint8_t *base;
	size_t len;
	size_t off;
	bool err;
};

static inline void cur_init(struct cursor *c, const uint8_t *p, size_t len)
{
	c->base = p;
	c->len = p ? len : 0;
	c->off = 0;
	c->err = false;
}

static inline size_t cur_left(const struct cursor *c)
{
	return c->off <= c->len ? c->len - c->off : 0;
}

static inline bool cur_has(const struct cursor *c, size_t n)
{
	return !c->err && cur_left(c) >= n;
}

/* Pointer to n readable bytes at the cursor and advance, or NULL (sets err). */
static inline const uint8_t *cur_take(struct cursor *c, size_t n)
{
	if (!cur_has(c, n) || !c->base) {
		c->err = c->err || n > 0;
		return NULL;
	}
	const uint8_t *p = c->base + c->off;
	c->off += n;
	return p;
}

/* Pointer to n bytes at the cursor without advancing, or NULL (err untouched). */
static inline const uint8_t *cur_peek(const struct cursor *c, size_t n)
{
	return cur_has(c, n) && c->base ? c->base + c->off : NULL;
}

static inline bool cur_skip(struct cursor *c, size_t n)
{
	return cur_take(c, n) != NULL;
}

static inline uint8_t cur_u8(struct cursor *c)
{
	const uint8_t *p = cur_take(c, 1);
	return p ? p[0] : 0;
}

static inline uint16_t cur_be16(struct cursor *c)
{
	const uint8_t *p = cur_take(c, 2);
	return p ? (uint16_t)((p[0] << 8) | p[1]) : 0;
}

static inline uint16_t cur_le16(struct cursor *c)
{
	const uint8_t *p = cur_take(c, 2);
	return p ? (uint16_t)((p[1] << 8) | p[0]) : 0;
}

static inline uint32_t cur_be32(struct cursor *c)
{
	const uint8_t *p = cur_take(c, 4);
	return p ? ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3] : 0;
}

/* A sub-cursor over the next n bytes (advances the parent). If fewer than n
 * bytes remain, the sub-cursor covers what is there and the parent sets err. */
static inline struct cursor cur_sub(struct cursor *c, size_t n)
{
	struct cursor s;
	size_t avail = cur_left(c);
	size_t take = n <= avail ? n : avail;
	cur_init(&s, c->base ? c->base + c->off : NULL, take);
	c->off += take;
	if (take < n)
		c->err = true;
	return s;
}

#endif
