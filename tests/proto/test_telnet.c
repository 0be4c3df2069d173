/* test_telnet.c - unit tests for the TELNET dissector (proto/telnet.c):
 * banners, login prompts, typed lines with echo and editing, IAC sequences
 * split across segments, subnegotiation, flushing at the end of the flow. */
#include <netinet/in.h>
#include <stdlib.h>

#define STREAM_DISSECTOR dissector_telnet
#define STREAM_PORT 23
#include "proto/protocols.h"
#include "stream_run.h"
#include "test.h"

static void check_login(int i, const char *user, const char *pass)
{
	check_nth_login(i, user, pass, "telnet");
}

/* A session as (direction, bytes) steps; 'S' server, 'C' client. */
struct step {
	char dir;
	const char *data;
	size_t len;
};
#define S(x) { 'S', x, sizeof x - 1 }
#define C(x) { 'C', x, sizeof x - 1 }

static const struct step session[] = {
	S("\xff\xfd\x18\xff\xfd\x20\xff\xfd\x23\xff\xfd\x27"),
	C("\xff\xfb\x18\xff\xfb\x1f\xff\xfa\x1f\x00\x50\x00\x18\xff\xf0"),
	S("\xff\xfa\x18\x01\xff\xf0\xff\xfb\x03\xff\xfd\x01\xff\xfb\x01"),
	C("\xff\xfa\x18\x00XTERM-256COLOR\xff\xf0"),
	S("\r\nWelcome to ZXHN H108N\r\n\r\nFirmware V2.5\r\n\r\nrouter login: "),
	C("a"), S("a"), C("d"), S("d"), C("m"), S("m"), C("x\x7f"), S("x\b \b"), C("in"), S("in"),
	C("\r\n"),
	S("\r\nPassword: "),
	C("wrong\r\n"),
	S("\r\nLogin incorrect\r\nrouter login: "),
	C("root\r\0"),
	S("root\r\nPassword: "),
	C("xc3511\r"),
	S("\r\n\r\nBusyBox v1.19.4 built-in shell (ash)\r\n# "),
	C("ls\r\n"),
	S("bin etc\r\n# "),
};

static void run_session(size_t split_step, size_t cut)
{
	flow_begin();
	for (size_t i = 0; i < sizeof session / sizeof session[0]; i++) {
		bool c = session[i].dir == 'C';
		if (i != split_step) {
			segn(c, session[i].data, session[i].len);
			continue;
		}
		segn(c, session[i].data, cut);
		segn(c, session[i].data + cut, session[i].len - cut);
	}
	flow_end();
}

static void check_session(void)
{
	CHECK_INT(nrec, 3);
	CHECK_INT(count(FACT_SERVER_BANNER), 1);
	const struct rec *b = nth(FACT_SERVER_BANNER, 0);
	if (b) {
		CHECK_STR(b->value, "Welcome to ZXHN H108N Firmware V2.5");
		CHECK_INT(b->about, ABOUT_SERVER);
		CHECK_INT(b->port, 23);
	}
	check_login(0, "admin", "wrong");
	check_login(1, "root", "xc3511");
}

static void test_session(void)
{
	run_session(SIZE_MAX, 0);
	check_session();
	/* every step split at every byte: IAC sequences cut at every point */
	for (size_t i = 0; i < sizeof session / sizeof session[0]; i++)
		for (size_t cut = 0; cut <= session[i].len; cut++) {
			run_session(i, cut);
			check_session();
		}
	/* every byte its own segment */
	flow_begin();
	for (size_t i = 0; i < sizeof session / sizeof session[0]; i++)
		for (size_t k = 0; k < session[i].len; k++)
			segn(session[i].dir == 'C', session[i].data + k, 1);
	flow_end();
	check_session();
}

static void test_iac_in_data(void)
{
	flow_begin();
	segn(false, "Login: ", 7);
	/* IAC IAC is a literal 0xff; IAC EC erases; IAC NOP is dropped */
	segn(true, "a\xff\xff", 3);
	segn(true, "b\xff", 2);
	segn(true, "\xffzz\xff\xf7\xff\xf1\r\n", 9);
	segn(false, "\r\nPassword: ", 12);
	segn(true, "p\xff\xfa\x1f\x00\x50\xff", 7); /* a NAWS subnegotiation in the middle */
	segn(true, "\xff\x00\x18\xff", 4);          /* IAC IAC inside SB is escaped */
	segn(true, "\xf0q\r\n", 4);
	CHECK_INT(nrec, 1);
	check_login(0, "a\xff" "b\xff" "z", "pq");
}

static void test_unterminated_sb(void)
{
	/* an SB never closed swallows at most 1 KiB, then data flows again */
	char *junk = malloc(3000);
	memcpy(junk, "\xff\xfa\x18", 3);
	memset(junk + 3, 'j', 1100);
	memcpy(junk + 1103, "\r\nuser name: ", 13);
	flow_begin();
	segn(false, junk, 1116);
	segn(true, "bob\n", 4);
	segn(false, "Passwd:", 7);
	segn(true, "\n", 1); /* empty password */
	CHECK_INT(nrec, 2);
	CHECK(nth(FACT_SERVER_BANNER, 0) != NULL);
	check_login(0, "bob", "");
	free(junk);
}

static void test_flush_and_edge_cases(void)
{
	/* user typed, no password prompt before the end: reported without secret */
	flow_begin();
	segn(false, "\r\nlogin: ", 9);
	segn(true, "guest\r\n", 7);
	flow_end();
	CHECK_INT(nrec, 1);
	check_login(0, "guest", NULL);
	/* password-only device; empty user lines re-prompt; ^U kills the line */
	flow_begin();
	segn(false, "Password: ", 10);
	segn(true, "junk\x15secret\r\n", 13);
	segn(false, "\r\nlogin:", 8);
	segn(true, "\r\n", 2);
	segn(false, "\r\nlogin:", 8);
	segn(true, "u1\r\n", 4);
	segn(false, "\r\nUsername:", 11);
	segn(true, "u2\r\n", 4);
	flow_end();
	CHECK_INT(nrec, 3);
	check_login(0, "", "secret");
	check_login(1, "u1", NULL);
	check_login(2, "u2", NULL);
	/* lines typed before any prompt and after login are not logins */
	flow_begin();
	segn(true, "early\r\n", 7);
	segn(false, "$ ", 2);
	segn(true, "echo password:\r\n", 16);
	flow_end();
	CHECK_INT(nrec, 0);
	/* a prompt seen again after an option-only segment does not re-arm */
	flow_begin();
	segn(false, "login: ", 7);
	segn(true, "a\r\n", 3);
	segn(false, "\xff\xfb\x01", 3);
	segn(true, "b\r\n", 3);
	flow_end();
	CHECK_INT(nrec, 1);
	check_login(0, "a", NULL);
	/* a typed line longer than the buffer is not taken as a user */
	char big[400];
	memset(big, 'u', 398);
	memcpy(big + 398, "\r\n", 2);
	flow_begin();
	segn(false, "login: ", 7);
	segn(true, big, 400);
	flow_end();
	CHECK_INT(nrec, 0);
	/* no state: skipped */
	free(state);
	state = NULL;
	nrec = 0;
	segn(false, "Welcome\r\nlogin: ", 16);
	segn(true, "x\r\n", 3);
	flow_end();
	CHECK_INT(nrec, 0);
}

static void test_banner_bounds(void)
{
	/* long and many lines: at most 4 lines, 256 bytes */
	char *s = malloc(5000);
	size_t n = 0;
	for (int i = 0; i < 40; i++)
		n += (size_t)sprintf(s + n, "line %d %0100d\r\n", i, i);
	flow_begin();
	segn(false, s, n);
	flow_end();
	CHECK_INT(nrec, 1);
	CHECK(nrec && recs[0].len <= 256);
	/* random junk at every length is harmless */
	uint32_t seed = 7;
	for (int round = 0; round < 2000; round++) {
		char buf[64];
		for (size_t i = 0; i < sizeof buf; i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = (char)((seed >> 16) % 4 == 0 ? 0xff : (seed >> 8));
		}
		flow_begin();
		segn(round & 1, buf, sizeof buf);
		segn(!(round & 1), buf, (size_t)(seed % 64));
		flow_end();
		CHECK(nrec <= 8);
	}
	free(s);
}

static void test_match(void)
{
	struct dissect_input in = { .server_port = 2323 };
	CHECK(dissector_telnet.match(&in));
	in.server_port = 2000;
	CHECK(!dissector_telnet.match(&in));
	in.payload = (const uint8_t *)"\xff\xfd\x18";
	in.len = 3;
	CHECK(dissector_telnet.match(&in));
	in.payload = (const uint8_t *)"\xff\xf0\x18";
	CHECK(!dissector_telnet.match(&in));
	CHECK(dissector_telnet.state_size <= DISSECT_STATE_MAX);
}

int main(void)
{
	test_session();
	test_iac_in_data();
	test_unterminated_sb();
	test_flush_and_edge_cases();
	test_banner_bounds();
	test_match();
	free(state);
	return test_summary();
}
