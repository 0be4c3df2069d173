/* test_firmware.c - the "vulnerable-firmware" and "end-of-support"
 * detectors through the engine: devices describe themselves in UPnP
 * description XML (over HTTP) and are matched against the test's own
 * advisories and end-of-support list: a vulnerable model/firmware gives an
 * event with the right advisory, a fixed version none; end of support is
 * decided by the capture time: ended, inside the warning window, far
 * future, and the window's edges. */
#include "harness_intel.h"

static const char *const ADVISORIES =
	"[{\"id\": \"KOBAN-TEST-1\", \"vendor\": \"Hikvision\", \"product\": \"DS-2CD2032\",\n"
	"  \"affected\": [{\"fixed\": \"5.5.0\"}], \"refs\": [\"JVNVU#99999999\", \"CVE-2021-36260\"],\n"
	"  \"summary\": \"Command injection in the web server (test entry).\", \"severity\": \"critical\",\n"
	"  \"url\": \"https://jvn.jp/vu/JVNVU99999999/\"},\n"
	" {\"id\": \"KOBAN-TEST-2\", \"vendor\": \"Acme\", \"product\": \"Router X1\",\n"
	"  \"affected\": [{\"introduced\": \"1.0\", \"last_affected\": \"1.2\"}], \"refs\": [\"CVE-2099-0001\"],\n"
	"  \"summary\": \"Authentication bypass (test entry).\", \"severity\": \"high\"},\n"
	" {\"id\": \"KOBAN-TEST-3\", \"vendor\": \"Hikvision\", \"product\": \"DS-2CD2032\",\n"
	"  \"affected\": [{\"introduced\": \"5.0\", \"fixed\": \"5.4.5\"}],\n"
	"  \"summary\": \"Information disclosure (test entry).\", \"severity\": \"medium\"}]\n";

/* capture time H_T0 is 2023-11-14 */
static const char *const EOS =
	"[{\"vendor\": \"Acme\", \"product\": \"OldCam 100\", \"end_date\": \"2023-03-31\",\n"
	"  \"note\": \"test entry\", \"url\": \"https://example.com/eol\"},\n"
	" {\"vendor\": \"Acme\", \"product\": \"MidCam 200\", \"end_date\": \"2024-02-01\"},\n"
	" {\"vendor\": \"Acme\", \"product\": \"NewCam 300\", \"end_date\": \"2030-12-31\"},\n"
	" {\"vendor\": \"Acme\", \"product\": \"EdgeCam 400\", \"end_date\": \"2024-05-12\"},\n"
	" {\"vendor\": \"Acme\", \"product\": \"EdgeCam 401\", \"end_date\": \"2024-05-13\"},\n"
	" {\"vendor\": \"Acme\", \"product\": \"TodayCam 500\", \"end_date\": \"2023-11-14\"}]\n";

/* The PC fetches a UPnP description from the device (mac, ip) on port 80. */
static void upnp_fetch(struct engine *e, uint64_t ts, const uint8_t *mac, const char *ip, uint16_t sport,
		       const char *manufacturer, const char *model, const char *firmware)
{
	char xml[1024], resp[1400];
	int n = snprintf(xml, sizeof xml,
			 "<?xml version=\"1.0\"?><root xmlns=\"urn:schemas-upnp-org:device-1-0\"><device>"
			 "<deviceType>urn:schemas-upnp-org:device:Basic:1</deviceType>%s%s%s"
			 "<modelName>%s</modelName><firmwareVersion>%s</firmwareVersion></device></root>",
			 manufacturer ? "<manufacturer>" : "", manufacturer ? manufacturer : "",
			 manufacturer ? "</manufacturer>" : "", model, firmware);
	snprintf(resp, sizeof resp, "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: %d\r\n\r\n%s", n, xml);
	const char *pc = "192.168.1.10";
	eh_tcp(e, ts, H_PC, pc, sport, mac, ip, 80, 0x02, NULL);
	eh_tcp(e, ts + 1000, mac, ip, 80, H_PC, pc, sport, 0x12, NULL);
	eh_tcp(e, ts + 2000, H_PC, pc, sport, mac, ip, 80, 0x10, NULL);
	eh_tcp(e, ts + 3000, H_PC, pc, sport, mac, ip, 80, 0x18, "GET /description.xml HTTP/1.1\r\nHost: x\r\n\r\n");
	eh_tcp(e, ts + 4000, mac, ip, 80, H_PC, pc, sport, 0x18, resp);
	eh_tcp(e, ts + 5000, H_PC, pc, sport, mac, ip, 80, 0x11, NULL);
	eh_tcp(e, ts + 6000, mac, ip, 80, H_PC, pc, sport, 0x11, NULL);
}

static json_t *find_advisory(json_t *events, const char *id)
{
	for (size_t i = 0; i < eh_count(events, "vulnerable-firmware"); i++) {
		json_t *ev = eh_nth(events, "vulnerable-firmware", i);
		if (h_eq(eh_ev_str(ev, "advisory"), id))
			return ev;
	}
	return NULL;
}

static void test_vulnerable(struct intel *in)
{
	json_t *events = json_array();
	struct engine *e = h_engine(events, in, "vulnerable-firmware", NULL);
	/* no <manufacturer>: the OUI registry says Hikvision */
	upnp_fetch(e, H_T0, H_CAM, "192.168.1.20", 40000, NULL, "DS-2CD2032-I", "V5.4.0 build 160530");
	CHECK_INT(eh_count(events, "vulnerable-firmware"), 2);
	json_t *ev = find_advisory(events, "KOBAN-TEST-1");
	CHECK(ev != NULL);
	if (ev) {
		CHECK_STR(h_str(ev, "severity"), "critical");
		CHECK_STR(h_str(json_object_get(ev, "device"), "mac"), "28:57:be:01:02:03");
		json_t *refs = eh_evidence(ev, "refs");
		CHECK_INT(json_array_size(refs), 2);
		CHECK_STR(json_string_value(json_array_get(refs, 0)), "JVNVU#99999999");
		CHECK_STR(json_string_value(json_array_get(refs, 1)), "CVE-2021-36260");
		CHECK_STR(eh_ev_str(ev, "affected"), "< 5.5.0");
		CHECK_STR(eh_ev_str(ev, "fixed"), "5.5.0");
		CHECK_STR(eh_ev_str(ev, "model"), "DS-2CD2032-I");
		CHECK_STR(eh_ev_str(ev, "firmware"), "V5.4.0 build 160530");
		CHECK_STR(eh_ev_str(ev, "vendor"), "Hangzhou Hikvision Digital Technology Co.,Ltd.");
		CHECK(json_is_null(eh_evidence(ev, "manufacturer")));
		CHECK_STR(eh_ev_str(ev, "matched_on"), "oui_vendor");
		CHECK_STR(eh_ev_str(ev, "url"), "https://jvn.jp/vu/JVNVU99999999/");
		CHECK(eh_ev_str(ev, "summary") && strstr(eh_ev_str(ev, "summary"), "Command injection"));
		json_t *kps = json_object_get(ev, "key_points");
		CHECK_INT(json_array_size(kps), 3);
		CHECK_INT(json_integer_value(json_array_get(kps, 0)), 17);
		CHECK_INT(json_integer_value(json_array_get(kps, 1)), 18);
		CHECK_INT(json_integer_value(json_array_get(kps, 2)), 21);
		CHECK(strstr(h_summary(ev, "en"), "CVE-2021-36260") && strstr(h_summary(ev, "en"), "5.5.0"));
		CHECK(strstr(h_summary(ev, "ja"), "脆弱性") != NULL);
	}
	ev = find_advisory(events, "KOBAN-TEST-3");
	CHECK(ev && h_eq(h_str(ev, "severity"), "medium") && json_is_array(eh_evidence(ev, "refs")));
	/* fetched again, and the end-of-run sweep: still one event per advisory */
	upnp_fetch(e, H_T0 + 60 * H_S, H_CAM, "192.168.1.20", 40001, NULL, "DS-2CD2032-I", "V5.4.0 build 160530");
	engine_finish(e);
	CHECK_INT(eh_count(events, "vulnerable-firmware"), 2);
	h_free(e, events);
}

/* How many vulnerable-firmware events one device's description gives. */
static size_t firmware_events(struct intel *in, const uint8_t *mac, const char *manufacturer, const char *model,
			      const char *firmware, const char *want_id)
{
	json_t *events = json_array();
	struct engine *e = h_engine(events, in, "vulnerable-firmware", NULL);
	upnp_fetch(e, H_T0, mac, "192.168.1.20", 40000, manufacturer, model, firmware);
	engine_finish(e);
	size_t n = eh_count(events, "vulnerable-firmware");
	if (want_id)
		CHECK(find_advisory(events, want_id) != NULL);
	h_free(e, events);
	return n;
}

static void test_fixed_and_ranges(struct intel *in)
{
	static const uint8_t ROUTER[6] = {0x00, 0x1b, 0x21, 0x99, 0x00, 0x01}; /* OUI: Intel */
	CHECK_INT(firmware_events(in, H_CAM, NULL, "DS-2CD2032-I", "V5.5.0 build 170101", NULL), 0);
	CHECK_INT(firmware_events(in, H_CAM, NULL, "DS-2CD2032-I", "V5.4.5 build 170101", "KOBAN-TEST-1"), 1);
	CHECK_INT(firmware_events(in, H_CAM, NULL, "DS-2CD2345-I", "V5.4.0", NULL), 0); /* another model */
	/* the UPnP manufacturer names the vendor when the OUI does not */
	CHECK_INT(firmware_events(in, ROUTER, "Acme Corporation", "Router X1", "1.1", "KOBAN-TEST-2"), 1);
	CHECK_INT(firmware_events(in, ROUTER, "Acme Corporation", "Router X1", "1.2", NULL), 1);
	CHECK_INT(firmware_events(in, ROUTER, "Acme Corporation", "Router X1", "1.3", NULL), 0);
	CHECK_INT(firmware_events(in, ROUTER, NULL, "Router X1", "1.1", NULL), 0); /* Intel is not Acme */
}

/* End-of-support events for one device described at capture time ts. */
static json_t *eos_run(struct intel *in, uint64_t ts, const char *model, const char *const *params)
{
	static const uint8_t DEV[6] = {0x00, 0x1b, 0x21, 0x77, 0x00, 0x01};
	json_t *events = json_array();
	struct engine *e = h_engine(events, in, "end-of-support", params);
	if (!e)
		return events;
	upnp_fetch(e, ts, DEV, "192.168.1.30", 40000, "Acme", model, "2.0");
	engine_finish(e);
	engine_free(e);
	return events;
}

static const char *eos_severity(struct intel *in, uint64_t ts, const char *model, const char *const *params)
{
	static char sev[16];
	json_t *events = eos_run(in, ts, model, params);
	size_t n = eh_count(events, "end-of-support");
	snprintf(sev, sizeof sev, "%s", n == 1 ? h_str(eh_nth(events, "end-of-support", 0), "severity")
					       : (n ? "several" : "none"));
	json_decref(events);
	return sev;
}

static void test_end_of_support(struct intel *in)
{
	json_t *events = eos_run(in, H_T0, "OldCam 100", NULL);
	CHECK_INT(eh_count(events, "end-of-support"), 1);
	json_t *ev = eh_nth(events, "end-of-support", 0);
	if (ev) {
		CHECK_STR(h_str(ev, "severity"), "medium");
		CHECK_STR(eh_ev_str(ev, "status"), "ended");
		CHECK_STR(eh_ev_str(ev, "vendor"), "Acme");
		CHECK_STR(eh_ev_str(ev, "product"), "OldCam 100");
		CHECK_STR(eh_ev_str(ev, "end_date"), "2023-03-31");
		CHECK_STR(eh_ev_str(ev, "note"), "test entry");
		CHECK_STR(eh_ev_str(ev, "url"), "https://example.com/eol");
		CHECK_INT(json_integer_value(eh_evidence(ev, "days_left")), -228);
		CHECK_STR(eh_ev_str(ev, "guideline"), "chapter 3 rule 1");
		CHECK_STR(eh_ev_str(ev, "matched_on"), "manufacturer");
		CHECK_STR(eh_ev_str(ev, "model"), "OldCam 100");
		json_t *kps = json_object_get(ev, "key_points");
		CHECK(json_array_size(kps) == 1 && json_integer_value(json_array_get(kps, 0)) == 18);
		CHECK(strstr(h_summary(ev, "en"), "support ended on 2023-03-31") != NULL);
		CHECK(strstr(h_summary(ev, "en"), "chapter 3 rule 1") != NULL);
		CHECK(strstr(h_summary(ev, "ja"), "ルール1") != NULL);
	}
	json_decref(events);
	CHECK_STR(eos_severity(in, H_T0, "TodayCam 500", NULL), "medium"); /* ends on the capture day */
	CHECK_STR(eos_severity(in, H_T0, "MidCam 200", NULL), "low");      /* 79 days to go */
	CHECK_STR(eos_severity(in, H_T0, "EdgeCam 400", NULL), "low");     /* exactly 180 days */
	CHECK_STR(eos_severity(in, H_T0, "EdgeCam 401", NULL), "none");    /* 181 days */
	CHECK_STR(eos_severity(in, H_T0, "NewCam 300", NULL), "none");
	CHECK_STR(eos_severity(in, H_T0, "OtherCam 9", NULL), "none");
	/* the capture time decides, not the clock: 100 days later MidCam has ended */
	CHECK_STR(eos_severity(in, H_T0 + 100 * 86400 * H_S, "MidCam 200", NULL), "medium");
	/* a capture from 2030-09-22 (noon UTC) is 100 days before NewCam's end */
	CHECK_STR(eos_severity(in, 1916308800ULL * H_S, "NewCam 300", NULL), "low");
	const char *const warn60[] = {"end-of-support.warn_days=60", NULL};
	CHECK_STR(eos_severity(in, H_T0, "MidCam 200", warn60), "none");
	const char *const bad[] = {"end-of-support.warn_days=soon", NULL};
	json_t *none = json_array();
	struct engine *e = h_engine(none, in, "end-of-support", bad);
	CHECK(e == NULL);
	h_free(e, none);
}

/* Warned at the start of a long capture, ended by its end: the sweep at
 * the end of the run escalates once. */
static void test_eos_escalates(struct intel *in)
{
	static const uint8_t DEV[6] = {0x00, 0x1b, 0x21, 0x77, 0x00, 0x02};
	json_t *events = json_array();
	struct engine *e = h_engine(events, in, "end-of-support", NULL);
	upnp_fetch(e, H_T0, DEV, "192.168.1.31", 40000, "Acme", "MidCam 200", "2.0");
	upnp_fetch(e, H_T0 + 50 * 86400 * H_S, DEV, "192.168.1.31", 40001, "Acme", "MidCam 200", "2.0");
	CHECK_INT(eh_count(events, "end-of-support"), 1);
	eh_tcp(e, H_T0 + 90 * 86400 * H_S, H_PC, "192.168.1.10", 40002, H_GW, "203.0.113.1", 443, 0x02, NULL);
	engine_finish(e);
	CHECK_INT(eh_count(events, "end-of-support"), 2);
	CHECK(h_eq(h_str(eh_nth(events, "end-of-support", 0), "severity"), "low"));
	CHECK(h_eq(h_str(eh_nth(events, "end-of-support", 1), "severity"), "medium"));
	h_free(e, events);
}

int main(void)
{
	h_setup(ADVISORIES, EOS);
	struct intel *in = h_intel(NULL);
	CHECK(in != NULL);
	if (!in)
		return test_summary();
	CHECK_INT(intel_advisory_count(in), 3);
	CHECK_INT(intel_eos_count(in), 6);
	test_vulnerable(in);
	test_fixed_and_ranges(in);
	test_end_of_support(in);
	test_eos_escalates(in);
	intel_free(in);
	h_teardown();
	return test_summary();
}
