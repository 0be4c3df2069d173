/* test_credentials.c - the default-credential list: format rules and their
 * file:line errors, all-or-nothing loading, matching (user exact, password
 * by digest, empty passwords, entry numbers), and the shipped list. */
#include <stdlib.h>
#include <string.h>

#include "intel/intel.h"
#include "test.h"

static int add(struct intel *in, const char *text, char *err)
{
	return intel_add_credentials(in, text, strlen(text), "creds", err, 512);
}

static const struct credential *match(const struct intel *in, const char *u, const char *p)
{
	return intel_match_credential(in, u, p, strlen(p));
}

static void test_match(void)
{
	char err[512] = "";
	struct intel *in = intel_new();
	const char *list = "# comment\r\n"
			   "root\txc3511\tMirai\r\n"
			   "\n"
			   "   \t \n"
			   "admin\t\tblank password\n"
			   "#admin\tadmin\tcommented out\n"
			   "Admin\tp#ss word\twith '#' and a space\n"
			   "root\tvizxv\tMirai";
	CHECK_INT(add(in, list, err), 4);
	CHECK_STR(err, "");
	CHECK_INT(intel_credential_count(in), 4);
	const struct credential *c = match(in, "root", "xc3511");
	CHECK(c && c->entry == 1);
	CHECK_STR(c ? c->user : NULL, "root");
	CHECK_STR(c ? c->source : NULL, "Mirai");
	c = match(in, "admin", "");
	CHECK(c && c->entry == 2);
	CHECK(match(in, "admin", "admin") == NULL);
	CHECK(match(in, "Admin", "p#ss word") != NULL);
	CHECK(match(in, "admin", "p#ss word") == NULL); /* user names are case-sensitive */
	c = match(in, "root", "vizxv");
	CHECK(c && c->entry == 4);
	CHECK(match(in, "root", "vizxv ") == NULL);
	CHECK(match(in, "root", "xc351") == NULL);
	CHECK(intel_match_credential(in, "root", "xc3511\0x", 8) == NULL); /* length counts */
	CHECK(intel_match_credential(in, "root", NULL, 0) == NULL);
	CHECK(intel_match_credential(in, NULL, "", 0) == NULL);
	/* a second list continues the numbering */
	CHECK_INT(add(in, "guest\tguest\tMirai\n", err), 1);
	c = match(in, "guest", "guest");
	CHECK(c && c->entry == 5);
	intel_free(in);
}

static void test_errors(void)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{"root\txc3511\n", "creds:1: expected user<TAB>password<TAB>source"},
		{"root xc3511 Mirai\n", "creds:1: expected"},
		{"a\tb\tc\nroot\tx\tsrc\textra\n", "creds:2: more than three"},
		{"\tpw\tsrc\n", "creds:1: empty user"},
		{"root\tpw\t\n", "creds:1: empty source"},
		{"root\tp\x01w\tsrc\n", "creds:1: password has control characters"},
		{"ro\xffot\tpw\tsrc\n", "creds:1: user has control characters, invalid UTF-8"},
		{"root \tpw\tsrc\n", "creds:1: user has control"},
		{"root\tpw\t src\n", "creds:1: source has control"},
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		char err[512] = "";
		struct intel *in = intel_new();
		CHECK_INT(add(in, "ok\tok\tok\n", err), 1);
		CHECK_INT(add(in, bad[k].text, err), -1);
		if (strncmp(err, bad[k].want, strlen(bad[k].want)) != 0)
			fprintf(stderr, "  case %zu: got \"%s\"\n", k, err);
		CHECK(strncmp(err, bad[k].want, strlen(bad[k].want)) == 0);
		CHECK_INT(intel_credential_count(in), 1); /* the bad list added nothing */
		intel_free(in);
	}
	char big[200], err[512];
	memset(big, 'p', sizeof big);
	memcpy(big, "u\t", 2);
	memcpy(big + 150, "\tsrc\n", 6);
	struct intel *in = intel_new();
	CHECK_INT(add(in, big, err), -1);
	CHECK(strstr(err, "password longer than 128 bytes") != NULL);
	intel_free(in);
}

static void test_shipped(void)
{
	char err[512] = "";
	struct intel *in = intel_new();
	FILE *f = fopen("data/default-credentials", "rb");
	static char buf[1 << 16];
	size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
	if (f)
		fclose(f);
	int added = intel_add_credentials(in, buf, n, "data/default-credentials", err, sizeof err);
	if (added < 0)
		fprintf(stderr, "  %s\n", err);
	CHECK(added >= 100);
	const struct credential *c = match(in, "root", "xc3511");
	CHECK(c && c->entry == 1 && strstr(c->source, "Mirai") != NULL);
	CHECK(match(in, "pi", "raspberry") != NULL);
	CHECK(match(in, "root", "") != NULL);
	CHECK(match(in, "admin", "4321") != NULL); /* decoded, not the source comment */
	for (size_t i = 0; i < 3; i++)
		CHECK(match(in, "root", "definitely-not-a-default") == NULL);
	intel_free(in);
}

int main(void)
{
	test_match();
	test_errors();
	test_shipped();
	return test_summary();
}
