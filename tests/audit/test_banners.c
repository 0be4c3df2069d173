/* test_banners.c - the parsers of what surveyed services answer: TELNET
 * negotiation and prompts, SSH identification, FTP replies, HTTP/RTSP
 * responses and challenges, MQTT CONNECT/CONNACK, SSDP and LOCATION URLs,
 * UPnP descriptions and TLS certificate facts. */
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <stdlib.h>

#include "audit/banner.h"
#include "test.h"

static void test_telnet(void)
{
	const uint8_t in[] = {0xff, 0xfd, 0x18, 0xff, 0xfb, 0x01, 'h', 'i', 0xff, 0xff, 0xff, 0xfa, 0x18, 0x01,
			      0xff, 0xf0, '\r', '\n', 'l', 'o', 'g', 'i', 'n', ':', ' ', 0};
	char out[64];
	uint8_t reply[32];
	size_t rl;
	size_t n = telnet_filter(in, sizeof in, out, sizeof out, reply, sizeof reply, &rl);
	CHECK_INT(n, 12);
	CHECK(memcmp(out, "hi\xff\r\nlogin: ", 12) == 0);
	const uint8_t want[] = {0xff, 0xfc, 0x18, 0xff, 0xfe, 0x01}; /* WONT TTYPE, DONT ECHO */
	CHECK_INT(rl, 6);
	CHECK(memcmp(reply, want, 6) == 0);
	/* truncated sequences do not read past the end */
	const uint8_t cut[] = {'a', 0xff, 0xfd};
	CHECK_INT(telnet_filter(cut, sizeof cut, out, sizeof out, reply, sizeof reply, &rl), 1);
	CHECK_INT(telnet_classify("ipcam-01 login: ", 16), TN_LOGIN);
	CHECK_INT(telnet_classify("Username:", 9), TN_LOGIN);
	CHECK_INT(telnet_classify("\r\nPassword: ", 12), TN_PASSWORD);
	CHECK_INT(telnet_classify("BusyBox\r\n# ", 11), TN_SHELL);
	CHECK_INT(telnet_classify("user@cam:~$ ", 12), TN_SHELL);
	CHECK_INT(telnet_classify("\r\nLogin incorrect\r\n", 19), TN_FAILED);
	CHECK_INT(telnet_classify("Welcome", 7), TN_NOTHING);
	CHECK_INT(telnet_classify("#", 1), TN_NOTHING); /* no space after it yet */
	CHECK_INT(telnet_classify("", 0), TN_NOTHING);
}

static void test_ssh_ftp(void)
{
	char sw[64], text[64];
	const char id[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n";
	CHECK(ssh_parse_ident(id, sizeof id - 1, sw, sizeof sw));
	CHECK_STR(sw, "OpenSSH_9.2p1 Debian-2+deb12u3");
	const char pre[] = "hello\r\nSSH-1.99-dropbear_2019.78\n";
	CHECK(ssh_parse_ident(pre, sizeof pre - 1, sw, sizeof sw));
	CHECK_STR(sw, "dropbear_2019.78");
	CHECK(!ssh_parse_ident("HTTP/1.1 400\r\n", 14, sw, sizeof sw));
	size_t used;
	const char one[] = "220 (vsFTPd 3.0.3)\r\n331 next";
	CHECK_INT(ftp_parse_reply(one, sizeof one - 1, text, sizeof text, &used), 220);
	CHECK_STR(text, "(vsFTPd 3.0.3)");
	CHECK_INT(used, 20);
	const char multi[] = "230-Welcome\r\n230-more\r\n230 Login successful.\r\n";
	CHECK_INT(ftp_parse_reply(multi, sizeof multi - 1, text, sizeof text, &used), 230);
	CHECK_INT(used, sizeof multi - 1);
	CHECK_INT(ftp_parse_reply("230-Welcome\r\n", 13, text, sizeof text, &used), 0);
	CHECK_INT(ftp_parse_reply("220 partial", 11, text, sizeof text, &used), 0);
	CHECK_INT(ftp_parse_reply("SSH-2.0-x\r\n", 11, text, sizeof text, &used), -1);
}

static void test_http(void)
{
	const char r[] = "HTTP/1.1 401 Unauthorized\r\nServer: lighttpd/1.4\r\n"
			 "WWW-Authenticate: Basic realm=\"IPCAM\", charset=\"UTF-8\"\r\n"
			 "WWW-Authenticate: Digest realm=\"cam\", nonce=\"abc123\", qop=\"auth,auth-int\", opaque=\"xyz\", algorithm=MD5\r\n"
			 "Content-Length: 40\r\n\r\n<html><TITLE>Login\x01 page</title></html>";
	struct http_facts h;
	struct http_challenge ch;
	CHECK_INT(http_parse_response(r, sizeof r - 1, &h, &ch), 401);
	CHECK_STR(h.server, "lighttpd/1.4");
	CHECK_STR(h.title, "Login? page");
	CHECK_STR(ch.scheme, "Digest"); /* preferred */
	CHECK_STR(ch.realm, "cam");
	CHECK_STR(ch.nonce, "abc123");
	CHECK_STR(ch.qop, "auth,auth-int");
	CHECK_STR(ch.opaque, "xyz");
	CHECK_STR(ch.algorithm, "MD5");
	CHECK_STR(h.auth_scheme, "Digest");
	CHECK(http_headers_done(r, sizeof r - 1));
	CHECK(!http_headers_done("HTTP/1.1 200 OK\r\nA: b\r\n", 23));
	const char rtsp[] = "RTSP/1.0 200 OK\r\nCSeq: 2\r\nServer: Hipcam RealServer/V1.0\r\n\r\n";
	CHECK_INT(http_parse_response(rtsp, sizeof rtsp - 1, &h, NULL), 200);
	CHECK_STR(h.server, "Hipcam RealServer/V1.0");
	CHECK_INT(http_parse_response("SSH-2.0-x", 9, &h, NULL), -1);
	CHECK_INT(http_parse_response("HTTP/1.1 2", 10, &h, NULL), -1);
}

static void test_mqtt(void)
{
	uint8_t pkt[300];
	size_t n = mqtt_build_connect(pkt, sizeof pkt, "koban-audit", NULL, NULL);
	const uint8_t want[] = {0x10, 23, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 10, 0, 11};
	CHECK_INT(n, 25);
	CHECK(memcmp(pkt, want, sizeof want) == 0);
	n = mqtt_build_connect(pkt, sizeof pkt, "k", "admin", "admin");
	CHECK_INT(pkt[9], 0xc2);
	CHECK_INT(n, 2 + 10 + 3 + 7 + 7);
	char longuser[200];
	memset(longuser, 'u', sizeof longuser - 1);
	longuser[sizeof longuser - 1] = '\0';
	n = mqtt_build_connect(pkt, sizeof pkt, "k", longuser, "p");
	CHECK(n > 200 && pkt[1] & 0x80); /* two-byte remaining length */
	CHECK_INT(mqtt_build_connect(pkt, 10, "k", "a", "b"), 0);
	const uint8_t ok[] = {0x20, 2, 0, 0}, no[] = {0x20, 2, 0, 5};
	CHECK_INT(mqtt_parse_connack(ok, 4), 0);
	CHECK_INT(mqtt_parse_connack(no, 4), 5);
	CHECK_INT(mqtt_parse_connack(ok, 3), -2);
	CHECK_INT(mqtt_parse_connack((const uint8_t *)"HTTP", 4), -1);
}

static void test_ssdp_upnp(void)
{
	const char r[] = "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nLOCATION: http://192.168.1.20:49152/desc.xml\r\n"
			 "SERVER: Linux/3.10 UPnP/1.0 IPCam/5.4.5\r\nST: upnp:rootdevice\r\n\r\n";
	char loc[128], srv[128], path[64];
	CHECK(ssdp_parse_response(r, sizeof r - 1, loc, sizeof loc, srv, sizeof srv));
	CHECK_STR(loc, "http://192.168.1.20:49152/desc.xml");
	CHECK_STR(srv, "Linux/3.10 UPnP/1.0 IPCam/5.4.5");
	struct kaddr ip;
	uint16_t port;
	char a[KADDR_STRLEN];
	CHECK(url_parse_http(loc, &ip, &port, path, sizeof path));
	CHECK_STR(kaddr_str(&ip, a, sizeof a), "192.168.1.20");
	CHECK_INT(port, 49152);
	CHECK_STR(path, "/desc.xml");
	CHECK(!ssdp_parse_response("NOTIFY * HTTP/1.1\r\n\r\n", 21, loc, sizeof loc, srv, sizeof srv));
	CHECK(url_parse_http("http://[fd00::5]/", &ip, &port, path, sizeof path));
	CHECK_INT(port, 80);
	CHECK(!url_parse_http("http://evil.example/desc.xml", &ip, &port, path, sizeof path)); /* no names */
	CHECK(!url_parse_http("http://192.168.1.20:0/", &ip, &port, path, sizeof path));
	CHECK(!url_parse_http("ftp://192.168.1.20/", &ip, &port, path, sizeof path));
	const char xml[] = "<root><device><manufacturer>Hikvision</manufacturer><modelName>DS-2CD2042WD-I</modelName>"
			   "<firmwareVersion>V5.4.5 build 170124</firmwareVersion></device></root>";
	struct audit_host h = {0};
	upnp_description_facts(xml, sizeof xml - 1, &h);
	CHECK_STR(h.manufacturer, "Hikvision");
	CHECK_STR(h.model, "DS-2CD2042WD-I");
	CHECK_STR(h.firmware, "V5.4.5 build 170124");
}

/* A self-signed certificate with an RSA key of `bits`, valid from
 * now+start_s for days_s seconds, in DER. */
static int make_cert(int bits, long start_s, long valid_s, unsigned char **der)
{
	EVP_PKEY *k = EVP_RSA_gen((unsigned)bits);
	X509 *x = X509_new();
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), start_s);
	X509_gmtime_adj(X509_getm_notAfter(x), start_s + valid_s);
	X509_set_pubkey(x, k);
	X509_NAME *nm = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC, (const unsigned char *)"cam.lab", -1, -1, 0);
	X509_set_issuer_name(x, nm);
	X509_sign(x, k, EVP_sha256());
	*der = NULL;
	int n = i2d_X509(x, der);
	X509_free(x);
	EVP_PKEY_free(k);
	return n;
}

static void test_tls(void)
{
	unsigned char *der;
	struct tls_facts f = {0};
	int n = make_cert(1024, -86400 * 10, 86400, &der);
	CHECK(tls_cert_facts(der, (size_t)n, time(NULL), &f));
	CHECK(f.self_signed && f.expired && f.weak_key && !f.not_yet_valid);
	CHECK_INT(f.key_bits, 1024);
	CHECK_STR(f.key_type, "RSA");
	CHECK_STR(f.subject, "/CN=cam.lab");
	CHECK_INT(strlen(f.sha256), 64);
	OPENSSL_free(der);
	struct tls_facts g = {0};
	n = make_cert(2048, -60, 86400 * 30, &der);
	CHECK(tls_cert_facts(der, (size_t)n, time(NULL), &g));
	CHECK(g.self_signed && !g.expired && !g.weak_key);
	CHECK(!tls_cert_facts(der, (size_t)n / 2, time(NULL), &g)); /* cut short */
	OPENSSL_free(der);
}

int main(void)
{
	test_telnet();
	test_ssh_ftp();
	test_http();
	test_mqtt();
	test_ssdp_upnp();
	test_tls();
	return test_summary();
}
