/* test_default_credential.c - the default-credential detector through the
 * real engine with the shipped list (data/default-credentials): a listed
 * pair and one that is not, from inside and from outside, the settle time
 * (a pair followed by another credential was refused), guessing, one event
 * per (device, port, entry), HTTP Basic and FTP, no intel, parameters, and
 * the password never written. */
#include "access_harness.h"

static struct intel *in;

static unsigned entry_of(const char *user, const char *pass)
{
	const struct credential *c = intel_match_credential(in, user, pass, strlen(pass));
	return c ? c->entry : 0;
}

static void test_local_login(void)
{
	struct engine *e = h_engine_ok("default-credential", NULL, in);
	h_telnet_login(e, &PC, &CAM, 23, "root", "xc3511");
	CHECK_INT(h_count("default-credential"), 0); /* waits for the settle time */
	h_telnet_login(e, &PC, &CAM, 23, "root", "not-a-default-pw-31");
	engine_finish(e);
	CHECK_INT(h_count("default-credential"), 0); /* the client moved on: refused */
	h_done(e);

	e = h_engine_ok("default-credential", NULL, in);
	h_telnet_login(e, &PC, &CAM, 23, "root", "xc3511");
	h_wait(29);
	h_tick(e);
	CHECK_INT(h_count("default-credential"), 0);
	h_wait(2);
	h_tick(e);
	CHECK_INT(h_count("default-credential"), 1);
	json_t *ev = h_find("default-credential", 0);
	H_CHECK_HEAD(ev, "high", "4,15", CAM.ip, PC.ip);
	CHECK_INT(h_int(ev, "entry"), entry_of("root", "xc3511"));
	CHECK(entry_of("root", "xc3511") > 0);
	CHECK_STR(h_str(ev, "user"), "root");
	CHECK(h_str(ev, "list_source") && strstr(h_str(ev, "list_source"), "Mirai"));
	CHECK_STR(h_str(ev, "protocol"), "telnet");
	CHECK_INT(h_int(ev, "port"), 23);
	CHECK_INT(h_int(ev, "credentials_tried"), 1);
	CHECK(json_is_false(eh_evidence(ev, "guessing")));
	CHECK(json_is_false(eh_evidence(ev, "from_outside")));
	/* the same pair again on the same device and port: no second event */
	h_telnet_login(e, &PC2, &CAM, 23, "root", "xc3511");
	h_wait(40);
	h_tick(e);
	engine_finish(e);
	CHECK_INT(h_count("default-credential"), 1);
	CHECK(h_secret_absent("xc3511"));
	h_done(e);
}

static void test_not_listed(void)
{
	struct engine *e = h_engine_ok("default-credential", NULL, in);
	h_telnet_login(e, &PC, &CAM, 23, "root", "Tr1cky-unique-pass");
	h_telnet_login(e, &PC, &CAM, 2323, "xc3511", "root"); /* swapped pair */
	h_http_basic(e, &PC, &CAM, 80, "admin", "admin-but-longer", 2);
	h_telnet_login(e, &CAM, &WAN2, 23, "root", "xc3511"); /* the server is not a local device */
	engine_finish(e);
	CHECK_INT(h_count("default-credential"), 0);
	h_done(e);
}

static void test_from_outside_and_guessing(void)
{
	char kp[32];
	struct engine *e = h_engine_ok("default-credential", NULL, in);
	h_telnet_login(e, &WAN1, &CAM, 23, "root", "xc3511");
	h_wait(31);
	h_tick(e);
	CHECK_INT(h_count("default-credential"), 1);
	json_t *ev = h_find("default-credential", 0);
	CHECK_STR(h_sev(ev), "critical");
	CHECK_STR(h_kps(ev, kp, sizeof kp), "4,15,21");
	CHECK(json_is_true(eh_evidence(ev, "from_outside")));
	/* another client guesses on another port and ends with a listed pair */
	h_telnet_login(e, &WAN2, &CAM, 2323, "root", "guess-a");
	h_telnet_login(e, &WAN2, &CAM, 2323, "admin", "guess-b");
	h_telnet_login(e, &WAN2, &CAM, 2323, "root", "guess-c");
	h_telnet_login(e, &WAN2, &CAM, 2323, "admin", "guess-d");
	h_telnet_login(e, &WAN2, &CAM, 2323, "admin", "admin");
	engine_finish(e);
	CHECK_INT(h_count("default-credential"), 2);
	ev = h_find("default-credential", 1);
	CHECK_STR(h_sev(ev), "high"); /* one lower: tried during guessing */
	CHECK(json_is_true(eh_evidence(ev, "guessing")));
	CHECK_INT(h_int(ev, "credentials_tried"), 5);
	CHECK_INT(h_int(ev, "port"), 2323);
	CHECK_INT(h_int(ev, "entry"), entry_of("admin", "admin"));
	CHECK(h_secret_absent("xc3511") && h_secret_absent("guess-"));
	h_done(e);
}

static void test_http_ftp_and_ports(void)
{
	struct engine *e = h_engine_ok("default-credential", NULL, in);
	h_http_basic(e, &PC, &CAM, 80, "admin", "admin", 5); /* the same header on every request */
	h_ftp_login(e, &PC, &CAM, "root", "xc3511");
	h_telnet_login(e, &PC, &CAM, 23, "root", "xc3511");
	engine_finish(e);
	CHECK_INT(h_count("default-credential"), 3);
	CHECK_STR(h_str(h_find("default-credential", 0), "protocol"), "http-basic");
	CHECK_INT(h_int(h_find("default-credential", 0), "port"), 80);
	CHECK_STR(h_str(h_find("default-credential", 1), "protocol"), "ftp");
	CHECK_STR(h_str(h_find("default-credential", 2), "protocol"), "telnet");
	CHECK(h_secret_absent("xc3511") && h_secret_absent("YWRtaW46YWRtaW4=")); /* nor its Base64 form */
	h_done(e);
}

/* A person who mistypes twice and then gets in is not guessing. */
static void test_typos(void)
{
	struct engine *e = h_engine_ok("default-credential", NULL, in);
	h_telnet_login(e, &PC, &CAM, 23, "root", "xc351");
	h_telnet_login(e, &PC, &CAM, 23, "root", "xc3512");
	h_telnet_login(e, &PC, &CAM, 23, "root", "xc3511");
	engine_finish(e);
	CHECK_INT(h_count("default-credential"), 1);
	json_t *ev = h_find("default-credential", 0);
	CHECK_STR(h_sev(ev), "high");
	CHECK_INT(h_int(ev, "credentials_tried"), 3);
	CHECK(json_is_false(eh_evidence(ev, "guessing")));
	h_done(e);
	e = h_engine_ok("default-credential", "default-credential.guessing = 3\n", in);
	h_telnet_login(e, &PC, &CAM, 23, "root", "xc351");
	h_telnet_login(e, &PC, &CAM, 23, "root", "xc3512");
	h_telnet_login(e, &PC, &CAM, 23, "root", "xc3511");
	engine_finish(e);
	CHECK_STR(h_sev(h_find("default-credential", 0)), "medium");
	CHECK(h_secret_absent("xc351"));
	h_done(e);
}

static void test_settle_parameter_and_no_intel(void)
{
	char err[256];
	struct engine *e = h_engine_ok("default-credential", "default-credential.settle = 0\n", in);
	h_telnet_login(e, &PC, &CAM, 23, "root", "vizxv");
	CHECK_INT(h_count("default-credential"), 1);
	h_done(e);
	e = h_engine("default-credential", "default-credential.settle = soon\n", in, err, sizeof err);
	CHECK(e == NULL);
	h_done(e);
	e = h_engine("default-credential", "default-credential.guessing = 1\n", in, err, sizeof err);
	CHECK(e == NULL);
	h_done(e);
	e = h_engine_ok("default-credential", NULL, NULL);
	h_telnet_login(e, &WAN1, &CAM, 23, "root", "xc3511");
	engine_finish(e);
	CHECK_INT(h_count("default-credential"), 0);
	h_done(e);
}

int main(void)
{
	setenv("KOBAN_OUI_FILE", "/usr/share/ieee-data/oui.csv", 0);
	in = h_intel();
	CHECK(in != NULL);
	CHECK(in && intel_credential_count(in) > 0);
	if (in && intel_credential_count(in) > 0) {
		test_local_login();
		test_not_listed();
		test_from_outside_and_guessing();
		test_http_ftp_and_ports();
		test_typos();
		test_settle_parameter_and_no_intel();
	}
	intel_free(in);
	json_decref(h_events);
	return test_summary();
}
