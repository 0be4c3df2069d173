/* cbor.c - the CBOR subset the status report and the device certificate use
 * (RFC 8949): unsigned and negative integers, byte and text strings,
 * arrays, maps, tags, true/false. Definite lengths only; the decoder
 * rejects indefinite lengths, non-shortest heads, reserved values and
 * anything that runs past the buffer. No allocation. */
#include "kd_int.h"

static void put(struct kd_cbor_enc *e, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (e->overflow || n > e->cap - e->len) {
		e->overflow = true;
		return;
	}
	memcpy(e->p + e->len, p, n);
	e->len += n;
}

void kd_cbor_head(struct kd_cbor_enc *e, int major, uint64_t v)
{
	uint8_t b[9];
	size_t n;
	uint8_t mt = (uint8_t)(major << 5);
	if (v < 24) {
		b[0] = (uint8_t)(mt | v);
		n = 1;
	} else if (v <= 0xff) {
		b[0] = mt | 24;
		b[1] = (uint8_t)v;
		n = 2;
	} else if (v <= 0xffff) {
		b[0] = mt | 25;
		b[1] = (uint8_t)(v >> 8);
		b[2] = (uint8_t)v;
		n = 3;
	} else if (v <= 0xffffffffu) {
		b[0] = mt | 26;
		for (int i = 0; i < 4; i++)
			b[1 + i] = (uint8_t)(v >> (24 - 8 * i));
		n = 5;
	} else {
		b[0] = mt | 27;
		for (int i = 0; i < 8; i++)
			b[1 + i] = (uint8_t)(v >> (56 - 8 * i));
		n = 9;
	}
	put(e, b, n);
}

void kd_cbor_int(struct kd_cbor_enc *e, int64_t v)
{
	if (v >= 0)
		kd_cbor_head(e, KD_CBOR_UINT, (uint64_t)v);
	else
		kd_cbor_head(e, KD_CBOR_NINT, (uint64_t)(-(v + 1)));
}

void kd_cbor_bytes(struct kd_cbor_enc *e, int major, const void *p, size_t n)
{
	kd_cbor_head(e, major, n);
	put(e, p, n);
}

void kd_cbor_text(struct kd_cbor_enc *e, const char *s)
{
	kd_cbor_bytes(e, KD_CBOR_TSTR, s, strlen(s));
}

void kd_cbor_bool(struct kd_cbor_enc *e, bool v)
{
	uint8_t b = v ? 0xf5 : 0xf4;
	put(e, &b, 1);
}

int kd_cbor_get_head(struct kd_cbor_dec *d, int *major, uint64_t *v)
{
	if (d->pos >= d->len)
		return KD_ERR_FORMAT;
	uint8_t ib = d->p[d->pos++];
	unsigned ai = ib & 0x1f, n;
	*major = ib >> 5;
	if (ai < 24) {
		*v = ai;
		return KD_OK;
	}
	if (ai > 27)
		return KD_ERR_FORMAT; /* reserved or indefinite */
	n = 1u << (ai - 24);
	if (n > d->len - d->pos)
		return KD_ERR_FORMAT;
	*v = 0;
	for (unsigned i = 0; i < n; i++)
		*v = *v << 8 | d->p[d->pos++];
	/* preferred serialisation: the shortest head */
	if ((n == 1 && *v < 24) || (n == 2 && *v <= 0xff) || (n == 4 && *v <= 0xffff) ||
	    (n == 8 && *v <= 0xffffffffu))
		return KD_ERR_FORMAT;
	if (*major == KD_CBOR_SIMPLE && n != 1)
		return KD_ERR_FORMAT; /* floats are not used */
	return KD_OK;
}

int kd_cbor_expect(struct kd_cbor_dec *d, int major, uint64_t *n)
{
	int mt;
	if (kd_cbor_get_head(d, &mt, n) || mt != major)
		return KD_ERR_FORMAT;
	return KD_OK;
}

int kd_cbor_get_uint(struct kd_cbor_dec *d, uint64_t *v)
{
	return kd_cbor_expect(d, KD_CBOR_UINT, v);
}

int kd_cbor_get_int(struct kd_cbor_dec *d, int64_t *v)
{
	int mt;
	uint64_t u;
	if (kd_cbor_get_head(d, &mt, &u) || (mt != KD_CBOR_UINT && mt != KD_CBOR_NINT) || u > INT64_MAX)
		return KD_ERR_FORMAT;
	*v = mt == KD_CBOR_UINT ? (int64_t)u : -1 - (int64_t)u;
	return KD_OK;
}

int kd_cbor_get_bytes(struct kd_cbor_dec *d, int major, const uint8_t **p, size_t *n)
{
	uint64_t len;
	if (kd_cbor_expect(d, major, &len) || len > d->len - d->pos)
		return KD_ERR_FORMAT;
	*p = d->p + d->pos;
	*n = (size_t)len;
	d->pos += (size_t)len;
	return KD_OK;
}

int kd_cbor_get_text(struct kd_cbor_dec *d, char *out, size_t cap)
{
	const uint8_t *p;
	size_t n;
	if (kd_cbor_get_bytes(d, KD_CBOR_TSTR, &p, &n) || n >= cap || !kd_printable((const char *)p, n))
		return KD_ERR_FORMAT;
	memcpy(out, p, n);
	out[n] = '\0';
	return KD_OK;
}

int kd_cbor_get_bool(struct kd_cbor_dec *d, bool *v)
{
	if (d->pos >= d->len || (d->p[d->pos] != 0xf4 && d->p[d->pos] != 0xf5))
		return KD_ERR_FORMAT;
	*v = d->p[d->pos++] == 0xf5;
	return KD_OK;
}

int kd_cbor_skip(struct kd_cbor_dec *d, int depth)
{
	int mt;
	uint64_t v;
	if (depth <= 0 || kd_cbor_get_head(d, &mt, &v))
		return KD_ERR_FORMAT;
	switch (mt) {
	case KD_CBOR_BSTR:
	case KD_CBOR_TSTR:
		if (v > d->len - d->pos)
			return KD_ERR_FORMAT;
		d->pos += (size_t)v;
		return KD_OK;
	case KD_CBOR_MAP:
		if (v > (d->len - d->pos) / 2)
			return KD_ERR_FORMAT;
		v *= 2;
		/* fall through */
	case KD_CBOR_ARRAY:
		if (v > d->len - d->pos)
			return KD_ERR_FORMAT;
		for (uint64_t i = 0; i < v; i++)
			if (kd_cbor_skip(d, depth - 1))
				return KD_ERR_FORMAT;
		return KD_OK;
	case KD_CBOR_TAG:
		return kd_cbor_skip(d, depth - 1);
	default:
		return KD_OK;
	}
}
