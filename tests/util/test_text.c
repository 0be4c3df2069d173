/* test_text.c - sanitising hostile bytes and escaping for HTML/terminals. */
#include <stdlib.h>

#include "test.h"
#include "util/text.h"

static void test_clean(void)
{
	char buf[64];
	CHECK_INT(text_clean_into(buf, sizeof buf, "  hello\r\n", 9), 5);
	CHECK_STR(buf, "hello");
	text_clean_into(buf, sizeof buf, "a\x1b[31mb", 7);
	CHECK_STR(buf, "a?[31mb");
	text_clean_into(buf, sizeof buf, "x\xff\xfey", 4);
	CHECK_STR(buf, "x??y");
	text_clean_into(buf, sizeof buf, "\xe3\x82\xab\xe3\x83\xa1\xe3\x83\xa9", 9); /* カメラ */
	CHECK_STR(buf, "\xe3\x82\xab\xe3\x83\xa1\xe3\x83\xa9");
	/* overlong encoding and surrogates are invalid */
	text_clean_into(buf, sizeof buf, "\xc0\xaf\xed\xa0\x80", 5);
	CHECK(strchr(buf, '\xc0') == NULL && strchr(buf, '\xed') == NULL);
	/* a cut never splits a multi-byte character */
	char small[5];
	text_clean_into(small, sizeof small, "\xe3\x82\xab\xe3\x83\xa1", 6);
	CHECK_STR(small, "\xe3\x82\xab");
	/* embedded NUL becomes '?' and does not end the string early */
	text_clean_into(buf, sizeof buf, "ab\0cd", 5);
	CHECK_STR(buf, "ab?cd");
	CHECK(text_clean("   ", 3, 10) == NULL);
	char *s = text_clean("abcdef", 6, 3);
	CHECK_STR(s, "abc");
	free(s);
}

static void test_fix_tail(void)
{
	char s[] = "ab\xe3\x82";
	text_fix_utf8_tail(s);
	CHECK_STR(s, "ab");
	char t[] = "ab\xe3\x82\xab";
	text_fix_utf8_tail(t);
	CHECK_STR(t, "ab\xe3\x82\xab");
	char u[] = "plain";
	text_fix_utf8_tail(u);
	CHECK_STR(u, "plain");
}

static void test_escape(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	html_escape(f, "<script>\"x\" & 'y'</script>");
	fclose(f);
	CHECK_STR(buf, "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;");
	free(buf);
	f = open_memstream(&buf, &len);
	term_escape(f, "a\x1b]0;pwn\x07z");
	fclose(f);
	CHECK_STR(buf, "a\\x1b]0;pwn\\x07z");
	free(buf);
}

int main(void)
{
	test_clean();
	test_fix_tail();
	test_escape();
	return test_summary();
}
