/* test.h - a tiny unit-test harness. Each test program calls CHECK* as often
 * as it likes and ends main() with `return test_summary();`, which prints the
 * line `N passed, N failed` that tests/run.sh adds up. */
#ifndef KOBAN_TEST_H
#define KOBAN_TEST_H

#include <stdio.h>
#include <string.h>

static int test_passed, test_failed;

#define CHECK(cond)                                                                     \
	do {                                                                            \
		if (cond) {                                                             \
			test_passed++;                                                  \
		} else {                                                                \
			test_failed++;                                                  \
			fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                       \
	} while (0)

#define CHECK_STR(got, want)                                                              \
	do {                                                                              \
		const char *g_ = (got), *w_ = (want);                                     \
		if (g_ && w_ && strcmp(g_, w_) == 0) {                                    \
			test_passed++;                                                    \
		} else {                                                                  \
			test_failed++;                                                    \
			fprintf(stderr, "FAIL %s:%d: %s == \"%s\" (got \"%s\")\n", __FILE__, \
				__LINE__, #got, w_ ? w_ : "(null)", g_ ? g_ : "(null)");     \
		}                                                                         \
	} while (0)

#define CHECK_INT(got, want)                                                                \
	do {                                                                                \
		long long g_ = (long long)(got), w_ = (long long)(want);                    \
		if (g_ == w_) {                                                             \
			test_passed++;                                                      \
		} else {                                                                    \
			test_failed++;                                                      \
			fprintf(stderr, "FAIL %s:%d: %s == %lld (got %lld)\n", __FILE__, __LINE__, \
				#got, w_, g_);                                              \
		}                                                                           \
	} while (0)

static inline int test_summary(void)
{
	printf("%d passed, %d failed\n", test_passed, test_failed);
	return test_failed ? 1 : 0;
}

#endif
