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
#define FP_LIMBS 6
#define FP_BYTES 48

typedef struct { uint64_t l[FP_LIMBS]; } fp_t; /* little-endian limbs, Montgomery form */
typedef struct { fp_t c0, c1; } fp2_t;         /* Fp2 = Fp[u]/(u^2 + 1): c0 + c1*u */
typedef struct { fp2_t c0, c1, c2; } fp6_t;    /* Fp6 = Fp2[v]/(v^3 - (1 + u)): c0 + c1*v + c2*v^2 */
typedef struct { fp6_t c0, c1; } fp12_t;       /* Fp12 = Fp6[w]/(w^2 - v): c0 + c1*w */

extern const fp_t FP_ZERO;

void fp_add(fp_t *r, const fp_t *a, const fp_t *b);
void fp_mul(fp_t *r, const fp_t *a, const fp_t *b);
void fp_sqr(fp_t *r, const fp_t *a);
void fp_inv(fp_t *r, const fp_t *a);                  /* 1/0 := 0 */
/* r := sqrt(a) if a is a square (returns 1), else r unspecified (returns 0). */
int fp_sqrt(fp_t *r, const fp_t *a);
uint64_t fp_is_zero(const fp_t *a);                   /* 1 or 0 */
void fp_cmov(fp_t *r, const fp_t *a, uint64_t cond);  /* r := cond ? a : r; cond is 0 or 1 */
void fp_from_u64(fp_t *r, uint64_t v);

void fp12_mul(fp12_t *r, const fp12_t *a, const fp12_t *b);

/* ---- Fr: scalars modulo the group order r ------------------------------- */

/* Montgomery form, 4 x 64-bit limbs. */
#define FR_LIMBS 4
#define FR_BYTES 32

typedef struct { uint64_t l[FR_LIMBS]; } fr_t; /* little-endian limbs, Montgomery form */

extern const fr_t FR_ZERO;
extern const fr_t FR_ONE;

void fr_add(fr_t *r, const fr_t *a, const fr_t *b);
void fr_sub(fr_t *r, const fr_t *a, const fr_t *b);
void fr_neg(fr_t *r, const fr_t *a);
void fr_mul(fr_t *r, const fr_t *a, const fr_t *b);
void fr_inv_vartime(fr_t *r, const fr_t *a);          /* public inputs only */
uint64_t fr_is_zero(const fr_t *a);
uint64_t fr_equal(const fr_t *a, const fr_t *b);

void fr_from_u64(fr_t *r, uint64_t v);
/* 32-byte big-endian; BLS_ERR_NONCANONICAL if >= r. */
int fr_from_bytes(fr_t *r, const uint8_t in[FR_BYTES]);
void fr_to_bytes(uint8_t out[FR_BYTES], const fr_t *a);
void fr_from_canonical(fr_t *r, const uint64_t limbs[FR_LIMBS]); /* input must be < r */
/* Uniform scalar from the OS CSPRNG (48 bytes reduced mod r).  Returns 0, or
 * BLS_ERR_ARGUMENT if the RNG failed. fr_random_nonzero resamples on 0. */
int fr_random(fr_t *r);
int fr_random_nonzero(fr_t *r);

/* ---- G1 and G2 ---------------------------------------------------------- */

/* G1: the order-r subgroup of E(Fp): y^2 = x^3 + 4.  G2: the order-r
 * subgroup of the sextic twist E'(Fp2): y^2 = x^3 + 4(1 + u).
 * Homogeneous projective (X:Y:Z), x = X/Z, y = Y/Z; identity has Z = 0.
 * Affine: infinity = 1 marks the identity (x, y are then zero). */
typedef struct { fp_t x, y, z; } g1_t;
typedef struct { fp_t x, y; uint64_t infinity; } g1_affine_t;
typedef struct { fp2_t x, y, z; } g2_t;
typedef struct { fp2_t x, y; uint64_t infinity; } g2_affine_t;

#define G1_COMPRESSED_BYTES 48
#define G1_UNCOMPRESSED_BYTES 96
#define G2_COMPRESSED_BYTES 96
#define G2_UNCOMPRESSED_BYTES 192

extern const g1_affine_t G1_GENERATOR_AFFINE;
extern const g2_affine_t G2_GENERATOR_AFFINE;

/* Basic operations: complete formulas. */
void g1_set_identity(g1_t *r);
void g1_generator(g1_t *r);
void g2_generator(g2_t *r);
void g1_from_affine(g1_t *r, const g1_affine_t *a);
void g2_from_affine(g2_t *r, const g2_affine_t *a);
void g1_to_affine(g1_affine_t *r, const g1_t *p);
void g2_to_affine(g2_affine_t *r, const g2_t *p);
void g1_add(g1_t *r, const g1_t *a, const g1_t *b);
void g1_add_affine(g1_t *r, const g1_t *a, const g1_affine_t *b); /* b may be the identity */
void g1_neg(g1_t *r, const g1_t *a);
uint64_t g1_equal(const g1_t *a, const g1_t *b);
uint64_t g2_equal(const g2_t *a, const g2_t *b);
uint64_t g1_is_in_subgroup(const g1_t *p);                      /* endomorphism check, constant time */
uint64_t g1_is_in_subgroup_vartime(const g1_t *p);              /* same answer; public points only */
/* Many points to affine with one inversion; public points only. */
void g1_batch_to_affine_vartime(g1_affine_t *r, const g1_t *p, size_t n);
void g2_batch_to_affine_vartime(g2_affine_t *r, const g2_t *p, size_t n);

/* Scalar multiplication.  The muls (and the MSM) split k with the
 * endomorphism, which is valid only on the order-r subgroup: P must lie in
 * G1 (G2) (k is mod r anyway). */
void g1_mul(g1_t *r, const g1_t *p, const fr_t *k);             /* constant time in p and k */
void g1_mul_vartime(g1_t *r, const g1_t *p, const fr_t *k);     /* public p and k */
void g2_mul(g2_t *r, const g2_t *p, const fr_t *k);
void g2_mul_vartime(g2_t *r, const g2_t *p, const fr_t *k);

/* Fixed-base table for a base that is used again and again (public base,
 * secret or public scalars).  Caller-owned; init is slow, mul is fast.
 * Signed 5-bit digits of the 255-bit scalar, 52 digit positions; row i holds
 * [e * 32^i]B, e = 1..16, in affine form.  A multiplication is 52 mixed
 * additions (no doublings); the constant-time variant reads all 16 entries
 * of every row.  Size: 86 KB (G1), 166 KB (G2). */
#define G1_FIXED_BASE_WINDOW 5
#define G1_FIXED_BASE_DIGITS 52
#define G2_FIXED_BASE_WINDOW 5
#define G2_FIXED_BASE_DIGITS 52
typedef struct g1_fixed_base {
    g1_affine_t t[G1_FIXED_BASE_DIGITS][1 << (G1_FIXED_BASE_WINDOW - 1)];
} g1_fixed_base_t;
typedef struct g2_fixed_base {
    g2_affine_t t[G2_FIXED_BASE_DIGITS][1 << (G2_FIXED_BASE_WINDOW - 1)];
} g2_fixed_base_t;

void g1_fixed_base_init(g1_fixed_base_t *t, const g1_t *base);
void g1_fixed_base_mul(g1_t *r, const g1_fixed_base_t *t, const fr_t *k);         /* constant time in k */
void g1_fixed_base_mul_vartime(g1_t *r, const g1_fixed_base_t *t, const fr_t *k);
void g2_fixed_base_init(g2_fixed_base_t *t, const g2_t *base);
void g2_fixed_base_mul(g2_t *r, const g2_fixed_base_t *t, const fr_t *k);         /* constant time in k */
void g2_fixed_base_mul_vartime(g2_t *r, const g2_fixed_base_t *t, const fr_t *k);

/* sum_i [k_i]P_i for public points and scalars (Straus/Pippenger).  No heap:
 * n is bounded by G1_MSM_MAX / G2_MSM_MAX (a sanity bound: memory use does
 * not grow with n); returns BLS_OK or BLS_ERR_ARGUMENT.  Each pair is split
 * by the endomorphism into short-scalar terms; up to 16 (G1) or 8 (G2) pairs
 * use Straus, more use Pippenger over chunks of 256 terms.  Stack use is at
 * most about 80 KB (G1) or 130 KB (G2). */
#define G1_MSM_MAX 65536
#define G2_MSM_MAX 65536
int g1_msm_vartime(g1_t *r, const g1_affine_t *p, const fr_t *k, size_t n);
int g2_msm_vartime(g2_t *r, const g2_affine_t *p, const fr_t *k, size_t n);

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
int g1_from_bytes(g1_affine_t *out, const uint8_t *in, size_t len, int allow_identity);
/* The same checks and results, with a subgroup test whose time depends on
 * the point: only for public points (ciphertexts), never for key material. */
int g1_from_bytes_vartime(g1_affine_t *out, const uint8_t *in, size_t len, int allow_identity);
/* Every check of g1_from_bytes except subgroup membership (constant time):
 * for a caller that runs g1_is_in_subgroup[_vartime] on the point itself,
 * later or on another thread, and lets nothing computed from the point out
 * before that test passed. */
int g1_from_bytes_on_curve(g1_affine_t *out, const uint8_t *in, size_t len, int allow_identity);
void g1_to_compressed(uint8_t out[G1_COMPRESSED_BYTES], const g1_affine_t *p);

int g2_from_bytes(g2_affine_t *out, const uint8_t *in, size_t len, int allow_identity);
int g2_from_bytes_vartime(g2_affine_t *out, const uint8_t *in, size_t len, int allow_identity);
void g2_to_compressed(uint8_t out[G2_COMPRESSED_BYTES], const g2_affine_t *p);

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
#define H2C_MAX_DST_BYTES 255
/* RFC 9380 §5.3.1 with b_in_bytes = 32: ell = ceil(len / 32) <= 255. */
#define H2C_XMD_MAX_BYTES (255 * 32)

/* uniform_bytes of RFC 9380 §5.3.1; 1 <= len <= H2C_XMD_MAX_BYTES. */
int expand_message_xmd(uint8_t *out, size_t len,
                       const uint8_t *msg, size_t msg_len,
                       const uint8_t *dst, size_t dst_len);
/* hash_to_field (RFC 9380 §5.2) into Fr with L = 48 = ceil((255 + 128) / 8)
 * (FABEO KEM coins): count elements, 1 <= count and count * L <=
 * H2C_XMD_MAX_BYTES. */
int fr_hash_to_field(fr_t *out, size_t count, const uint8_t *msg, size_t msg_len,
                     const uint8_t *dst, size_t dst_len);
/* hash_to_curve (random oracle, suite ..._RO_).  The result is in the
 * order-r subgroup. */
int g1_hash_to_curve(g1_t *out, const uint8_t *msg, size_t msg_len,
                     const uint8_t *dst, size_t dst_len);
int g2_hash_to_curve(g2_t *out, const uint8_t *msg, size_t msg_len,
                     const uint8_t *dst, size_t dst_len);

/* ---- the pairing -------------------------------------------------------- */

/* The optimal ate pairing e: G1 x G2 -> GT.  Values are bit-for-bit those of
 * blst, zkcrypto/bls12_381 and CIRCL: the Miller loop f_{x,Q}(P) raised to
 * (p^6-1)(p^2+1) * 3(p^4-p^2+1)/r (the factor 3 comes from the common
 * hard-part decomposition; it is a fixed automorphism of GT, so bilinearity
 * and non-degeneracy are unaffected).  The number of pairs n of a
 * multi-pairing is public. */

/* GT is the order-r subgroup of Fp12*, written multiplicatively.  Functions
 * taking a gt_t assume it is in GT (pairing outputs, products of them, or
 * gt_from_bytes results). */
#define GT_BYTES 576
typedef struct { fp12_t v; } gt_t;

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

void gt_mul(gt_t *r, const gt_t *a, const gt_t *b);
void gt_inv(gt_t *r, const gt_t *a);            /* conjugation: a^-1 on GT */
/* a^k.  Both split k into four 64-bit digits in base |x| and use
 * a^(|x|^i) = conj^i(frob^i(a)), which holds only on GT: a must be in GT. */
void gt_pow(gt_t *r, const gt_t *a, const fr_t *k);          /* constant time in a and k */
void gt_pow_vartime(gt_t *r, const gt_t *a, const fr_t *k);  /* public a and k */
uint64_t gt_equal(const gt_t *a, const gt_t *b);             /* 1 or 0 */
uint64_t gt_is_one(const gt_t *a);

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
