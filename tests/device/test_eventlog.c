/* test_eventlog.c - the device event log: appending with the key point 13
 * categories, wrapping the ring, continuing after reboot, export and
 * collector-side verification, and tampering on the flash (a changed byte,
 * a re-hashed record, a removed, hidden, swapped or cut-off record, a
 * replaced newest record) that verification must catch, while a record
 * torn by power loss must not raise an alarm. */
#include "devtest.h"
#include "test.h"

static struct dt_env e;
static uint8_t exp_buf[64 * KD_LOG_RECORD];

static off_t slot_off(uint32_t slot)
{
	return (off_t)e.flash.offset[KD_REGION_LOG] + (off_t)slot * KD_LOG_RECORD;
}

static uint32_t slot_of(uint32_t seq)
{
	uint8_t b[KD_LOG_RECORD];
	struct kd_log_record r;
	for (uint32_t s = 0; s < e.dev.log.slots; s++)
		if (pread(e.flash.fd, b, sizeof b, slot_off(s)) == KD_LOG_RECORD && kd_log_record_parse(b, &r) == 0 &&
		    r.seq == seq)
			return s;
	return UINT32_MAX;
}

static void poke(uint32_t slot, size_t at, const void *p, size_t n)
{
	if (pwrite(e.flash.fd, p, n, slot_off(slot) + (off_t)at) != (ssize_t)n)
		fprintf(stderr, "poke failed\n");
}

static void peek(uint32_t slot, void *p)
{
	if (pread(e.flash.fd, p, KD_LOG_RECORD, slot_off(slot)) != KD_LOG_RECORD)
		fprintf(stderr, "peek failed\n");
}

static void append_n(int n)
{
	for (int i = 0; i < n; i++) {
		uint8_t p[8] = { (uint8_t)i, 1, 2, 3 };
		CHECK_INT(kd_log_append(&e.dev, (uint8_t)(1 + i % 3), (uint16_t)(KD_EV_APP + i), p, sizeof p), KD_OK);
	}
}

/* Fresh device with some records, the log never wrapped. */
static void fresh(int n)
{
	dt_teardown(&e);
	CHECK_INT(dt_setup(&e, 16, 1000), KD_OK);
	append_n(n);
}

static const char *verdict(void)
{
	struct kd_log_verdict v;
	CHECK_INT(dt_reboot(&e), KD_OK);
	return kd_log_verify(&e.dev, &v) == KD_OK ? "intact" : v.what;
}

static void test_basic(void)
{
	struct kd_log_verdict v;
	uint32_t seq, next;
	uint8_t head[32];
	struct kd_log_record r;
	CHECK_INT(kd_log_verify(&e.dev, &v), KD_OK);
	CHECK_INT(v.first_seq, 1);
	kd_log_head(&e.dev, &seq, head);
	CHECK_INT(seq, 2); /* log start, boot */
	CHECK_INT(kd_log_append(&e.dev, 4, KD_EV_APP, NULL, 0), KD_ERR_ARG);
	CHECK_INT(kd_log_append(&e.dev, KD_CAT_SAFETY, KD_EV_APP, exp_buf, KD_LOG_PAYLOAD + 1), KD_ERR_ARG);
	append_n(100); /* 32 slots: wraps three times */
	CHECK_INT(kd_log_verify(&e.dev, &v), KD_OK);
	CHECK_INT(v.last_seq, 102);
	CHECK(v.records >= 24 && v.records <= 32);
	CHECK_INT(v.last_seq - v.first_seq + 1, v.records);
	CHECK_INT(dt_reboot(&e), KD_OK);
	kd_log_head(&e.dev, &seq, head);
	CHECK_INT(seq, 102);
	append_n(3);
	CHECK_INT(kd_log_verify(&e.dev, &v), KD_OK);
	CHECK_INT(v.last_seq, 105);
	/* export everything, check it as a collector would */
	int n = kd_log_export(&e.dev, 0, exp_buf, sizeof exp_buf, &next);
	CHECK_INT(n, v.records);
	CHECK_INT(next, 106);
	CHECK_INT(kd_log_verify_records(kd_crypto_sodium(), exp_buf, (size_t)n, NULL, &v), KD_OK);
	CHECK_INT(kd_log_record_parse(exp_buf + (size_t)(n - 1) * KD_LOG_RECORD, &r), KD_OK);
	CHECK_INT(r.seq, 105);
	CHECK_INT(r.category, KD_CAT_RELIABILITY); /* i = 2 of append_n */
	uint8_t anchor[32];
	memcpy(anchor, r.hash, 32);
	/* incremental export continues the chain from the anchor */
	append_n(2);
	n = kd_log_export(&e.dev, next, exp_buf, sizeof exp_buf, &next);
	CHECK_INT(n, 2);
	CHECK_INT(kd_log_verify_records(kd_crypto_sodium(), exp_buf, 2, anchor, &v), KD_OK);
	uint8_t wrong[32] = { 0 };
	CHECK_INT(kd_log_verify_records(kd_crypto_sodium(), exp_buf, 2, wrong, &v), KD_ERR_TAMPERED);
	/* an exported record changed in transit */
	exp_buf[KD_LOG_RECORD + 25] ^= 1;
	CHECK_INT(kd_log_verify_records(kd_crypto_sodium(), exp_buf, 2, anchor, &v), KD_ERR_TAMPERED);
	CHECK_STR(v.what, "altered");
	/* a small export buffer: exactly what fits */
	CHECK_INT(kd_log_export(&e.dev, 0, exp_buf, 3 * KD_LOG_RECORD + 5, &next), 3);
	CHECK_STR(kd_log_category_str(KD_CAT_SAFETY), "safety");
	CHECK_STR(kd_log_code_str(KD_EV_ROLLBACK), "rollback");
	CHECK_STR(kd_log_code_str(KD_EV_LOGIN_FAIL), "login-failed");
}

static void test_tamper(void)
{
	uint8_t b[KD_LOG_RECORD], c[KD_LOG_RECORD], ff[KD_LOG_RECORD];
	memset(ff, 0xff, sizeof ff);
	/* a changed payload byte */
	fresh(10);
	uint32_t s = slot_of(6);
	b[0] = 0x5a;
	poke(s, 25, b, 1);
	CHECK_STR(verdict(), "altered");
	/* changed and re-hashed: the next record's link breaks */
	fresh(10);
	s = slot_of(6);
	peek(s, b);
	b[25] ^= 0x40;
	{
		const struct kd_crypto *cr = kd_crypto_sodium();
		kd_hash_state hs;
		cr->sha256_init(NULL, &hs);
		cr->sha256_update(NULL, &hs, b, 92);
		cr->sha256_final(NULL, &hs, b + 92);
	}
	poke(s, 0, b, KD_LOG_RECORD);
	CHECK_STR(verdict(), "altered");
	/* a record removed (its slot erased) */
	fresh(10);
	poke(slot_of(5), 0, ff, KD_LOG_RECORD);
	CHECK_STR(verdict(), "missing");
	/* a record hidden (commit mark cleared) */
	fresh(10);
	b[0] = 0xff;
	poke(slot_of(5), 124, b, 1);
	CHECK_STR(verdict(), "missing");
	/* two records swapped */
	fresh(10);
	peek(slot_of(4), b);
	peek(slot_of(5), c);
	uint32_t s4 = slot_of(4), s5 = slot_of(5);
	poke(s4, 0, c, KD_LOG_RECORD);
	poke(s5, 0, b, KD_LOG_RECORD);
	CHECK(strcmp(verdict(), "intact") != 0);
	/* the oldest records cut off before the ring ever wrapped */
	fresh(10);
	for (uint32_t q = 1; q <= 3; q++)
		poke(slot_of(q), 0, ff, KD_LOG_RECORD);
	CHECK_STR(verdict(), "missing");
	/* a torn record (power loss: written, never committed) is no alarm */
	fresh(10);
	memset(b, 0x00, 60);
	poke(slot_of(12) + 1, 0, b, 60);
	CHECK_STR(verdict(), "intact");
	append_n(30);
	CHECK_STR(verdict(), "intact");
}

/* Replacing the newest record passes local verification; the collector's
 * anchor from an earlier export catches it. */
static void test_head_replaced(void)
{
	struct kd_log_verdict v;
	struct kd_log_record r;
	uint32_t next, head;
	uint8_t anchor[32], ff[KD_LOG_RECORD];
	memset(ff, 0xff, sizeof ff);
	fresh(5);
	int n = kd_log_export(&e.dev, 0, exp_buf, sizeof exp_buf, &next);
	kd_log_record_parse(exp_buf + (size_t)(n - 1) * KD_LOG_RECORD, &r);
	memcpy(anchor, r.hash, 32);
	head = r.seq;
	poke(slot_of(head), 0, ff, KD_LOG_RECORD);
	CHECK_STR(verdict(), "intact");
	append_n(2); /* a different record takes seq `head` */
	n = kd_log_export(&e.dev, next, exp_buf, sizeof exp_buf, &next);
	CHECK_INT(n, 1);
	CHECK_INT(kd_log_verify_records(kd_crypto_sodium(), exp_buf, (size_t)n, anchor, &v), KD_ERR_TAMPERED);
}

int main(void)
{
	CHECK_INT(dt_setup(&e, 16, 1000), KD_OK);
	test_basic();
	test_tamper();
	test_head_replaced();
	dt_teardown(&e);
	return test_summary();
}
