/* banner_tls.c - facts of the certificate a TLS service presents, from its
 * DER bytes (OpenSSL): self-signed, outside its validity period, weak key,
 * fingerprint (to find one certificate, and so one private key, shared by
 * several devices). */
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

#include "audit/banner.h"
#include "util/text.h"

static void name_text(const X509_NAME *nm, char *out, size_t outsz)
{
	char buf[512];
	if (!nm || !X509_NAME_oneline(nm, buf, sizeof buf))
		buf[0] = '\0';
	text_clean_into(out, outsz, buf, strlen(buf));
}

static void key_facts(X509 *x, struct tls_facts *f)
{
	EVP_PKEY *k = X509_get0_pubkey(x);
	if (!k)
		return;
	f->key_bits = EVP_PKEY_get_bits(k);
	int id = EVP_PKEY_get_base_id(k);
	const char *t = id == EVP_PKEY_RSA ? "RSA" : id == EVP_PKEY_EC ? "EC" : id == EVP_PKEY_DSA ? "DSA"
		      : id == EVP_PKEY_ED25519 ? "Ed25519" : "other";
	snprintf(f->key_type, sizeof f->key_type, "%s", t);
	if (id == EVP_PKEY_RSA || id == EVP_PKEY_DSA)
		f->weak_key = f->key_bits < 2048;
	else if (id == EVP_PKEY_EC)
		f->weak_key = f->key_bits < 224;
}

bool tls_cert_facts(const uint8_t *der, size_t n, time_t now, struct tls_facts *f)
{
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)n);
	if (!x)
		return false;
	f->present = true;
	name_text(X509_get_subject_name(x), f->subject, sizeof f->subject);
	name_text(X509_get_issuer_name(x), f->issuer, sizeof f->issuer);
	EVP_PKEY *k = X509_get0_pubkey(x);
	f->self_signed = X509_check_issued(x, x) == X509_V_OK && k && X509_verify(x, k) == 1;
	const ASN1_TIME *na = X509_get0_notAfter(x), *nb = X509_get0_notBefore(x);
	f->expired = na && X509_cmp_time(na, &now) < 0;
	f->not_yet_valid = nb && X509_cmp_time(nb, &now) > 0;
	struct tm tm;
	if (na && ASN1_TIME_to_tm(na, &tm) == 1)
		strftime(f->not_after, sizeof f->not_after, "%Y-%m-%dT%H:%M:%SZ", &tm);
	key_facts(x, f);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned ml = 0;
	if (X509_digest(x, EVP_sha256(), md, &ml) == 1)
		for (unsigned i = 0; i < ml && i < 32; i++)
			snprintf(f->sha256 + 2 * i, 3, "%02x", md[i]);
	X509_free(x);
	return true;
}
