/* G1: the order-r subgroup of E(Fp): y^2 = x^3 + 4.
 *
 * Types are declared here so every part of the library agrees on them; the
 * functions are documented beside their declarations.  Points are caller-owned
 * fixed-size structs.  Functions whose name ends in _vartime may branch on
 * their inputs and must only see public data. */
#ifndef ROAM_BLS12381_G1_H
#define ROAM_BLS12381_G1_H

#include "fp.h"
#include "fr.h"

/* Homogeneous projective (X:Y:Z), x = X/Z, y = Y/Z; identity has Z = 0. */
typedef struct { fp_t x, y, z; } g1_t;
/* Affine; infinity = 1 marks the identity (x, y are then zero). */
typedef struct { fp_t x, y; uint64_t infinity; } g1_affine_t;

#define G1_COMPRESSED_BYTES 48
#define G1_UNCOMPRESSED_BYTES 96

extern const g1_affine_t G1_GENERATOR_AFFINE;

/* --- basic operations: constant time, complete formulas --------------- */
void g1_set_identity(g1_t *r);
void g1_generator(g1_t *r);
void g1_from_affine(g1_t *r, const g1_affine_t *a);
void g1_to_affine(g1_affine_t *r, const g1_t *p);
void g1_add(g1_t *r, const g1_t *a, const g1_t *b);
void g1_add_affine(g1_t *r, const g1_t *a, const g1_affine_t *b); /* b may be the identity */
void g1_dbl(g1_t *r, const g1_t *a);
void g1_neg(g1_t *r, const g1_t *a);
void g1_cmov(g1_t *r, const g1_t *a, uint64_t cond);
uint64_t g1_is_identity(const g1_t *p);
uint64_t g1_equal(const g1_t *a, const g1_t *b);
uint64_t g1_affine_is_on_curve(const g1_affine_t *a);           /* identity counts as on the curve */
uint64_t g1_is_in_subgroup(const g1_t *p);                      /* endomorphism check, constant time */
uint64_t g1_is_in_subgroup_vartime(const g1_t *p);              /* same answer; public points only */
void g1_clear_cofactor(g1_t *r, const g1_t *p);                 /* RFC 9380: [h_eff]P, h_eff = 1 - x */
/* Many points to affine with one inversion; public points only. */
void g1_batch_to_affine_vartime(g1_affine_t *r, const g1_t *p, size_t n);

/* --- scalar multiplication --------------------------------------------- */
void g1_mul(g1_t *r, const g1_t *p, const fr_t *k);             /* constant time in p and k */
/* Both muls (and the MSM) split k with the endomorphism, which is valid only
 * on the order-r subgroup: P must lie in G1 (k is mod r anyway). */
void g1_mul_vartime(g1_t *r, const g1_t *p, const fr_t *k);     /* public p and k */
/* [k]P for a public multi-limb integer (not reduced mod r), e.g. cofactors. */
void g1_mul_limbs_vartime(g1_t *r, const g1_t *p, const uint64_t *k, size_t limbs);

/* Fixed-base table for a base that is used again and again (public base,
 * secret or public scalars).  Caller-owned; init is slow, mul is fast. */
typedef struct g1_fixed_base g1_fixed_base_t;   /* full definition below */
void g1_fixed_base_init(g1_fixed_base_t *t, const g1_t *base);
void g1_fixed_base_mul(g1_t *r, const g1_fixed_base_t *t, const fr_t *k);         /* constant time in k */
void g1_fixed_base_mul_vartime(g1_t *r, const g1_fixed_base_t *t, const fr_t *k);

/* sum_i [k_i]P_i for public points and scalars (Straus/Pippenger).  No heap:
 * n is bounded by G1_MSM_MAX; returns BLS_OK or BLS_ERR_ARGUMENT. */
int g1_msm_vartime(g1_t *r, const g1_affine_t *p, const fr_t *k, size_t n);

/* Fixed-base table: signed 5-bit digits of the 255-bit scalar, 52 digit
 * positions; row i holds [e * 32^i]B, e = 1..16, in affine form.  A
 * multiplication is 52 mixed additions (no doublings); the constant-time
 * variant reads all 16 entries of every row.  Size: 86 KB. */
#define G1_FIXED_BASE_WINDOW 5
#define G1_FIXED_BASE_DIGITS 52
struct g1_fixed_base {
    g1_affine_t t[G1_FIXED_BASE_DIGITS][1 << (G1_FIXED_BASE_WINDOW - 1)];
};

/* Largest n accepted by g1_msm_vartime (a sanity bound: memory use does not
 * grow with n).  Each pair is split by the endomorphism into short-scalar
 * terms; up to 16 pairs use Straus, more use Pippenger over chunks of 256
 * terms.  Stack use is at most about 80 KB. */
#define G1_MSM_MAX 65536

#endif
