/* devtool_image.c - maker keys, signing and verifying firmware images, and
 * the verification benchmark (a signed image in memory and in a slot of a
 * flash file, read through the storage interface). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "devtool.h"

int cmd_keygen(int argc, char **argv)
{
	const struct kd_crypto *cr = kd_crypto_sodium();
	uint8_t seed[32], pub[32];
	char path[4096], hex[65], text[256];
	if (argc != 2) {
		fputs("usage: koban-device-tool keygen NAME\n", stderr);
		return 2;
	}
	if (cr->random(NULL, seed, 32) || cr->ed25519_public(NULL, seed, pub))
		return 1;
	dt_hex(seed, 32, hex);
	snprintf(text, sizeof text, "# koban-device maker key (Ed25519 seed): keep it secret\n%s\n", hex);
	snprintf(path, sizeof path, "%s.key", argv[1]);
	if (dt_write_file(path, text, strlen(text), 0600) != 0)
		return 1;
	dt_hex(pub, 32, hex);
	snprintf(text, sizeof text, "# koban-device maker public key %s\n%s\n", argv[1], hex);
	snprintf(path, sizeof path, "%s.pub", argv[1]);
	kd_wipe(seed, sizeof seed);
	return dt_write_file(path, text, strlen(text), 0644) == 0 ? 0 : 1;
}

struct sign_opts {
	const char *key, *version, *hw_class, *release;
	long counter;
};

static int sign_args(int argc, char **argv, struct sign_opts *o)
{
	static const struct option lo[] = {
		{ "key", required_argument, NULL, 'k' }, { "version", required_argument, NULL, 'v' },
		{ "counter", required_argument, NULL, 'n' }, { "hw-class", required_argument, NULL, 'c' },
		{ "release", required_argument, NULL, 'r' }, { NULL, 0, NULL, 0 },
	};
	int ch;
	char *end;
	o->counter = -1;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "k:v:n:c:r:", lo, NULL)) != -1) {
		switch (ch) {
		case 'k': o->key = optarg; break;
		case 'v': o->version = optarg; break;
		case 'c': o->hw_class = optarg; break;
		case 'r': o->release = optarg; break;
		case 'n':
			o->counter = strtol(optarg, &end, 10);
			if (*end || o->counter < 0 || o->counter > 0xffffffffL)
				o->counter = -1;
			break;
		default: return -1;
		}
	}
	return o->key && o->version && o->hw_class && o->counter >= 0 && argc - optind == 2 ? 0 : -1;
}

int cmd_sign(int argc, char **argv)
{
	const struct kd_crypto *cr = kd_crypto_sodium();
	struct sign_opts o = { 0 };
	struct kd_manifest m;
	uint8_t seed[32];
	size_t len;
	if (sign_args(argc, argv, &o) != 0) {
		fputs("usage: koban-device-tool sign --key K --version V --counter N --hw-class C"
		      " [--release YYYY-MM-DD] PAYLOAD OUT\n", stderr);
		return 2;
	}
	memset(&m, 0, sizeof m);
	if (strlen(o.version) > KD_VERSION_MAX || strlen(o.hw_class) > KD_CLASS_MAX ||
	    !dt_date_secs(o.release, &m.release_time)) {
		fputs("koban-device-tool: version (24), hw class (32) too long, or release not YYYY-MM-DD\n", stderr);
		return 2;
	}
	uint8_t *img = dt_read_file(argv[optind], 0x10000000u, &len);
	if (!img || dt_read_key(o.key, seed) != 0)
		return 1;
	uint8_t *grown = realloc(img, len + KD_MANIFEST_SIZE);
	if (!grown) {
		free(img);
		return 1;
	}
	img = grown;
	memmove(img + KD_MANIFEST_SIZE, img, len);
	strcpy(m.version, o.version);
	strcpy(m.hw_class, o.hw_class);
	m.security_counter = (uint32_t)o.counter;
	m.payload_size = (uint32_t)len;
	int rc = len == 0 ? KD_ERR_ARG : kd_sha256(cr, img + KD_MANIFEST_SIZE, len, m.payload_hash);
	if (!rc)
		rc = kd_manifest_sign(cr, &m, seed, img);
	kd_wipe(seed, sizeof seed);
	if (rc)
		fprintf(stderr, "koban-device-tool: cannot sign: %s\n", kd_strerror(rc));
	else
		rc = dt_write_file(argv[optind + 1], img, len + KD_MANIFEST_SIZE, 0644);
	free(img);
	return rc ? 1 : 0;
}

int cmd_verify(int argc, char **argv)
{
	struct kd_manifest m;
	uint8_t pub[32];
	char kid[17], rel[KD_DATE_LEN + 1];
	size_t len;
	if (argc != 4 || strcmp(argv[1], "--pub") != 0) {
		fputs("usage: koban-device-tool verify --pub P IMAGE\n", stderr);
		return 2;
	}
	uint8_t *img = dt_read_file(argv[3], 0x10000000u + KD_MANIFEST_SIZE, &len);
	if (!img || dt_read_key(argv[2], pub) != 0)
		return 1;
	int rc = kd_image_verify_buf(kd_crypto_sodium(), img, len, pub, &m);
	free(img);
	if (rc) {
		printf("%s: invalid: %s\n", argv[3], kd_strerror(rc));
		return 1;
	}
	dt_hex(m.key_id, 8, kid);
	kd_date_format((int64_t)(m.release_time / 86400), rel);
	printf("%s: valid: version %s, security counter %u, hw class %s, released %s, %u bytes, key %s\n", argv[3],
	       m.version, m.security_counter, m.hw_class, rel, m.payload_size, kid);
	return 0;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Median of `rounds` timings of fn. */
static double time_median(int (*fn)(void *), void *ctx, int rounds, int *err)
{
	double t[101];
	rounds = rounds > 101 ? 101 : rounds;
	for (int i = 0; i < rounds; i++) {
		double t0 = now_ms();
		*err |= fn(ctx);
		t[i] = now_ms() - t0;
	}
	qsort(t, (size_t)rounds, sizeof t[0], cmp_double);
	return t[rounds / 2];
}

struct bench {
	uint8_t *img, pub[32];
	size_t len;
	struct kd_device dev;
	uint8_t work[4096];
};

static int verify_mem(void *ctx)
{
	struct bench *b = ctx;
	struct kd_manifest m;
	return kd_image_verify_buf(kd_crypto_sodium(), b->img, b->len, b->pub, &m);
}

static int verify_slot(void *ctx)
{
	struct bench *b = ctx;
	struct kd_manifest m;
	return kd_slot_verify(&b->dev, 0, b->work, sizeof b->work, &m);
}

/* A throwaway device in a flash file with the image in slot A. */
static int bench_flash(struct bench *b, const uint8_t seed[32], struct kd_file_flash *f, char *dir)
{
	struct kd_layout l;
	struct kd_config cfg = { 0 };
	struct kd_provision p = { "BENCH-1", "bench", "bench", "", 0 };
	char path[128];
	kd_layout_default(&l);
	snprintf(path, sizeof path, "%s/flash.bin", dir);
	if (kd_flash_create(f, path, &l) != 0 || kd_provision(&f->st, kd_crypto_sodium(), seed, &p, b->img, b->len, NULL))
		return -1;
	cfg.storage = &f->st;
	cfg.crypto = kd_crypto_sodium();
	return kd_device_open(&b->dev, &cfg);
}

int cmd_bench(int argc, char **argv)
{
	struct bench b;
	struct kd_manifest m;
	struct kd_file_flash f;
	uint8_t seed[32];
	long size = 1 << 20, rounds = 21;
	int err = 0;
	char dir[] = "/tmp/kdbench.XXXXXX";
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--size"))
			size = atol(argv[i + 1]);
		else if (!strcmp(argv[i], "--rounds"))
			rounds = atol(argv[i + 1]);
	}
	if (size < 1 || size > (1 << 20) || rounds < 1 || !mkdtemp(dir)) {
		fputs("usage: koban-device-tool bench [--size BYTES (<= 1 MiB)] [--rounds N]\n", stderr);
		return 2;
	}
	memset(&m, 0, sizeof m);
	b.len = KD_MANIFEST_SIZE + (size_t)size;
	b.img = malloc(b.len);
	kd_crypto_sodium()->random(NULL, seed, 32);
	kd_crypto_sodium()->random(NULL, b.img + KD_MANIFEST_SIZE, (size_t)size);
	strcpy(m.version, "1.0.0");
	strcpy(m.hw_class, "bench");
	m.payload_size = (uint32_t)size;
	kd_sha256(kd_crypto_sodium(), b.img + KD_MANIFEST_SIZE, (size_t)size, m.payload_hash);
	kd_manifest_sign(kd_crypto_sodium(), &m, seed, b.img);
	kd_crypto_sodium()->ed25519_public(NULL, seed, b.pub);
	double mem = time_median(verify_mem, &b, (int)rounds, &err);
	if (bench_flash(&b, seed, &f, dir) != 0)
		err = 1;
	double slot = err ? 0 : time_median(verify_slot, &b, (int)rounds, &err);
	printf("verify %ld-byte image (SHA-256 + Ed25519), median of %ld: in memory %.3f ms, "
	       "from a flash slot through the storage interface %.3f ms\n", size, rounds, mem, slot);
	kd_flash_close(&f);
	kd_wipe(seed, sizeof seed);
	char cmd[64];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		err = 1;
	free(b.img);
	return err ? 1 : 0;
}
