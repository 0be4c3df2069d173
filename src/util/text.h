/* text.h - turning hostile bytes into safe text, and escaping text for the
 * places it is written to (HTML, terminals). JSON escaping is jansson's job;
 * SQL always goes through bound parameters. */
#ifndef KOBAN_TEXT_H
#define KOBAN_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Copies at most `max` bytes of text out of `len` hostile bytes into a new
 * NUL-terminated string: invalid UTF-8 and control characters become '?',
 * leading/trailing white space is dropped, the cut never splits a UTF-8
 * sequence. Returns NULL if nothing printable remains or on allocation failure. */
char *text_clean(const char *s, size_t len, size_t max);

/* Same, into a caller buffer (always NUL-terminated). Returns bytes written. */
size_t text_clean_into(char *dst, size_t dstsz, const char *s, size_t len);

/* Cuts a string that snprintf may have truncated in the middle of a UTF-8
 * sequence back to the last complete character. */
void text_fix_utf8_tail(char *s);

/* Writes s to f with <, >, &, " and ' as HTML entities. */
void html_escape(FILE *f, const char *s);

/* Writes s to f with control characters and escape sequences shown as \xNN,
 * so text from the network cannot drive the terminal. */
void term_escape(FILE *f, const char *s);

#endif
