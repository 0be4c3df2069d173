/* test_advice.c - the advice texts: every event kind koban emits has all
 * three parts in both languages, non-empty, Japanese texts in Japanese
 * (polite form, full sentences), English texts without Japanese, rules and
 * key points in range, and the steps the guideline asks for where they
 * belong (change the password, update, disconnect, close the port forward). */
#include <stdint.h>
#include <string.h>

#include "report/advice.h"
#include "test.h"

static const char *const kinds[] = {
	"new-device", "new-service", "cleartext-login", "scan", "bruteforce", "flood", "c2",
	"default-credential", "wan-exposure", "vulnerable-firmware", "end-of-support", "cleartext-admin",
	"no-authentication", "weak-tls", "update-failed", "default-password-unchanged", "firmware-outdated",
	"status-invalid", NULL,
};

/* Decodes one UTF-8 character; returns its length, 0 if invalid. */
static size_t utf8_char(const unsigned char *s, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	size_t n = (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
	if (!n)
		return 0;
	*cp = s[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	return n;
}

/* Counts kana and kanji; -1 if s is not valid UTF-8 or has a control character. */
static int japanese_chars(const char *s)
{
	int n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		uint32_t cp;
		size_t len = utf8_char(p, &cp);
		if (!len || cp < 0x20 || cp == 0x7f)
			return -1;
		if ((cp >= 0x3040 && cp <= 0x30ff) || (cp >= 0x4e00 && cp <= 0x9fff))
			n++;
		p += len;
	}
	return n;
}

static int ends_with(const char *s, const char *end)
{
	size_t a = strlen(s), b = strlen(end);
	return a >= b && strcmp(s + a - b, end) == 0;
}

static void test_kind(const char *kind)
{
	const struct advice *a = advice_for(kind);
	CHECK(a != NULL);
	if (!a) {
		fprintf(stderr, "no advice for %s\n", kind);
		return;
	}
	CHECK_STR(a->kind, kind);
	for (int p = 0; p < ADVICE_PART_COUNT; p++) {
		const char *ja = advice_text(kind, "ja", (enum advice_part)p);
		const char *en = advice_text(kind, "en", (enum advice_part)p);
		CHECK(ja && en && strlen(ja) > 20 && strlen(en) > 20);
		if (!ja || !en)
			continue;
		CHECK(japanese_chars(ja) > 10);
		CHECK(ends_with(ja, "。"));
		CHECK_INT(japanese_chars(en), 0);
		CHECK(ends_with(en, "."));
		CHECK(strpbrk(en, "<>\"") == NULL && strpbrk(ja, "<>\"") == NULL);
		CHECK(advice_text(kind, "ja-JP", (enum advice_part)p) == ja);
		CHECK(advice_text(kind, NULL, (enum advice_part)p) == en);
	}
	const char *todo = advice_text(kind, "ja", ADVICE_TODO);
	CHECK(todo && strstr(todo, "ください") != NULL); /* polite requests */
	const char *why = advice_text(kind, "ja", ADVICE_WHY);
	CHECK(why && (strstr(why, "ます。") || strstr(why, "です。")));
	CHECK(a->n_rules >= 1 && a->n_rules <= ADVICE_MAX_RULES);
	for (size_t i = 0; i < a->n_rules; i++)
		CHECK(a->rules[i] >= 1 && a->rules[i] <= ADVICE_RULE_COUNT);
	CHECK(a->n_key_points >= 1 && a->n_key_points <= ADVICE_MAX_KPS);
	for (size_t i = 0; i < a->n_key_points; i++)
		CHECK(a->key_points[i] >= 1 && a->key_points[i] <= 21);
}

static int has_rule(const char *kind, int rule)
{
	const struct advice *a = advice_for(kind);
	for (size_t i = 0; a && i < a->n_rules; i++)
		if (a->rules[i] == rule)
			return 1;
	return 0;
}

static int has_kp(const char *kind, int kp)
{
	const struct advice *a = advice_for(kind);
	for (size_t i = 0; a && i < a->n_key_points; i++)
		if (a->key_points[i] == kp)
			return 1;
	return 0;
}

/* The "what to do" text of kind mentions both phrases (English, Japanese). */
static int todo_says(const char *kind, const char *en, const char *ja)
{
	const char *e = advice_text(kind, "en", ADVICE_TODO), *j = advice_text(kind, "ja", ADVICE_TODO);
	int ok = e && j && strstr(e, en) && strstr(j, ja);
	if (!ok)
		fprintf(stderr, "%s: todo lacks \"%s\" / \"%s\"\n", kind, en, ja);
	return ok;
}

static void test_content(void)
{
	CHECK(todo_says("default-credential", "Change the password", "パスワードに変更"));
	CHECK(todo_says("vulnerable-firmware", "Update the firmware", "ファームウェアを最新版に更新"));
	CHECK(todo_says("vulnerable-firmware", "maker's support", "サポート窓口"));
	CHECK(todo_says("flood", "Disconnect the device", "切り離して"));
	CHECK(todo_says("flood", "Keep this report", "保存"));
	CHECK(todo_says("c2", "Disconnect the device", "切り離して"));
	CHECK(todo_says("wan-exposure", "close the port forward", "ポート転送を閉じ"));
	CHECK(todo_says("wan-exposure", "UPnP", "UPnP"));
	CHECK(todo_says("cleartext-login", "Stop using TELNET and FTP", "TELNETやFTPは使うのをやめ"));
	CHECK(todo_says("end-of-support", "replace", "買い替え"));
	CHECK(todo_says("end-of-support", "unplug", "電源を切って"));
	CHECK(todo_says("end-of-support", "erase its data", "データを消去"));
	CHECK(todo_says("new-device", "disconnect it", "切り離し"));
	CHECK(todo_says("new-service", "turn it off", "無効に"));
	CHECK(has_rule("end-of-support", 1) && has_rule("end-of-support", 3) && has_rule("end-of-support", 4));
	CHECK(has_rule("default-credential", 2) && has_rule("new-device", 2));
	CHECK(has_kp("flood", 9) && has_kp("flood", 13) && has_kp("c2", 13));
	CHECK(has_kp("default-credential", 15) && has_kp("vulnerable-firmware", 17) &&
	      has_kp("vulnerable-firmware", 21));
}

static void test_table(void)
{
	size_t n = 0;
	for (const char *const *k = kinds; *k; k++, n++)
		test_kind(*k);
	CHECK_INT(advice_count(), n); /* no kind without a test, none missing */
	for (size_t i = 0; i < advice_count(); i++) {
		int listed = 0;
		for (const char *const *k = kinds; *k; k++)
			listed |= strcmp(*k, advice_at(i)->kind) == 0;
		CHECK(listed);
		for (size_t j = 0; j < i; j++)
			CHECK(strcmp(advice_at(i)->kind, advice_at(j)->kind) != 0);
	}
	CHECK(advice_at(advice_count()) == NULL);
	CHECK(advice_for(NULL) == NULL && advice_for("") == NULL && advice_for("new-devic") == NULL);
	CHECK(advice_text("nope", "en", ADVICE_WHAT) == NULL);
	CHECK(advice_text("scan", "en", ADVICE_PART_COUNT) == NULL);
	CHECK(advice_text("scan", "en", (enum advice_part)-1) == NULL);
}

static void test_labels(void)
{
	for (int p = 0; p < ADVICE_PART_COUNT; p++) {
		CHECK(japanese_chars(advice_part_label((enum advice_part)p, "ja")) > 0);
		CHECK(advice_part_label((enum advice_part)p, "en") != NULL);
	}
	CHECK(advice_part_label(ADVICE_PART_COUNT, "en") == NULL);
	CHECK_STR(advice_part_label(ADVICE_TODO, "en"), "What to do now");
	CHECK(japanese_chars(advice_label("ja")) > 0 && japanese_chars(advice_label("en")) == 0);
	CHECK(japanese_chars(advice_rule_label("ja")) > 0);
	CHECK_STR(advice_rule_title(2, "ja"), "初期設定に気をつける");
	CHECK_STR(advice_rule_title(3, "en"), "Switch off devices you no longer use");
	for (int r = 1; r <= ADVICE_RULE_COUNT; r++)
		CHECK(japanese_chars(advice_rule_title(r, "ja")) > 5 && advice_rule_title(r, "en"));
	CHECK(advice_rule_title(0, "ja") == NULL && advice_rule_title(5, "en") == NULL);
}

int main(void)
{
	test_table();
	test_content();
	test_labels();
	return test_summary();
}
