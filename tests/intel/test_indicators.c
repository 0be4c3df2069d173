/* test_indicators.c - C&C indicators: plain lists (addresses, prefixes,
 * domains, URLs and their hosts, labels, comments), STIX 2.1 bundles
 * (supported pattern forms, skipped ones with warnings), matching rules,
 * all-or-nothing loading with file:line errors, and intel_load from a data
 * directory plus extra files. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "intel/intel.h"
#include "intel/intel_int.h"
#include "test.h"

static int add(struct intel *in, const char *text, char *err)
{
	return intel_add_indicators(in, text, strlen(text), "test.txt", err, 512);
}

static const struct indicator *ip(const struct intel *in, const char *s)
{
	struct kaddr a;
	if (!kaddr_parse(&a, s))
		return NULL;
	return intel_match_ip(in, &a);
}

static void test_plain(void)
{
	char err[512] = "";
	struct intel *in = intel_new();
	const char *list = "\xef\xbb\xbf# example list\r\n"
			   "198.51.100.7   # Mirai C2\r\n"
			   "\n"
			   "   2001:DB8::7\n"
			   "203.0.113.0/25 # a block\n"
			   "C2.Example.   #  evil  \n"
			   "http://cnc.example:8080/bins/x.arm#frag # loader\n"
			   "https://[2001:db8::99]/a\n"
			   "http://203.0.113.200/\n"
			   "198.51.100.7 # again\n"
			   "203.0.113.99/25 # the same /25 again\n"
			   "203.0.113.0/24 # wide\n";
	CHECK_INT(add(in, list, err), 11); /* 8 + 3 URL hosts; repeated address and prefix dropped */
	CHECK_STR(err, "");
	const struct indicator *i = ip(in, "198.51.100.7");
	CHECK(i && i->type == IND_IPV4);
	CHECK_STR(i ? i->label : NULL, "Mirai C2");
	CHECK_STR(i ? i->source : NULL, "test.txt");
	CHECK(i && !i->stix_id && !i->from_url && !i->is_prefix);
	i = ip(in, "2001:db8::7");
	CHECK(i && i->type == IND_IPV6 && !i->label);
	CHECK_STR(i ? i->value : NULL, "2001:db8::7");
	i = ip(in, "203.0.113.100");
	CHECK(i && i->is_prefix);
	CHECK_STR(i ? i->value : NULL, "203.0.113.0/25");
	i = ip(in, "203.0.113.128"); /* outside the /25, inside the /24 */
	CHECK_STR(i ? i->label : NULL, "wide");
	CHECK(ip(in, "203.0.114.1") == NULL);
	i = ip(in, "203.0.113.200"); /* host of a URL */
	CHECK_STR(i ? i->from_url : NULL, "http://203.0.113.200/");
	CHECK(ip(in, "2001:db8::99") != NULL);
	i = intel_match_domain(in, "c2.example");
	CHECK_STR(i ? i->value : NULL, "c2.example");
	CHECK_STR(i ? i->label : NULL, "evil");
	CHECK(intel_match_domain(in, "A.B.C2.EXAMPLE.") == i);
	CHECK(intel_match_domain(in, "xc2.example") == NULL);
	CHECK(intel_match_domain(in, "example") == NULL);
	i = intel_match_domain(in, "cnc.example");
	CHECK(i && i->type == IND_DOMAIN);
	CHECK_STR(i ? i->from_url : NULL, "http://cnc.example:8080/bins/x.arm#frag");
	CHECK_STR(i ? i->label : NULL, "loader");
	CHECK(ip(in, "198.51.100.8") == NULL);
	CHECK_INT(intel_indicator_count(in), 11);
	intel_free(in);
}

static void test_plain_errors(void)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{"198.51.100.7\nnot_a_domain\n", "test.txt:2: a domain name needs at least two labels"},
		{"198.51.100.7 extra\n", "test.txt:1: text after the indicator"},
		{"ftp://c2.example/\n", "test.txt:1: only http:// and https:// URLs"},
		{"\n\n198.51.100.300\n", "test.txt:3: bad address"},
		{"198.51.100.0/33\n", "test.txt:1: prefix length out of range"},
		{"198.51.100.0/+3\n", "test.txt:1: not an IPv4"},
		{"198.51.100.0/0333\n", "test.txt:1: bad prefix length"},
		{"http://c2.example:99999/\n", "test.txt:1: URL: bad port"},
		{"http:///x\n", "test.txt:1: URL without a host"},
		{"http://[2001:db8::1/\n", "test.txt:1: URL: unterminated"},
		{"bad..example\n", "test.txt:1: empty label"},
		{"ex\xc3\xa4mple.jp\n", "test.txt:1: not an IPv4/IPv6 address"},
		{"a.b\x01.c\n", "test.txt:1: not an IPv4"},
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		char err[512] = "";
		struct intel *in = intel_new();
		CHECK_INT(add(in, bad[k].text, err), -1);
		if (strncmp(err, bad[k].want, strlen(bad[k].want)) != 0)
			fprintf(stderr, "  case %zu: got \"%s\"\n", k, err);
		CHECK(strncmp(err, bad[k].want, strlen(bad[k].want)) == 0);
		CHECK_INT(intel_indicator_count(in), 0); /* nothing half-loaded */
		intel_free(in);
	}
	/* a long line and a NUL byte */
	char *big = malloc(6000);
	memset(big, 'a', 5999);
	big[5999] = '\0';
	char err[512];
	struct intel *in = intel_new();
	CHECK_INT(add(in, big, err), -1);
	CHECK(strstr(err, "line too long") != NULL);
	CHECK_INT(intel_add_indicators(in, "c2.example\0x\n", 13, "n.txt", err, sizeof err), -1);
	CHECK(strstr(err, "n.txt:1: NUL byte") != NULL);
	free(big);
	intel_free(in);
}

static void test_pattern_parser(void)
{
	struct stix_cmp c[4];
	size_t n;
	CHECK(stix_pattern_parse("[ipv4-addr:value = '198.51.100.7']", c, 4, &n) == NULL);
	CHECK(n == 1 && c[0].type == IND_IPV4);
	CHECK_STR(c[0].value, "198.51.100.7");
	CHECK(stix_pattern_parse(" [ domain-name:value='a.example' OR url:value = 'http://x.example/it\\'s' ] OR"
				 "[ipv6-addr:value ISSUBSET '2001:db8::/32']",
				 c, 4, &n) == NULL);
	CHECK_INT(n, 3);
	CHECK_STR(c[1].value, "http://x.example/it's");
	CHECK(c[2].type == IND_IPV6);
	CHECK(stix_pattern_parse("[ipv4-addr:value = '1.2.3.4' AND domain-name:value = 'a.example']", c, 4, &n));
	CHECK(stix_pattern_parse("[file:hashes.MD5 = 'abc']", c, 4, &n));
	CHECK(stix_pattern_parse("[ipv4-addr:value != '1.2.3.4']", c, 4, &n));
	CHECK(stix_pattern_parse("[domain-name:value ISSUBSET 'a.example']", c, 4, &n));
	CHECK(stix_pattern_parse("[ipv4-addr:value ISSUBSET '1.2.3.4']", c, 4, &n));
	CHECK(stix_pattern_parse("[ipv4-addr:value = '1.2.3.4'] WITHIN 5 SECONDS", c, 4, &n));
	CHECK(stix_pattern_parse("[ipv4-addr:value = '1.2.3.4'", c, 4, &n));
	CHECK(stix_pattern_parse("[ipv4-addr:value = '1.2.3.4]", c, 4, &n));
	CHECK(stix_pattern_parse("[ipv4-addr:value = '\\x']", c, 4, &n));
	CHECK(stix_pattern_parse("[ipv4-addr:valueX = '1.2.3.4']", c, 4, &n));
	CHECK(stix_pattern_parse("[ipv4-addr:value = '1.1.1.1' OR ipv4-addr:value = '1.1.1.2' OR "
				 "ipv4-addr:value = '1.1.1.3' OR ipv4-addr:value = '1.1.1.4' OR ipv4-addr:value = '1.1.1.5']",
				 c, 4, &n));
	CHECK(stix_pattern_parse("", c, 4, &n));
}

struct warns {
	int n;
	char last[400];
};

static void on_warn(void *ctx, const char *msg)
{
	struct warns *w = ctx;
	w->n++;
	snprintf(w->last, sizeof w->last, "%s", msg);
}

static const char *bundle =
	"{\"type\": \"bundle\", \"id\": \"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d\", \"objects\": [\n"
	" {\"type\": \"identity\", \"id\": \"identity--a463ffb3-1bd9-4d94-b02d-74e4f1658283\", \"name\": \"x\"},\n"
	" {\"type\": \"ipv4-addr\", \"id\": \"ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd\", \"value\": \"192.0.2.99\"},\n"
	" {\"type\": \"indicator\", \"spec_version\": \"2.1\", \"id\": \"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\",\n"
	"  \"name\": \"Mirai C2\", \"pattern_type\": \"stix\", \"valid_from\": \"2020-01-01T00:00:00Z\",\n"
	"  \"pattern\": \"[ipv4-addr:value = '198.51.100.7' OR domain-name:value = 'C2.example']\"},\n"
	" {\"type\": \"indicator\", \"id\": \"indicator--0d6d8d1c-6d5a-4a4f-8bde-1b0fd7d8c1b5\", \"pattern_type\": \"stix\",\n"
	"  \"pattern\": \"[file:hashes.'SHA-256' = 'aa']\"},\n"
	" {\"type\": \"indicator\", \"id\": \"indicator--1\", \"pattern_type\": \"sigma\", \"pattern\": \"x\"},\n"
	" {\"type\": \"indicator\", \"id\": \"indicator--2\", \"revoked\": true, \"pattern_type\": \"stix\",\n"
	"  \"pattern\": \"[ipv4-addr:value = '198.51.100.66']\"},\n"
	" {\"type\": \"indicator\", \"id\": \"bogus\", \"pattern_type\": \"stix\",\n"
	"  \"pattern\": \"[url:value = 'https://dl.example/m.sh'] OR [ipv4-addr:value ISSUBSET '203.0.113.0/24']\"},\n"
	" {\"type\": \"indicator\", \"pattern_type\": \"stix\", \"pattern\": \"[ipv4-addr:value = 'c2.example']\"},\n"
	" 17\n"
	"]}\n";

static void test_stix(void)
{
	char err[512] = "";
	struct warns w = {0};
	struct intel *in = intel_new();
	intel_set_warn(in, on_warn, &w);
	int n = intel_add_indicators(in, bundle, strlen(bundle), "feed.json", err, sizeof err);
	CHECK_INT(n, 5); /* ip + domain, url + its host + prefix */
	CHECK_INT(w.n, 4);
	CHECK_INT(intel_warning_count(in), 4);
	CHECK(strstr(w.last, "feed.json: object 7") != NULL);
	CHECK(strstr(w.last, "value does not fit the object type") != NULL);
	const struct indicator *i = ip(in, "198.51.100.7");
	CHECK_STR(i ? i->stix_id : NULL, "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
	CHECK_STR(i ? i->label : NULL, "Mirai C2");
	i = intel_match_domain(in, "www.c2.example");
	CHECK_STR(i ? i->value : NULL, "c2.example");
	CHECK(ip(in, "198.51.100.66") == NULL); /* revoked */
	i = intel_match_domain(in, "dl.example");
	CHECK(i && i->from_url && !i->stix_id); /* "bogus" is no STIX id */
	CHECK(ip(in, "203.0.113.5") != NULL);
	CHECK(ip(in, "192.0.2.99") == NULL); /* SCOs are not indicators */
	intel_free(in);

	static const char *const bad[] = {
		"{\"type\": \"bundle\", \"objects\": [", "{\"type\": \"report\", \"objects\": []}",
		"{\"type\": \"bundle\", \"objects\": {}}", "{\"type\": \"bundle\", \"type\": \"bundle\"}",
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		in = intel_new();
		CHECK_INT(intel_add_indicators(in, bad[k], strlen(bad[k]), "b.json", err, sizeof err), -1);
		CHECK(strncmp(err, "b.json", 6) == 0);
		intel_free(in);
	}
}

static void test_classify(void)
{
	enum indicator_type t;
	char norm[300];
	CHECK(intel_classify("C2.EXAMPLE.", &t, norm, sizeof norm) && t == IND_DOMAIN);
	CHECK_STR(norm, "c2.example");
	CHECK(intel_classify("2001:DB8:0::1", &t, norm, sizeof norm) && t == IND_IPV6);
	CHECK_STR(norm, "2001:db8::1");
	CHECK(intel_classify("HTTP://X.Example/A", &t, norm, sizeof norm) && t == IND_URL);
	CHECK_STR(norm, "http://x.example/A");
	CHECK(!intel_classify("nope", &t, norm, sizeof norm));
	CHECK(!intel_classify("c2.example", &t, norm, 4));
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void test_load_dir(void)
{
	char dir[] = "/tmp/koban-intel-XXXXXX", path[200], err[512] = "";
	if (!mkdtemp(dir)) {
		CHECK(0);
		return;
	}
	snprintf(path, sizeof path, "%s/indicators", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/indicators/a.txt", dir);
	write_file(path, "198.51.100.1\n");
	snprintf(path, sizeof path, "%s/indicators/b.json", dir);
	write_file(path, bundle);
	snprintf(path, sizeof path, "%s/indicators/README", dir);
	write_file(path, "not loaded\n");
	snprintf(path, sizeof path, "%s/extra.txt", dir);
	write_file(path, "c3.example\n");
	setenv("KOBAN_DATA_DIR", dir, 1);
	const char *extra[] = {path};
	struct intel *in = intel_load(extra, 1, err, sizeof err);
	CHECK(in != NULL);
	CHECK_INT(intel_indicator_count(in), 7);
	CHECK(intel_match_domain(in, "c3.example") != NULL);
	CHECK(ip(in, "198.51.100.1") != NULL);
	CHECK_INT(intel_credential_count(in), 0); /* missing files: warnings only */
	intel_free(in);
	write_file(path, "c3.example\nbroken line here\n");
	in = intel_load(extra, 1, err, sizeof err);
	CHECK(in == NULL);
	CHECK(strstr(err, "extra.txt:2:") != NULL);
	const char *missing[] = {"/nonexistent/koban.txt"};
	CHECK(intel_load(missing, 1, err, sizeof err) == NULL);
	CHECK(strstr(err, "/nonexistent/koban.txt") != NULL);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
	unsetenv("KOBAN_DATA_DIR");
}

/* The shipped examples load and use documentation addresses only. */
static void test_shipped(void)
{
	char err[512] = "";
	struct intel *in = intel_new();
	int a = intel_add_indicator_file(in, "data/indicators/example.txt.sample", err, sizeof err);
	CHECK(a > 0);
	if (a < 0)
		fprintf(stderr, "  %s\n", err);
	int b = intel_add_indicator_file(in, "data/indicators/example-stix.json.sample", err, sizeof err);
	CHECK(b > 0);
	if (b < 0)
		fprintf(stderr, "  %s\n", err);
	CHECK_INT(intel_warning_count(in), 0);
	CHECK(intel_match_domain(in, "c2.example") != NULL);
	intel_free(in);
}

int main(void)
{
	test_plain();
	test_plain_errors();
	test_pattern_parser();
	test_stix();
	test_classify();
	test_load_dir();
	test_shipped();
	return test_summary();
}
