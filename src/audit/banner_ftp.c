/* banner_ftp.c - FTP replies (RFC 959 4.2): "220 text" or the multi-line
 * form "220-first line" ... "220 last line". */
#include <ctype.h>
#include <string.h>

#include "audit/banner.h"
#include "util/text.h"

static int code_at(const char *l, size_t len)
{
	if (len < 3 || !isdigit((unsigned char)l[0]) || !isdigit((unsigned char)l[1]) ||
	    !isdigit((unsigned char)l[2]))
		return -1;
	return (l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0');
}

int ftp_parse_reply(const char *buf, size_t n, char *text, size_t textsz, size_t *consumed)
{
	size_t pos = 0;
	int code = -1;
	*consumed = 0;
	if (textsz)
		text[0] = '\0';
	while (pos < n) {
		const char *l = buf + pos, *nl = memchr(l, '\n', n - pos);
		if (!nl)
			return code < 0 && n - pos >= 3 && code_at(l, n - pos) < 0 ? -1 : 0;
		size_t len = (size_t)(nl - l), tl = len;
		if (tl && l[tl - 1] == '\r')
			tl--;
		int c = code_at(l, tl);
		if (code < 0) {
			if (c < 0 || (tl > 3 && l[3] != ' ' && l[3] != '-'))
				return -1;
			code = c;
			text_clean_into(text, textsz, tl > 4 ? l + 4 : l + tl, tl > 4 ? tl - 4 : 0);
		}
		pos += len + 1;
		if (c == code && (tl == 3 || l[3] == ' ')) {
			*consumed = pos;
			return code;
		}
		if (pos > 65536)
			return -1;
	}
	return 0;
}
