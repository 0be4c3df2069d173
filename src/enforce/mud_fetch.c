/* mud_fetch.c - fetches a MUD file from the URL a device announced (DHCP
 * option 161) with libcurl, HTTPS only, bounded in size and time, fetches
 * its detached signature (the profile's mud-signature URL, else the URL with
 * ".json" replaced by ".p7s", RFC 8520 section 13.2) and verifies it with
 * OpenSSL's CMS API against the configured CA before the profile is used. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <openssl/bio.h>
#include <openssl/pem.h> /* before cms.h: it declares PEM_read_bio_CMS */
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "enforce/mud.h"

struct buf {
	char *p;
	size_t n, max;
	bool too_big;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct buf *b = ud;
	size_t n = size * nmemb;
	if (b->n + n > b->max) {
		b->too_big = true;
		return 0;
	}
	char *q = realloc(b->p, b->n + n + 1);
	if (!q)
		return 0;
	memcpy(q + b->n, ptr, n);
	b->p = q;
	b->n += n;
	b->p[b->n] = '\0';
	return n;
}

static bool http_get(const char *url, const struct mud_fetch_cfg *cfg, struct buf *out, char *err, size_t errsz)
{
	if (strncmp(url, "https://", 8) != 0) {
		snprintf(err, errsz, "MUD URL is not https: refused");
		return false;
	}
	CURL *c = curl_easy_init();
	if (!c) {
		snprintf(err, errsz, "libcurl: cannot initialise");
		return false;
	}
	out->max = cfg->max_bytes ? cfg->max_bytes : MUD_MAX_BYTES;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, cfg->timeout_s > 0 ? cfg->timeout_s : 10L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (cfg->tls_ca_file && cfg->tls_ca_file[0])
		curl_easy_setopt(c, CURLOPT_CAINFO, cfg->tls_ca_file);
	CURLcode rc = curl_easy_perform(c);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK) {
		snprintf(err, errsz, "fetching %.200s: %s", url,
			 out->too_big ? "larger than allowed" : curl_easy_strerror(rc));
		return false;
	}
	return true;
}

static X509_STORE *load_ca(const char *ca_file, char *err, size_t errsz)
{
	X509_STORE *st = X509_STORE_new();
	if (!st || X509_STORE_load_file(st, ca_file) != 1) {
		snprintf(err, errsz, "cannot load the MUD CA from %.200s", ca_file);
		X509_STORE_free(st);
		return NULL;
	}
	X509_STORE_set_purpose(st, X509_PURPOSE_ANY);
	return st;
}

bool mud_verify_cms(const void *data, size_t len, const void *sig, size_t siglen, const char *ca_file, char *err,
		    size_t errsz)
{
	if (!ca_file || !ca_file[0]) {
		snprintf(err, errsz, "no CA configured for MUD signatures (mud.ca_file)");
		return false;
	}
	X509_STORE *st = load_ca(ca_file, err, errsz);
	if (!st)
		return false;
	BIO *sb = BIO_new_mem_buf(sig, (int)siglen), *db = BIO_new_mem_buf(data, (int)len);
	CMS_ContentInfo *cms = NULL;
	if (sb && siglen > 10 && memcmp(sig, "-----BEGIN", 10) == 0)
		cms = PEM_read_bio_CMS(sb, NULL, NULL, NULL);
	else if (sb)
		cms = d2i_CMS_bio(sb, NULL);
	bool ok = false;
	if (!cms)
		snprintf(err, errsz, "MUD signature: not a CMS structure");
	else if (!db)
		snprintf(err, errsz, "out of memory");
	else if (CMS_verify(cms, NULL, st, db, NULL, CMS_BINARY | CMS_DETACHED) == 1)
		ok = true;
	else {
		unsigned long e = ERR_peek_last_error();
		snprintf(err, errsz, "MUD signature does not verify: %s", e ? ERR_reason_error_string(e) : "unknown");
	}
	ERR_clear_error();
	CMS_ContentInfo_free(cms);
	BIO_free(sb);
	BIO_free(db);
	X509_STORE_free(st);
	return ok;
}

/* The signature's URL: the profile's "mud-signature", else .json -> .p7s. */
static bool signature_url(const char *url, const char *text, size_t len, char *out, size_t outsz)
{
	json_t *root = json_loadb(text, len, 0, NULL);
	const json_t *mud = root ? json_object_get(root, "ietf-mud:mud") : NULL;
	const json_t *s = mud ? json_object_get(mud, "mud-signature") : NULL;
	bool ok = false;
	if (json_is_string(s) && json_string_length(s) < outsz) {
		snprintf(out, outsz, "%s", json_string_value(s));
		ok = true;
	} else {
		size_t n = strlen(url);
		if (n > 5 && strcmp(url + n - 5, ".json") == 0 && n < outsz) {
			snprintf(out, outsz, "%.*s.p7s", (int)(n - 5), url);
			ok = true;
		}
	}
	json_decref(root);
	return ok;
}

struct mud_policy *mud_fetch(const char *url, const struct mud_fetch_cfg *cfg, char *err, size_t errsz)
{
	struct buf prof = {0}, sig = {0};
	char surl[1024];
	struct mud_policy *p = NULL;
	if (!http_get(url, cfg, &prof, err, errsz))
		goto out;
	if (!signature_url(url, prof.p, prof.n, surl, sizeof surl)) {
		snprintf(err, errsz, "MUD profile at %.200s names no signature", url);
		goto out;
	}
	if (!http_get(surl, cfg, &sig, err, errsz) ||
	    !mud_verify_cms(prof.p, prof.n, sig.p, sig.n, cfg->ca_file, err, errsz))
		goto out;
	p = mud_parse(prof.p, prof.n, err, errsz);
	if (p && strcmp(p->url, url) != 0) { /* a profile must describe the URL it was fetched from */
		snprintf(err, errsz, "MUD profile's mud-url differs from %.200s", url);
		mud_free(p);
		p = NULL;
	}
out:
	free(prof.p);
	free(sig.p);
	return p;
}
