/* harness_touch.h - shared by the fuzz targets: reading every byte of what
 * a parser hands back, so ASan catches a pointer past its buffer, and heap
 * copies of exactly the input's size, so reads past the end are caught. */
#ifndef KOBAN_FUZZ_HARNESS_TOUCH_H
#define KOBAN_FUZZ_HARNESS_TOUCH_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static volatile unsigned fuzz_touched;

static inline void fuzz_touch(const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		fuzz_touched += b[i];
}

/* A NUL-terminated string (NULL is fine). */
static inline void fuzz_touch_str(const char *s)
{
	if (s)
		fuzz_touch(s, strlen(s));
}

/* A heap copy of exactly n bytes (free it), so reads past the end are caught. */
static inline void *fuzz_copy(const void *p, size_t n)
{
	void *copy = malloc(n ? n : 1);
	if (!copy)
		abort();
	if (n)
		memcpy(copy, p, n);
	return copy;
}

#endif
