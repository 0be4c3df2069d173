/* test_http.c - unit tests for the HTTP dissector (proto/http.c): request
 * and response headers, Basic credentials, UPnP description bodies with
 * every framing, segment splits, truncation and hostile input. */
#include <netinet/in.h>
#include <stdlib.h>

#define FACTS_MAX 64
#define FACT_VALUE_MAX 2048
#define FACT_SECRET_MAX 256
#define STREAM_DISSECTOR dissector_http
#define STREAM_PORT 80
#include "proto/protocols.h"
#include "stream_run.h"
#include "test.h"

static const char request[] =
	"GET /setup.cgi HTTP/1.1\r\n"
	"Host: 192.168.1.1:80\r\n"
	"user-agent: curl/8.5.0\r\n"
	"Authorization: Basic YWRtaW46cGFzc3dvcmQ=\r\n"
	"Accept: */*\r\n"
	"\r\n";

static void check_request_facts(void)
{
	CHECK_INT(nrec, 3);
	CHECK_STR(val(FACT_HTTP_HOST), "192.168.1.1:80");
	CHECK_STR(val(FACT_USER_AGENT), "curl/8.5.0");
	const struct rec *l = get(FACT_LOGIN);
	CHECK(l != NULL);
	if (!l)
		return;
	CHECK_STR(l->value, "admin");
	CHECK_STR(l->secret, "password");
	CHECK_STR(l->proto, "http-basic");
	CHECK_INT(l->about, ABOUT_SERVER);
	CHECK_INT(l->port, 80);
	CHECK_INT(get(FACT_HTTP_HOST)->about, ABOUT_CLIENT);
	CHECK_INT(get(FACT_USER_AGENT)->about, ABOUT_CLIENT);
}

static void test_request(void)
{
	flow_begin();
	seg(true, request);
	flow_end();
	check_request_facts();
	/* split at every position, and one byte per segment */
	size_t len = strlen(request);
	for (size_t cut = 0; cut <= len; cut++) {
		flow_begin();
		segn(true, request, cut);
		segn(true, request + cut, len - cut);
		flow_end();
		check_request_facts();
	}
	flow_begin();
	for (size_t i = 0; i < len; i++)
		segn(true, request + i, 1);
	check_request_facts();
}

static void test_response_headers(void)
{
	flow_begin();
	seg(true, "GET / HTTP/1.0\r\n\r\n");
	seg(false, "HTTP/1.0 401 Unauthorized\r\nServer: GoAhead-Webs\r\n"
		   "WWW-Authenticate: Basic realm=\"NETGEAR R7000\"\r\nContent-Length: 5\r\n\r\nnope!");
	flow_end();
	CHECK_INT(nrec, 2);
	CHECK_STR(val(FACT_SERVER_BANNER), "GoAhead-Webs");
	CHECK_STR(val(FACT_HTTP_AUTH_REALM), "Basic realm=\"NETGEAR R7000\"");
	CHECK_INT(get(FACT_SERVER_BANNER)->about, ABOUT_SERVER);
	CHECK_INT(get(FACT_SERVER_BANNER)->port, 80);
	CHECK_INT(get(FACT_HTTP_AUTH_REALM)->about, ABOUT_SERVER);
	/* request headers from the server side and vice versa mean nothing */
	flow_begin();
	seg(false, "GET / HTTP/1.1\r\nHost: x\r\nServer: y\r\n\r\n");
	seg(true, "HTTP/1.1 200 OK\r\nServer: z\r\nHost: w\r\n\r\n");
	CHECK_INT(nrec, 0);
}

static void check_basic(const char *hdr, const char *user, const char *pass)
{
	char req[512];
	snprintf(req, sizeof req, "GET / HTTP/1.1\r\nAuthorization: %s\r\n\r\n", hdr);
	flow_begin();
	seg(true, req);
	const struct rec *l = get(FACT_LOGIN);
	if (!user) {
		CHECK(l == NULL);
		return;
	}
	CHECK(l != NULL);
	if (l) {
		CHECK_STR(l->value, user);
		CHECK_STR(l->secret, pass);
		CHECK(l->has_secret);
	}
}

static void test_basic_auth(void)
{
	check_basic("Basic dXNlcjpwYTpzcw==", "user", "pa:ss");
	check_basic("basic   YWRtaW46", "admin", "");
	check_basic("BASIC YWRtaW46MTIzNA", "admin", "1234"); /* no padding */
	check_basic("Basic OnNlY3JldA==", "", "secret");
	check_basic("Basic YWRtaW4=", NULL, NULL);            /* no colon */
	check_basic("Basic !!!!", NULL, NULL);
	check_basic("Basic YWRt aW46eA==", NULL, NULL);
	check_basic("Basic =YWRtaW46eA==", NULL, NULL);
	check_basic("Basic YWRtaW46eA===", NULL, NULL);
	check_basic("Basic YWRtaW46e", NULL, NULL);           /* 4n+1 characters */
	check_basic("Basic ", NULL, NULL);
	check_basic("Basic", NULL, NULL);
	check_basic("Digest username=\"a\"", NULL, NULL);
	check_basic("Bearer YWRtaW46eA==", NULL, NULL);
	/* longer than the decode buffer: rejected, not truncated */
	char big[1200] = "Basic ";
	memset(big + 6, 'Q', 1000);
	big[1006] = '\0';
	check_basic(big, NULL, NULL);
	/* NUL and binary in the credentials travel with their length */
	flow_begin();
	seg(true, "GET / HTTP/1.1\r\nAuthorization: Basic AP86AA==\r\n\r\n");
	CHECK_INT(nrec, 1);
	CHECK_INT(recs[0].len, 2);
}

static const char xml_body[] =
	"<?xml version=\"1.0\"?>\n<root xmlns=\"urn:schemas-upnp-org:device-1-0\"><device>"
	"<manufacturer>Philips</manufacturer><modelName>Philips hue bridge 2015</modelName>"
	"<modelNumber>BSB002</modelNumber><softwareVersion>1962154010</softwareVersion>"
	"</device></root>\n";

static void check_upnp(int extra)
{
	CHECK_INT(nrec, 3 + extra);
	CHECK_STR(val(FACT_MANUFACTURER), "Philips");
	CHECK_STR(val(FACT_MODEL), "Philips hue bridge 2015 BSB002");
	CHECK_STR(val(FACT_FIRMWARE), "1962154010");
	if (get(FACT_MANUFACTURER))
		CHECK_INT(get(FACT_MANUFACTURER)->about, ABOUT_SERVER);
}

static void test_upnp_content_length(void)
{
	char resp[2048];
	int n = snprintf(resp, sizeof resp,
			 "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=\"utf-8\"\r\n"
			 "Content-Length: %zu\r\nServer: Hue/1.0 UPnP/1.0 IpBridge/1.62\r\n\r\n%s",
			 strlen(xml_body), xml_body);
	for (int cut = 0; cut <= n; cut++) {
		flow_begin();
		seg(true, "GET /description.xml HTTP/1.1\r\nHost: 10.0.0.2\r\n\r\n");
		nrec = 0;
		segn(false, resp, (size_t)cut);
		segn(false, resp + cut, (size_t)n - (size_t)cut);
		check_upnp(1); /* before flow_end: Content-Length completes it */
		flow_end();
		CHECK_INT(nrec, 4); /* not reported twice */
	}
	/* the same body twice on a keep-alive connection: reported twice */
	flow_begin();
	seg(false, resp);
	seg(false, resp);
	CHECK_INT(nrec, 8);
	/* no state: a body inside the one segment is still read */
	stateless = true;
	flow_begin();
	seg(false, resp);
	flow_end();
	check_upnp(1);
	stateless = false;
}

static void test_upnp_chunked(void)
{
	char resp[4096];
	size_t half = strlen(xml_body) / 2;
	int n = snprintf(resp, sizeof resp,
			 "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
			 "%zx;ext=1\r\n%.*s\r\n%zX\r\n%s\r\n0\r\nX-Trailer: 1\r\n\r\n"
			 "HTTP/1.1 200 OK\r\nServer: next/1\r\nContent-Length: 0\r\n\r\n",
			 half, (int)half, xml_body, strlen(xml_body) - half, xml_body + half);
	for (int cut = 0; cut <= n; cut += 7) {
		flow_begin();
		segn(false, resp, (size_t)cut);
		segn(false, resp + cut, (size_t)n - (size_t)cut);
		check_upnp(1);
		CHECK_STR(val(FACT_SERVER_BANNER), "next/1");
	}
}

static void test_upnp_until_close(void)
{
	/* no Content-Length, no Content-Type: sniffed, read at the end of the flow */
	char resp[2048];
	snprintf(resp, sizeof resp, "HTTP/1.0 200 OK\r\n\r\n%s", xml_body);
	flow_begin();
	seg(false, resp);
	CHECK_INT(nrec, 0);
	flow_end();
	check_upnp(0);
	/* not XML by type: ignored */
	snprintf(resp, sizeof resp, "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n%s", xml_body);
	flow_begin();
	seg(false, resp);
	flow_end();
	CHECK_INT(nrec, 0);
	/* error status: ignored */
	snprintf(resp, sizeof resp, "HTTP/1.0 404 Not Found\r\nContent-Type: text/xml\r\n\r\n%s", xml_body);
	flow_begin();
	seg(false, resp);
	flow_end();
	CHECK_INT(nrec, 0);
	/* cut short by the end of the flow: what is there is read */
	snprintf(resp, sizeof resp, "HTTP/1.1 200 OK\r\nContent-Length: 9999\r\n\r\n%.*s", 200, xml_body);
	flow_begin();
	seg(false, resp);
	flow_end();
	CHECK_STR(val(FACT_MANUFACTURER), "Philips");
}

static void test_head_and_no_body(void)
{
	char resp[2048];
	int n = snprintf(resp, sizeof resp,
			 "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\nServer: a\r\n\r\n"
			 "HTTP/1.1 304 Not Modified\r\nServer: b\r\n\r\n"
			 "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\nContent-Type: text/xml\r\n\r\n%s",
			 strlen(xml_body), xml_body);
	flow_begin();
	seg(true, "HEAD / HTTP/1.1\r\n\r\n");
	segn(false, resp, (size_t)n);
	CHECK_INT(count(FACT_SERVER_BANNER), 2);
	CHECK_STR(val(FACT_MANUFACTURER), "Philips");
}

static void test_big_body(void)
{
	/* 20 KiB description: the fields are in the first 12 KiB kept */
	size_t pad = 20000;
	char *body = malloc(pad + 512);
	int n = snprintf(body, 512, "<root><device><manufacturer>Big</manufacturer><!--");
	memset(body + n, 'x', pad);
	strcpy(body + n + pad, "--></device></root>");
	size_t blen = strlen(body);
	char hdr[128];
	snprintf(hdr, sizeof hdr, "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: %zu\r\n\r\n", blen);
	flow_begin();
	seg(false, hdr);
	for (size_t off = 0; off < blen; off += 1460)
		segn(false, body + off, blen - off < 1460 ? blen - off : 1460);
	flow_end();
	CHECK_INT(nrec, 1);
	CHECK_STR(val(FACT_MANUFACTURER), "Big");
	free(body);
}

static void test_huge_headers(void)
{
	size_t big = 100000;
	char *r = malloc(big + 64);
	strcpy(r, "GET / HTTP/1.1\r\nUser-Agent: ");
	size_t n = strlen(r);
	memset(r + n, 'U', big);
	strcpy(r + n + big, "\r\nHost: h\r\n\r\n");
	size_t len = strlen(r);
	/* in one segment: reported whole (the engine bounds it) */
	flow_begin();
	segn(true, r, len);
	CHECK_INT(nrec, 2);
	CHECK_INT(get(FACT_USER_AGENT)->len, big);
	CHECK_STR(val(FACT_HTTP_HOST), "h");
	/* across segments: cut to the line buffer, and the next header still parsed */
	flow_begin();
	for (size_t off = 0; off < len; off += 1000)
		segn(true, r + off, len - off < 1000 ? len - off : 1000);
	CHECK_INT(nrec, 2);
	CHECK(get(FACT_USER_AGENT)->len < 1024);
	CHECK_STR(val(FACT_HTTP_HOST), "h");
	free(r);
}

static void test_truncation_and_garbage(void)
{
	char resp[2048];
	int n = snprintf(resp, sizeof resp,
			 "HTTP/1.1 200 OK\r\nServer: S\r\nContent-Type: text/xml\r\nContent-Length: %zu\r\n\r\n%s",
			 strlen(xml_body), xml_body);
	for (int cut = 0; cut <= n; cut++) {
		flow_begin();
		segn(false, resp, (size_t)cut);
		flow_end();
		for (int i = 0; i < nrec; i++)
			CHECK(strstr(resp, recs[i].value) != NULL || recs[i].kind == FACT_MODEL);
	}
	size_t len = strlen(request);
	for (size_t cut = 0; cut <= len; cut++) {
		flow_begin();
		segn(true, request, cut);
		flow_end();
		const struct rec *l = get(FACT_LOGIN);
		CHECK(!l || strcmp(l->secret, "password") == 0);
	}
	/* binary junk, lying lengths, bad chunk sizes: no crash, no facts */
	const char *junk[] = {
		"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n<root>",
		"HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n<root>",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n<root>",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n<root>",
		"HTTP/1.1 2x0 OK\r\n\r\n<root>",
		"HTTP/1.1\r\n\r\n",
		"\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00\n\n\n",
	};
	for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
		flow_begin();
		seg(false, junk[i]);
		seg(true, junk[i]);
		flow_end();
		CHECK_INT(count(FACT_MANUFACTURER), 0);
	}
}

static void test_resync_and_stateless(void)
{
	/* joined mid-stream: body bytes first, then a real request */
	flow_begin();
	seg(true, "xx: not a header\r\nHost: nope\r\n\r\n");
	seg(true, request);
	check_request_facts();
	stateless = true;
	flow_begin();
	seg(true, request);
	flow_end();
	check_request_facts();
	stateless = false;
}

static void test_match(void)
{
	struct dissect_input in = { .server_port = 49155 };
	CHECK(dissector_http.match(&in));
	in.server_port = 8443;
	CHECK(!dissector_http.match(&in));
	in.payload = (const uint8_t *)"GET / HTTP/1.1\r\n";
	in.len = 16;
	CHECK(dissector_http.match(&in));
	in.len = 3; /* "GET" without the space */
	CHECK(!dissector_http.match(&in));
	in.payload = (const uint8_t *)"HTTP/1.1 200 OK\r\n";
	in.len = 17;
	CHECK(dissector_http.match(&in));
	CHECK(dissector_http.state_size <= DISSECT_STATE_MAX);
}

int main(void)
{
	test_request();
	test_response_headers();
	test_basic_auth();
	test_upnp_content_length();
	test_upnp_chunked();
	test_upnp_until_close();
	test_head_and_no_body();
	test_big_body();
	test_huge_headers();
	test_truncation_and_garbage();
	test_resync_and_stateless();
	test_match();
	free(state);
	return test_summary();
}
