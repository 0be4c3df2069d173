/* test_wan_exposure.c - the wan-exposure detector through the real engine:
 * refused and half-open connections from outside are not exposure, an
 * established one is (critical or high by port); local peers, ports not
 * listed, UDP answered or not, one event per (device, port) with repeats
 * and updated counts, and the ports parameters. */
#include "access_harness.h"

static void session(struct engine *e, const struct host *c, const struct host *s, uint16_t port, int data)
{
	uint16_t cp = h_next_port();
	h_handshake(e, c, cp, s, port);
	for (int i = 0; i < data; i++) {
		h_tcp(e, c, cp, s, port, 0x18, "GET / HTTP/1.0\r\n\r\n");
		h_tcp(e, s, port, c, cp, 0x18, "HTTP/1.0 200 OK\r\n\r\n");
	}
	h_close(e, c, cp, s, port);
}

static void test_handshake_decides(void)
{
	struct engine *e = h_engine_ok("wan-exposure", NULL, NULL);
	h_refused(e, &WAN1, &CAM, 23);
	uint16_t cp = h_next_port();
	h_tcp(e, &WAN1, cp, &CAM, 23, 0x02, NULL);
	h_tcp(e, &CAM, 23, &WAN1, cp, 0x12, NULL); /* no final ACK */
	CHECK_INT(h_count("wan-exposure"), 0);
	session(e, &WAN1, &CAM, 23, 0);
	CHECK_INT(h_count("wan-exposure"), 1);
	json_t *ev = h_find("wan-exposure", 0);
	H_CHECK_HEAD(ev, "critical", "7,14,21", CAM.ip, WAN1.ip);
	CHECK_INT(h_int(ev, "port"), 23);
	CHECK_STR(h_str(ev, "transport"), "tcp");
	CHECK_STR(h_str(ev, "service"), "telnet");
	CHECK_INT(h_int(ev, "connections"), 1);
	CHECK_INT(h_int(ev, "remote_peers"), 1);
	CHECK_STR(json_string_value(json_array_get(eh_evidence(ev, "peer_samples"), 0)), WAN1.ip);
	CHECK(h_str(ev, "first_seen") && h_str(ev, "last_seen"));
	session(e, &WAN2, &CAM, 443, 3);
	CHECK_INT(h_count("wan-exposure"), 2);
	CHECK_STR(h_sev(h_find("wan-exposure", 1)), "high");
	CHECK_STR(h_str(h_find("wan-exposure", 1), "service"), "https");
	/* local clients, outbound connections and unlisted ports are not exposure */
	session(e, &PC, &CAM, 80, 1);
	session(e, &CAM, &WAN1, 23, 1);
	session(e, &WAN1, &CAM, 4444, 1);
	session(e, &WAN1, &WAN2, 23, 1);
	engine_finish(e);
	CHECK_INT(h_count("wan-exposure"), 2);
	h_done(e);
}

static void test_repeat_and_counts(void)
{
	struct engine *e = h_engine_ok("wan-exposure", "wan-exposure.repeat = 60\n", NULL);
	session(e, &WAN1, &CAM, 8080, 20); /* many packets: one connection */
	session(e, &WAN2, &CAM, 8080, 1);
	session(e, &WAN1, &CAM, 8080, 1);
	CHECK_INT(h_count("wan-exposure"), 1);
	h_wait(59);
	session(e, &WAN3, &CAM, 8080, 1);
	CHECK_INT(h_count("wan-exposure"), 1);
	h_wait(2);
	session(e, &WAN3, &CAM, 8080, 1);
	CHECK_INT(h_count("wan-exposure"), 2);
	json_t *ev = h_find("wan-exposure", 1);
	CHECK_INT(h_int(ev, "report"), 2);
	CHECK_INT(h_int(ev, "connections"), 5);
	CHECK_INT(h_int(ev, "remote_peers"), 3);
	CHECK_INT(json_array_size(eh_evidence(ev, "peer_samples")), 3);
	CHECK_STR(h_sev(ev), "high");
	h_wait(10);
	session(e, &WAN3, &CAM, 8080, 1);
	engine_finish(e);
	CHECK_INT(h_count("wan-exposure"), 2);
	h_done(e);

	e = h_engine_ok("wan-exposure", NULL, NULL); /* default repeat: a day */
	session(e, &WAN1, &CAM, 5555, 0);
	h_wait(3600);
	session(e, &WAN2, &CAM, 5555, 0);
	engine_finish(e);
	CHECK_INT(h_count("wan-exposure"), 1);
	CHECK_STR(h_sev(h_find("wan-exposure", 0)), "critical");
	h_done(e);
}

static void test_udp(void)
{
	struct engine *e = h_engine_ok("wan-exposure", NULL, NULL);
	h_udp(e, &WAN1, 40001, &CAM, 1900, "M-SEARCH * HTTP/1.1\r\nST: ssdp:all\r\n\r\n");
	CHECK_INT(h_count("wan-exposure"), 0); /* not answered (yet) */
	h_udp(e, &CAM, 1900, &WAN1, 40001, "HTTP/1.1 200 OK\r\nST: upnp:rootdevice\r\n\r\n");
	CHECK_INT(h_count("wan-exposure"), 1);
	json_t *ev = h_find("wan-exposure", 0);
	CHECK_STR(h_str(ev, "transport"), "udp");
	CHECK_INT(h_int(ev, "port"), 1900);
	CHECK_STR(h_sev(ev), "high");
	h_udp(e, &WAN2, 40002, &CAM, 1900, "M-SEARCH * HTTP/1.1\r\n\r\n"); /* never answered */
	h_udp(e, &WAN2, 40003, &CAM, 5353, "x");
	h_udp(e, &CAM, 5353, &WAN2, 40003, "y"); /* 5353/udp is not listed */
	engine_finish(e);
	CHECK_INT(h_count("wan-exposure"), 1);
	h_done(e);
}

static void test_parameters(void)
{
	char err[256];
	struct engine *e =
		h_engine_ok("wan-exposure", "wan-exposure.ports = 4444, 23\nwan-exposure.critical_ports = 4444\n", NULL);
	session(e, &WAN1, &CAM, 4444, 0);
	session(e, &WAN1, &CAM, 23, 0);
	session(e, &WAN1, &CAM, 443, 0);
	engine_finish(e);
	CHECK_INT(h_count("wan-exposure"), 2);
	CHECK_STR(h_sev(h_find("wan-exposure", 0)), "critical");
	CHECK_STR(h_str(h_find("wan-exposure", 0), "service"), "tcp");
	CHECK_STR(h_sev(h_find("wan-exposure", 1)), "high");
	h_done(e);
	static const char *bad[] = {
		"wan-exposure.ports = 23,telnet\n", "wan-exposure.ports = 0\n", "wan-exposure.ports = 23/sctp\n",
		"wan-exposure.critical_ports = 99999\n", "wan-exposure.repeat = -1\n", "wan-exposure.port = 23\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		e = h_engine("wan-exposure", bad[i], NULL, err, sizeof err);
		CHECK(e == NULL);
		h_done(e);
	}
}

int main(void)
{
	setenv("KOBAN_OUI_FILE", "/usr/share/ieee-data/oui.csv", 0);
	test_handshake_decides();
	test_repeat_and_counts();
	test_udp();
	test_parameters();
	json_decref(h_events);
	return test_summary();
}
