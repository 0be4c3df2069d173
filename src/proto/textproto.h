/* textproto.h - helpers shared by the line-oriented text protocols (SSDP,
 * HTTP, FTP): bounded line splitting within a datagram or across TCP
 * segments, case-insensitive matching of header names and prefixes, and
 * value trimming. Every function takes explicit lengths; none reads past
 * them or relies on NUL termination of packet data. The `lit` arguments
 * are the caller's own NUL-terminated literals. */
#ifndef KOBAN_TEXTPROTO_H
#define KOBAN_TEXTPROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/cursor.h"

/* Next line of a datagram or segment: up to (not including) LF, one trailing
 * CR dropped. A last line without LF is returned too. False when nothing is
 * left. */
bool tp_next_line(struct cursor *c, const char **line, size_t *len);

/* A line being assembled across TCP segments; keep it in per-flow state
 * (zeroed means empty) next to a char buffer of the caller's choice. */
struct tp_linebuf {
	uint16_t len;    /* bytes held in the caller's buffer */
	bool truncated;  /* the line was longer than the buffer; its tail was dropped */
};

/* Pulls the next complete line (LF-terminated, CR LF stripped) from the
 * segment at c. If the whole line lies in the segment and nothing is
 * buffered, *line points into the segment (any length); otherwise the line
 * is gathered in buf (at most cap bytes; the rest is dropped and *truncated
 * set). Returns false when the segment ends inside a line: its bytes are kept
 * in buf for the next call. buf may be NULL (cap 0) for a stateless caller,
 * which then loses partial lines. cap must be < 65536. */
bool tp_stream_line(struct tp_linebuf *lb, char *buf, size_t cap, struct cursor *c,
		    const char **line, size_t *len, bool *truncated);

/* Drops leading and trailing spaces and tabs. */
void tp_trim(const char **p, size_t *len);

/* Case-insensitive (ASCII) comparisons of hostile bytes with a literal. */
bool tp_eq_ci(const char *p, size_t len, const char *lit);
bool tp_prefix_ci(const char *p, size_t len, const char *lit);
bool tp_suffix_ci(const char *p, size_t len, const char *lit);
/* Offset of the first occurrence of lit in p[0..len), or -1. */
long tp_find_ci(const char *p, size_t len, const char *lit);

/* Splits a header line "Name: value" at the first colon; the name must be a
 * non-empty token (no white space), the value is trimmed. */
bool tp_header(const char *line, size_t len, const char **name, size_t *name_len,
	       const char **value, size_t *value_len);

#endif
