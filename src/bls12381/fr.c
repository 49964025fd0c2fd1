/* Fr, scalars modulo the BLS12-381 group order r: the mont.h template with
 * 4 limbs, plus encodings and CSPRNG sampling.  Constant time except the
 * _vartime functions. */
#include "internal/fr.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "bls12381.h"
#include "internal/mont.h"

/* r = 0x73eda753...00000001, little-endian limbs. */
static const uint64_t R_MOD[FR_LIMBS] = {
    0xffffffff00000001ULL, 0x53bda402fffe5bfeULL, 0x3339d80809a1d805ULL, 0x73eda753299d7d48ULL};
#define R_N0 0xfffffffeffffffffULL /* -r^(-1) mod 2^64 */
/* R^2 mod r with R = 2^256. */
static const uint64_t R_R2[FR_LIMBS] = {
    0xc999e990f3f29c6dULL, 0x2b6cedcb87925c23ULL, 0x05d314967254398fULL, 0x0748d9d99f59ff11ULL};
/* 2^64 * R mod r, the Montgomery form of 2^64. */
static const uint64_t R_TWO64[FR_LIMBS] = {
    0xc98da28e0121c884ULL, 0xe6f4f4a0c7363c67ULL, 0xb2d6ebc4e92e7df1ULL, 0x19ae57949d26242aULL};

const fr_t FR_ZERO = {{0}};
const fr_t FR_ONE = {{ /* R mod r */
    0x00000001fffffffeULL, 0x5884b7fa00034802ULL, 0x998c4fefecbc4ff5ULL, 0x1824b159acc5056fULL}};

void fr_add(fr_t *r, const fr_t *a, const fr_t *b) { mont_add(r->l, a->l, b->l, R_MOD, FR_LIMBS); }
void fr_sub(fr_t *r, const fr_t *a, const fr_t *b) { mont_sub(r->l, a->l, b->l, R_MOD, FR_LIMBS); }
void fr_neg(fr_t *r, const fr_t *a) { mont_neg(r->l, a->l, R_MOD, FR_LIMBS); }
void fr_mul(fr_t *r, const fr_t *a, const fr_t *b) { mont_mul(r->l, a->l, b->l, R_MOD, R_N0, FR_LIMBS); }
void fr_sqr(fr_t *r, const fr_t *a) { mont_sqr(r->l, a->l, R_MOD, R_N0, FR_LIMBS); }

/* r in signed 62-bit limbs and r^-1 mod 2^62, for the safegcd inversion. */
static const int64_t R_S62[5] = {
    0x3fffffff00000001LL, 0x0ef6900bfff96ffbLL, 0x339d80809a1d8055LL, 0x3b69d4ca675f520cLL,
    0x0000000000000073LL};
#define R_INV62 0x100000001ULL

/* Constant-time safegcd (mont.h): 12 x 62 = 744 >= (49 * 255 + 80) / 17
 * divsteps; 0 maps to 0. */
void fr_inv(fr_t *r, const fr_t *a)
{
    mont_inv_safegcd(r->l, a->l, R_MOD, R_N0, R_R2, R_S62, R_INV62, 12, FR_LIMBS, 5);
}

void fr_inv_vartime(fr_t *r, const fr_t *a)
{
    mont_inv_vartime(r->l, a->l, R_MOD, R_N0, R_R2, FR_LIMBS);
}

uint64_t fr_is_zero(const fr_t *a) { return mont_is_zero(a->l, FR_LIMBS); }
uint64_t fr_equal(const fr_t *a, const fr_t *b) { return mont_equal(a->l, b->l, FR_LIMBS); }
void fr_cmov(fr_t *r, const fr_t *a, uint64_t cond) { mont_cmov(r->l, a->l, cond, FR_LIMBS); }

void fr_from_canonical(fr_t *r, const uint64_t limbs[FR_LIMBS])
{
    mont_mul(r->l, R_R2, limbs, R_MOD, R_N0, FR_LIMBS);
}

void fr_to_canonical(uint64_t limbs[FR_LIMBS], const fr_t *a)
{
    static const uint64_t one[FR_LIMBS] = {1};
    mont_mul(limbs, a->l, one, R_MOD, R_N0, FR_LIMBS);
}

void fr_from_u64(fr_t *r, uint64_t v)
{
    uint64_t c[FR_LIMBS] = {v};
    fr_from_canonical(r, c);
}

/* Same contract as fp_from_bytes: branch-free verdict, r zeroed on failure. */
int fr_from_bytes(fr_t *r, const uint8_t in[FR_BYTES])
{
    uint64_t c[FR_LIMBS];
    mont_limbs_from_be(c, in, FR_LIMBS);
    uint64_t ok = mont_is_canonical(c, R_MOD, FR_LIMBS);
    fr_from_canonical(r, c);
    fr_cmov(r, &FR_ZERO, ok ^ 1);
    return (int)BLS_ERR_NONCANONICAL * (int)(ok ^ 1);
}

void fr_to_bytes(uint8_t out[FR_BYTES], const fr_t *a)
{
    uint64_t c[FR_LIMBS];
    fr_to_canonical(c, a);
    mont_limbs_to_be(out, c, FR_LIMBS);
}

void fr_from_bytes_reduce(fr_t *r, const uint8_t *in, size_t len)
{
    mont_from_be_reduce(r->l, in, len, R_MOD, R_N0, R_TWO64, R_R2, FR_LIMBS);
}

/* 48 uniform bytes reduced mod r: bias below 2^-128 (docs/spec/fabeo.md §1). */
int fr_random(fr_t *r)
{
    uint8_t buf[48];
    if (RAND_priv_bytes(buf, sizeof buf) != 1) {
        *r = FR_ZERO;
        return BLS_ERR_ARGUMENT;
    }
    fr_from_bytes_reduce(r, buf, sizeof buf);
    OPENSSL_cleanse(buf, sizeof buf);
    return BLS_OK;
}

/* Rejection on 0 (probability 2^-255): the loop only reveals that a
 * discarded sample was zero. */
int fr_random_nonzero(fr_t *r)
{
    int err;
    do {
        err = fr_random(r);
        if (err)
            return err;
    } while (fr_is_zero(r));
    return BLS_OK;
}
