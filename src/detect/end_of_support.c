/* end_of_support.c - the "end-of-support" detector: a local device whose
 * product is on the end-of-support list (data/end-of-support.json). The
 * end date is compared with the capture time of the event (never the wall
 * clock): support ended -> medium; ending within end-of-support.warn_days
 * -> low; later -> nothing yet. Checked when the device's identity changes
 * and once more for every device at the end of the run. One event per
 * device (a second one only when an "ending" warning becomes "ended").
 * Guideline key point 18 (announce the support period and its end) and
 * chapter 3 rule 1 (avoid devices and services without support). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detector.h"
#include "device/label.h"
#include "detect/detectors.h"
#include "intel/intel.h"

#define EOS_MAX_DEVICES 4096 /* devices remembered (sweep and what was reported) */
#define EOS_RULE_EN "guideline chapter 3 rule 1: avoid devices and services without a support contact"
#define EOS_RULE_JA "ガイドライン第3章 ルール1: 問合せ窓口やサポートがない機器やサービスの購入・利用を控える"

enum eos_level { EOS_NONE = 0, EOS_ENDING, EOS_ENDED };

struct eos_dev {
	struct device *d;
	uint8_t level; /* highest level reported */
};

struct eos {
	uint32_t warn_days;
	struct eos_dev devs[EOS_MAX_DEVICES];
	size_t n;
};

/* Summaries are cut to their buffers on purpose (the engine mends a cut
 * UTF-8 tail), so they are written through vsnprintf. */
__attribute__((format(printf, 3, 4))) static void text_put(char *dst, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(dst, n, fmt, ap);
	va_end(ap);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's civil algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* "YYYY-MM-DD" (the loader validated it) as days since the epoch. */
static bool parse_date(const char *s, int64_t *days)
{
	unsigned y, m, d;
	char tail;
	if (!s || sscanf(s, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	*days = days_from_civil((int64_t)y, m, d);
	return true;
}

static struct eos_dev *slot_of(struct eos *s, struct device *d)
{
	for (size_t i = s->n; i-- > 0;)
		if (s->devs[i].d == d)
			return &s->devs[i];
	if (s->n == EOS_MAX_DEVICES)
		return NULL;
	s->devs[s->n] = (struct eos_dev){.d = d};
	return &s->devs[s->n++];
}

/* The entry for the device's manufacturer, else for its OUI vendor; *via
 * says which ("manufacturer" or "oui_vendor"). */
static const struct eos_entry *match_device(struct detect_ctx *ctx, const struct device *d, const char **via)
{
	const struct intel *in = detect_intel(ctx);
	if (!in)
		return NULL;
	const struct eos_entry *e = d->manufacturer ? intel_match_eos(in, d->manufacturer, d->model) : NULL;
	*via = "manufacturer";
	if (!e && d->vendor) {
		e = intel_match_eos(in, d->vendor, d->model);
		*via = "oui_vendor";
	}
	return e;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}


static void summaries(struct event *ev, const struct device *d, const struct eos_entry *e, int64_t days_left)
{
	char label[320];
	device_label(d, NULL, label, sizeof label);
	if (days_left <= 0) {
		text_put(ev->summary_en, sizeof ev->summary_en,
			 "%s is a %s %s, whose support ended on %s: it gets no more security updates (%s)", label,
			 e->vendor, e->product, e->end_date, EOS_RULE_EN);
		text_put(ev->summary_ja, sizeof ev->summary_ja,
			 "%s（%s %s）はサポートが %s に終了しており、セキュリティ更新が提供されません（%s）", label,
			 e->vendor, e->product, e->end_date, EOS_RULE_JA);
	} else {
		text_put(ev->summary_en, sizeof ev->summary_en,
			 "%s is a %s %s, whose support ends on %s (in %lld days): plan its replacement (%s)", label,
			 e->vendor, e->product, e->end_date, (long long)days_left, EOS_RULE_EN);
		text_put(ev->summary_ja, sizeof ev->summary_ja,
			 "%s（%s %s）のサポートは %s に終了します（あと %lld 日）。買い替えを計画してください（%s）",
			 label, e->vendor, e->product, e->end_date, (long long)days_left, EOS_RULE_JA);
	}
}

static void report(struct detect_ctx *ctx, const struct device *d, const struct eos_entry *e, const char *via,
		   int64_t days_left, uint64_t ts)
{
	static const uint8_t kps[] = {18};
	struct event ev;
	detect_event_init(&ev, "end-of-support", days_left <= 0 ? SEV_MEDIUM : SEV_LOW, d, NULL, ts);
	detect_event_key_points(&ev, kps, sizeof kps);
	summaries(&ev, d, e, days_left);
	json_t *o = ev.evidence;
	json_object_set_new(o, "status", json_string(days_left <= 0 ? "ended" : "ending"));
	json_object_set_new(o, "vendor", json_string(e->vendor));
	json_object_set_new(o, "product", json_string(e->product));
	json_object_set_new(o, "end_date", json_string(e->end_date));
	json_object_set_new(o, "days_left", json_integer(days_left));
	json_object_set_new(o, "note", str_or_null(e->note));
	json_object_set_new(o, "url", str_or_null(e->url));
	json_object_set_new(o, "device_vendor", str_or_null(d->vendor));
	json_object_set_new(o, "manufacturer", str_or_null(d->manufacturer));
	json_object_set_new(o, "model", str_or_null(d->model));
	json_object_set_new(o, "firmware", str_or_null(d->firmware));
	json_object_set_new(o, "matched_on", json_string(via));
	json_object_set_new(o, "guideline", json_string("chapter 3 rule 1"));
	detect_emit(ctx, &ev);
}

static void check(struct eos *s, struct detect_ctx *ctx, struct eos_dev *slot, uint64_t ts)
{
	const char *via = NULL;
	const struct eos_entry *e = match_device(ctx, slot->d, &via);
	int64_t end;
	if (!e || !parse_date(e->end_date, &end))
		return;
	/* support is over from the end date on (the rule of intel_eos_ended) */
	int64_t days_left = end - (int64_t)(ts / 1000000u / 86400u);
	uint8_t level = days_left <= 0 ? EOS_ENDED : (days_left <= (int64_t)s->warn_days ? EOS_ENDING : EOS_NONE);
	if (level <= slot->level)
		return;
	slot->level = level;
	report(ctx, slot->d, e, via, days_left, ts);
}

static void eos_on_device(void *state, struct detect_ctx *ctx, struct device *d, uint64_t ts_us)
{
	struct eos *s = state;
	if (!d || !d->local || (!d->vendor && !d->manufacturer))
		return;
	struct eos_dev *slot = slot_of(s, d);
	if (slot)
		check(s, ctx, slot, ts_us);
}

static void eos_on_finish(void *state, struct detect_ctx *ctx, uint64_t ts_us)
{
	struct eos *s = state;
	for (size_t i = 0; i < s->n; i++)
		check(s, ctx, &s->devs[i], ts_us);
}

static void eos_destroy(void *state)
{
	free(state);
}

static void *eos_create(struct detect_ctx *ctx, char *err, size_t errsz)
{
	bool ok = true;
	uint32_t warn = detect_param_u32(ctx, "warn_days", 180, &ok);
	if (!ok || warn > 36500) {
		snprintf(err, errsz, "end-of-support.warn_days must be a number of days (0 to 36500)");
		return NULL;
	}
	struct eos *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errsz, "end-of-support: out of memory");
		return NULL;
	}
	s->warn_days = warn;
	return s;
}

const struct detector detector_end_of_support = {
	.name = "end-of-support",
	.create = eos_create,
	.destroy = eos_destroy,
	.on_device = eos_on_device,
	.on_finish = eos_on_finish,
};
