/* BLS12-381: the library's public interface, the one header that code outside
 * src/bls12381 includes (the ABE, the benchmarks and their tests).
 *
 * It holds the value types, their sizes, and the operations the rest of roam
 * calls: Fr scalars, the groups G1, G2 and GT, their encodings, RFC 9380
 * hashing and the pairing, plus the few Fp operations the ABE's own
 * constant-time batch conversion to affine needs.  Every name declared here
 * starts with bls_ or BLS_, and so does every global symbol of the library.
 *
 * The rest of the library's interface, which the library itself and
 * tests/bls12381 use (the other field and group operations, the Montgomery
 * arithmetic, the curve, hashing, encoding and MSM templates), is in
 * internal/.  A folder rather than a name suffix, so that an include line
 * says at a glance that it reaches past this header; nothing outside
 * src/bls12381 and tests/bls12381 may include internal/.
 *
 * Constant time: every function is constant time in all of its inputs unless
 * its name ends in _vartime; those may branch on their inputs and must only
 * see public data.  Elements are caller-owned fixed-size structs, always
 * fully reduced, so equality of limbs is equality of values. */
#ifndef ROAM_BLS12381_H
#define ROAM_BLS12381_H

#include <stddef.h>
#include <stdint.h>

/* ---- errors ------------------------------------------------------------- */

typedef enum {
    BLS_OK = 0,
    BLS_ERR_LENGTH = -1,          /* input shorter or longer than the encoding */
    BLS_ERR_NONCANONICAL = -2,    /* field element or scalar >= modulus */
    BLS_ERR_FLAGS = -3,           /* impossible combination of ZCash flag bits */
    BLS_ERR_NOT_ON_CURVE = -4,    /* coordinates do not satisfy the curve equation */
    BLS_ERR_NOT_IN_SUBGROUP = -5, /* on the curve but not of order r */
    BLS_ERR_IDENTITY = -6,        /* identity where the caller forbade it */
    BLS_ERR_NOT_SQUARE = -7,      /* x has no y on the curve (compressed input) */
    BLS_ERR_NOT_IN_GT = -8,       /* Fp12 element outside the order-r subgroup */
    BLS_ERR_ARGUMENT = -9         /* invalid argument (NULL, count too large...) */
} bls_err;

/* A short English description of an error code, never NULL. */
const char *bls_strerror(bls_err e);

/* ---- Fp and its tower --------------------------------------------------- */

/* Fp: the 381-bit base field, Montgomery form, 6 x 64-bit limbs. */
#define BLS_FP_LIMBS 6
#define BLS_FP_BYTES 48

typedef struct { uint64_t l[BLS_FP_LIMBS]; } bls_fp_t; /* little-endian limbs, Montgomery form */
typedef struct { bls_fp_t c0, c1; } bls_fp2_t;         /* Fp2 = Fp[u]/(u^2 + 1): c0 + c1*u */
typedef struct { bls_fp2_t c0, c1, c2; } bls_fp6_t;    /* Fp6 = Fp2[v]/(v^3 - (1 + u)): c0 + c1*v + c2*v^2 */
typedef struct { bls_fp6_t c0, c1; } bls_fp12_t;       /* Fp12 = Fp6[w]/(w^2 - v): c0 + c1*w */

extern const bls_fp_t BLS_FP_ZERO;

void bls_fp_add(bls_fp_t *r, const bls_fp_t *a, const bls_fp_t *b);
void bls_fp_mul(bls_fp_t *r, const bls_fp_t *a, const bls_fp_t *b);
void bls_fp_sqr(bls_fp_t *r, const bls_fp_t *a);
void bls_fp_inv(bls_fp_t *r, const bls_fp_t *a);                  /* 1/0 := 0 */
/* r := sqrt(a) if a is a square (returns 1), else r unspecified (returns 0). */
int bls_fp_sqrt(bls_fp_t *r, const bls_fp_t *a);
uint64_t bls_fp_is_zero(const bls_fp_t *a);                   /* 1 or 0 */
void bls_fp_cmov(bls_fp_t *r, const bls_fp_t *a, uint64_t cond);  /* r := cond ? a : r; cond is 0 or 1 */
void bls_fp_from_u64(bls_fp_t *r, uint64_t v);

void bls_fp12_mul(bls_fp12_t *r, const bls_fp12_t *a, const bls_fp12_t *b);

/* ---- Fr: scalars modulo the group order r ------------------------------- */

/* Montgomery form, 4 x 64-bit limbs. */
#define BLS_FR_LIMBS 4
#define BLS_FR_BYTES 32

typedef struct { uint64_t l[BLS_FR_LIMBS]; } bls_fr_t; /* little-endian limbs, Montgomery form */

extern const bls_fr_t BLS_FR_ZERO;
extern const bls_fr_t BLS_FR_ONE;

void bls_fr_add(bls_fr_t *r, const bls_fr_t *a, const bls_fr_t *b);
void bls_fr_sub(bls_fr_t *r, const bls_fr_t *a, const bls_fr_t *b);
void bls_fr_neg(bls_fr_t *r, const bls_fr_t *a);
void bls_fr_mul(bls_fr_t *r, const bls_fr_t *a, const bls_fr_t *b);
void bls_fr_inv_vartime(bls_fr_t *r, const bls_fr_t *a);          /* public inputs only */
uint64_t bls_fr_is_zero(const bls_fr_t *a);
uint64_t bls_fr_equal(const bls_fr_t *a, const bls_fr_t *b);

void bls_fr_from_u64(bls_fr_t *r, uint64_t v);
/* 32-byte big-endian; BLS_ERR_NONCANONICAL if >= r. */
int bls_fr_from_bytes(bls_fr_t *r, const uint8_t in[BLS_FR_BYTES]);
void bls_fr_to_bytes(uint8_t out[BLS_FR_BYTES], const bls_fr_t *a);
void bls_fr_from_canonical(bls_fr_t *r, const uint64_t limbs[BLS_FR_LIMBS]); /* input must be < r */
/* Uniform scalar from the OS CSPRNG (48 bytes reduced mod r).  Returns 0, or
 * BLS_ERR_ARGUMENT if the RNG failed. bls_fr_random_nonzero resamples on 0. */
int bls_fr_random(bls_fr_t *r);
int bls_fr_random_nonzero(bls_fr_t *r);

/* ---- G1 and G2 ---------------------------------------------------------- */

/* G1: the order-r subgroup of E(Fp): y^2 = x^3 + 4.  G2: the order-r
 * subgroup of the sextic twist E'(Fp2): y^2 = x^3 + 4(1 + u).
 * Homogeneous projective (X:Y:Z), x = X/Z, y = Y/Z; identity has Z = 0.
 * Affine: infinity = 1 marks the identity (x, y are then zero). */
typedef struct { bls_fp_t x, y, z; } bls_g1_t;
typedef struct { bls_fp_t x, y; uint64_t infinity; } bls_g1_affine_t;
typedef struct { bls_fp2_t x, y, z; } bls_g2_t;
typedef struct { bls_fp2_t x, y; uint64_t infinity; } bls_g2_affine_t;

#define BLS_G1_COMPRESSED_BYTES 48
#define BLS_G1_UNCOMPRESSED_BYTES 96
#define BLS_G2_COMPRESSED_BYTES 96
#define BLS_G2_UNCOMPRESSED_BYTES 192

extern const bls_g1_affine_t BLS_G1_GENERATOR_AFFINE;
extern const bls_g2_affine_t BLS_G2_GENERATOR_AFFINE;

/* Basic operations: complete formulas. */
void bls_g1_set_identity(bls_g1_t *r);
void bls_g1_generator(bls_g1_t *r);
void bls_g2_generator(bls_g2_t *r);
void bls_g1_from_affine(bls_g1_t *r, const bls_g1_affine_t *a);
void bls_g2_from_affine(bls_g2_t *r, const bls_g2_affine_t *a);
void bls_g1_to_affine(bls_g1_affine_t *r, const bls_g1_t *p);
void bls_g2_to_affine(bls_g2_affine_t *r, const bls_g2_t *p);
void bls_g1_add(bls_g1_t *r, const bls_g1_t *a, const bls_g1_t *b);
void bls_g1_add_affine(bls_g1_t *r, const bls_g1_t *a, const bls_g1_affine_t *b); /* b may be the identity */
void bls_g1_neg(bls_g1_t *r, const bls_g1_t *a);
uint64_t bls_g1_equal(const bls_g1_t *a, const bls_g1_t *b);
uint64_t bls_g2_equal(const bls_g2_t *a, const bls_g2_t *b);
uint64_t bls_g1_is_in_subgroup(const bls_g1_t *p);                      /* endomorphism check, constant time */
uint64_t bls_g1_is_in_subgroup_vartime(const bls_g1_t *p);              /* same answer; public points only */
/* Many points to affine with one inversion; public points only. */
void bls_g1_batch_to_affine_vartime(bls_g1_affine_t *r, const bls_g1_t *p, size_t n);
void bls_g2_batch_to_affine_vartime(bls_g2_affine_t *r, const bls_g2_t *p, size_t n);

/* Scalar multiplication.  The muls (and the MSM) split k with the
 * endomorphism, which is valid only on the order-r subgroup: P must lie in
 * G1 (G2) (k is mod r anyway). */
void bls_g1_mul(bls_g1_t *r, const bls_g1_t *p, const bls_fr_t *k);             /* constant time in p and k */
void bls_g1_mul_vartime(bls_g1_t *r, const bls_g1_t *p, const bls_fr_t *k);     /* public p and k */
void bls_g2_mul(bls_g2_t *r, const bls_g2_t *p, const bls_fr_t *k);
void bls_g2_mul_vartime(bls_g2_t *r, const bls_g2_t *p, const bls_fr_t *k);

/* Fixed-base table for a base that is used again and again (public base,
 * secret or public scalars).  Caller-owned; init is slow, mul is fast.
 * Signed 5-bit digits of the 255-bit scalar, 52 digit positions; row i holds
 * [e * 32^i]B, e = 1..16, in affine form.  A multiplication is 52 mixed
 * additions (no doublings); the constant-time variant reads all 16 entries
 * of every row.  Size: 86 KB (G1), 166 KB (G2). */
#define BLS_G1_FIXED_BASE_WINDOW 5
#define BLS_G1_FIXED_BASE_DIGITS 52
#define BLS_G2_FIXED_BASE_WINDOW 5
#define BLS_G2_FIXED_BASE_DIGITS 52
typedef struct bls_g1_fixed_base {
    bls_g1_affine_t t[BLS_G1_FIXED_BASE_DIGITS][1 << (BLS_G1_FIXED_BASE_WINDOW - 1)];
} bls_g1_fixed_base_t;
typedef struct bls_g2_fixed_base {
    bls_g2_affine_t t[BLS_G2_FIXED_BASE_DIGITS][1 << (BLS_G2_FIXED_BASE_WINDOW - 1)];
} bls_g2_fixed_base_t;

void bls_g1_fixed_base_init(bls_g1_fixed_base_t *t, const bls_g1_t *base);
void bls_g1_fixed_base_mul(bls_g1_t *r, const bls_g1_fixed_base_t *t, const bls_fr_t *k);         /* constant time in k */
void bls_g1_fixed_base_mul_vartime(bls_g1_t *r, const bls_g1_fixed_base_t *t, const bls_fr_t *k);
void bls_g2_fixed_base_init(bls_g2_fixed_base_t *t, const bls_g2_t *base);
void bls_g2_fixed_base_mul(bls_g2_t *r, const bls_g2_fixed_base_t *t, const bls_fr_t *k);         /* constant time in k */
void bls_g2_fixed_base_mul_vartime(bls_g2_t *r, const bls_g2_fixed_base_t *t, const bls_fr_t *k);

/* sum_i [k_i]P_i for public points and scalars (Straus/Pippenger).  No heap:
 * n is bounded by BLS_G1_MSM_MAX / BLS_G2_MSM_MAX (a sanity bound: memory use does
 * not grow with n); returns BLS_OK or BLS_ERR_ARGUMENT.  Each pair is split
 * by the endomorphism into short-scalar terms; up to 16 (G1) or 8 (G2) pairs
 * use Straus, more use Pippenger over chunks of 256 terms.  Stack use is at
 * most about 80 KB (G1) or 130 KB (G2). */
#define BLS_G1_MSM_MAX 65536
#define BLS_G2_MSM_MAX 65536
int bls_g1_msm_vartime(bls_g1_t *r, const bls_g1_affine_t *p, const bls_fr_t *k, size_t n);
int bls_g2_msm_vartime(bls_g2_t *r, const bls_g2_affine_t *p, const bls_fr_t *k, size_t n);

/* ---- point encodings ---------------------------------------------------- */

/* ZCash (zkcrypto) serialization of G1 and G2 points, docs/spec/fabeo.md §2.
 *
 * Compressed: x only, 48 (G1) or 96 (G2) bytes; uncompressed: x then y, 96 or
 * 192 bytes.  Fp values are 48-byte big-endian; an Fp2 value c0 + c1*u is
 * written c1 then c0.  The three top bits of byte 0 are flags: 0x80 the
 * encoding is compressed, 0x40 the point is the identity (all other bits
 * zero), 0x20 (compressed only) y is the lexicographically largest root.
 *
 * The decoders accept exactly one encoding per point, chosen by len, and
 * always check the curve equation and subgroup membership.  They are
 * constant time up to the validity verdict, because keys hold secret points.
 * Errors (bls_err): BLS_ERR_LENGTH, BLS_ERR_FLAGS, BLS_ERR_NONCANONICAL,
 * BLS_ERR_NOT_SQUARE (compressed x with no y), BLS_ERR_NOT_ON_CURVE,
 * BLS_ERR_NOT_IN_SUBGROUP, BLS_ERR_IDENTITY (when !allow_identity),
 * BLS_ERR_ARGUMENT (NULL).  On error *out is the identity. */
int bls_g1_from_bytes(bls_g1_affine_t *out, const uint8_t *in, size_t len, int allow_identity);
/* The same checks and results, with a subgroup test whose time depends on
 * the point: only for public points (ciphertexts), never for key material. */
int bls_g1_from_bytes_vartime(bls_g1_affine_t *out, const uint8_t *in, size_t len, int allow_identity);
/* Every check of bls_g1_from_bytes except subgroup membership (constant time):
 * for a caller that runs bls_g1_is_in_subgroup[_vartime] on the point itself,
 * later or on another thread, and lets nothing computed from the point out
 * before that test passed. */
int bls_g1_from_bytes_on_curve(bls_g1_affine_t *out, const uint8_t *in, size_t len, int allow_identity);
void bls_g1_to_compressed(uint8_t out[BLS_G1_COMPRESSED_BYTES], const bls_g1_affine_t *p);

int bls_g2_from_bytes(bls_g2_affine_t *out, const uint8_t *in, size_t len, int allow_identity);
int bls_g2_from_bytes_vartime(bls_g2_affine_t *out, const uint8_t *in, size_t len, int allow_identity);
void bls_g2_to_compressed(uint8_t out[BLS_G2_COMPRESSED_BYTES], const bls_g2_affine_t *p);

/* ---- RFC 9380 hashing --------------------------------------------------- */

/* expand_message_xmd (SHA-256), hash_to_field into Fr, and the suites
 * BLS12381G1_XMD:SHA-256_SSWU_RO_ and BLS12381G2_XMD:SHA-256_SSWU_RO_.
 *
 * Every function is constant time in the message (FABEO hashes a secret GT
 * element into its KEM coins); only lengths may leak.  The DST must be 1 to
 * 255 bytes: the RFC's oversize-DST reduction is deliberately not offered, a
 * longer tag is a caller bug.  Errors: BLS_ERR_ARGUMENT for a bad DST, a bad
 * output length or count, a NULL pointer with a nonzero length, or an OpenSSL
 * failure. */
#define BLS_H2C_MAX_DST_BYTES 255
/* RFC 9380 §5.3.1 with b_in_bytes = 32: ell = ceil(len / 32) <= 255. */
#define BLS_H2C_XMD_MAX_BYTES (255 * 32)

/* uniform_bytes of RFC 9380 §5.3.1; 1 <= len <= BLS_H2C_XMD_MAX_BYTES. */
int bls_expand_message_xmd(uint8_t *out, size_t len,
                       const uint8_t *msg, size_t msg_len,
                       const uint8_t *dst, size_t dst_len);
/* hash_to_field (RFC 9380 §5.2) into Fr with L = 48 = ceil((255 + 128) / 8)
 * (FABEO KEM coins): count elements, 1 <= count and count * L <=
 * BLS_H2C_XMD_MAX_BYTES. */
int bls_fr_hash_to_field(bls_fr_t *out, size_t count, const uint8_t *msg, size_t msg_len,
                     const uint8_t *dst, size_t dst_len);
/* hash_to_curve (random oracle, suite ..._RO_).  The result is in the
 * order-r subgroup. */
int bls_g1_hash_to_curve(bls_g1_t *out, const uint8_t *msg, size_t msg_len,
                     const uint8_t *dst, size_t dst_len);
int bls_g2_hash_to_curve(bls_g2_t *out, const uint8_t *msg, size_t msg_len,
                     const uint8_t *dst, size_t dst_len);

/* ---- the pairing -------------------------------------------------------- */

/* The optimal ate pairing e: G1 x G2 -> GT.  Values are bit-for-bit those of
 * blst, zkcrypto/bls12_381 and CIRCL: the Miller loop f_{x,Q}(P) raised to
 * (p^6-1)(p^2+1) * 3(p^4-p^2+1)/r (the factor 3 comes from the common
 * hard-part decomposition; it is a fixed automorphism of GT, so bilinearity
 * and non-degeneracy are unaffected).  The number of pairs n of a
 * multi-pairing is public. */

/* GT is the order-r subgroup of Fp12*, written multiplicatively.  Functions
 * taking a bls_gt_t assume it is in GT (pairing outputs, products of them, or
 * bls_gt_from_bytes results). */
#define BLS_GT_BYTES 576
typedef struct { bls_fp12_t v; } bls_gt_t;

/* Miller loop f_{x,Q}(P) (conjugated for the negative x).  An identity P or Q
 * gives 1.  The result is only meaningful after bls_final_exp. */
void bls_miller_loop(bls_fp12_t *r, const bls_g1_affine_t *p, const bls_g2_affine_t *q);
/* prod_i f_{x,Q_i}(P_i), sharing the squarings of the accumulator.  Pairs
 * with an identity input contribute 1; n = 0 gives 1. */
void bls_miller_loop_multi(bls_fp12_t *r, const bls_g1_affine_t *p, const bls_g2_affine_t *q, size_t n);
/* f^((p^12-1)/r * 3): maps any non-zero Fp12 element into GT (f = 0, which
 * no Miller loop produces, gives 0). */
void bls_final_exp(bls_gt_t *r, const bls_fp12_t *f);
void bls_pairing(bls_gt_t *r, const bls_g1_affine_t *p, const bls_g2_affine_t *q);
/* prod_i e(P_i, Q_i) with one final exponentiation. */
void bls_pairing_multi(bls_gt_t *r, const bls_g1_affine_t *p, const bls_g2_affine_t *q, size_t n);

/* A G2 point prepared for many Miller loops: the 68 line coefficients of its
 * loop, independent of P.  Worth it when Q is reused (a user key, the
 * generator).  Preparation is constant time in Q. */
#define BLS_G2_PREPARED_LINES 68
typedef struct {
    bls_fp2_t c[BLS_G2_PREPARED_LINES][3];
    uint64_t infinity;
} bls_g2_prepared_t;

void bls_g2_prepare(bls_g2_prepared_t *r, const bls_g2_affine_t *q);
/* Like bls_miller_loop_multi, with prepared Q_i. */
void bls_miller_loop_prepared(bls_fp12_t *r, const bls_g1_affine_t *p, const bls_g2_prepared_t *q, size_t n);
/* prod_i f(P_i, Q_i) * prod_j f(PP_j, QP_j) for n plain and m prepared pairs
 * in one loop (shared squarings), e.g. ciphertext G2 elements next to a
 * user key's prepared G2 element.  Either list may be empty (NULL, 0). */
void bls_miller_loop_mixed(bls_fp12_t *r, const bls_g1_affine_t *p, const bls_g2_affine_t *q, size_t n,
                           const bls_g1_affine_t *pp, const bls_g2_prepared_t *qp, size_t m);

/* ---- GT ----------------------------------------------------------------- */

void bls_gt_mul(bls_gt_t *r, const bls_gt_t *a, const bls_gt_t *b);
void bls_gt_inv(bls_gt_t *r, const bls_gt_t *a);            /* conjugation: a^-1 on GT */
/* a^k.  Both split k into four 64-bit digits in base |x| and use
 * a^(|x|^i) = conj^i(frob^i(a)), which holds only on GT: a must be in GT. */
void bls_gt_pow(bls_gt_t *r, const bls_gt_t *a, const bls_fr_t *k);          /* constant time in a and k */
void bls_gt_pow_vartime(bls_gt_t *r, const bls_gt_t *a, const bls_fr_t *k);  /* public a and k */
uint64_t bls_gt_equal(const bls_gt_t *a, const bls_gt_t *b);             /* 1 or 0 */
uint64_t bls_gt_is_one(const bls_gt_t *a);

/* ser_GT (docs/spec/fabeo.md §2): the Fp2 coefficients of 1, w, ..., w^5,
 * each as real part then imaginary part, 48-byte big-endian. */
void bls_gt_to_bytes(uint8_t out[BLS_GT_BYTES], const bls_gt_t *a);
/* BLS_OK, BLS_ERR_LENGTH (len != 576), BLS_ERR_NONCANONICAL (a coordinate
 * >= p) or BLS_ERR_NOT_IN_GT.  Variable time only in which check failed. */
int bls_gt_from_bytes(bls_gt_t *r, const uint8_t *in, size_t len);

/* Fixed-base exponentiation for a base used again and again (E = e(g, h) in
 * the ABE): a signed Lim-Lee comb of 5 teeth x 4 combs, 64 precomputed
 * elements (about 37 KiB).  Caller-owned; init costs about one
 * exponentiation. */
#define BLS_GT_COMB_TEETH 5
#define BLS_GT_COMB_COMBS 4
typedef struct {
    bls_gt_t t[BLS_GT_COMB_COMBS][1 << (BLS_GT_COMB_TEETH - 1)];
} bls_gt_fixed_base_t;

void bls_gt_fixed_base_init(bls_gt_fixed_base_t *t, const bls_gt_t *base);
void bls_gt_fixed_base_pow(bls_gt_t *r, const bls_gt_fixed_base_t *t, const bls_fr_t *k);  /* constant time in k */
/* The factor of bls_gt_fixed_base_pow(t, k) from combs first .. first + count - 1
 * (the product over a partition of the BLS_GT_COMB_COMBS combs is base^k), so
 * that one exponentiation can be shared between threads; the identity for
 * an empty or out-of-range set.  Constant time in k. */
void bls_gt_fixed_base_pow_combs(bls_gt_t *r, const bls_gt_fixed_base_t *t, const bls_fr_t *k, unsigned first,
                             unsigned count);

#endif
