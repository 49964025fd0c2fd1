/* RFC 9380 expand_message_xmd (SHA-256 through OpenSSL EVP) and
 * hash_to_field for Fp, Fp2 and Fr.  The curve maps and the hash_to_curve /
 * encode_to_curve entry points are in sswu_impl.h, instantiated by sswu_g1.c
 * and sswu_g2.c. */
#include "internal/hash_to_curve.h"

#include <pthread.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#define XMD_B_BYTES 32 /* SHA-256 output */
#define XMD_S_BYTES 64 /* SHA-256 input block: the Z_pad length */

/* expand_message_xmd produced block by block, so hash_to_field can consume
 * its L-byte slices without a buffer for the whole output. */
typedef struct {
    EVP_MD_CTX *ctx;
    const EVP_MD *md;
    const uint8_t *dst;
    uint8_t dst_len;
    uint8_t b0[XMD_B_BYTES];
    uint8_t bi[XMD_B_BYTES];
    unsigned i;   /* index of the block held in bi */
    size_t used;  /* bytes of bi already handed out */
} xmd_t;

/* SHA-256 fetched from the provider once: passing the legacy EVP_sha256()
 * to every EVP_DigestInit_ex2 repeats that lookup and costs ~3x the hash. */
static EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void sha256_fetch(void)
{
    sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static int args_ok(const void *out, const uint8_t *msg, size_t msg_len,
                   const uint8_t *dst, size_t dst_len)
{
    return out != NULL && (msg != NULL || msg_len == 0) && dst != NULL &&
           dst_len >= 1 && dst_len <= BLS_H2C_MAX_DST_BYTES;
}

/* Appends I2OSP(byte, 1) || DST_prime to the digest in progress and
 * finishes it. */
static int xmd_finish(xmd_t *x, uint8_t out[XMD_B_BYTES], uint8_t byte)
{
    return EVP_DigestUpdate(x->ctx, &byte, 1) == 1 &&
           EVP_DigestUpdate(x->ctx, x->dst, x->dst_len) == 1 &&
           EVP_DigestUpdate(x->ctx, &x->dst_len, 1) == 1 &&
           EVP_DigestFinal_ex(x->ctx, out, NULL) == 1;
}

/* out := SHA-256(a || I2OSP(byte, 1) || DST_prime): the blocks b_1, b_2, ... */
static int xmd_block(xmd_t *x, uint8_t out[XMD_B_BYTES], const uint8_t a[XMD_B_BYTES],
                     uint8_t byte)
{
    return EVP_DigestInit_ex2(x->ctx, x->md, NULL) == 1 &&
           EVP_DigestUpdate(x->ctx, a, XMD_B_BYTES) == 1 && xmd_finish(x, out, byte);
}

static void xmd_free(xmd_t *x)
{
    EVP_MD_CTX_free(x->ctx);
    /* The blocks are derived from the message, which may be secret. */
    OPENSSL_cleanse(x, sizeof *x);
}

/* Computes b_0 and b_1 for an output of len bytes; arguments already checked. */
static int xmd_init(xmd_t *x, size_t len, const uint8_t *msg, size_t msg_len,
                    const uint8_t *dst, size_t dst_len)
{
    static const uint8_t z_pad[XMD_S_BYTES];
    /* l_i_b_str = I2OSP(len_in_bytes, 2); xmd_finish appends I2OSP(0, 1). */
    const uint8_t lib[2] = { (uint8_t)(len >> 8), (uint8_t)len };

    memset(x, 0, sizeof *x);
    x->dst = dst;
    x->dst_len = (uint8_t)dst_len;
    pthread_once(&sha256_once, sha256_fetch);
    x->md = sha256_md;
    x->ctx = EVP_MD_CTX_new();
    if (x->ctx == NULL || x->md == NULL)
        return 0;
    if (EVP_DigestInit_ex2(x->ctx, x->md, NULL) != 1 ||
        EVP_DigestUpdate(x->ctx, z_pad, sizeof z_pad) != 1 ||
        (msg_len != 0 && EVP_DigestUpdate(x->ctx, msg, msg_len) != 1) ||
        EVP_DigestUpdate(x->ctx, lib, sizeof lib) != 1)
        return 0;
    /* Finish msg_prime = Z_pad || msg || l_i_b_str || 0x00 || DST_prime. */
    if (!xmd_finish(x, x->b0, 0) || !xmd_block(x, x->bi, x->b0, 1))
        return 0;
    x->i = 1;
    return 1;
}

/* Next n output bytes; the caller never asks for more than len in total. */
static int xmd_read(xmd_t *x, uint8_t *out, size_t n)
{
    while (n > 0) {
        if (x->used == XMD_B_BYTES) {
            uint8_t t[XMD_B_BYTES];
            for (size_t j = 0; j < XMD_B_BYTES; j++)
                t[j] = x->b0[j] ^ x->bi[j];
            if (!xmd_block(x, x->bi, t, (uint8_t)(x->i + 1)))
                return 0;
            x->i++;
            x->used = 0;
        }
        size_t take = XMD_B_BYTES - x->used;
        if (take > n)
            take = n;
        memcpy(out, x->bi + x->used, take);
        x->used += take;
        out += take;
        n -= take;
    }
    return 1;
}

int bls_expand_message_xmd(uint8_t *out, size_t len, const uint8_t *msg, size_t msg_len,
                       const uint8_t *dst, size_t dst_len)
{
    xmd_t x;
    int ok;

    if (!args_ok(out, msg, msg_len, dst, dst_len) || len == 0 || len > BLS_H2C_XMD_MAX_BYTES)
        return BLS_ERR_ARGUMENT;
    ok = xmd_init(&x, len, msg, msg_len, dst, dst_len) && xmd_read(&x, out, len);
    xmd_free(&x);
    return ok ? BLS_OK : BLS_ERR_ARGUMENT;
}

/* Stores the i-th L-byte slice of uniform_bytes, reduced, into out. */
typedef void (*reduce_fn)(void *out, size_t i, const uint8_t *bytes, size_t len);

/* RFC 9380 §5.2 for n = count * m field components of L bytes each. */
static int hash_to_field(void *out, size_t count, size_t m, size_t L, reduce_fn reduce,
                         const uint8_t *msg, size_t msg_len,
                         const uint8_t *dst, size_t dst_len)
{
    uint8_t slice[64];
    xmd_t x;
    int ok;

    if (!args_ok(out, msg, msg_len, dst, dst_len) || count == 0 ||
        count > BLS_H2C_XMD_MAX_BYTES / (m * L))
        return BLS_ERR_ARGUMENT;
    ok = xmd_init(&x, count * m * L, msg, msg_len, dst, dst_len);
    for (size_t i = 0; ok && i < count * m; i++) {
        ok = xmd_read(&x, slice, L);
        if (ok)
            reduce(out, i, slice, L);
    }
    xmd_free(&x);
    OPENSSL_cleanse(slice, sizeof slice);
    return ok ? BLS_OK : BLS_ERR_ARGUMENT;
}

static void reduce_fp(void *out, size_t i, const uint8_t *bytes, size_t len)
{
    bls_fp_from_bytes_reduce((bls_fp_t *)out + i, bytes, len);
}

/* Components come in the order e_0 = c0, e_1 = c1 (RFC 9380 §5.2 step 6). */
static void reduce_fp2(void *out, size_t i, const uint8_t *bytes, size_t len)
{
    bls_fp2_t *e = (bls_fp2_t *)out + i / 2;
    bls_fp_from_bytes_reduce(i % 2 ? &e->c1 : &e->c0, bytes, len);
}

static void reduce_fr(void *out, size_t i, const uint8_t *bytes, size_t len)
{
    bls_fr_from_bytes_reduce((bls_fr_t *)out + i, bytes, len);
}

int bls_fp_hash_to_field(bls_fp_t *out, size_t count, const uint8_t *msg, size_t msg_len,
                     const uint8_t *dst, size_t dst_len)
{
    return hash_to_field(out, count, 1, 64, reduce_fp, msg, msg_len, dst, dst_len);
}

int bls_fp2_hash_to_field(bls_fp2_t *out, size_t count, const uint8_t *msg, size_t msg_len,
                      const uint8_t *dst, size_t dst_len)
{
    return hash_to_field(out, count, 2, 64, reduce_fp2, msg, msg_len, dst, dst_len);
}

int bls_fr_hash_to_field(bls_fr_t *out, size_t count, const uint8_t *msg, size_t msg_len,
                     const uint8_t *dst, size_t dst_len)
{
    return hash_to_field(out, count, 1, 48, reduce_fr, msg, msg_len, dst, dst_len);
}
