/* test_ssdp.c - unit tests for the SSDP dissector (proto/ssdp.c): NOTIFY,
 * M-SEARCH and search responses, header case, hostile datagrams. */
#include <netinet/in.h>
#include <stdlib.h>

#define FACT_VALUE_MAX 512
#include "datagram_run.h"
#include "proto/protocols.h"
#include "test.h"

/* One datagram from sport to dport. */
static void datagram(const char *p, size_t len, uint16_t sport, uint16_t dport)
{
	datagram_run(&dissector_ssdp, p, len, sport, dport, dport);
}

static const char notify[] =
	"NOTIFY * HTTP/1.1\r\n"
	"HOST: 239.255.255.250:1900\r\n"
	"CACHE-CONTROL: max-age=1800\r\n"
	"location: http://192.168.1.1:5000/rootDesc.xml\r\n"
	"Server: Linux/3.4 UPnP/1.0 MiniUPnPd/2.1\r\n"
	"NT: upnp:rootdevice\r\n"
	"USN:uuid:1c5a6f6e-0000-0000-0000-000000000001::upnp:rootdevice\r\n"
	"NTS: ssdp:alive\r\n"
	"\r\n";

static void test_notify(void)
{
	datagram(notify, strlen(notify), 1900, 1900);
	CHECK_INT(nrec, 3);
	CHECK_STR(val(FACT_SERVER_BANNER), "Linux/3.4 UPnP/1.0 MiniUPnPd/2.1");
	CHECK_STR(val(FACT_UPNP_LOCATION), "http://192.168.1.1:5000/rootDesc.xml");
	CHECK_STR(val(FACT_UPNP_USN), "uuid:1c5a6f6e-0000-0000-0000-000000000001::upnp:rootdevice");
	CHECK_INT(get(FACT_SERVER_BANNER)->port, 1900);
	for (int i = 0; i < nrec; i++) {
		CHECK_INT(recs[i].about, ABOUT_SRC);
		CHECK_STR(recs[i].proto, "ssdp");
	}
}

static void test_msearch(void)
{
	const char *m = "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\n"
			"MX: 1\r\nST: ssdp:all\r\nuser-agent:  Google Chrome/120.0 Windows \t\r\n"
			"SERVER: ignored in a search\r\n\r\n";
	datagram(m, strlen(m), 50000, 1900);
	CHECK_INT(nrec, 1);
	CHECK_STR(val(FACT_USER_AGENT), "Google Chrome/120.0 Windows");
	CHECK_INT(recs[0].about, ABOUT_SRC);
}

static void test_response(void)
{
	/* LF-only lines, no final blank line, odd header spacing, last line cut */
	const char *r = "HTTP/1.1 200 OK\nCACHE-CONTROL: max-age=120\nST: upnp:rootdevice\n"
			"LOCATION:http://10.0.0.5:49152/description.xml\nSERVER : not a header\n"
			"server: Linux UPnP/1.0 Sonos/70.3\nUSN:\nEXT:\nUSN: uuid:cut-of";
	datagram(r, strlen(r), 1900, 50000);
	CHECK_INT(nrec, 2);
	CHECK_STR(val(FACT_UPNP_LOCATION), "http://10.0.0.5:49152/description.xml");
	CHECK_STR(val(FACT_SERVER_BANNER), "Linux UPnP/1.0 Sonos/70.3");

	const char *e = "HTTP/1.1 404 Not Found\r\nSERVER: x\r\n\r\n";
	datagram(e, strlen(e), 1900, 50000);
	CHECK_INT(nrec, 0);
	const char *g = "GET / HTTP/1.1\r\nSERVER: x\r\n\r\n";
	datagram(g, strlen(g), 1900, 50000);
	CHECK_INT(nrec, 0);
}

static void test_stops_at_blank_line(void)
{
	const char *m = "NOTIFY * HTTP/1.1\r\nNTS: ssdp:byebye\r\n\r\nSERVER: body\r\n";
	datagram(m, strlen(m), 1900, 1900);
	CHECK_INT(nrec, 0);
}

static void test_hostile(void)
{
	size_t len = strlen(notify);
	for (size_t cut = 0; cut <= len; cut++) {
		datagram(notify, cut, 1900, 1900);
		for (int i = 0; i < nrec; i++) { /* a cut line is not reported */
			char want[600];
			snprintf(want, sizeof want, "%s\r\n", recs[i].value);
			CHECK(strstr(notify, want) != NULL);
		}
	}
	/* a huge header line, NULs and binary in values */
	size_t big = 70000;
	char *p = malloc(big);
	memcpy(p, "NOTIFY * HTTP/1.1\r\nSERVER: ", 27);
	memset(p + 27, 'A', big - 27);
	p[1000] = '\0';
	p[1001] = (char)0xff;
	p[big - 1] = '\n';
	datagram(p, big, 1900, 1900);
	CHECK_INT(nrec, 1);
	free(p);
	datagram("", 0, 1900, 1900);
	CHECK_INT(nrec, 0);
}

static void test_match(void)
{
	struct packet pkt = { .has_l4 = true, .src_port = 1900, .dst_port = 40000 };
	struct dissect_input in = { .pkt = &pkt, .server_port = 40000 };
	CHECK(dissector_ssdp.match(&in));
	pkt.src_port = 40001;
	CHECK(!dissector_ssdp.match(&in));
	in.server_port = 1900;
	CHECK(dissector_ssdp.match(&in));
	in.pkt = NULL;
	CHECK(dissector_ssdp.match(&in));
	CHECK_INT(dissector_ssdp.l4_proto, IPPROTO_UDP);
}

int main(void)
{
	test_notify();
	test_msearch();
	test_response();
	test_stops_at_blank_line();
	test_hostile();
	test_match();
	return test_summary();
}
