/* status_verify.c - enrolled maker keys and the verification of device
 * status reports (libkoban-device's kd_status_verify with koban's key
 * directory as the lookup), and the policy deciding what a report shows. */
#include "device/status_verify.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kd_backend.h"

#define MAX_MAKERS 256
#define MAX_KEYFILE 4096

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

int maker_key_parse(const char *text, size_t len, uint8_t pub[32], char *err, size_t errsz)
{
	size_t pos = 0;
	while (pos < len) {
		const char *line = text + pos, *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		pos += n + (nl != NULL);
		if (n == 0 || line[0] == '#')
			continue;
		for (int i = 0; i < 64; i++) {
			int v = (size_t)i < n ? hexval(line[i]) : -1;
			if (v < 0) {
				snprintf(err, errsz, "expected 64 hex digits (an Ed25519 public key)");
				return -1;
			}
			pub[i / 2] = (uint8_t)(i % 2 ? pub[i / 2] | v : v << 4);
		}
		if (n > 64 && line[64] != ' ' && line[64] != '\t' && line[64] != '\r') {
			snprintf(err, errsz, "expected 64 hex digits (an Ed25519 public key)");
			return -1;
		}
		return 0;
	}
	snprintf(err, errsz, "no key in the file");
	return -1;
}

static int read_small(const char *path, char *buf, size_t cap, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	*len = fread(buf, 1, cap, f);
	int rc = ferror(f) || *len == cap ? -1 : 0;
	if (*len == cap)
		errno = EFBIG;
	fclose(f);
	return rc;
}

static int load_one(struct maker_key *k, const char *dir, const char *fname, char *err, size_t errsz)
{
	char path[4096], text[MAX_KEYFILE], why[128];
	size_t len, nlen = strlen(fname) - 4;
	snprintf(path, sizeof path, "%s/%s", dir, fname);
	if (nlen >= sizeof k->name) {
		snprintf(err, errsz, "%s: name too long", path);
		return -1;
	}
	if (read_small(path, text, sizeof text, &len) != 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (maker_key_parse(text, len, k->pub, why, sizeof why) != 0) {
		snprintf(err, errsz, "%s: %s", path, why);
		return -1;
	}
	memcpy(k->name, fname, nlen);
	k->name[nlen] = '\0';
	return kd_key_id(kd_crypto_sodium(), k->pub, k->kid) == KD_OK ? 0 : -1;
}

static bool is_pub(const char *name)
{
	size_t n = strlen(name);
	return n > 4 && name[0] != '.' && strcmp(name + n - 4, ".pub") == 0;
}

int maker_keys_load(struct maker_keys *mk, const char *dir, char *err, size_t errsz)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	memset(mk, 0, sizeof *mk);
	if (!d) {
		snprintf(err, errsz, "%s: %s", dir, strerror(errno));
		return -1;
	}
	mk->v = calloc(MAX_MAKERS, sizeof *mk->v);
	int rc = mk->v ? 0 : -1;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (!is_pub(de->d_name))
			continue;
		if (mk->n == MAX_MAKERS) {
			snprintf(err, errsz, "%s: more than %d maker keys", dir, MAX_MAKERS);
			rc = -1;
		} else if ((rc = load_one(&mk->v[mk->n], dir, de->d_name, err, errsz)) == 0) {
			mk->n++;
		}
	}
	closedir(d);
	if (rc != 0)
		maker_keys_free(mk);
	return rc;
}

void maker_keys_free(struct maker_keys *mk)
{
	free(mk->v);
	mk->v = NULL;
	mk->n = 0;
}

const char *status_result_str(enum status_result r)
{
	static const char *const s[] = { "valid", "malformed", "unknown maker", "bad signature" };
	return (unsigned)r <= STATUS_BAD_SIGNATURE ? s[r] : "invalid";
}

struct lookup_ctx {
	const struct maker_keys *mk;
	const struct maker_key *found;
};

static int lookup(void *ctx, const uint8_t kid[8], uint8_t pub[32])
{
	struct lookup_ctx *l = ctx;
	for (size_t i = 0; i < l->mk->n; i++)
		if (memcmp(l->mk->v[i].kid, kid, 8) == 0) {
			memcpy(pub, l->mk->v[i].pub, 32);
			l->found = &l->mk->v[i];
			return 0;
		}
	return KD_ERR_UNKNOWN_KEY;
}

enum status_result status_verify_report(const struct maker_keys *mk, const uint8_t *buf, size_t len,
					struct kd_status *s, const struct maker_key **maker)
{
	struct lookup_ctx l = { mk, NULL };
	uint8_t work[KD_STATUS_MAX + 64];
	*maker = NULL;
	if (len > KD_STATUS_MAX) {
		memset(s, 0, sizeof *s);
		return STATUS_MALFORMED;
	}
	int rc = kd_status_verify(kd_crypto_sodium(), buf, len, lookup, &l, work, sizeof work, s);
	if (rc == KD_ERR_FORMAT || rc == KD_ERR_SPACE)
		return STATUS_MALFORMED;
	if (rc == KD_ERR_UNKNOWN_KEY)
		return STATUS_UNKNOWN_MAKER;
	if (rc != KD_OK)
		return STATUS_BAD_SIGNATURE;
	*maker = l.found;
	return STATUS_VALID;
}

unsigned status_findings(const struct kd_status *s, const struct status_policy *p)
{
	unsigned f = 0;
	if (s->update.state == KD_UPD_FAILED)
		f |= FINDING_UPDATE_FAILED;
	if (!s->password_changed)
		f |= FINDING_DEFAULT_PASSWORD;
	if (p && p->has_deadline && (int64_t)(s->fw_release / 86400) < p->firmware_deadline)
		f |= FINDING_FIRMWARE_OUTDATED;
	return f;
}
