/* test_keypoints.c - the guideline key-point texts, event-kind, severity and
 * UI labels: complete in both languages, exact official Japanese titles,
 * NULL outside the ranges. */
#include <stdlib.h>
#include <string.h>

#include "report/keypoints.h"
#include "test.h"
#include "util/text.h"

/* The titles as printed in IoTセキュリティガイドライン ver 1.0 (2016). */
static const char *const official[KEYPOINT_COUNT + 1] = {
	NULL,
	"経営者がIoTセキュリティにコミットする",
	"内部不正やミスに備える",
	"守るべきものを特定する",
	"つながることによるリスクを想定する",
	"つながりで波及するリスクを想定する",
	"物理的なリスクを認識する",
	"過去の事例に学ぶ",
	"個々でも全体でも守れる設計をする",
	"つながる相手に迷惑をかけない設計をする",
	"安全安心を実現する設計の整合性をとる",
	"不特定の相手とつなげられても安全安心を確保できる設計をする",
	"安全安心を実現する設計の検証・評価を行う",
	"機器等がどのような状態かを把握し、記録する機能を設ける",
	"機能及び用途に応じて適切にネットワーク接続する",
	"初期設定に留意する",
	"認証機能を導入する",
	"出荷・リリース後も安全安心な状態を維持する",
	"出荷・リリース後もIoTリスクを把握し、関係者に守ってもらいたいことを伝える",
	"つながることによるリスクを一般利用者に知ってもらう",
	"IoTシステム・サービスにおける関係者の役割を認識する",
	"脆弱な機器を把握し、適切に注意喚起を行う",
};

/* Non-empty, valid UTF-8, no control characters (text_clean leaves it as is). */
static int clean_text(const char *s)
{
	char buf[1024];
	if (!s || !*s || strlen(s) >= sizeof buf)
		return 0;
	text_clean_into(buf, sizeof buf, s, strlen(s));
	return strcmp(buf, s) == 0;
}

static int has_non_ascii(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

static void test_keypoints(void)
{
	for (int kp = 1; kp <= KEYPOINT_COUNT; kp++) {
		CHECK_STR(keypoint_title(kp, "ja"), official[kp]);
		CHECK(clean_text(keypoint_title(kp, "en")) && !has_non_ascii(keypoint_title(kp, "en")));
		CHECK(clean_text(keypoint_explain(kp, "ja")) && has_non_ascii(keypoint_explain(kp, "ja")));
		CHECK(clean_text(keypoint_explain(kp, "en")) && !has_non_ascii(keypoint_explain(kp, "en")));
	}
	CHECK_STR(keypoint_title(15, "ja"), "初期設定に留意する");
	CHECK_STR(keypoint_title(15, "en"), "Take care with initial settings");
	CHECK_STR(keypoint_title(15, "ja-JP"), "初期設定に留意する");
	CHECK_STR(keypoint_title(15, NULL), "Take care with initial settings");
	CHECK_STR(keypoint_title(15, "jax"), "Take care with initial settings");
	CHECK_STR(keypoint_title(21, "en"), "Find vulnerable devices and alert owners");
	CHECK(strstr(keypoint_explain(15, "en"), "TELNET") != NULL);
	CHECK(keypoint_title(0, "ja") == NULL);
	CHECK(keypoint_title(22, "en") == NULL);
	CHECK(keypoint_title(-1, "en") == NULL);
	CHECK(keypoint_explain(0, "en") == NULL);
	CHECK(keypoint_explain(22, "ja") == NULL);
	CHECK(lang_is_ja("ja") && lang_is_ja("ja_JP.UTF-8") && !lang_is_ja("en") && !lang_is_ja("") &&
	      !lang_is_ja(NULL) && !lang_is_ja("j"));
}

static void test_kinds(void)
{
	static const char *const kinds[] = {"new-device", "new-service", "cleartext-login", "scan",
					    "bruteforce", "flood", "c2", "default-credential",
					    "wan-exposure", "vulnerable-firmware", "end-of-support",
					    "cleartext-admin"};
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		const char *ja = event_kind_label(kinds[i], "ja"), *en = event_kind_label(kinds[i], "en");
		CHECK(clean_text(ja) && has_non_ascii(ja));
		CHECK(clean_text(en) && !has_non_ascii(en));
	}
	CHECK_STR(event_kind_label("cleartext-login", "ja"), "平文のログイン");
	CHECK_STR(event_kind_label("new-device", "en"), "New device");
	CHECK(event_kind_label("no-such-kind", "en") == NULL);
	CHECK(event_kind_label("", "ja") == NULL);
	CHECK(event_kind_label(NULL, "ja") == NULL);
}

static void test_labels(void)
{
	for (int s = 0; s <= 4; s++)
		CHECK(clean_text(severity_label(s, "ja")) && clean_text(severity_label(s, "en")));
	CHECK_STR(severity_label(4, "en"), "Critical");
	CHECK_STR(severity_label(0, "ja"), "情報");
	CHECK(severity_label(-1, "en") == NULL && severity_label(5, "ja") == NULL);
	int all = 1;
	for (int id = 0; id < UI_TEXT_COUNT; id++)
		all &= clean_text(ui_text((enum ui_text)id, "ja")) && clean_text(ui_text((enum ui_text)id, "en"));
	CHECK(all);
	CHECK_STR(ui_text(UI_DEVICES, "en"), "Devices");
	CHECK_STR(ui_text(UI_DEVICES, "ja"), "機器一覧");
	CHECK(ui_text(UI_TEXT_COUNT, "en") == NULL);
	CHECK(ui_text((enum ui_text)-1, "ja") == NULL);
}

int main(void)
{
	test_keypoints();
	test_kinds();
	test_labels();
	return test_summary();
}
