/* findings.c - findings become events of the same kinds the report and its
 * advice know: default-credential, no-authentication, cleartext-admin,
 * weak-tls, vulnerable-firmware, end-of-support, with the guideline key
 * points they concern and a summary in Japanese and English. The password
 * of a default login is never written anywhere: the user name and the
 * list entry identify it. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "audit/findings.h"
#include "device/inventory.h"
#include "device/oui.h"
#include "intel/intel.h"
#include "util/text.h"

#define KPS(...) (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})

struct emitter {
	const struct audit_host *h;
	uint64_t ts_us;
	finding_fn fn;
	void *ctx;
	size_t n;
};

static void ev_init(struct emitter *em, struct event *ev, const char *kind, enum severity sev, const uint8_t *kp,
		    size_t nkp)
{
	memset(ev, 0, sizeof *ev);
	ev->ts_us = em->ts_us;
	snprintf(ev->kind, sizeof ev->kind, "%s", kind);
	ev->severity = sev;
	ev->has_mac = em->h->has_mac;
	memcpy(ev->mac, em->h->mac, 6);
	ev->device_ip = em->h->ip;
	for (size_t i = 0; i < nkp && i < EVENT_MAX_KEY_POINTS; i++)
		ev->key_points[ev->n_key_points++] = kp[i];
	ev->evidence = json_object();
	json_object_set_new(ev->evidence, "source", json_string("audit"));
}

static void ev_emit(struct emitter *em, struct event *ev)
{
	text_fix_utf8_tail(ev->summary_en);
	text_fix_utf8_tail(ev->summary_ja);
	em->fn(em->ctx, ev);
	json_decref(ev->evidence);
	em->n++;
}

static void svc_evidence(struct event *ev, const struct audit_service *s)
{
	json_object_set_new(ev->evidence, "service", json_string(svc_name(s->proto)));
	json_object_set_new(ev->evidence, "port", json_integer(s->port));
	if (s->banner[0])
		json_object_set_new(ev->evidence, "banner", json_string(s->banner));
}

static void login_evidence(struct event *ev, const struct login_result *l)
{
	json_object_set_new(ev->evidence, "method", json_string(l->method));
	json_object_set_new(ev->evidence, "attempts", json_integer(l->attempts));
	if (l->path[0])
		json_object_set_new(ev->evidence, "path", json_string(l->path));
}

static void default_credential(struct emitter *em, const struct audit_service *s, const char *addr)
{
	struct event ev;
	ev_init(em, &ev, "default-credential", SEV_CRITICAL, KPS(4, 15, 21));
	const char *svc = svc_name(s->proto);
	snprintf(ev.summary_en, sizeof ev.summary_en,
		 "%s on %s port %u accepts a well-known default login: user '%s' with a password from the "
		 "default-credential list (entry %u)",
		 svc, addr, s->port, s->login.user, s->login.entry);
	snprintf(ev.summary_ja, sizeof ev.summary_ja,
		 "%s のポート %u の %s が、よく知られた初期ログイン（ユーザ「%s」と初期パスワード一覧の %u 番のパスワード）"
		 "を受け付けました",
		 addr, s->port, svc, s->login.user, s->login.entry);
	svc_evidence(&ev, s);
	login_evidence(&ev, &s->login);
	json_object_set_new(ev.evidence, "user", json_string(s->login.user));
	json_object_set_new(ev.evidence, "entry", json_integer(s->login.entry));
	ev_emit(em, &ev);
}

static void no_authentication(struct emitter *em, const struct audit_service *s, const char *addr)
{
	static const struct {
		enum svc_proto p;
		const char *en, *ja;
	} what[] = {
		{SVC_TELNET, "gives a command shell without any login", "ログインなしでコマンドシェルを提供しています"},
		{SVC_FTP, "accepts anonymous logins", "匿名（anonymous）ログインを受け付けます"},
		{SVC_RTSP, "describes its video stream without any login", "ログインなしで映像ストリームを提供しています"},
		{SVC_MQTT, "accepts clients without user or password", "ユーザ名もパスワードもなしで接続を受け付けます"},
		{SVC_MQTTS, "accepts clients without user or password", "ユーザ名もパスワードもなしで接続を受け付けます"},
	};
	const char *en = "accepts access without any login", *ja = "ログインなしで接続を受け付けます";
	for (size_t i = 0; i < sizeof what / sizeof what[0]; i++)
		if (what[i].p == s->proto) {
			en = what[i].en;
			ja = what[i].ja;
		}
	struct event ev;
	ev_init(em, &ev, "no-authentication", SEV_HIGH, KPS(4, 15, 16, 21));
	snprintf(ev.summary_en, sizeof ev.summary_en, "%s on %s port %u %s", svc_name(s->proto), addr, s->port, en);
	snprintf(ev.summary_ja, sizeof ev.summary_ja, "%s のポート %u の %s が%s", addr, s->port, svc_name(s->proto),
		 ja);
	svc_evidence(&ev, s);
	login_evidence(&ev, &s->login);
	ev_emit(em, &ev);
}

/* TELNET at all, or an HTTP login page without TLS. */
static bool cleartext_admin(const struct audit_service *s)
{
	if (s->proto == SVC_TELNET)
		return s->banner[0] || s->login.state != LOGIN_NOT_TRIED;
	return s->proto == SVC_HTTP && s->http.auth_path[0] &&
	       (!strcasecmp(s->http.auth_scheme, "Basic") || !strcasecmp(s->http.auth_scheme, "Digest"));
}

static void emit_cleartext(struct emitter *em, const struct audit_service *s, const char *addr)
{
	struct event ev;
	ev_init(em, &ev, "cleartext-admin", SEV_MEDIUM, KPS(14, 15));
	if (s->proto == SVC_TELNET) {
		snprintf(ev.summary_en, sizeof ev.summary_en,
			 "%s offers a TELNET console on port %u: logins and commands travel unencrypted", addr, s->port);
		snprintf(ev.summary_ja, sizeof ev.summary_ja,
			 "%s がポート %u で TELNET を提供しています。ログインやコマンドが暗号化されずに送られます", addr, s->port);
	} else {
		snprintf(ev.summary_en, sizeof ev.summary_en,
			 "%s asks for an admin login (HTTP %s, realm '%s') over unencrypted HTTP on port %u", addr,
			 s->http.auth_scheme, s->http.realm, s->port);
		snprintf(ev.summary_ja, sizeof ev.summary_ja,
			 "%s がポート %u の暗号化されない HTTP で管理ログイン（HTTP %s 認証、realm「%s」）を求めています", addr,
			 s->port, s->http.auth_scheme, s->http.realm);
		json_object_set_new(ev.evidence, "auth", json_string(s->http.auth_scheme));
		json_object_set_new(ev.evidence, "realm", json_string(s->http.realm));
		json_object_set_new(ev.evidence, "path", json_string(s->http.auth_path));
	}
	svc_evidence(&ev, s);
	ev_emit(em, &ev);
}

static bool old_tls(const char *v)
{
	return !strcmp(v, "SSLv3") || !strcmp(v, "TLSv1") || !strcmp(v, "TLSv1.1");
}

static void weak_tls(struct emitter *em, const struct audit_service *s, const char *addr)
{
	const struct tls_facts *t = &s->tls;
	char why[256] = "", whyja[384] = "";
	if (t->expired)
		strcat(why, " expired certificate;"), strcat(whyja, " 証明書の有効期限切れ;");
	if (t->not_yet_valid)
		strcat(why, " certificate not yet valid;"), strcat(whyja, " 証明書の有効期間前;");
	if (t->weak_key)
		strcat(why, " weak key;"), strcat(whyja, " 弱い鍵;");
	if (t->shared)
		strcat(why, " certificate shared with another device;"), strcat(whyja, " 他の機器と同じ証明書;");
	if (old_tls(t->version))
		strcat(why, " old protocol version;"), strcat(whyja, " 古いプロトコル;");
	if (!why[0])
		return;
	why[strlen(why) - 1] = '\0';
	whyja[strlen(whyja) - 1] = '\0';
	struct event ev;
	ev_init(em, &ev, "weak-tls", SEV_MEDIUM, KPS(14, 21));
	snprintf(ev.summary_en, sizeof ev.summary_en, "TLS on %s port %u:%s (%s %d bits, %s)", addr, s->port, why,
		 t->key_type, t->key_bits, t->version);
	snprintf(ev.summary_ja, sizeof ev.summary_ja, "%s のポート %u の TLS：%s（%s %d ビット、%s）", addr, s->port,
		 whyja + 1, t->key_type, t->key_bits, t->version);
	svc_evidence(&ev, s);
	json_object_set_new(ev.evidence, "tls",
			    json_pack("{s:s, s:s, s:i, s:b, s:b, s:b, s:b, s:s, s:s, s:s}", "version", t->version,
				      "key_type", t->key_type, "key_bits", t->key_bits, "self_signed", t->self_signed,
				      "expired", t->expired, "weak_key", t->weak_key, "shared", t->shared, "sha256",
				      t->sha256, "subject", t->subject, "not_after", t->not_after));
	ev_emit(em, &ev);
}

static void firmware(struct emitter *em, const struct device *dev, const struct intel *in, const char *addr)
{
	const struct advisory *adv[8];
	size_t n = intel_match_device_advisories(in, dev, adv, 8);
	for (size_t i = 0; i < n; i++) {
		int sev = severity_parse(adv[i]->severity);
		struct event ev;
		ev_init(em, &ev, "vulnerable-firmware", sev < 0 ? SEV_HIGH : (enum severity)sev, KPS(18, 21));
		const char *ref = adv[i]->n_refs ? adv[i]->refs[0] : adv[i]->id;
		snprintf(ev.summary_en, sizeof ev.summary_en, "%s (%s %s, firmware %s) is affected by %s (%s %s)%s%s",
			 addr, dev->manufacturer ? dev->manufacturer : "", dev->model, dev->firmware, ref,
			 adv[i]->product, adv[i]->affected, adv[i]->fixed ? "; fixed in " : "",
			 adv[i]->fixed ? adv[i]->fixed : "");
		snprintf(ev.summary_ja, sizeof ev.summary_ja,
			 "%s（%s %s、ファームウェア %s）は既知の脆弱性 %s の対象です（%s %s）%s%s", addr,
			 dev->manufacturer ? dev->manufacturer : "", dev->model, dev->firmware, ref, adv[i]->product,
			 adv[i]->affected, adv[i]->fixed ? "。修正版: " : "", adv[i]->fixed ? adv[i]->fixed : "");
		json_t *refs = json_array();
		for (size_t r = 0; r < adv[i]->n_refs; r++)
			json_array_append_new(refs, json_string(adv[i]->refs[r]));
		json_object_set_new(ev.evidence, "advisory", json_string(adv[i]->id));
		json_object_set_new(ev.evidence, "refs", refs);
		json_object_set_new(ev.evidence, "model", json_string(dev->model));
		json_object_set_new(ev.evidence, "firmware", json_string(dev->firmware));
		ev_emit(em, &ev);
	}
}

static void end_of_support(struct emitter *em, const struct device *dev, const struct intel *in, const char *addr)
{
	const struct eos_entry *e = intel_match_device_eos(in, dev);
	if (!e || !intel_eos_ended(e, em->ts_us))
		return;
	struct event ev;
	ev_init(em, &ev, "end-of-support", SEV_MEDIUM, KPS(18, 21));
	snprintf(ev.summary_en, sizeof ev.summary_en, "%s is a %s %s, whose support ended on %s", addr, e->vendor,
		 dev->model ? dev->model : e->product, e->end_date);
	snprintf(ev.summary_ja, sizeof ev.summary_ja, "%s は %s %s で、サポートは %s に終了しています", addr, e->vendor,
		 dev->model ? dev->model : e->product, e->end_date);
	json_object_set_new(ev.evidence, "end_date", json_string(e->end_date));
	if (e->url)
		json_object_set_new(ev.evidence, "url", json_string(e->url));
	ev_emit(em, &ev);
}

size_t audit_findings(const struct audit_host *h, const struct device *dev, const struct intel *in,
		      uint64_t ts_us, finding_fn fn, void *ctx)
{
	struct emitter em = {.h = h, .ts_us = ts_us, .fn = fn, .ctx = ctx};
	char addr[KADDR_STRLEN];
	kaddr_str(&h->ip, addr, sizeof addr);
	for (size_t i = 0; i < h->n_svc; i++) {
		const struct audit_service *s = &h->svc[i];
		if (s->login.state == LOGIN_FOUND)
			default_credential(&em, s, addr);
		if (s->login.state == LOGIN_NO_AUTH)
			no_authentication(&em, s, addr);
		if (cleartext_admin(s))
			emit_cleartext(&em, s, addr);
		if (s->tls.present)
			weak_tls(&em, s, addr);
	}
	if (in && dev && dev->model && dev->firmware)
		firmware(&em, dev, in, addr);
	if (in && dev && dev->model)
		end_of_support(&em, dev, in, addr);
	return em.n;
}

struct device *audit_device(struct inventory *inv, const struct audit_host *h, uint64_t ts_us)
{
	struct device *d = inventory_add(inv, h->has_mac ? h->mac : NULL, &h->ip, ts_us);
	if (!d)
		return NULL;
	d->local = true;
	inventory_bind_ip(inv, d, &h->ip);
	if (h->has_mac)
		device_set_str(&d->vendor, oui_lookup(h->mac));
	if (h->manufacturer[0])
		device_set_str(&d->manufacturer, h->manufacturer);
	if (h->model[0])
		device_set_str(&d->model, h->model);
	if (h->firmware[0])
		device_set_str(&d->firmware, h->firmware);
	for (size_t i = 0; i < h->n_svc; i++) {
		bool created;
		struct service *s = device_service(d, h->svc[i].port, 6 /* TCP */, true, &created);
		if (!s)
			continue;
		s->first_seen_us = ts_us;
		device_set_str(&s->name, svc_name(h->svc[i].proto));
		if (h->svc[i].banner[0])
			device_set_str(&s->banner, h->svc[i].banner);
	}
	d->first_seen_us = d->last_seen_us = ts_us;
	return d;
}
