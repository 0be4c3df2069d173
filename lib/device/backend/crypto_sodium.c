/* crypto_sodium.c - the reference crypto backend on libsodium: SHA-256,
 * HMAC-SHA-256, Ed25519, Argon2id (crypto_pwhash), XChaCha20-Poly1305 and
 * randombytes. */
#include <sodium.h>
#include <string.h>

#include "kd_backend.h"

_Static_assert(sizeof(crypto_hash_sha256_state) <= KD_HASH_STATE_SIZE, "hash state too small");

static int init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

static int h_init(void *ctx, kd_hash_state *st)
{
	(void)ctx;
	return init() || crypto_hash_sha256_init((crypto_hash_sha256_state *)st->b);
}

static int h_update(void *ctx, kd_hash_state *st, const uint8_t *p, size_t n)
{
	(void)ctx;
	return crypto_hash_sha256_update((crypto_hash_sha256_state *)st->b, p, n);
}

static int h_final(void *ctx, kd_hash_state *st, uint8_t out[32])
{
	(void)ctx;
	return crypto_hash_sha256_final((crypto_hash_sha256_state *)st->b, out);
}

static int hmac(void *ctx, const uint8_t *key, size_t klen, const uint8_t *msg, size_t mlen, uint8_t out[32])
{
	crypto_auth_hmacsha256_state st;
	(void)ctx;
	if (init() || crypto_auth_hmacsha256_init(&st, key, klen) || crypto_auth_hmacsha256_update(&st, msg, mlen) ||
	    crypto_auth_hmacsha256_final(&st, out))
		return -1;
	sodium_memzero(&st, sizeof st);
	return 0;
}

static int ed_public(void *ctx, const uint8_t seed[32], uint8_t pk[32])
{
	uint8_t sk[64];
	(void)ctx;
	int rc = init() || crypto_sign_seed_keypair(pk, sk, seed);
	sodium_memzero(sk, sizeof sk);
	return rc;
}

static int ed_sign(void *ctx, const uint8_t seed[32], const uint8_t *m, size_t n, uint8_t sig[64])
{
	uint8_t sk[64], pk[32];
	(void)ctx;
	int rc = init() || crypto_sign_seed_keypair(pk, sk, seed) || crypto_sign_detached(sig, NULL, m, n, sk);
	sodium_memzero(sk, sizeof sk);
	return rc;
}

static int ed_verify(void *ctx, const uint8_t pk[32], const uint8_t *m, size_t n, const uint8_t sig[64])
{
	(void)ctx;
	return init() || crypto_sign_verify_detached(sig, m, n, pk) != 0;
}

static int pwhash(void *ctx, uint8_t out[32], const char *pw, size_t pwlen, const uint8_t salt[16], uint32_t ops,
		  uint32_t mem_kib)
{
	(void)ctx;
	_Static_assert(crypto_pwhash_SALTBYTES == 16, "salt size");
	return init() || crypto_pwhash(out, 32, pw, pwlen, salt, ops, (size_t)mem_kib * 1024,
				       crypto_pwhash_ALG_ARGON2ID13) != 0;
}

static int aead_enc(void *ctx, uint8_t *c, const uint8_t *m, size_t mlen, const uint8_t *ad, size_t adlen,
		    const uint8_t nonce[24], const uint8_t key[32])
{
	(void)ctx;
	return init() || crypto_aead_xchacha20poly1305_ietf_encrypt(c, NULL, m, mlen, ad, adlen, NULL, nonce, key);
}

static int aead_dec(void *ctx, uint8_t *m, const uint8_t *c, size_t clen, const uint8_t *ad, size_t adlen,
		    const uint8_t nonce[24], const uint8_t key[32])
{
	(void)ctx;
	return init() || crypto_aead_xchacha20poly1305_ietf_decrypt(m, NULL, NULL, c, clen, ad, adlen, nonce, key);
}

static int rnd(void *ctx, uint8_t *p, size_t n)
{
	(void)ctx;
	if (init())
		return -1;
	randombytes_buf(p, n);
	return 0;
}

const struct kd_crypto *kd_crypto_sodium(void)
{
	static const struct kd_crypto cr = {
		NULL, h_init, h_update, h_final, hmac, ed_public, ed_sign, ed_verify, pwhash, aead_enc, aead_dec, rnd,
	};
	return &cr;
}
