/* test_cleartext_admin.c - the cleartext-admin detector through the real
 * engine: a local TELNET/FTP server (one event per device and service, one
 * more when first reached from outside), a local client of a TELNET server
 * outside, refused connections, other ports, and hosts that are not local. */
#include "access_harness.h"

static void session(struct engine *e, const struct host *c, const struct host *s, uint16_t port)
{
	uint16_t cp = h_next_port();
	h_handshake(e, c, cp, s, port);
	h_close(e, c, cp, s, port);
}

static void test_local_server(void)
{
	char kp[32];
	struct engine *e = h_engine_ok("cleartext-admin", NULL, NULL);
	h_refused(e, &PC, &CAM, 23); /* a refused connection: nothing accepted */
	uint16_t cp = h_next_port();
	h_tcp(e, &PC, cp, &CAM, 23, 0x02, NULL);
	h_tcp(e, &CAM, 23, &PC, cp, 0x12, NULL); /* SYN+ACK without the final ACK */
	CHECK_INT(h_count("cleartext-admin"), 0);
	h_telnet_login(e, &PC, &CAM, 23, "root", "pw-1");
	CHECK_INT(h_count("cleartext-admin"), 1);
	json_t *ev = h_find("cleartext-admin", 0);
	H_CHECK_HEAD(ev, "medium", "4,15", CAM.ip, PC.ip);
	CHECK_STR(h_str(ev, "protocol"), "telnet");
	CHECK_STR(h_str(ev, "role"), "server");
	CHECK_STR(h_str(ev, "peer"), PC.ip);
	CHECK_INT(h_int(ev, "port"), 23);
	CHECK(h_str(ev, "first_seen") != NULL);
	CHECK(json_is_false(eh_evidence(ev, "peer_outside")));
	/* more sessions, another local client, the other TELNET port: same service */
	session(e, &PC, &CAM, 23);
	session(e, &PC2, &CAM, 23);
	session(e, &PC2, &CAM, 2323);
	CHECK_INT(h_count("cleartext-admin"), 1);
	/* FTP is another service */
	h_ftp_login(e, &PC, &CAM, "user", "pw-2");
	CHECK_INT(h_count("cleartext-admin"), 2);
	CHECK_STR(h_str(h_find("cleartext-admin", 1), "protocol"), "ftp");
	CHECK_INT(h_int(h_find("cleartext-admin", 1), "port"), 21);
	/* first reached from outside: once more, high */
	session(e, &WAN1, &CAM, 2323);
	CHECK_INT(h_count("cleartext-admin"), 3);
	ev = h_find("cleartext-admin", 2);
	CHECK_STR(h_sev(ev), "high");
	CHECK_STR(h_kps(ev, kp, sizeof kp), "4,14,15");
	CHECK_STR(h_peer_ip(ev), WAN1.ip);
	CHECK(json_is_true(eh_evidence(ev, "peer_outside")));
	session(e, &WAN2, &CAM, 23);
	engine_finish(e);
	CHECK_INT(h_count("cleartext-admin"), 3);
	CHECK(h_secret_absent("pw-1") && h_secret_absent("pw-2"));
	h_done(e);
}

static void test_local_client(void)
{
	struct engine *e = h_engine_ok("cleartext-admin", NULL, NULL);
	h_refused(e, &PC, &WAN2, 23);
	CHECK_INT(h_count("cleartext-admin"), 0);
	session(e, &PC, &WAN2, 23);
	CHECK_INT(h_count("cleartext-admin"), 1);
	json_t *ev = h_find("cleartext-admin", 0);
	H_CHECK_HEAD(ev, "medium", "14,15", PC.ip, WAN2.ip);
	CHECK_STR(h_str(ev, "role"), "client");
	CHECK_INT(json_integer_value(json_object_get(json_object_get(ev, "peer"), "port")), 23);
	session(e, &PC, &WAN1, 23); /* same device, same service */
	session(e, &PC, &WAN1, 21); /* FTP as a client */
	CHECK_INT(h_count("cleartext-admin"), 2);
	/* not TELNET/FTP, or nobody's device */
	session(e, &PC, &WAN1, 22);
	session(e, &PC, &CAM, 80);
	session(e, &WAN1, &WAN2, 23);
	engine_finish(e);
	CHECK_INT(h_count("cleartext-admin"), 2);
	h_done(e);
}

static void test_other_port_by_dissector(void)
{
	struct engine *e = h_engine_ok("cleartext-admin", NULL, NULL);
	uint16_t cp = h_next_port();
	h_handshake(e, &PC, cp, &CAM, 4023);
	CHECK_INT(h_count("cleartext-admin"), 0); /* port 4023 alone says nothing */
	h_tcp(e, &CAM, 4023, &PC, cp, 0x18, "\xff\xfd\x18\xff\xfb\x01"); /* IAC DO TTYPE, IAC WILL ECHO */
	CHECK_INT(h_count("cleartext-admin"), 1);
	CHECK_STR(h_str(h_find("cleartext-admin", 0), "protocol"), "telnet");
	CHECK_INT(h_int(h_find("cleartext-admin", 0), "port"), 4023);
	h_close(e, &PC, cp, &CAM, 4023);
	engine_finish(e);
	CHECK_INT(h_count("cleartext-admin"), 1);
	h_done(e);
}

int main(void)
{
	setenv("KOBAN_OUI_FILE", "/usr/share/ieee-data/oui.csv", 0);
	test_local_server();
	test_local_client();
	test_other_port_by_dissector();
	json_decref(h_events);
	return test_summary();
}
