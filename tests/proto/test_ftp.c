/* test_ftp.c - unit tests for the FTP control dissector (proto/ftp.c):
 * greetings, USER/PASS pairing, AUTH TLS, segment splits and long lines. */
#include <netinet/in.h>
#include <stdlib.h>

#define FACT_VALUE_MAX 600
#define FACT_SECRET_MAX 600
#define STREAM_DISSECTOR dissector_ftp
#define STREAM_PORT 21
#include "proto/protocols.h"
#include "stream_run.h"
#include "test.h"

static void check_login(int i, const char *user, const char *pass)
{
	check_nth_login(i, user, pass, "ftp");
}

static const char *const session[] = {
	"S220 (vsFTPd 3.0.3)\r\n",
	"CUSER anonymous\r\n",
	"S331 Please specify the password.\r\n",
	"CPASS guest@example.com\r\n",
	"S530 Login incorrect.\r\n",
	"Cuser admin\r\n",
	"S331 Please specify the password.\r\n",
	"Cpass  pass word \r\n",
	"S230 Login successful.\r\n",
	"CSYST\r\n",
	NULL,
};

static void check_session(void)
{
	CHECK_INT(nrec, 3);
	const struct rec *b = nth(FACT_SERVER_BANNER, 0);
	CHECK(b != NULL);
	if (b) {
		CHECK_STR(b->value, "(vsFTPd 3.0.3)");
		CHECK_INT(b->about, ABOUT_SERVER);
		CHECK_INT(b->port, 21);
	}
	check_login(0, "anonymous", "guest@example.com");
	check_login(1, "admin", " pass word "); /* the password is kept byte for byte */
}

static void test_session(void)
{
	flow_begin();
	for (int i = 0; session[i]; i++)
		seg(session[i][0] == 'C', session[i] + 1);
	flow_end();
	check_session();
	/* every message split at every position */
	for (int i = 0; session[i]; i++) {
		size_t len = strlen(session[i] + 1);
		for (size_t cut = 0; cut <= len; cut++) {
			flow_begin();
			for (int j = 0; session[j]; j++) {
				bool c = session[j][0] == 'C';
				if (j != i) {
					seg(c, session[j] + 1);
					continue;
				}
				segn(c, session[j] + 1, cut);
				segn(c, session[j] + 1 + cut, len - cut);
			}
			flow_end();
			check_session();
		}
	}
}

static void test_multiline_banner(void)
{
	flow_begin();
	seg(false, "220-Welcome to\r\n   the NAS\r\n220-");
	seg(false, "Second line\r\n220 ProFTPD Server ready.\r\n");
	CHECK_INT(nrec, 1);
	CHECK_STR(nth(FACT_SERVER_BANNER, 0)->value, "Welcome to the NAS Second line ProFTPD Server ready.");
	/* 120 first, then 220 */
	flow_begin();
	seg(false, "120 Wait 5 minutes\r\n220 ready\r\n");
	CHECK_STR(nth(FACT_SERVER_BANNER, 0)->value, "ready");
	/* no greeting */
	flow_begin();
	seg(false, "421 Too many users\r\n220 later\r\n");
	flow_end();
	CHECK_INT(nrec, 0);
	/* a multi-line greeting cut by the end of the flow is still reported */
	flow_begin();
	seg(false, "220-FileZilla Server 1.8\r\n");
	flow_end();
	CHECK_STR(nth(FACT_SERVER_BANNER, 0)->value, "FileZilla Server 1.8");
	/* a bare "220" and a banner longer than the buffer */
	flow_begin();
	seg(false, "220\r\n");
	CHECK_INT(nrec, 0);
	char big[2000] = "220 ";
	memset(big + 4, 'B', 1500);
	strcpy(big + 1504, "\r\n");
	flow_begin();
	seg(false, big);
	CHECK_INT(nrec, 1);
}

static void test_pairing(void)
{
	flow_begin();
	seg(true, "USER a\r\nUSER b\r\nPASS x\r\nPASS y\r\nUSER c\r\n");
	flow_end();
	CHECK_INT(nrec, 4);
	check_login(0, "a", NULL);
	check_login(1, "b", "x");
	check_login(2, "", "y");
	check_login(3, "c", NULL);
	/* LF-only lines, no argument */
	flow_begin();
	seg(true, "USER\nPASS\n");
	CHECK_INT(nrec, 1);
	check_login(0, "", "");
}

static void test_auth_tls(void)
{
	flow_begin();
	seg(false, "220 ready\r\n");
	seg(true, "AUTH TLS\r\n");
	seg(false, "234 Proceed with negotiation.\r\n");
	seg(true, "USER hidden\r\nPASS hidden\r\n");
	flow_end();
	CHECK_INT(nrec, 1);
	/* refused: the client goes on in clear */
	flow_begin();
	seg(false, "220 ready\r\n");
	seg(true, "AUTH TLS\r\n");
	seg(false, "500 AUTH not understood\r\n");
	seg(true, "USER u\r\nPASS p\r\n");
	CHECK_INT(nrec, 2);
	check_login(0, "u", "p");
}

static void test_hostile(void)
{
	/* a USER line longer than the line buffer is ignored, not cut */
	char big[3000] = "USER ";
	memset(big + 5, 'u', 2000);
	strcpy(big + 2005, "\r\nPASS p\r\n");
	flow_begin();
	for (size_t off = 0; off < strlen(big); off += 100)
		segn(true, big + off, strlen(big) - off < 100 ? strlen(big) - off : 100);
	CHECK_INT(nrec, 1);
	check_login(0, "", "p");
	/* in one segment too */
	flow_begin();
	seg(true, big);
	CHECK_INT(nrec, 1);
	/* binary, NULs, no newline */
	flow_begin();
	segn(true, "USER \0\xff\r\nPASS \0\r\n", 17);
	segn(false, "\0\0\0\r\n220 x", 10);
	segn(true, "USER unfinished", 15);
	flow_end();
	CHECK_INT(nrec, 1);
	check_login(0, "", ""); /* "\0\xff" / "\0", as C strings; the unfinished USER is dropped */
	/* truncation of the whole session at every length */
	char all[1024] = "";
	for (int i = 0; session[i]; i++)
		strcat(all, session[i] + 1);
	for (size_t cut = 0; cut <= strlen(all); cut++) {
		flow_begin();
		segn(true, all, cut);
		flow_end();
		CHECK(nrec <= 3);
	}
}

static void test_stateless(void)
{
	stateless = true;
	flow_begin();
	seg(false, "220 Hi\r\n");
	seg(true, "USER a\r\nPASS b\r\n");
	flow_end();
	CHECK_INT(nrec, 1);
	CHECK_STR(nth(FACT_SERVER_BANNER, 0)->value, "Hi");
	stateless = false;
	struct dissect_input in = { .server_port = 21 };
	CHECK(dissector_ftp.match(&in));
	in.server_port = 25;
	CHECK(!dissector_ftp.match(&in));
}

int main(void)
{
	test_session();
	test_multiline_banner();
	test_pairing();
	test_auth_tls();
	test_hostile();
	test_stateless();
	free(state);
	return test_summary();
}
