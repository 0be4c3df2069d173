/* facts_sink.h - the fact sink shared by the dissector unit tests: it reads
 * every byte of each fact's value and secret (so ASan sees a fact pointing
 * past its buffer) and keeps copies of the first FACTS_MAX facts in recs[]
 * (nrec of them), values and secrets NUL-terminated and cut to
 * FACT_VALUE_MAX - 1 and FACT_SECRET_MAX - 1 bytes; lookups by kind. A test
 * may define those three sizes before including this file. */
#ifndef KOBAN_TEST_FACTS_SINK_H
#define KOBAN_TEST_FACTS_SINK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "proto/dissect.h"

#ifndef FACTS_MAX
#define FACTS_MAX 32
#endif
#ifndef FACT_VALUE_MAX
#define FACT_VALUE_MAX 300
#endif
#ifndef FACT_SECRET_MAX
#define FACT_SECRET_MAX 300
#endif

struct rec {
	enum fact_kind kind;
	enum fact_about about;
	struct kaddr addr;
	uint16_t port;
	bool has_mac;
	uint8_t mac[6];
	size_t len; /* the value's whole length, before the cut */
	char value[FACT_VALUE_MAX];
	bool has_secret;
	char secret[FACT_SECRET_MAX];
	char proto[16];
};

static struct rec recs[FACTS_MAX];
static int nrec;
static volatile unsigned touched;

static inline void collect(void *ctx, const struct fact *f)
{
	(void)ctx;
	for (size_t i = 0; i < f->value_len; i++)
		touched += (unsigned char)f->value[i];
	for (size_t i = 0; f->secret && i < f->secret_len; i++)
		touched += (unsigned char)f->secret[i];
	if (nrec >= FACTS_MAX)
		return;
	struct rec *r = &recs[nrec++];
	memset(r, 0, sizeof *r);
	r->kind = f->kind;
	r->about = f->about;
	r->addr = f->addr;
	r->port = f->port;
	r->has_mac = f->mac != NULL;
	if (f->mac)
		memcpy(r->mac, f->mac, 6);
	r->len = f->value_len;
	memcpy(r->value, f->value, f->value_len < sizeof r->value - 1 ? f->value_len : sizeof r->value - 1);
	r->has_secret = f->secret != NULL;
	if (f->secret)
		memcpy(r->secret, f->secret, f->secret_len < sizeof r->secret - 1 ? f->secret_len : sizeof r->secret - 1);
	snprintf(r->proto, sizeof r->proto, "%s", f->proto ? f->proto : "");
}

static const struct fact_sink sink __attribute__((unused)) = { collect, NULL };

/* The want-th fact (from 0) of kind k, or NULL. */
static inline const struct rec *nth(enum fact_kind k, int want)
{
	for (int i = 0; i < nrec; i++)
		if (recs[i].kind == k && want-- == 0)
			return &recs[i];
	return NULL;
}

static inline const struct rec *get(enum fact_kind k)
{
	return nth(k, 0);
}

/* The first value of kind k, or NULL. */
static inline const char *val(enum fact_kind k)
{
	const struct rec *r = get(k);
	return r ? r->value : NULL;
}

static inline int count(enum fact_kind k)
{
	int n = 0;
	for (int i = 0; i < nrec; i++)
		n += recs[i].kind == k;
	return n;
}

#endif
