/* util.c - small helpers of libkoban-device: error texts, text fields,
 * dates, constant-time comparison, and checked wrappers over the storage
 * and crypto interfaces. */
#include "kd_int.h"

const char *kd_strerror(int err)
{
	static const char *const txt[] = {
		"ok", "bad argument", "storage failure", "crypto failure", "malformed input",
		"signature does not verify", "hash mismatch", "security counter below the minimum (roll-back)",
		"image for another device class", "too large", "wrong password", "locked out after failures",
		"password too weak", "default password not changed yet", "not found", "not allowed in this state",
		"no valid image", "tampered (integrity check failed)", "buffer too small", "unknown signing key",
	};
	int i = -err;
	return i >= 0 && i < (int)(sizeof txt / sizeof txt[0]) ? txt[i] : "unknown error";
}

bool kd_printable(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

bool kd_all(const uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

bool kd_text_field(const uint8_t *p, size_t n, char *out, bool may_be_empty)
{
	size_t len = 0;
	while (len < n && p[len])
		len++;
	if (!kd_printable((const char *)p, len) || !kd_all(p + len, n - len, 0) || (len == 0 && !may_be_empty))
		return false;
	memcpy(out, p, len);
	out[len] = '\0';
	return true;
}

bool kd_text_put(uint8_t *p, size_t n, const char *s)
{
	size_t len = strlen(s);
	if (len > n || !kd_printable(s, len))
		return false;
	memset(p, 0, n);
	memcpy(p, s, len);
	return true;
}

/* Days since 1970-01-01 of a civil date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

bool kd_date_parse(const char *s, size_t len, int64_t *days)
{
	static const unsigned char mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	unsigned v[3] = { 0, 0, 0 }, widths[3] = { 4, 2, 2 }, pos = 0;
	if (len != KD_DATE_LEN || s[4] != '-' || s[7] != '-')
		return false;
	for (int f = 0; f < 3; f++, pos++)
		for (unsigned i = 0; i < widths[f]; i++, pos++) {
			if (s[pos] < '0' || s[pos] > '9')
				return false;
			v[f] = v[f] * 10 + (unsigned)(s[pos] - '0');
		}
	if (v[0] < 1970 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > mdays[v[1] - 1])
		return false;
	bool leap = (v[0] % 4 == 0 && v[0] % 100 != 0) || v[0] % 400 == 0;
	if (v[1] == 2 && v[2] == 29 && !leap)
		return false;
	*days = days_from_civil(v[0], v[1], v[2]);
	return true;
}

void kd_date_format(int64_t days, char out[KD_DATE_LEN + 1])
{
	int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	unsigned d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
	int64_t y = (int64_t)yoe + era * 400 + (m <= 2);
	unsigned yy = y < 0 ? 0 : y > 9999 ? 9999 : (unsigned)y;
	out[0] = (char)('0' + yy / 1000);
	out[1] = (char)('0' + yy / 100 % 10);
	out[2] = (char)('0' + yy / 10 % 10);
	out[3] = (char)('0' + yy % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

int kd_ct_compare(const void *a, const void *b, size_t n)
{
	const volatile uint8_t *x = a, *y = b;
	uint8_t acc = 0;
	for (size_t i = 0; i < n; i++)
		acc |= (uint8_t)(x[i] ^ y[i]);
	return acc != 0;
}

void kd_wipe(void *p, size_t n)
{
	volatile uint8_t *v = p;
	while (n--)
		*v++ = 0;
}

int kd_read(const struct kd_storage *st, enum kd_region r, uint32_t off, void *buf, size_t len)
{
	return st->read(st->ctx, r, off, buf, len) == 0 ? KD_OK : KD_ERR_STORAGE;
}

int kd_write(const struct kd_storage *st, enum kd_region r, uint32_t off, const void *buf, size_t len)
{
	return st->write(st->ctx, r, off, buf, len) == 0 ? KD_OK : KD_ERR_STORAGE;
}

/* Erases [off, off+len) sector by sector (one interface call per sector, so
 * that power loss can strike between any two). */
int kd_erase_range(const struct kd_storage *st, enum kd_region r, uint32_t off, uint32_t len)
{
	for (uint32_t o = off; o < off + len; o += st->sector_size)
		if (st->erase(st->ctx, r, o, st->sector_size) != 0)
			return KD_ERR_STORAGE;
	return KD_OK;
}

int kd_sha256(const struct kd_crypto *cr, const uint8_t *p, size_t n, uint8_t out[32])
{
	kd_hash_state hs;
	if (cr->sha256_init(cr->ctx, &hs) || cr->sha256_update(cr->ctx, &hs, p, n) ||
	    cr->sha256_final(cr->ctx, &hs, out))
		return KD_ERR_CRYPTO;
	return KD_OK;
}

int kd_sha256_region(const struct kd_crypto *cr, const struct kd_storage *st, enum kd_region r, uint32_t off,
		     uint32_t len, uint8_t *work, size_t wlen, uint8_t out[32])
{
	kd_hash_state hs;
	if (cr->sha256_init(cr->ctx, &hs))
		return KD_ERR_CRYPTO;
	while (len > 0) {
		size_t n = len < wlen ? len : wlen;
		if (kd_read(st, r, off, work, n))
			return KD_ERR_STORAGE;
		if (cr->sha256_update(cr->ctx, &hs, work, n))
			return KD_ERR_CRYPTO;
		off += (uint32_t)n;
		len -= (uint32_t)n;
	}
	return cr->sha256_final(cr->ctx, &hs, out) ? KD_ERR_CRYPTO : KD_OK;
}

uint64_t kd_now(const struct kd_device *dev)
{
	return dev->cfg.now ? dev->cfg.now(dev->cfg.now_ctx) : 0;
}
