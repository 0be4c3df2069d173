/* banner_telnet.c - the TELNET side of a login check: option negotiation
 * (every option the server asks for is refused, so the session stays a
 * plain NVT) and reading what the text so far asks for. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "audit/banner.h"

enum { IAC = 255, DONT = 254, DO = 253, WONT = 252, WILL = 251, SB = 250, SE = 240 };

static void add_reply(uint8_t *reply, size_t replysz, size_t *rl, uint8_t verb, uint8_t opt)
{
	if (*rl + 3 > replysz)
		return;
	reply[(*rl)++] = IAC;
	reply[(*rl)++] = verb;
	reply[(*rl)++] = opt;
}

size_t telnet_filter(const uint8_t *in, size_t n, char *out, size_t outsz, uint8_t *reply, size_t replysz,
		     size_t *reply_len)
{
	size_t o = 0, i = 0;
	*reply_len = 0;
	while (i < n) {
		uint8_t c = in[i++];
		if (c != IAC) {
			if (c && o + 1 < outsz)
				out[o++] = (char)c;
			continue;
		}
		if (i >= n)
			break;
		uint8_t verb = in[i++];
		if (verb == IAC) {
			if (o + 1 < outsz)
				out[o++] = (char)0xff;
		} else if (verb >= WILL && verb <= DONT) {
			if (i >= n)
				break;
			uint8_t opt = in[i++];
			if (verb == DO)
				add_reply(reply, replysz, reply_len, WONT, opt);
			else if (verb == WILL)
				add_reply(reply, replysz, reply_len, DONT, opt);
		} else if (verb == SB) { /* skip to IAC SE */
			while (i + 1 < n && !(in[i] == IAC && in[i + 1] == SE))
				i++;
			i = i + 2 <= n ? i + 2 : n;
		}
	}
	if (outsz)
		out[o] = '\0';
	return o;
}

/* Case-insensitive search in the last `win` bytes. */
static bool tail_has(const char *t, size_t n, size_t win, const char *needle)
{
	size_t from = n > win ? n - win : 0, nl = strlen(needle);
	for (size_t i = from; i + nl <= n; i++)
		if (strncasecmp(t + i, needle, nl) == 0)
			return true;
	return false;
}

enum telnet_state telnet_classify(const char *t, size_t n)
{
	size_t e = n;
	while (e && (t[e - 1] == ' ' || t[e - 1] == '\t'))
		e--;
	if (tail_has(t, n, 120, "incorrect") || tail_has(t, n, 120, "failed") || tail_has(t, n, 120, "denied") ||
	    tail_has(t, n, 120, "invalid"))
		return TN_FAILED;
	if (e == 0)
		return TN_NOTHING;
	char last = t[e - 1];
	if (last == ':') { /* a question: which one? */
		if (tail_has(t, e, 24, "password") || tail_has(t, e, 24, "passcode"))
			return TN_PASSWORD;
		if (tail_has(t, e, 24, "login") || tail_has(t, e, 24, "user") || tail_has(t, e, 24, "name"))
			return TN_LOGIN;
	} else if ((last == '>' || last == '#' || last == '$' || last == '%') && e < n) {
		return TN_SHELL; /* a prompt character followed by a space */
	}
	return TN_NOTHING;
}
