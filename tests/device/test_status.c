/* test_status.c - the signed status report: contents after an update,
 * verification against the maker key (unknown maker, another device's
 * certificate, any changed byte), parsing limits, the CBOR reader's
 * strictness, and dates. */
#include "devtest.h"
#include "test.h"
#include "../../lib/device/src/kd_int.h"

static struct dt_env e;
static uint8_t report[KD_STATUS_MAX], work[KD_STATUS_MAX];
static size_t rlen;

static int lookup(void *ctx, const uint8_t kid[8], uint8_t pub[32])
{
	uint8_t mine[8];
	(void)ctx;
	kd_crypto_sodium()->ed25519_public(NULL, dt_maker_seed, pub);
	kd_key_id(kd_crypto_sodium(), pub, mine);
	return memcmp(mine, kid, 8) == 0 ? 0 : KD_ERR_UNKNOWN_KEY;
}

static int verify(const uint8_t *r, size_t n, struct kd_status *s)
{
	return kd_status_verify(kd_crypto_sodium(), r, n, lookup, NULL, work, sizeof work, s);
}

static void test_contents(void)
{
	static uint8_t img[8000];
	const uint8_t mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01 }, nonce[4] = { 9, 8, 7, 6 };
	struct kd_status s;
	uint32_t seq;
	uint8_t head[32];
	size_t n = dt_image(img, sizeof img, dt_maker_seed, "1.4.2", 4, "koban-cam-1", 5000, 1);
	CHECK_INT(dt_install(&e, img, n, 1000), KD_OK);
	CHECK_INT(dt_reboot(&e), KD_OK);
	CHECK_INT(kd_boot(&e.dev, e.work, sizeof e.work), KD_OK);
	CHECK_INT(kd_update_confirm(&e.dev), KD_OK);
	CHECK_INT(kd_status_build(&e.dev, mac, nonce, sizeof nonce, report, sizeof report, &rlen, work, sizeof work),
		  KD_OK);
	CHECK(rlen > 200 && rlen < 600);
	CHECK_INT(verify(report, rlen, &s), KD_OK);
	CHECK_STR(s.device_id, "KBN-TEST-0001");
	CHECK_STR(s.hw_class, "koban-cam-1");
	CHECK_STR(s.fw_version, "1.4.2");
	CHECK_INT(s.fw_release, dt_clock - 86400);
	CHECK_INT(s.security_counter, 4);
	CHECK_INT(s.time, dt_clock);
	CHECK_INT(s.update.state, KD_UPD_SUCCESS);
	CHECK_STR(s.update.version, "1.4.2");
	kd_log_head(&e.dev, &seq, head);
	CHECK_INT(s.log_seq, seq);
	CHECK(memcmp(s.log_hash, head, 32) == 0);
	CHECK(!s.password_changed);
	CHECK_STR(s.end_of_support, "2030-03-31");
	CHECK(s.has_mac && memcmp(s.mac, mac, 6) == 0);
	CHECK_INT(s.nonce_len, 4);
	CHECK_STR(s.maker, "Example Maker");
	CHECK_INT(s.cert_issued, 1740000000);
	/* without MAC and nonce; too long a nonce */
	CHECK_INT(kd_status_build(&e.dev, NULL, NULL, 0, report, sizeof report, &rlen, work, sizeof work), KD_OK);
	CHECK_INT(verify(report, rlen, &s), KD_OK);
	CHECK(!s.has_mac && s.nonce_len == 0);
	CHECK_INT(kd_status_build(&e.dev, NULL, work, 33, report, sizeof report, &rlen, work, sizeof work), KD_ERR_ARG);
	CHECK_INT(kd_status_build(&e.dev, NULL, NULL, 0, report, 100, &rlen, work, sizeof work), KD_ERR_SPACE);
}

static void test_tamper(void)
{
	struct kd_status s;
	int accepted = 0;
	CHECK_INT(kd_status_build(&e.dev, NULL, NULL, 0, report, sizeof report, &rlen, work, sizeof work), KD_OK);
	CHECK_INT(verify(report, rlen, &s), KD_OK);
	for (size_t i = 0; i < rlen; i++) {
		report[i] ^= 0x01;
		accepted += verify(report, rlen, &s) == KD_OK;
		report[i] ^= 0x01;
	}
	CHECK_INT(accepted, 0);
	for (size_t cut = 0; cut < rlen; cut++)
		accepted += kd_status_parse(report, cut, &s) == KD_OK;
	CHECK_INT(accepted, 0);
	CHECK_INT(verify(report, rlen, &s), KD_OK);
}

/* A certificate from a maker koban does not know, and a report signed by
 * a device key that is not the certified one. */
static void test_keys(void)
{
	struct dt_env o;
	struct kd_status s;
	uint8_t rep2[KD_STATUS_MAX];
	size_t n2;
	CHECK_INT(dt_setup(&o, 16, 1000), KD_OK);
	/* re-issue o's certificate with another maker key */
	uint8_t pub[32];
	size_t cl;
	kd_crypto_sodium()->ed25519_public(NULL, o.id.sign_seed, pub);
	CHECK_INT(kd_cert_issue(kd_crypto_sodium(), dt_other_seed, "Rogue", o.id.device_id, o.id.hw_class, pub, 1,
				o.dev.id.cert, sizeof o.dev.id.cert, &cl, work, sizeof work),
		  KD_OK);
	o.dev.id.cert_len = (uint16_t)cl;
	CHECK_INT(kd_status_build(&o.dev, NULL, NULL, 0, rep2, sizeof rep2, &n2, work, sizeof work), KD_OK);
	CHECK_INT(verify(rep2, n2, &s), KD_ERR_UNKNOWN_KEY);
	/* e's (valid) certificate, o's status key */
	memcpy(o.dev.id.cert, e.dev.id.cert, e.dev.id.cert_len);
	o.dev.id.cert_len = e.dev.id.cert_len;
	strcpy(o.dev.id.device_id, e.dev.id.device_id);
	CHECK_INT(kd_status_build(&o.dev, NULL, NULL, 0, rep2, sizeof rep2, &n2, work, sizeof work), KD_OK);
	CHECK_INT(verify(rep2, n2, &s), KD_ERR_SIGNATURE);
	/* certificate for another device id than the report names */
	strcpy(o.dev.id.device_id, "KBN-OTHER");
	CHECK_INT(kd_status_build(&o.dev, NULL, NULL, 0, rep2, sizeof rep2, &n2, work, sizeof work), KD_OK);
	CHECK_INT(verify(rep2, n2, &s), KD_ERR_FORMAT);
	dt_teardown(&o);
}

static void test_cbor(void)
{
	static const uint8_t nonshort[] = { 0x18, 0x05 }, indef[] = { 0x5f }, big[] = { 0x1b, 0, 0, 0, 0, 0, 0, 0, 5 };
	static const uint8_t deep[] = { 0x81, 0x81, 0x81, 0x81, 0x81, 0x01 }, longbstr[] = { 0x59, 0xff, 0xff, 0x00 };
	struct kd_cbor_dec d = { nonshort, sizeof nonshort, 0 };
	uint64_t v;
	CHECK_INT(kd_cbor_get_uint(&d, &v), KD_ERR_FORMAT);
	d = (struct kd_cbor_dec){ indef, sizeof indef, 0 };
	CHECK_INT(kd_cbor_skip(&d, 4), KD_ERR_FORMAT);
	d = (struct kd_cbor_dec){ big, sizeof big, 0 };
	CHECK_INT(kd_cbor_get_uint(&d, &v), KD_ERR_FORMAT);
	d = (struct kd_cbor_dec){ deep, sizeof deep, 0 };
	CHECK_INT(kd_cbor_skip(&d, 4), KD_ERR_FORMAT);
	d = (struct kd_cbor_dec){ deep, sizeof deep, 0 };
	CHECK_INT(kd_cbor_skip(&d, 6), KD_OK);
	d = (struct kd_cbor_dec){ longbstr, sizeof longbstr, 0 };
	CHECK_INT(kd_cbor_skip(&d, 4), KD_ERR_FORMAT);
	uint8_t out[16];
	struct kd_cbor_enc en = { out, sizeof out, 0, false };
	kd_cbor_int(&en, -65537);
	kd_cbor_head(&en, KD_CBOR_UINT, 0x100000000ull);
	CHECK(!en.overflow);
	d = (struct kd_cbor_dec){ out, en.len, 0 };
	int64_t i;
	CHECK_INT(kd_cbor_get_int(&d, &i), KD_OK);
	CHECK_INT(i, -65537);
	CHECK_INT(kd_cbor_get_uint(&d, &v), KD_OK);
	CHECK(v == 0x100000000ull);
	kd_cbor_head(&en, KD_CBOR_UINT, 0x100000000ull);
	CHECK(en.overflow);
}

static void test_dates(void)
{
	int64_t d;
	char buf[KD_DATE_LEN + 1];
	CHECK(kd_date_parse("1970-01-01", 10, &d) && d == 0);
	CHECK(kd_date_parse("2024-02-29", 10, &d));
	kd_date_format(d, buf);
	CHECK_STR(buf, "2024-02-29");
	CHECK(!kd_date_parse("2023-02-29", 10, &d));
	CHECK(!kd_date_parse("2023-13-01", 10, &d));
	CHECK(!kd_date_parse("2023-1-01", 9, &d));
	CHECK(!kd_date_parse("20x3-01-01", 10, &d));
	CHECK(kd_date_parse("2030-03-31", 10, &d));
	kd_date_format(d, buf);
	CHECK_STR(buf, "2030-03-31");
}

int main(void)
{
	CHECK_INT(dt_setup(&e, 16, 3000), KD_OK);
	test_contents();
	test_tamper();
	test_keys();
	test_cbor();
	test_dates();
	dt_teardown(&e);
	return test_summary();
}
