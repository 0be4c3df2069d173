/* notify.c - the notice for a device's administrator: which device, what
 * the audit found, why it matters and what to do, in Japanese and then in
 * English, as plain text that can be printed or mailed as it is (key point
 * 21: alert the owners of vulnerable devices). The advice texts are the
 * report's (report/advice.c), so the notice and the report say the same. */
#include <stdio.h>
#include <string.h>

#include "audit/findings.h"
#include "report/advice.h"
#include "report/keypoints.h"

static void device_line(FILE *f, const struct audit_host *h, const struct device *dev, bool ja)
{
	char ip[KADDR_STRLEN], mac[MAC_STRLEN];
	kaddr_str(&h->ip, ip, sizeof ip);
	fprintf(f, "%s %s", ja ? "機器:" : "Device:", ip);
	if (h->has_mac)
		fprintf(f, " (MAC %s)", mac_str(h->mac, mac, sizeof mac));
	const char *maker = dev && dev->manufacturer ? dev->manufacturer : dev ? dev->vendor : NULL;
	if (maker)
		fprintf(f, ", %s", maker);
	if (dev && dev->model)
		fprintf(f, " %s", dev->model);
	if (dev && dev->firmware)
		fprintf(f, ", %s %s", ja ? "ファームウェア" : "firmware", dev->firmware);
	fputc('\n', f);
}

static void wrap(FILE *f, const char *indent, const char *label, const char *text)
{
	if (text)
		fprintf(f, "%s%s %s\n", indent, label, text);
}

static void one_language(FILE *f, const struct audit_host *h, const struct device *dev, json_t *events,
			 const char *when, const char *lang)
{
	bool ja = lang_is_ja(lang);
	fputs(ja ? "■ koban 監査のお知らせ（日本語）\n\n" : "■ koban audit notice (English)\n\n", f);
	device_line(f, h, dev, ja);
	fprintf(f, "%s %s\n", ja ? "調査日時:" : "Surveyed:", when);
	fprintf(f, ja ? "見つかったこと: %zu 件\n\n" : "Findings: %zu\n\n", json_array_size(events));
	size_t i;
	json_t *ev;
	json_array_foreach(events, i, ev) {
		const char *kind = json_string_value(json_object_get(ev, "kind"));
		const char *sev = json_string_value(json_object_get(ev, "severity"));
		json_t *sum = json_object_get(ev, "summary");
		int s = severity_parse(sev ? sev : "");
		const char *sl = severity_label(s < 0 ? 0 : s, lang), *kl = event_kind_label(kind ? kind : "", lang);
		fprintf(f, "%zu. [%s] %s\n", i + 1, sl ? sl : "", kl ? kl : kind ? kind : "");
		wrap(f, "   ", ja ? "内容:" : "Found:", json_string_value(json_object_get(sum, ja ? "ja" : "en")));
		wrap(f, "   ", ja ? "理由:" : "Why it matters:", advice_text(kind, lang, ADVICE_WHY));
		wrap(f, "   ", ja ? "対処:" : "What to do:", advice_text(kind, lang, ADVICE_TODO));
		fputc('\n', f);
	}
	fputs(ja ? "この調査はログインの確認までしか行っていません。ログインできた場合もすぐに切断し、"
		   "機器の設定やデータには一切触れていません。\n"
		 : "The audit went no further than checking the login. Where a login succeeded it was closed at "
		   "once; no setting or data on the device was touched.\n",
	      f);
}

int audit_notice_write(FILE *f, const struct audit_host *h, const struct device *dev, json_t *events,
		       const char *when)
{
	one_language(f, h, dev, events, when, "ja");
	fputs("\n----------------------------------------------------------------\n\n", f);
	one_language(f, h, dev, events, when, "en");
	return ferror(f) ? -1 : 0;
}
