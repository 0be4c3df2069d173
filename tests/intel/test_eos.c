/* test_eos.c - the end-of-support list: dates (calendar validation, leap
 * years), matching by vendor and model, device-level matching,
 * intel_eos_ended() against capture time, loader errors, and the shipped
 * data/end-of-support.json. */
#include <stdlib.h>
#include <string.h>

#include "engine/model.h"
#include "intel/intel.h"
#include "test.h"

/* 2024-01-21T12:00:00Z and the day before */
#define TS_2024_01_21 (1705838400ull * 1000000ull)
#define TS_2024_01_20 (TS_2024_01_21 - 86400ull * 1000000ull)

static const char *list = "[\n"
			  " {\"vendor\": \"D-Link\", \"product\": \"DIR-859*\", \"end_date\": \"2024-01-21\",\n"
			  "  \"note\": \"EOL\", \"url\": \"https://example.com/eol\"},\n"
			  " {\"vendor\": \"Acme\", \"vendor_aliases\": \"Acme Japan\", \"product\": [\"A1\", \"A2\"],\n"
			  "  \"end_date\": \"2020-02-29\"}\n"
			  "]";

static void test_match(void)
{
	char err[512] = "";
	struct intel *in = intel_new();
	CHECK_INT(intel_add_eos(in, list, strlen(list), "eos.json", err, sizeof err), 2);
	CHECK_INT(intel_eos_count(in), 2);
	const struct eos_entry *e = intel_match_eos(in, "D-Link International", "DIR-859 A3");
	CHECK(e != NULL);
	CHECK_STR(e ? e->end_date : NULL, "2024-01-21");
	CHECK_STR(e ? e->note : NULL, "EOL");
	CHECK_STR(e ? e->product : NULL, "DIR-859*");
	CHECK(intel_match_eos(in, "D-Link", "DIR-8590") != NULL); /* trailing '*' */
	CHECK(intel_match_eos(in, "D-Link", "DIR-85") == NULL);
	CHECK(intel_match_eos(in, "TP-Link", "DIR-859") == NULL);
	CHECK(intel_match_eos(in, "D-Link", NULL) == NULL);
	e = intel_match_eos(in, "Acme Japan K.K.", "A2");
	CHECK_STR(e ? e->product : NULL, "A1, A2");
	CHECK(e && !e->note && !e->url);
	CHECK(intel_eos_ended(intel_match_eos(in, "D-Link", "DIR-859"), TS_2024_01_21));
	CHECK(!intel_eos_ended(intel_match_eos(in, "D-Link", "DIR-859"), TS_2024_01_20));
	CHECK(!intel_eos_ended(NULL, TS_2024_01_21));

	struct device d;
	memset(&d, 0, sizeof d);
	d.vendor = "D-Link International";
	d.model = "DIR-859";
	CHECK(intel_match_device_eos(in, &d) != NULL);
	d.vendor = NULL;
	d.manufacturer = "D-Link Corporation";
	CHECK(intel_match_device_eos(in, &d) != NULL);
	d.model = NULL;
	CHECK(intel_match_device_eos(in, &d) == NULL);
	CHECK(intel_match_device_eos(in, NULL) == NULL);
	intel_free(in);
}

static void test_errors(void)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{"[{\"vendor\": \"V\", \"product\": \"P\", \"end_date\": \"2023-02-29\"}]", "e.json: entry 0: \"end_date\""},
		{"[{\"vendor\": \"V\", \"product\": \"P\", \"end_date\": \"2024-13-01\"}]", "e.json: entry 0: \"end_date\""},
		{"[{\"vendor\": \"V\", \"product\": \"P\", \"end_date\": \"1969-12-31\"}]", "e.json: entry 0: \"end_date\""},
		{"[{\"vendor\": \"V\", \"product\": \"P\", \"end_date\": \"2024-1-01\"}]", "e.json: entry 0: \"end_date\""},
		{"[{\"vendor\": \"V\", \"product\": \"P\", \"end_date\": \"2024-01-01x\"}]", "e.json: entry 0: \"end_date\""},
		{"[{\"vendor\": \"V\", \"product\": \"P\"}]", "e.json: entry 0: missing \"end_date\""},
		{"[{\"vendor\": \"V\", \"end_date\": \"2024-01-01\"}]", "e.json: entry 0: missing \"product\""},
		{"[{\"vendor\": 5, \"product\": \"P\", \"end_date\": \"2024-01-01\"}]", "e.json: entry 0: \"vendor\" must be"},
		{"[{\"vendor\": \"V\", \"product\": \"P\", \"end_date\": \"2024-01-01\", \"eol\": 1}]",
		 "e.json: entry 0: unknown key \"eol\""},
		{"[{\"vendor\": \"V\", \"product\": \"P\", \"end_date\": \"2024-01-01\", \"url\": \"ftp://x\"}]",
		 "e.json: entry 0: \"url\" must be"},
		{"[{\"vendor\": \"V\", \"product\": \"P\", \"end_date\": \"2024-01-01\"}, []]", "e.json: entry 1: not an object"},
		{"{\"vendor\": \"V\"}", "e.json: must be a JSON array"},
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		char err[512] = "";
		struct intel *in = intel_new();
		CHECK_INT(intel_add_eos(in, bad[k].text, strlen(bad[k].text), "e.json", err, sizeof err), -1);
		if (strncmp(err, bad[k].want, strlen(bad[k].want)) != 0)
			fprintf(stderr, "  case %zu: got \"%s\"\n", k, err);
		CHECK(strncmp(err, bad[k].want, strlen(bad[k].want)) == 0);
		CHECK_INT(intel_eos_count(in), 0);
		intel_free(in);
	}
	char err[512];
	struct intel *in = intel_new();
	const char *leap = "[{\"vendor\": \"V\", \"product\": \"P\", \"end_date\": \"2000-02-29\"}]";
	CHECK_INT(intel_add_eos(in, leap, strlen(leap), "e.json", err, sizeof err), 1);
	intel_free(in);
}

static void test_shipped(void)
{
	char err[512] = "";
	static char buf[1 << 16];
	FILE *f = fopen("data/end-of-support.json", "rb");
	size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
	if (f)
		fclose(f);
	struct intel *in = intel_new();
	int added = intel_add_eos(in, buf, n, "data/end-of-support.json", err, sizeof err);
	if (added < 0)
		fprintf(stderr, "  %s\n", err);
	CHECK(added >= 8);
	CHECK(intel_match_eos(in, "D-Link International", "DNS-320L") != NULL);
	CHECK(intel_match_eos(in, "D-Link International", "DNS-320") == NULL);
	CHECK(intel_match_eos(in, "Zyxel Communications Corporation", "VMG8924-B10A") != NULL);
	CHECK(intel_match_eos(in, "Zyxel Communications Corporation", "NAS326") != NULL);
	const struct eos_entry *e = intel_match_eos(in, "D-Link", "DIR-859");
	CHECK(e && e->url && strncmp(e->url, "https://", 8) == 0);
	intel_free(in);
}

int main(void)
{
	test_match();
	test_errors();
	test_shipped();
	return test_summary();
}
