/* eventlog.c - the append-only, hash-chained event log (key point 13) in a
 * ring of 128-byte records on the LOG region:
 *   0 "KL" | 2 category u8 | 3 payload length u8 | 4 seq u32 | 8 time u64
 *  16 code u16 | 18 zero u16 | 20 payload[40] | 60 prev[32] | 92 hash[32]
 * 124 commit u8 (0x00 once the record is whole) | 125 0xFF[3]
 * hash = SHA-256(bytes 0..91); prev = hash of the record before (zeros for
 * seq 1). A record is written in one piece, then committed; a record that
 * power loss left uncommitted is skipped. When the ring is full the oldest
 * sector is erased. Verification walks back from the newest record. */
#include "kd_int.h"

#define REC_BODY 92
#define REC_COMMIT 124

enum { SLOT_ERASED, SLOT_GARBAGE, SLOT_BAD_HASH, SLOT_VALID };

static uint32_t per_sector(const struct kd_device *dev)
{
	return KD_ST(dev)->sector_size / KD_LOG_RECORD;
}

int kd_log_record_parse(const uint8_t b[KD_LOG_RECORD], struct kd_log_record *r)
{
	memset(r, 0, sizeof *r);
	if (b[0] != 'K' || b[1] != 'L' || b[2] < KD_CAT_SECURITY || b[2] > KD_CAT_RELIABILITY ||
	    b[3] > KD_LOG_PAYLOAD || kd_get16(b + 18) != 0 || kd_get32(b + 4) == 0)
		return KD_ERR_FORMAT;
	r->category = b[2];
	r->payload_len = b[3];
	r->seq = kd_get32(b + 4);
	r->time = kd_get64(b + 8);
	r->code = kd_get16(b + 16);
	memcpy(r->payload, b + 20, KD_LOG_PAYLOAD);
	memcpy(r->prev, b + 60, 32);
	memcpy(r->hash, b + REC_BODY, 32);
	return KD_OK;
}

/* Sorts one raw record into erased / garbage (torn) / altered / valid. */
static int classify(const struct kd_crypto *cr, const uint8_t b[KD_LOG_RECORD], struct kd_log_record *r)
{
	uint8_t h[32];
	if (kd_all(b, KD_LOG_RECORD, 0xff))
		return SLOT_ERASED;
	if (b[REC_COMMIT] != 0 || kd_log_record_parse(b, r) != KD_OK)
		return SLOT_GARBAGE;
	if (kd_sha256(cr, b, REC_BODY, h) || kd_ct_compare(h, r->hash, 32) != 0)
		return SLOT_BAD_HASH;
	return SLOT_VALID;
}

static int read_slot(const struct kd_device *dev, uint32_t slot, uint8_t b[KD_LOG_RECORD])
{
	return kd_read(KD_ST(dev), KD_REGION_LOG, slot * KD_LOG_RECORD, b, KD_LOG_RECORD);
}

int kd_log_mount(struct kd_device *dev)
{
	struct kd_log *log = &dev->log;
	uint8_t b[KD_LOG_RECORD];
	struct kd_log_record r;
	const struct kd_storage *st = KD_ST(dev);
	memset(log, 0, sizeof *log);
	log->slots = st->size(st->ctx, KD_REGION_LOG) / KD_LOG_RECORD;
	for (uint32_t s = 0; s < log->slots; s++) {
		if (read_slot(dev, s, b))
			return KD_ERR_STORAGE;
		if (classify(KD_CR(dev), b, &r) == SLOT_VALID && r.seq > log->head_seq) {
			log->head_seq = r.seq;
			memcpy(log->head_hash, r.hash, 32);
			log->next_slot = (s + 1) % log->slots;
		}
	}
	return KD_OK;
}

/* Finds the slot for the next record. Entering a sector, it erases the
 * sector unless it is wholly erased (the oldest records, or what an
 * interrupted erase left); inside a sector it skips torn records. */
static int next_free(struct kd_device *dev, uint32_t *slot)
{
	struct kd_log *log = &dev->log;
	uint8_t b[KD_LOG_RECORD];
	const struct kd_storage *st = KD_ST(dev);
	uint32_t spr = per_sector(dev);
	for (uint32_t tries = 0; tries <= log->slots; tries++) {
		uint32_t s = log->next_slot;
		bool erased = true;
		for (uint32_t i = 0; i < (s % spr == 0 ? spr : 1) && erased; i++) {
			if (read_slot(dev, s + i, b))
				return KD_ERR_STORAGE;
			erased = kd_all(b, KD_LOG_RECORD, 0xff);
		}
		if (!erased && s % spr == 0 && kd_erase_range(st, KD_REGION_LOG, s * KD_LOG_RECORD, st->sector_size))
			return KD_ERR_STORAGE;
		if (erased || s % spr == 0) {
			*slot = s;
			return KD_OK;
		}
		log->next_slot = (s + 1) % log->slots;
	}
	return KD_ERR_STORAGE;
}

int kd_log_append(struct kd_device *dev, uint8_t category, uint16_t code, const void *payload, size_t len)
{
	struct kd_log *log = &dev->log;
	uint8_t b[KD_LOG_RECORD], zero = 0;
	uint32_t slot;
	int rc;
	if (len > KD_LOG_PAYLOAD || category < KD_CAT_SECURITY || category > KD_CAT_RELIABILITY)
		return KD_ERR_ARG;
	if ((rc = next_free(dev, &slot)))
		return rc;
	memset(b, 0, sizeof b);
	b[0] = 'K';
	b[1] = 'L';
	b[2] = category;
	b[3] = (uint8_t)len;
	kd_put32(b + 4, log->head_seq + 1);
	kd_put64(b + 8, kd_now(dev));
	kd_put16(b + 16, code);
	if (len)
		memcpy(b + 20, payload, len);
	memcpy(b + 60, log->head_hash, 32);
	if (kd_sha256(KD_CR(dev), b, REC_BODY, b + REC_BODY))
		return KD_ERR_CRYPTO;
	if (kd_write(KD_ST(dev), KD_REGION_LOG, slot * KD_LOG_RECORD, b, REC_COMMIT) ||
	    kd_write(KD_ST(dev), KD_REGION_LOG, slot * KD_LOG_RECORD + REC_COMMIT, &zero, 1))
		return KD_ERR_STORAGE;
	log->head_seq++;
	memcpy(log->head_hash, b + REC_BODY, 32);
	log->next_slot = (slot + 1) % log->slots;
	return KD_OK;
}

void kd_log_head(const struct kd_device *dev, uint32_t *seq, uint8_t hash[32])
{
	*seq = dev->log.head_seq;
	memcpy(hash, dev->log.head_hash, 32);
}

static int tampered(struct kd_log_verdict *v, uint32_t seq, uint32_t slot, const char *what)
{
	v->bad_seq = seq;
	v->bad_slot = slot;
	v->what = what;
	return KD_ERR_TAMPERED;
}

/* Walks back from the newest record along the chain. Sets v (records,
 * first/last seq) and *oldest (slot of the first record). */
static int walk_back(struct kd_device *dev, struct kd_log_verdict *v, uint32_t *oldest)
{
	struct kd_log *log = &dev->log;
	uint8_t b[KD_LOG_RECORD], want[32];
	struct kd_log_record r;
	uint32_t expect = log->head_seq, s = (log->next_slot + log->slots - 1) % log->slots, garbage = 0;
	memcpy(want, log->head_hash, 32);
	memset(v, 0, sizeof *v);
	v->last_seq = log->head_seq;
	for (uint32_t i = 0; i < log->slots && expect > 0; i++, s = (s + log->slots - 1) % log->slots) {
		if (read_slot(dev, s, b))
			return KD_ERR_STORAGE;
		int c = classify(KD_CR(dev), b, &r);
		if (c == SLOT_ERASED)
			break;
		if (c == SLOT_GARBAGE) {
			garbage++;
			continue;
		}
		if (c == SLOT_BAD_HASH)
			return tampered(v, r.seq, s, "altered");
		if (r.seq != expect)
			break; /* an older record left over: the chain starts after it */
		if (kd_ct_compare(r.hash, want, 32) != 0)
			return tampered(v, r.seq, s, "altered");
		memcpy(want, r.prev, 32);
		*oldest = s;
		v->records++;
		v->first_seq = expect--;
	}
	if (expect == 0 && !kd_all(want, 32, 0))
		return tampered(v, 1, *oldest, "altered");
	/* the ring drops whole sectors: short of a full ring means records were removed */
	if (expect > 0 && v->records + garbage + per_sector(dev) < log->slots)
		return tampered(v, expect, *oldest, "missing");
	return KD_OK;
}

int kd_log_verify(struct kd_device *dev, struct kd_log_verdict *v)
{
	uint32_t oldest = 0;
	return walk_back(dev, v, &oldest);
}

int kd_log_export(struct kd_device *dev, uint32_t from, uint8_t *buf, size_t cap, uint32_t *next)
{
	struct kd_log_verdict v;
	struct kd_log_record r;
	uint32_t s = 0, n = 0;
	int rc = walk_back(dev, &v, &s);
	*next = from;
	if (rc)
		return rc;
	for (uint32_t i = 0; i < dev->log.slots && v.records > 0; i++, s = (s + 1) % dev->log.slots) {
		uint8_t *b = buf + (size_t)n * KD_LOG_RECORD;
		if ((size_t)(n + 1) * KD_LOG_RECORD > cap)
			break;
		if (read_slot(dev, s, b))
			return KD_ERR_STORAGE;
		if (classify(KD_CR(dev), b, &r) != SLOT_VALID || r.seq < from)
			continue;
		n++;
		*next = r.seq + 1;
		if (r.seq == dev->log.head_seq)
			break;
	}
	return (int)n;
}

int kd_log_verify_records(const struct kd_crypto *cr, const uint8_t *recs, size_t n, const uint8_t *anchor,
			  struct kd_log_verdict *v)
{
	struct kd_log_record r;
	uint8_t want[32];
	memset(v, 0, sizeof *v);
	for (size_t i = 0; i < n; i++) {
		const uint8_t *b = recs + i * KD_LOG_RECORD;
		int c = classify(cr, b, &r);
		if (c != SLOT_VALID)
			return tampered(v, c == SLOT_BAD_HASH ? r.seq : 0, (uint32_t)i, "altered");
		if (i == 0) {
			v->first_seq = r.seq;
			if ((anchor && kd_ct_compare(anchor, r.prev, 32) != 0) || (r.seq == 1 && !kd_all(r.prev, 32, 0)))
				return tampered(v, r.seq, 0, "altered");
		} else if (r.seq != v->last_seq + 1) {
			return tampered(v, r.seq, (uint32_t)i, r.seq > v->last_seq ? "missing" : "out of order");
		} else if (kd_ct_compare(r.prev, want, 32) != 0) {
			return tampered(v, r.seq, (uint32_t)i, "altered");
		}
		memcpy(want, r.hash, 32);
		v->last_seq = r.seq;
		v->records++;
	}
	return KD_OK;
}

const char *kd_log_category_str(int cat)
{
	return cat == KD_CAT_SECURITY ? "security" : cat == KD_CAT_SAFETY ? "safety"
		: cat == KD_CAT_RELIABILITY ? "reliability" : "unknown";
}

const char *kd_log_code_str(int code)
{
	static const char *const sec[] = { "log-start", "login-ok", "login-failed", "lockout", "password-changed",
					   "password-refused", "update-refused", "erase-start", "erase-done" };
	static const char *const rel[] = { "boot", "update-installed", "update-confirmed", "update-deferred" };
	static const char *const saf[] = { "rollback", "image-invalid", "no-image" };
	if (code >= 1 && code <= (int)(sizeof sec / sizeof *sec))
		return sec[code - 1];
	if (code >= 0x101 && code < 0x101 + (int)(sizeof rel / sizeof *rel))
		return rel[code - 0x101];
	if (code >= 0x201 && code < 0x201 + (int)(sizeof saf / sizeof *saf))
		return saf[code - 0x201];
	return code >= KD_EV_APP ? "application" : "unknown";
}
