/* The optimal ate pairing e: G1 x G2 -> GT of BLS12-381, and the group GT.
 *
 * GT is the order-r subgroup of Fp12*, written multiplicatively.  Values are
 * bit-for-bit those of blst, zkcrypto/bls12_381 and CIRCL: the Miller loop
 * f_{x,Q}(P) raised to (p^6-1)(p^2+1) * 3(p^4-p^2+1)/r (the factor 3 comes
 * from the common hard-part decomposition; it is a fixed automorphism of GT,
 * so bilinearity and non-degeneracy are unaffected).
 *
 * Constant time: every function is constant time in all of its inputs
 * (points, field elements, exponents) unless its name ends in _vartime.  The
 * number of pairs n of a multi-pairing is public. */
#ifndef ROAM_BLS12381_PAIRING_H
#define ROAM_BLS12381_PAIRING_H

#include <stddef.h>
#include <stdint.h>

#include "errors.h"
#include "fp12.h"
#include "fr.h"
#include "g1.h"
#include "g2.h"

#define GT_BYTES 576

/* An element of GT.  Functions taking a gt_t assume it is in GT (pairing
 * outputs, products of them, or gt_from_bytes results). */
typedef struct { fp12_t v; } gt_t;

/* ---- pairing ------------------------------------------------------------ */

/* Miller loop f_{x,Q}(P) (conjugated for the negative x).  An identity P or Q
 * gives 1.  The result is only meaningful after bls_final_exp. */
void bls_miller_loop(fp12_t *r, const g1_affine_t *p, const g2_affine_t *q);
/* prod_i f_{x,Q_i}(P_i), sharing the squarings of the accumulator.  Pairs
 * with an identity input contribute 1; n = 0 gives 1. */
void bls_miller_loop_multi(fp12_t *r, const g1_affine_t *p, const g2_affine_t *q, size_t n);
/* f^((p^12-1)/r * 3): maps any non-zero Fp12 element into GT (f = 0, which
 * no Miller loop produces, gives 0). */
void bls_final_exp(gt_t *r, const fp12_t *f);
void bls_pairing(gt_t *r, const g1_affine_t *p, const g2_affine_t *q);
/* prod_i e(P_i, Q_i) with one final exponentiation. */
void bls_pairing_multi(gt_t *r, const g1_affine_t *p, const g2_affine_t *q, size_t n);

/* A G2 point prepared for many Miller loops: the 68 line coefficients of its
 * loop, independent of P.  Worth it when Q is reused (a user key, the
 * generator).  Preparation is constant time in Q. */
#define G2_PREPARED_LINES 68
typedef struct {
    fp2_t c[G2_PREPARED_LINES][3];
    uint64_t infinity;
} g2_prepared_t;

void g2_prepare(g2_prepared_t *r, const g2_affine_t *q);
/* Like bls_miller_loop_multi, with prepared Q_i. */
void bls_miller_loop_prepared(fp12_t *r, const g1_affine_t *p, const g2_prepared_t *q, size_t n);
/* prod_i f(P_i, Q_i) * prod_j f(PP_j, QP_j) for n plain and m prepared pairs
 * in one loop (shared squarings), e.g. ciphertext G2 elements next to a
 * user key's prepared G2 element.  Either list may be empty (NULL, 0). */
void bls_miller_loop_mixed(fp12_t *r, const g1_affine_t *p, const g2_affine_t *q, size_t n,
                           const g1_affine_t *pp, const g2_prepared_t *qp, size_t m);

/* ---- GT ----------------------------------------------------------------- */

void gt_one(gt_t *r);
void gt_mul(gt_t *r, const gt_t *a, const gt_t *b);
void gt_sqr(gt_t *r, const gt_t *a);            /* cyclotomic squaring */
void gt_inv(gt_t *r, const gt_t *a);            /* conjugation: a^-1 on GT */
/* a^k.  Both split k into four 64-bit digits in base |x| and use
 * a^(|x|^i) = conj^i(frob^i(a)), which holds only on GT: a must be in GT. */
void gt_pow(gt_t *r, const gt_t *a, const fr_t *k);          /* constant time in a and k */
void gt_pow_vartime(gt_t *r, const gt_t *a, const fr_t *k);  /* public a and k */
uint64_t gt_equal(const gt_t *a, const gt_t *b);             /* 1 or 0 */
uint64_t gt_is_one(const gt_t *a);
/* 1 iff f is a non-zero element of order dividing r: f is in the cyclotomic
 * subgroup (f^(p^4) * f == f^(p^2)) and f^p == f^x.  For BLS12-381
 * gcd(p - x, p^4 - p^2 + 1) = r, so the two conditions characterise GT.
 * Constant time. */
uint64_t gt_is_in_subgroup(const fp12_t *f);

/* ser_GT (docs/spec/fabeo.md §2): the Fp2 coefficients of 1, w, ..., w^5,
 * each as real part then imaginary part, 48-byte big-endian. */
void gt_to_bytes(uint8_t out[GT_BYTES], const gt_t *a);
/* BLS_OK, BLS_ERR_LENGTH (len != 576), BLS_ERR_NONCANONICAL (a coordinate
 * >= p) or BLS_ERR_NOT_IN_GT.  Variable time only in which check failed. */
int gt_from_bytes(gt_t *r, const uint8_t *in, size_t len);

/* Fixed-base exponentiation for a base used again and again (E = e(g, h) in
 * the ABE): a signed Lim-Lee comb of 5 teeth x 4 combs, 64 precomputed
 * elements (about 37 KiB).  Caller-owned; init costs about one
 * exponentiation. */
#define GT_COMB_TEETH 5
#define GT_COMB_COMBS 4
typedef struct {
    gt_t t[GT_COMB_COMBS][1 << (GT_COMB_TEETH - 1)];
} gt_fixed_base_t;

void gt_fixed_base_init(gt_fixed_base_t *t, const gt_t *base);
void gt_fixed_base_pow(gt_t *r, const gt_fixed_base_t *t, const fr_t *k);  /* constant time in k */
/* The factor of gt_fixed_base_pow(t, k) from combs first .. first + count - 1
 * (the product over a partition of the GT_COMB_COMBS combs is base^k), so
 * that one exponentiation can be shared between threads; the identity for
 * an empty or out-of-range set.  Constant time in k. */
void gt_fixed_base_pow_combs(gt_t *r, const gt_fixed_base_t *t, const fr_t *k, unsigned first,
                             unsigned count);

#endif
