/* Fr, scalars modulo the BLS12-381 group order r: the mont.h template with
 * 4 limbs, plus encodings and CSPRNG sampling.  Constant time except the
 * _vartime functions. */
#include "internal/fr.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "bls12381.h"
#include "internal/mont.h"

/* r = 0x73eda753...00000001, little-endian limbs. */
static const uint64_t R_MOD[BLS_FR_LIMBS] = {
    0xffffffff00000001ULL, 0x53bda402fffe5bfeULL, 0x3339d80809a1d805ULL, 0x73eda753299d7d48ULL};
#define R_N0 0xfffffffeffffffffULL /* -r^(-1) mod 2^64 */
/* R^2 mod r with R = 2^256. */
static const uint64_t R_R2[BLS_FR_LIMBS] = {
    0xc999e990f3f29c6dULL, 0x2b6cedcb87925c23ULL, 0x05d314967254398fULL, 0x0748d9d99f59ff11ULL};
/* 2^64 * R mod r, the Montgomery form of 2^64. */
static const uint64_t R_TWO64[BLS_FR_LIMBS] = {
    0xc98da28e0121c884ULL, 0xe6f4f4a0c7363c67ULL, 0xb2d6ebc4e92e7df1ULL, 0x19ae57949d26242aULL};

const bls_fr_t BLS_FR_ZERO = {{0}};
const bls_fr_t BLS_FR_ONE = {{ /* R mod r */
    0x00000001fffffffeULL, 0x5884b7fa00034802ULL, 0x998c4fefecbc4ff5ULL, 0x1824b159acc5056fULL}};

void bls_fr_add(bls_fr_t *r, const bls_fr_t *a, const bls_fr_t *b) { mont_add(r->l, a->l, b->l, R_MOD, BLS_FR_LIMBS); }
void bls_fr_sub(bls_fr_t *r, const bls_fr_t *a, const bls_fr_t *b) { mont_sub(r->l, a->l, b->l, R_MOD, BLS_FR_LIMBS); }
void bls_fr_neg(bls_fr_t *r, const bls_fr_t *a) { mont_neg(r->l, a->l, R_MOD, BLS_FR_LIMBS); }
void bls_fr_mul(bls_fr_t *r, const bls_fr_t *a, const bls_fr_t *b) { mont_mul(r->l, a->l, b->l, R_MOD, R_N0, BLS_FR_LIMBS); }
void bls_fr_sqr(bls_fr_t *r, const bls_fr_t *a) { mont_sqr(r->l, a->l, R_MOD, R_N0, BLS_FR_LIMBS); }

/* r in signed 62-bit limbs and r^-1 mod 2^62, for the safegcd inversion. */
static const int64_t R_S62[5] = {
    0x3fffffff00000001LL, 0x0ef6900bfff96ffbLL, 0x339d80809a1d8055LL, 0x3b69d4ca675f520cLL,
    0x0000000000000073LL};
#define R_INV62 0x100000001ULL

/* Constant-time safegcd (mont.h): 12 x 62 = 744 >= (49 * 255 + 80) / 17
 * divsteps; 0 maps to 0. */
void bls_fr_inv(bls_fr_t *r, const bls_fr_t *a)
{
    mont_inv_safegcd(r->l, a->l, R_MOD, R_N0, R_R2, R_S62, R_INV62, 12, BLS_FR_LIMBS, 5);
}

void bls_fr_inv_vartime(bls_fr_t *r, const bls_fr_t *a)
{
    mont_inv_vartime(r->l, a->l, R_MOD, R_N0, R_R2, BLS_FR_LIMBS);
}

uint64_t bls_fr_is_zero(const bls_fr_t *a) { return mont_is_zero(a->l, BLS_FR_LIMBS); }
uint64_t bls_fr_equal(const bls_fr_t *a, const bls_fr_t *b) { return mont_equal(a->l, b->l, BLS_FR_LIMBS); }
void bls_fr_cmov(bls_fr_t *r, const bls_fr_t *a, uint64_t cond) { mont_cmov(r->l, a->l, cond, BLS_FR_LIMBS); }

void bls_fr_from_canonical(bls_fr_t *r, const uint64_t limbs[BLS_FR_LIMBS])
{
    mont_mul(r->l, R_R2, limbs, R_MOD, R_N0, BLS_FR_LIMBS);
}

void bls_fr_to_canonical(uint64_t limbs[BLS_FR_LIMBS], const bls_fr_t *a)
{
    static const uint64_t one[BLS_FR_LIMBS] = {1};
    mont_mul(limbs, a->l, one, R_MOD, R_N0, BLS_FR_LIMBS);
}

void bls_fr_from_u64(bls_fr_t *r, uint64_t v)
{
    uint64_t c[BLS_FR_LIMBS] = {v};
    bls_fr_from_canonical(r, c);
}

/* Same contract as bls_fp_from_bytes: branch-free verdict, r zeroed on failure. */
int bls_fr_from_bytes(bls_fr_t *r, const uint8_t in[BLS_FR_BYTES])
{
    uint64_t c[BLS_FR_LIMBS];
    mont_limbs_from_be(c, in, BLS_FR_LIMBS);
    uint64_t ok = mont_is_canonical(c, R_MOD, BLS_FR_LIMBS);
    bls_fr_from_canonical(r, c);
    bls_fr_cmov(r, &BLS_FR_ZERO, ok ^ 1);
    return (int)BLS_ERR_NONCANONICAL * (int)(ok ^ 1);
}

void bls_fr_to_bytes(uint8_t out[BLS_FR_BYTES], const bls_fr_t *a)
{
    uint64_t c[BLS_FR_LIMBS];
    bls_fr_to_canonical(c, a);
    mont_limbs_to_be(out, c, BLS_FR_LIMBS);
}

void bls_fr_from_bytes_reduce(bls_fr_t *r, const uint8_t *in, size_t len)
{
    mont_from_be_reduce(r->l, in, len, R_MOD, R_N0, R_TWO64, R_R2, BLS_FR_LIMBS);
}

/* 48 uniform bytes reduced mod r: bias below 2^-128 (docs/spec/fabeo.md §1). */
int bls_fr_random(bls_fr_t *r)
{
    uint8_t buf[48];
    if (RAND_priv_bytes(buf, sizeof buf) != 1) {
        *r = BLS_FR_ZERO;
        return BLS_ERR_ARGUMENT;
    }
    bls_fr_from_bytes_reduce(r, buf, sizeof buf);
    OPENSSL_cleanse(buf, sizeof buf);
    return BLS_OK;
}

/* Rejection on 0 (probability 2^-255): the loop only reveals that a
 * discarded sample was zero. */
int bls_fr_random_nonzero(bls_fr_t *r)
{
    int err;
    do {
        err = bls_fr_random(r);
        if (err)
            return err;
    } while (bls_fr_is_zero(r));
    return BLS_OK;
}
