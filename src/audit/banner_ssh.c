/* banner_ssh.c - the SSH identification string (RFC 4253 section 4.2). */
#include <string.h>

#include "audit/banner.h"
#include "util/text.h"

bool ssh_parse_ident(const char *buf, size_t n, char *software, size_t sz)
{
	size_t pos = 0;
	for (int lines = 0; pos < n && lines < 32; lines++) {
		const char *nl = memchr(buf + pos, '\n', n - pos);
		size_t len = nl ? (size_t)(nl - (buf + pos)) : n - pos;
		const char *l = buf + pos;
		if (len >= 8 && memcmp(l, "SSH-", 4) == 0) {
			const char *dash = memchr(l + 4, '-', len - 4);
			if (!dash)
				return false;
			size_t off = (size_t)(dash + 1 - l), sl = len - off;
			if (sl && l[off + sl - 1] == '\r')
				sl--;
			return text_clean_into(software, sz, l + off, sl) > 0;
		}
		if (!nl)
			break;
		pos += len + 1;
	}
	return false;
}
