/* vulnerable_firmware.c - the "vulnerable-firmware" detector: matches each
 * local device's identity (OUI vendor, UPnP/mDNS manufacturer, model,
 * firmware) against the advisories (data/advisories.json) whenever it
 * changes, and once more for every device at the end of the run; one event
 * per (device, advisory). Guideline key points 17, 18 (match product
 * configuration with vulnerability information) and 21 (find vulnerable
 * devices from their firmware version). Memory is bounded: the devices
 * remembered for the final sweep and the reported pairs are fixed tables. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detector.h"
#include "device/label.h"
#include "detect/detectors.h"
#include "intel/intel.h"

#define VF_MAX_MATCHES 16     /* advisories reported per device per look */
#define VF_SWEEP_MAX 4096     /* devices remembered for the final sweep */
#define VF_SEEN_SLOTS 16384   /* reported (device, advisory) pairs (power of two) */
#define VF_SEEN_PROBE 16

struct vf {
	struct device *sweep[VF_SWEEP_MAX];
	size_t n_sweep;
	uint64_t *seen; /* hashes of reported (device id, advisory id) */
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

static uint64_t pair_hash(uint32_t dev_id, const char *adv_id)
{
	uint64_t h = 1469598103934665603ULL;
	for (int i = 0; i < 4; i++)
		h = (h ^ ((dev_id >> (8 * i)) & 0xff)) * 1099511628211ULL;
	for (const char *p = adv_id; *p; p++)
		h = (h ^ (uint8_t)*p) * 1099511628211ULL;
	return h | 1;
}

/* True the first time a pair is seen. A full probe run overwrites its
 * first slot (bounded memory; a pair could then be reported again). */
static bool seen_first(struct vf *s, uint64_t h)
{
	size_t i = (size_t)(h ^ (h >> 29)) & (VF_SEEN_SLOTS - 1);
	for (int k = 0; k < VF_SEEN_PROBE; k++) {
		uint64_t *slot = &s->seen[(i + (size_t)k) & (VF_SEEN_SLOTS - 1)];
		if (*slot == h)
			return false;
		if (!*slot) {
			*slot = h;
			return true;
		}
	}
	s->seen[i] = h;
	return true;
}

static void remember(struct vf *s, struct device *d)
{
	for (size_t i = s->n_sweep; i-- > 0;)
		if (s->sweep[i] == d)
			return;
	if (s->n_sweep < VF_SWEEP_MAX)
		s->sweep[s->n_sweep++] = d;
}

/* True if an advisory covers every product of its vendor ("*"). */
static bool any_product(const struct advisory *a)
{
	for (size_t i = 0; i < a->n_products; i++)
		if (strcmp(a->products[i], "*") == 0)
			return true;
	return false;
}

/* Advisories for the device's manufacturer, then for its OUI vendor,
 * without duplicates; via[i] says which name matched ("manufacturer" or
 * "oui_vendor"). An advisory for every product of a vendor is not matched
 * through the OUI vendor alone: the maker of a network chip (a Realtek NIC
 * in a PC) is not the maker of the device. */
static size_t match_device(struct detect_ctx *ctx, const struct device *d, const struct advisory **out,
			   const char **via)
{
	static const char *const how[2] = {"manufacturer", "oui_vendor"};
	const struct intel *in = detect_intel(ctx);
	size_t n = 0;
	if (!in)
		return 0;
	const char *vendors[2] = {d->manufacturer, d->vendor};
	for (int v = 0; v < 2; v++) {
		if (!vendors[v] || (v == 1 && d->manufacturer && strcmp(d->manufacturer, d->vendor) == 0))
			continue;
		const struct advisory *got[VF_MAX_MATCHES];
		size_t k = intel_match_advisories(in, vendors[v], d->model, d->firmware, got, VF_MAX_MATCHES);
		for (size_t i = 0; i < k && n < VF_MAX_MATCHES; i++) {
			bool dup = v == 1 && any_product(got[i]);
			for (size_t j = 0; j < n && !dup; j++)
				dup = out[j] == got[i];
			if (!dup) {
				via[n] = how[v];
				out[n++] = got[i];
			}
		}
	}
	return n;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* "JVN#123, CVE-2021-36260" (cut to fit). */
static const char *refs_text(const struct advisory *a, char *buf, size_t n)
{
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < a->n_refs && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? ", " : "", a->refs[i]);
	if (!buf[0])
		snprintf(buf, n, "%s", a->id);
	return buf;
}


static void summaries(struct event *ev, const struct device *d, const struct advisory *a)
{
	char label[384], refs[256], fix_en[160], fix_ja[192];
	device_label(d, NULL, label, sizeof label);
	refs_text(a, refs, sizeof refs);
	const char *fw = d->firmware ? d->firmware : "unknown";
	if (a->fixed) {
		snprintf(fix_en, sizeof fix_en, "update it to %s or later", a->fixed);
		snprintf(fix_ja, sizeof fix_ja, "%s 以降へ更新してください", a->fixed);
	} else {
		snprintf(fix_en, sizeof fix_en, "no fixed version is listed");
		snprintf(fix_ja, sizeof fix_ja, "修正版は公表されていません");
	}
	text_put(ev->summary_en, sizeof ev->summary_en,
		 "%s runs firmware %s, which has known vulnerabilities (%s, affected %s); %s", label, fw, refs,
		 a->affected ? a->affected : "all versions", fix_en);
	text_put(ev->summary_ja, sizeof ev->summary_ja,
		 "%s のファームウェア %s には既知の脆弱性があります（%s、該当 %s）。%s", label,
		 d->firmware ? d->firmware : "（不明）", refs, a->affected ? a->affected : "全バージョン", fix_ja);
}

static void report(struct detect_ctx *ctx, const struct device *d, const struct advisory *a, const char *via,
		   uint64_t ts)
{
	static const uint8_t kps[] = {17, 18, 21};
	int sev = a->severity ? severity_parse(a->severity) : -1;
	struct event ev;
	detect_event_init(&ev, "vulnerable-firmware", sev < 0 ? SEV_HIGH : (enum severity)sev, d, NULL, ts);
	detect_event_key_points(&ev, kps, sizeof kps);
	summaries(&ev, d, a);
	json_t *o = ev.evidence, *refs = json_array();
	for (size_t i = 0; i < a->n_refs; i++)
		json_array_append_new(refs, json_string(a->refs[i]));
	json_object_set_new(o, "advisory", json_string(a->id));
	json_object_set_new(o, "refs", refs);
	json_object_set_new(o, "affected", str_or_null(a->affected));
	json_object_set_new(o, "fixed", str_or_null(a->fixed));
	json_object_set_new(o, "advisory_vendor", str_or_null(a->vendor));
	json_object_set_new(o, "advisory_product", str_or_null(a->product));
	json_object_set_new(o, "summary", str_or_null(a->summary));
	json_object_set_new(o, "url", str_or_null(a->url));
	json_object_set_new(o, "vendor", str_or_null(d->vendor));
	json_object_set_new(o, "manufacturer", str_or_null(d->manufacturer));
	json_object_set_new(o, "model", str_or_null(d->model));
	json_object_set_new(o, "firmware", str_or_null(d->firmware));
	json_object_set_new(o, "matched_on", json_string(via));
	detect_emit(ctx, &ev);
}

static void check(struct vf *s, struct detect_ctx *ctx, struct device *d, uint64_t ts)
{
	const struct advisory *m[VF_MAX_MATCHES];
	const char *via[VF_MAX_MATCHES];
	size_t n = match_device(ctx, d, m, via);
	for (size_t i = 0; i < n; i++)
		if (seen_first(s, pair_hash(d->id, m[i]->id)))
			report(ctx, d, m[i], via[i], ts);
}

static void vf_on_device(void *state, struct detect_ctx *ctx, struct device *d, uint64_t ts_us)
{
	struct vf *s = state;
	if (!d || !d->local || (!d->vendor && !d->manufacturer))
		return;
	remember(s, d);
	check(s, ctx, d, ts_us);
}

static void vf_on_finish(void *state, struct detect_ctx *ctx, uint64_t ts_us)
{
	struct vf *s = state;
	for (size_t i = 0; i < s->n_sweep; i++)
		check(s, ctx, s->sweep[i], ts_us);
}

static void vf_destroy(void *state)
{
	struct vf *s = state;
	if (s)
		free(s->seen);
	free(s);
}

static void *vf_create(struct detect_ctx *ctx, char *err, size_t errsz)
{
	(void)ctx;
	struct vf *s = calloc(1, sizeof *s);
	if (s)
		s->seen = calloc(VF_SEEN_SLOTS, sizeof *s->seen);
	if (!s || !s->seen) {
		vf_destroy(s);
		snprintf(err, errsz, "vulnerable-firmware: out of memory");
		return NULL;
	}
	return s;
}

const struct detector detector_vulnerable_firmware = {
	.name = "vulnerable-firmware",
	.create = vf_create,
	.destroy = vf_destroy,
	.on_device = vf_on_device,
	.on_finish = vf_on_finish,
};
