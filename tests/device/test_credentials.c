/* test_credentials.c - label passwords (format, per unit), the strength
 * check (koban's default-credential list as shipped in data/, decorated list
 * entries, patterns, identity, classes), the list reader on malformed input,
 * login with the label password, locked functions, lockout with a growing
 * delay that survives a reboot, and the password change. */
#include "devtest.h"
#include "test.h"

static char list[64 * 1024];
static size_t listlen;

static void load_list(void)
{
	const char *dir = getenv("KOBAN_DATA_DIR");
	char path[512];
	snprintf(path, sizeof path, "%s/default-credentials", dir ? dir : "data");
	FILE *f = fopen(path, "r");
	listlen = f ? fread(list, 1, sizeof list, f) : 0;
	if (f)
		fclose(f);
}

static void test_label(void)
{
	const struct kd_crypto *cr = kd_crypto_sodium();
	uint8_t s1[32] = { 1 }, s2[32] = { 2 };
	char a[KD_LABEL_PW_LEN + 1], b[KD_LABEL_PW_LEN + 1], c[KD_LABEL_PW_LEN + 1];
	CHECK_INT(kd_label_password(cr, s1, "KBN-0001", a, sizeof a), KD_OK);
	CHECK_INT(kd_label_password(cr, s1, "KBN-0001", b, sizeof b), KD_OK);
	CHECK_INT(kd_label_password(cr, s2, "KBN-0001", c, sizeof c), KD_OK);
	CHECK_STR(a, b);
	CHECK(strcmp(a, c) != 0);
	CHECK_INT(strlen(a), 14);
	CHECK(a[4] == '-' && a[9] == '-');
	CHECK(strspn(a, "23456789ABCDEFGHJKLMNPQRSTUVWXYZ-") == 14);
	CHECK_INT(kd_label_password(cr, s1, "KBN-0002", b, sizeof b), KD_OK);
	CHECK(strcmp(a, b) != 0);
	CHECK_INT(kd_label_password(cr, s1, "KBN-0001", b, 10), KD_ERR_ARG);
}

static int chk(const char *pw)
{
	return kd_password_check(pw, strlen(pw), list, listlen, "admin", "KBN-TEST-0001", "ABCD-EFGH-JKLM");
}

/* Every password of the shipped list that is long enough is refused. */
static void list_refused(void)
{
	int refused = 0, long_enough = 0;
	for (size_t pos = 0; pos < listlen;) {
		char *nl = memchr(list + pos, '\n', listlen - pos), *t1, *t2;
		size_t end = nl ? (size_t)(nl - list) : listlen;
		char line[4096];
		snprintf(line, sizeof line, "%.*s", (int)(end - pos), list + pos);
		pos = end + 1;
		if (line[0] == '#' || !(t1 = strchr(line, '\t')) || !(t2 = strchr(t1 + 1, '\t')))
			continue;
		*t2 = '\0';
		if (strlen(t1 + 1) >= KD_PW_MIN_LEN) {
			long_enough++;
			refused += kd_password_check(t1 + 1, strlen(t1 + 1), list, listlen, NULL, NULL, NULL) ==
				   KD_PW_ON_DEFAULT_LIST;
		}
	}
	CHECK(long_enough > 0);
	CHECK_INT(refused, long_enough);
}

static void test_strength(void)
{
	unsigned bad = 0;
	int n = kd_credlist_count(list, listlen, &bad);
	CHECK(n > 100);
	CHECK_INT(bad, 0);
	CHECK(kd_credlist_find(list, listlen, "xc3511", 6, false) == 1);
	CHECK(kd_credlist_find(list, listlen, "XC3511", 6, false) == 0);
	CHECK(kd_credlist_find(list, listlen, "XC3511", 6, true) == 1);
	CHECK_INT(chk("Tr0ub4dor&3x"), KD_PW_OK);
	CHECK_INT(chk("correct horse battery staple"), KD_PW_OK);
	CHECK_INT(chk("short1A!"), KD_PW_TOO_SHORT);
	CHECK_INT(chk("alllowercaseletters"), KD_PW_OK); /* 16+: a passphrase */
	CHECK_INT(chk("lowercase12"), KD_PW_FEW_CLASSES);
	CHECK_INT(chk("Password1234!"), KD_PW_ON_DEFAULT_LIST); /* "password" with decoration */
	CHECK_INT(chk("Admin@2024!!"), KD_PW_ON_DEFAULT_LIST);
	CHECK_INT(chk("1234567890"), KD_PW_PATTERN);
	CHECK_INT(chk("qwertyuiop[]"), KD_PW_PATTERN);
	CHECK_INT(chk("abcdefghijklm"), KD_PW_PATTERN);
	CHECK_INT(chk("Aa1!Aa1!Aa1!"), KD_PW_PATTERN); /* periodic */
	CHECK_INT(chk("zzzzzzzzzzZ1"), KD_PW_PATTERN);
	CHECK_INT(chk("my KBN-TEST-0001 pw"), KD_PW_IDENTITY);
	CHECK_INT(chk("xABCDEFGHJKLMx"), KD_PW_IDENTITY); /* the label password without dashes */
	CHECK_INT(chk("ABCD-EFGH-JKLM"), KD_PW_IDENTITY);
	CHECK_INT(chk("Tr0ub4dor\n3x"), KD_PW_BAD_CHARS);
	list_refused();
	/* the reader: malformed lines are named, limits hold */
	static const char bad1[] = "# c\nroot\txc\tsrc\nno-tabs-here\n";
	CHECK_INT(kd_credlist_count(bad1, sizeof bad1 - 1, &bad), KD_ERR_FORMAT);
	CHECK_INT(bad, 3);
	static const char bad2[] = "root\txc\tsrc\textra\n";
	CHECK_INT(kd_credlist_count(bad2, sizeof bad2 - 1, &bad), KD_ERR_FORMAT);
	static const char bad3[] = "\tpw\tsrc\n";
	CHECK_INT(kd_credlist_count(bad3, sizeof bad3 - 1, &bad), KD_ERR_FORMAT);
	static const char ok1[] = "root\t\tsrc\r\nadmin\tadmin\tsrc"; /* CRLF, no final newline, empty password */
	CHECK_INT(kd_credlist_count(ok1, sizeof ok1 - 1, &bad), 2);
	CHECK_INT(kd_credlist_find(ok1, sizeof ok1 - 1, "admin", 5, false), 2);
	CHECK_INT(kd_credlist_find(ok1, sizeof ok1 - 1, "", 0, false), 1);
}

/* Lockout: 5 failures, then 30 s, 60 s, 120 s ...; a reboot does not reset it. */
static void test_lockout(struct dt_env *ep, const char *good)
{
	uint32_t wait = 0;
	for (int i = 0; i < 4; i++)
		CHECK_INT(kd_cred_login(&ep->dev, "guess", 5, &wait), KD_ERR_AUTH);
	CHECK_INT(wait, 0);
	CHECK_INT(kd_cred_login(&ep->dev, "guess", 5, &wait), KD_ERR_AUTH);
	CHECK_INT(wait, 30);
	CHECK_INT(kd_cred_login(&ep->dev, good, strlen(good), &wait), KD_ERR_LOCKED); /* even the right one */
	CHECK_INT(wait, 30);
	dt_clock += 10;
	CHECK_INT(dt_reboot(ep), KD_OK); /* a reboot does not reset the lock */
	CHECK_INT(kd_cred_login(&ep->dev, good, strlen(good), &wait), KD_ERR_LOCKED);
	CHECK_INT(wait, 20);
	dt_clock += 21;
	CHECK_INT(kd_cred_login(&ep->dev, "guess", 5, &wait), KD_ERR_AUTH);
	CHECK_INT(wait, 60);
	dt_clock += 61;
	CHECK_INT(kd_cred_login(&ep->dev, "guess", 5, &wait), KD_ERR_AUTH);
	CHECK_INT(wait, 120);
	dt_clock += 121;
	CHECK_INT(kd_cred_login(&ep->dev, good, strlen(good), &wait), KD_OK);
	CHECK_INT(ep->dev.cred.fails, 0);
}

static void test_login(void)
{
	struct dt_env e;
	char label[KD_LABEL_PW_LEN + 1];
	uint32_t wait = 0;
	int verdict = -1;
	const char good[] = "Sakura-Mochi 77";
	CHECK_INT(dt_setup(&e, 16, 2000), KD_OK);
	kd_label_password(kd_crypto_sodium(), e.id.secret, e.id.device_id, label, sizeof label);
	CHECK(kd_cred_is_default(&e.dev));
	CHECK_INT(kd_cred_require_changed(&e.dev), KD_ERR_DEFAULT_PASSWORD);
	CHECK_INT(kd_cred_login(&e.dev, label, strlen(label), &wait), KD_ERR_DEFAULT_PASSWORD);
	CHECK_INT(kd_cred_login(&e.dev, "admin", 5, &wait), KD_ERR_AUTH);
	CHECK_INT(e.dev.cred.fails, 1);
	CHECK_INT(kd_cred_change(&e.dev, label, strlen(label), "admin1234", 9, list, listlen, &verdict), KD_ERR_WEAK);
	CHECK_INT(verdict, KD_PW_TOO_SHORT);
	CHECK_INT(kd_cred_change(&e.dev, label, strlen(label), "Password12345", 13, list, listlen, &verdict),
		  KD_ERR_WEAK);
	CHECK_INT(verdict, KD_PW_ON_DEFAULT_LIST);
	CHECK(kd_cred_is_default(&e.dev));
	CHECK_INT(kd_cred_change(&e.dev, "wrong", 5, good, strlen(good), list, listlen, &verdict), KD_ERR_AUTH);
	CHECK_INT(kd_cred_change(&e.dev, label, strlen(label), good, strlen(good), list, listlen, &verdict), KD_OK);
	CHECK(!kd_cred_is_default(&e.dev));
	CHECK_INT(kd_cred_require_changed(&e.dev), KD_OK);
	CHECK_INT(kd_cred_login(&e.dev, label, strlen(label), &wait), KD_ERR_AUTH); /* label no longer works */
	CHECK_INT(kd_cred_login(&e.dev, good, strlen(good), &wait), KD_OK);
	CHECK_INT(e.dev.cred.fails, 0);
	CHECK_INT(dt_reboot(&e), KD_OK);
	CHECK(!kd_cred_is_default(&e.dev));
	CHECK_INT(kd_cred_login(&e.dev, good, strlen(good), &wait), KD_OK);
	test_lockout(&e, good);
	CHECK_STR(kd_pw_verdict_str(KD_PW_PATTERN), "an obvious pattern");
	dt_teardown(&e);
}

int main(void)
{
	load_list();
	CHECK(listlen > 1000);
	test_label();
	test_strength();
	test_login();
	return test_summary();
}
