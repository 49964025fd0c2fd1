/* G2: the order-r subgroup of the sextic twist E'(Fp2): y^2 = x^3 + 4(1 + u).
 * Same conventions as g1.h. */
#ifndef ROAM_BLS12381_G2_H
#define ROAM_BLS12381_G2_H

#include "fp2.h"
#include "fr.h"

typedef struct { fp2_t x, y, z; } g2_t;
typedef struct { fp2_t x, y; uint64_t infinity; } g2_affine_t;

#define G2_COMPRESSED_BYTES 96
#define G2_UNCOMPRESSED_BYTES 192

extern const g2_affine_t G2_GENERATOR_AFFINE;

/* --- basic operations: constant time, complete formulas --------------- */
void g2_set_identity(g2_t *r);
void g2_generator(g2_t *r);
void g2_from_affine(g2_t *r, const g2_affine_t *a);
void g2_to_affine(g2_affine_t *r, const g2_t *p);
void g2_add(g2_t *r, const g2_t *a, const g2_t *b);
void g2_add_affine(g2_t *r, const g2_t *a, const g2_affine_t *b); /* b may be the identity */
void g2_dbl(g2_t *r, const g2_t *a);
void g2_neg(g2_t *r, const g2_t *a);
void g2_cmov(g2_t *r, const g2_t *a, uint64_t cond);
uint64_t g2_is_identity(const g2_t *p);
uint64_t g2_equal(const g2_t *a, const g2_t *b);
uint64_t g2_affine_is_on_curve(const g2_affine_t *a);           /* identity counts as on the curve */
uint64_t g2_is_in_subgroup(const g2_t *p);                      /* endomorphism check, constant time */
uint64_t g2_is_in_subgroup_vartime(const g2_t *p);              /* same answer; public points only */
void g2_clear_cofactor(g2_t *r, const g2_t *p);                 /* RFC 9380 h_eff, via psi (Budroni-Pintore) */
void g2_psi(g2_t *r, const g2_t *p);                            /* untwist-Frobenius-twist endomorphism */
/* Many points to affine with one inversion; public points only. */
void g2_batch_to_affine_vartime(g2_affine_t *r, const g2_t *p, size_t n);

/* --- scalar multiplication --------------------------------------------- */
void g2_mul(g2_t *r, const g2_t *p, const fr_t *k);             /* constant time in p and k */
/* Both muls (and the MSM) split k with the endomorphism, which is valid only
 * on the order-r subgroup: P must lie in G2 (k is mod r anyway). */
void g2_mul_vartime(g2_t *r, const g2_t *p, const fr_t *k);     /* public p and k */
/* [k]P for a public multi-limb integer (not reduced mod r), e.g. cofactors. */
void g2_mul_limbs_vartime(g2_t *r, const g2_t *p, const uint64_t *k, size_t limbs);

/* Fixed-base table for a base that is used again and again (public base,
 * secret or public scalars).  Caller-owned; init is slow, mul is fast. */
typedef struct g2_fixed_base g2_fixed_base_t;   /* full definition below */
void g2_fixed_base_init(g2_fixed_base_t *t, const g2_t *base);
void g2_fixed_base_mul(g2_t *r, const g2_fixed_base_t *t, const fr_t *k);         /* constant time in k */
void g2_fixed_base_mul_vartime(g2_t *r, const g2_fixed_base_t *t, const fr_t *k);

/* sum_i [k_i]P_i for public points and scalars (Straus/Pippenger).  No heap:
 * n is bounded by G2_MSM_MAX; returns BLS_OK or BLS_ERR_ARGUMENT. */
int g2_msm_vartime(g2_t *r, const g2_affine_t *p, const fr_t *k, size_t n);

/* Fixed-base table: signed 5-bit digits of the 255-bit scalar, 52 digit
 * positions; row i holds [e * 32^i]B, e = 1..16, in affine form.  A
 * multiplication is 52 mixed additions (no doublings); the constant-time
 * variant reads all 16 entries of every row.  Size: 166 KB. */
#define G2_FIXED_BASE_WINDOW 5
#define G2_FIXED_BASE_DIGITS 52
struct g2_fixed_base {
    g2_affine_t t[G2_FIXED_BASE_DIGITS][1 << (G2_FIXED_BASE_WINDOW - 1)];
};

/* Largest n accepted by g2_msm_vartime (a sanity bound: memory use does not
 * grow with n).  Each pair is split by the endomorphism into short-scalar
 * terms; up to 8 pairs use Straus, more use Pippenger over chunks of 256
 * terms.  Stack use is at most about 130 KB. */
#define G2_MSM_MAX 65536

#endif
