/* test_advisories.c - the firmware version comparator (edge cases and its
 * order being consistent), vendor and product matching rules, affected
 * ranges (introduced/fixed/last_affected/version/build_before, per-range
 * products), loader errors with their index, and the shipped
 * data/advisories.json against real-world firmware strings. */
#include <stdlib.h>
#include <string.h>

#include "engine/model.h"
#include "intel/intel.h"
#include "test.h"

static int sgn(int v)
{
	return v < 0 ? -1 : v > 0;
}

static void test_version_cmp(void)
{
	static const struct {
		const char *a, *b;
		int want;
	} c[] = {
		{"2.1.7", "2.1.7", 0},
		{"2.1", "2.1.0", 0},
		{"2.1", "2.1.1", -1},
		{"2.10", "2.9", 1},
		{"1.04", "1.4", 0},            /* leading zeros */
		{"1.04", "1.10", -1},
		{"V5.4.5", "5.4.5", 0},        /* leading v */
		{"firmware 1.2", "ver. 1.2", 0},
		{"V5.4.5 build 170124", "5.4.5", 1},
		{"V5.4.5 build 170124", "V5.4.5 build 170401", -1},
		{"V5.4.5 build 170124", "5.4.6", -1},
		{"V5.4.0 build 160530", "V5.4.0 Build 160530", 0},
		{"1.0.0_20190101", "1.0.0", 1},
		{"1.0.0_20190101", "1.0.0_20200101", -1},
		{"1.0.0-rc1", "1.0.0", -1},    /* pre-release */
		{"1.0.0-rc1", "1.0.0-rc2", -1},
		{"1.0.0-beta", "1.0.0-rc1", -1},
		{"1.0.0-alpha", "1.0.0-beta", -1},
		{"1.0.0-dev", "1.0.0-alpha", -1},
		{"1.0.7.6.Beta", "1.0.7.6", -1},
		{"1.0.7.6.Beta", "1.0.7.5", 1},
		{"1.04", "1.04b02", -1},       /* other words rank above the end */
		{"1.04b02", "1.04.1", -1},     /* ... and below any positive number */
		{"1.04b02", "1.04b03", -1},
		{"1.04B12", "1.04b12", 0},     /* case-insensitive */
		{"V5.21(AAZF.16)C0", "V5.21(AAZF.17)C0", -1},
		{"V5.35(ABUH.0)", "5.36", -1},
		{"V5.35(ABUH.0)", "5.35", 1},
		{"3.16.9 Build 160617 Rel.38463n", "3.16.9 Build 160617 Rel.38463", 1},
		{"99999999999999999999999", "99999999999999999999998", 1}, /* no overflow */
		{"0000000000000000000000001", "1", 0},
		{"", "", 0},
		{"", "0", 0},
		{"", "1", -1},
		{NULL, "1", -1},
		{"...", "-", 0},
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		int got = sgn(intel_version_cmp(c[i].a, c[i].b));
		int back = sgn(intel_version_cmp(c[i].b, c[i].a));
		if (got != c[i].want || back != -c[i].want)
			fprintf(stderr, "  cmp(\"%s\", \"%s\") = %d, reverse %d, want %d\n", c[i].a ? c[i].a : "(null)",
				c[i].b, got, back, c[i].want);
		CHECK(got == c[i].want && back == -c[i].want);
	}
	/* transitivity over a mixed set */
	static const char *const set[] = {"1.0", "1.0.0", "1.0-rc1", "1.0b", "1.0.1", "1.0 build 1", "1.0-alpha",
					  "0.9", "1.0.0.0.1", "1.0a", "2", "1.0 build 2", "1.0-rc1 build 5"};
	size_t n = sizeof set / sizeof set[0];
	int bad = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			for (size_t k = 0; k < n; k++) {
				int ij = sgn(intel_version_cmp(set[i], set[j]));
				int jk = sgn(intel_version_cmp(set[j], set[k]));
				int ik = sgn(intel_version_cmp(set[i], set[k]));
				if (ij <= 0 && jk <= 0 && ik > 0)
					bad++;
				if (ij == 0 && jk == 0 && ik != 0)
					bad++;
			}
	CHECK_INT(bad, 0);
}

static void test_vendor_product(void)
{
	CHECK(intel_vendor_match("Hikvision", "Hangzhou Hikvision Digital Technology Co.,Ltd."));
	CHECK(intel_vendor_match("hikvision", "HIKVISION"));
	CHECK(intel_vendor_match("TP-Link", "TP-LINK TECHNOLOGIES CO.,LTD."));
	CHECK(intel_vendor_match("TP-Link", "TPLINK"));
	CHECK(intel_vendor_match("TPLINK", "TP-LINK TECHNOLOGIES"));
	CHECK(intel_vendor_match("D-Link", "D-Link International"));
	CHECK(intel_vendor_match("Zhejiang Dahua", "Zhejiang Dahua Technology Co., Ltd."));
	CHECK(!intel_vendor_match("ZTE", "AZTECH"));
	CHECK(!intel_vendor_match("Dahua", "Dahuatech"));
	CHECK(!intel_vendor_match("Link", "D-Linked"));
	CHECK(!intel_vendor_match("", "anything"));
	CHECK(!intel_vendor_match("Hikvision", NULL));

	CHECK(intel_product_match("R7000", "R7000"));
	CHECK(intel_product_match("r7000", "NETGEAR R7000"));
	CHECK(!intel_product_match("R7000", "R7000P"));
	CHECK(!intel_product_match("R7000", "AR7000"));
	CHECK(intel_product_match("WNR2000*", "WNR2000v5"));
	CHECK(intel_product_match("Archer AX21*", "Archer AX21 v2.0"));
	CHECK(intel_product_match("Archer AX21", "Archer AX21 v2.0"));
	CHECK(!intel_product_match("Archer AX2", "Archer AX21"));
	CHECK(intel_product_match("DS-2CD2??2F-I*", "DS-2CD2032F-IWS"));
	CHECK(intel_product_match("DS-2CD2??2F-I", "DS-2CD2132F-I"));
	CHECK(!intel_product_match("DS-2CD2??2F-I", "DS-2CD2032F-IWS"));
	CHECK(!intel_product_match("DS-2CD2??2F-I*", "DS-2CD2032FWD-I"));
	CHECK(intel_product_match("*", NULL));
	CHECK(!intel_product_match("R7000", NULL));
	CHECK(!intel_product_match("", "R7000"));
}

static const char *list =
	"[\n"
	" {\"id\": \"t-1\", \"vendor\": \"Acme\", \"vendor_aliases\": [\"Road Runner Inc\"], \"product\": \"CAM-1*\",\n"
	"  \"affected\": [{\"introduced\": \"2.0\", \"fixed\": \"2.5.1\"}, {\"version\": \"1.9.9\"},\n"
	"               {\"last_affected\": \"1.0 build 150101\"}],\n"
	"  \"refs\": [\"CVE-2099-0001\", \"JVNVU#00000000\"], \"summary\": \"test\", \"severity\": \"high\",\n"
	"  \"url\": \"https://example.com/a\", \"x_note\": 1},\n"
	" {\"id\": \"t-2\", \"vendor\": \"Acme\", \"product\": [\"R1\", \"R2\"],\n"
	"  \"affected\": [{\"product\": \"R1\", \"fixed\": \"1.5\"}, {\"product\": \"R2\", \"introduced\": \"0\"}],\n"
	"  \"summary\": \"per product\", \"severity\": \"critical\"},\n"
	" {\"id\": \"t-3\", \"vendor\": \"Acme\", \"product\": \"X*\", \"affected\": [{\"build_before\": \"2021-06-01\"}],\n"
	"  \"summary\": \"by build date\", \"severity\": \"medium\"}\n"
	"]";

static size_t ids(const struct intel *in, const char *vendor, const char *model, const char *fw, char *out)
{
	const struct advisory *a[8];
	size_t n = intel_match_advisories(in, vendor, model, fw, a, 8);
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		strcat(out, i ? "," : "");
		strcat(out, a[i]->id);
	}
	return n;
}

static void test_matching(void)
{
	char err[512] = "", got[200];
	struct intel *in = intel_new();
	CHECK_INT(intel_add_advisories(in, list, strlen(list), "adv.json", err, sizeof err), 3);
	CHECK_STR(err, "");
	CHECK_INT(intel_advisory_count(in), 3);
	ids(in, "ACME Corp.", "CAM-100", "2.0", got);
	CHECK_STR(got, "t-1");
	ids(in, "Acme", "CAM-100", "2.5.0 build 200101", got);
	CHECK_STR(got, "t-1");
	ids(in, "Acme", "CAM-100", "2.5.1", got);
	CHECK_STR(got, "");
	ids(in, "Acme", "CAM-100", "1.9.9", got);
	CHECK_STR(got, "t-1");
	ids(in, "Acme", "CAM-100", "1.9.8", got);
	CHECK_STR(got, "");
	ids(in, "Acme", "CAM-100", "1.0 build 150101", got);
	CHECK_STR(got, "t-1");
	ids(in, "Acme", "CAM-100", "1.0", got);
	CHECK_STR(got, "t-1");
	ids(in, "Acme", "CAM-100", "V1.0 build 150102", got);
	CHECK_STR(got, "");
	ids(in, "Road Runner Inc.", "CAM-1", "2.1", got); /* alias */
	CHECK_STR(got, "t-1");
	ids(in, "Other", "CAM-1", "2.1", got);
	CHECK_STR(got, "");
	ids(in, "Acme", "CAM-1", NULL, got); /* unknown firmware: only all-version ranges */
	CHECK_STR(got, "");
	ids(in, "Acme", "CAM-1", "unknown", got);
	CHECK_STR(got, "");
	/* per-range products */
	ids(in, "Acme", "R1", "1.4", got);
	CHECK_STR(got, "t-2");
	ids(in, "Acme", "R1", "1.5", got);
	CHECK_STR(got, "");
	ids(in, "Acme", "R2", "9.9", got);
	CHECK_STR(got, "t-2");
	ids(in, "Acme", "R2", NULL, got);
	CHECK_STR(got, "t-2");
	/* build dates: YYMMDD and YYYYMMDD, the last one wins, invalid dates ignored */
	ids(in, "Acme", "X", "V2.800.0000000.16.R.210325", got);
	CHECK_STR(got, "t-3");
	ids(in, "Acme", "X", "V2.800.0000000.16.R.210601", got);
	CHECK_STR(got, "");
	ids(in, "Acme", "X", "1.1.4 Build 20210531 rel.73898(5553)", got);
	CHECK_STR(got, "t-3");
	ids(in, "Acme", "X", "1.1.4 Build 20230219 rel.73898", got);
	CHECK_STR(got, "");
	ids(in, "Acme", "X", "1.2.3 build 999999", got);
	CHECK_STR(got, "");
	ids(in, "Acme", "X", "4.0", got);
	CHECK_STR(got, "");
	const struct advisory *a[1];
	CHECK_INT(intel_match_advisories(in, "Acme", "R2", "1", a, 1), 1); /* max respected */
	CHECK_STR(a[0]->id, "t-2");
	CHECK_STR(a[0]->affected, "R1: < 1.5; R2: >= 0");
	CHECK(a[0]->fixed && strcmp(a[0]->fixed, "1.5") == 0);
	ids(in, "Acme", "CAM-1", "2.1", got);
	intel_match_advisories(in, "Acme", "CAM-1", "2.1", a, 1);
	CHECK_STR(a[0]->affected, ">= 2.0, < 2.5.1; = 1.9.9; <= 1.0 build 150101");
	CHECK_INT(a[0]->n_refs, 2);
	CHECK_STR(a[0]->refs[1], "JVNVU#00000000");
	CHECK_STR(a[0]->url, "https://example.com/a");

	/* device-level: manufacturer first, then OUI vendor */
	struct device d;
	memset(&d, 0, sizeof d);
	d.vendor = "Acme Networks";
	d.model = "CAM-17";
	d.firmware = "2.2";
	CHECK_INT(intel_match_device_advisories(in, &d, a, 1), 1);
	d.vendor = "Other";
	d.manufacturer = "ACME";
	CHECK_INT(intel_match_device_advisories(in, &d, a, 1), 1);
	d.manufacturer = NULL;
	CHECK_INT(intel_match_device_advisories(in, &d, a, 1), 0);
	intel_free(in);
}

static void test_errors(void)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{"{}", "a.json: must be a JSON array"},
		{"[1", "a.json:1: not valid JSON"},
		{"[{\"id\":\"x\",\"vendor\":\"V\",\"product\":\"P\",\"affected\":[{\"fixed\":\"1\"}],\"summary\":\"s\","
		 "\"severity\":\"high\"}, 3]",
		 "a.json: advisory 1: not an object"},
		{"[{\"id\":\"x\",\"product\":\"P\",\"affected\":[{\"fixed\":\"1\"}],\"summary\":\"s\",\"severity\":\"high\"}]",
		 "a.json: advisory 0 x: missing \"vendor\""},
		{"[{\"id\":\"x\",\"vendor\":\"V\",\"product\":\"P\",\"affected\":[],\"summary\":\"s\",\"severity\":\"high\"}]",
		 "a.json: advisory 0 x: \"affected\" must be an array"},
		{"[{\"id\":\"x\",\"vendor\":\"V\",\"product\":\"P\",\"affected\":[{\"fixed\":\"1\",\"last_affected\":\"2\"}],"
		 "\"summary\":\"s\",\"severity\":\"high\"}]",
		 "a.json: advisory 0 x: \"fixed\" and \"last_affected\" exclude each other (affected[0])"},
		{"[{\"id\":\"x\",\"vendor\":\"V\",\"product\":\"P\",\"affected\":[{\"introduced\":\"2\",\"fixed\":\"1\"}],"
		 "\"summary\":\"s\",\"severity\":\"high\"}]",
		 "a.json: advisory 0 x: the range is empty"},
		{"[{\"id\":\"x\",\"vendor\":\"V\",\"product\":\"P\",\"affected\":[{\"fixed\":\"abc\"}],"
		 "\"summary\":\"s\",\"severity\":\"high\"}]",
		 "a.json: advisory 0 x: \"fixed\": a version needs a digit"},
		{"[{\"id\":\"x\",\"vendor\":\"V\",\"product\":\"P\",\"affected\":[{\"build_before\":\"2021-02-30\"}],"
		 "\"summary\":\"s\",\"severity\":\"high\"}]",
		 "a.json: advisory 0 x: \"build_before\" must be a date"},
		{"[{\"id\":\"x\",\"vendor\":\"V\",\"product\":\"P\",\"affected\":[{\"fixd\":\"1\"}],"
		 "\"summary\":\"s\",\"severity\":\"high\"}]",
		 "a.json: advisory 0 x: unknown key \"fixd\""},
		{"[{\"id\":\"x\",\"vendor\":\"V\",\"product\":\"P\",\"affected\":[{\"fixed\":\"1\"}],"
		 "\"summary\":\"s\",\"severity\":\"severe\"}]",
		 "a.json: advisory 0 x: \"severity\" must be"},
		{"[{\"id\":\"x y\",\"vendor\":\"V\",\"product\":\"P\",\"affected\":[{\"fixed\":\"1\"}],"
		 "\"summary\":\"s\",\"severity\":\"low\"}]",
		 "a.json: advisory 0 x y: \"id\" may hold"},
		{"[{\"id\":\"x\",\"vendor\":\"V\",\"product\":\"P\",\"affected\":[{\"fixed\":\"1\"}],"
		 "\"summary\":\"s\",\"severity\":\"low\",\"url\":\"javascript:alert(1)\"}]",
		 "a.json: advisory 0 x: \"url\" must be an http(s) URL"},
		{"[{\"id\":\"x\",\"vendor\":\"V\",\"product\":[],\"affected\":[{\"fixed\":\"1\"}],"
		 "\"summary\":\"s\",\"severity\":\"low\"}]",
		 "a.json: advisory 0 x: \"product\" must be a string or an array"},
		{"[{\"id\":\"x\",\"id\":\"y\"}]", "a.json:1: not valid JSON"},
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		char err[512] = "";
		struct intel *in = intel_new();
		CHECK_INT(intel_add_advisories(in, bad[k].text, strlen(bad[k].text), "a.json", err, sizeof err), -1);
		if (strncmp(err, bad[k].want, strlen(bad[k].want)) != 0)
			fprintf(stderr, "  case %zu: got \"%s\"\n", k, err);
		CHECK(strncmp(err, bad[k].want, strlen(bad[k].want)) == 0);
		CHECK_INT(intel_advisory_count(in), 0);
		intel_free(in);
	}
}

static void test_shipped(void)
{
	char err[512] = "", got[300];
	static char buf[1 << 17];
	FILE *f = fopen("data/advisories.json", "rb");
	size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
	if (f)
		fclose(f);
	struct intel *in = intel_new();
	int added = intel_add_advisories(in, buf, n, "data/advisories.json", err, sizeof err);
	if (added < 0)
		fprintf(stderr, "  %s\n", err);
	CHECK(added >= 10 && added <= 20);
	const char *hik = "Hangzhou Hikvision Digital Technology Co.,Ltd.";
	ids(in, hik, "DS-2CD2032F-I", "V5.4.0 build 160530", got);
	CHECK_STR(got, "hikvision-cve-2017-7921");
	ids(in, hik, "DS-2CD2032F-I", "V5.4.1 build 160525", got);
	CHECK_STR(got, "");
	ids(in, hik, "DS-2CD2032F-I", "V5.1.6 build 140412", got);
	CHECK_STR(got, "");
	ids(in, hik, "DS-2CD2030F-I", "V5.4.0 build 160530", got); /* 2xx0F-I ends at 160401 */
	CHECK_STR(got, "");
	ids(in, "TP-LINK TECHNOLOGIES CO.,LTD.", "Archer AX21 v2.0", "2.1.5 Build 20211231 rel.73898(5553)", got);
	CHECK_STR(got, "tplink-cve-2023-1389");
	ids(in, "TP-LINK TECHNOLOGIES CO.,LTD.", "Archer AX21 v2.0", "1.1.4 Build 20230219 rel.1", got);
	CHECK_STR(got, "");
	ids(in, "NETGEAR", "R7000", "V1.0.7.2_1.1.93", got);
	CHECK_STR(got, "netgear-cve-2016-6277");
	ids(in, "NETGEAR", "R7000", "V1.0.9.88_10.2.88", got);
	CHECK_STR(got, "");
	ids(in, "NETGEAR", "R7000P", "V1.0.0.1", got);
	CHECK_STR(got, "");
	ids(in, "Zyxel Communications Corporation", "NAS326", "V5.21(AAZF.16)C0", got);
	CHECK_STR(got, "zyxel-nas-cve-2024-29973");
	ids(in, "Zyxel Communications Corporation", "USG FLEX 100", "V5.35(ABUH.0)", got);
	CHECK_STR(got, "zyxel-cve-2023-28771");
	ids(in, "Zyxel Communications Corporation", "USG FLEX 100", "V5.36(ABUH.0)", got);
	CHECK_STR(got, "");
	ids(in, "Zhejiang Dahua Technology Co., Ltd.", "IPC-HFW3241E-AS", "V2.800.0000000.16.R.210325", got);
	CHECK_STR(got, "dahua-cve-2021-33044");
	ids(in, "D-Link International", "DIR-645", "1.04B12", got);
	CHECK_STR(got, "dlink-cve-2015-2051");
	ids(in, "Realtek Semiconductor Corp.", "RTL8196C", NULL, got);
	CHECK_STR(got, "realtek-sdk-cve-2014-8361,realtek-jungle-sdk-cve-2021-35394");
	ids(in, "HUAWEI TECHNOLOGIES CO.,LTD", "HG532e", "V100R001C01B016", got);
	CHECK_STR(got, "huawei-hg532-cve-2017-17215");
	ids(in, "ELECOM CO.,LTD.", "WRC-G01-W", "v1.24", got);
	CHECK_STR(got, "elecom-cve-2024-26258");
	ids(in, "Treck Inc.", "embedded", "6.0.1.41", got);
	CHECK_STR(got, "treck-ripple20");
	intel_free(in);
}

int main(void)
{
	test_version_cmp();
	test_vendor_product();
	test_matching();
	test_errors();
	test_shipped();
	return test_summary();
}
