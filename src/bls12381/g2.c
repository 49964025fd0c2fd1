/* G2 arithmetic: instantiates curve_impl.h over Fp2 and adds what is specific
 * to G2: constants, the psi endomorphism (GLS splitting, subgroup test,
 * Budroni-Pintore cofactor clearing).  Constants: derived and checked by
 * tests/oracle/groups_consts.py (Montgomery form, R = 2^384). */
#include "internal/g2.h"
#include "internal/group_internal.h"

#define C(name) bls_g2_##name
#define F(name) bls_fp2_##name
#define FE bls_fp2_t
#define PT bls_g2_t
#define AFF bls_g2_affine_t
#define FB bls_g2_fixed_base_t
#define FB_W BLS_G2_FIXED_BASE_WINDOW
#define FB_ND BLS_G2_FIXED_BASE_DIGITS
#define FE_ZERO_C BLS_FP2_ZERO
#define FE_ONE_C BLS_FP2_ONE
#define CURVE_B G2_B
#define GEN_AFFINE BLS_G2_GENERATOR_AFFINE
#define CURVE_B_PRESCALE(r, a) bls_fp2_mul_by_nonresidue(r, a) /* b/4 = 1 + u */
#define ENDO_DIM G2_ENDO_DIM
#define ENDO_BITS G2_ENDO_BITS
#define ENDO_X_POWER 1
/* m = |x| (|x|^4 > r). */
#define ENDO_M {UINT64_C(0xd201000000010000), 0}

const bls_g2_affine_t BLS_G2_GENERATOR_AFFINE = {
    {{{0xf5f28fa202940a10ULL, 0xb3f5fb2687b4961aULL, 0xa1a893b53e2ae580ULL,
       0x9894999d1a3caee9ULL, 0x6f67b7631863366bULL, 0x058191924350bcd7ULL}},
     {{0xa5a9c0759e23f606ULL, 0xaaa0c59dbccd60c3ULL, 0x3bb17e18e2867806ULL,
       0x1b1ab6cc8541b367ULL, 0xc2b6ed0ef2158547ULL, 0x11922a097360edf3ULL}}},
    {{{0x4c730af860494c4aULL, 0x597cfa1f5e369c5aULL, 0xe7e6856caa0a635aULL,
       0xbbefb5e96e0d495fULL, 0x07d3a975f0ef25a2ULL, 0x0083fd8e7e80dae5ULL}},
     {{0xadc0fc92df64b05dULL, 0x18aa270a2b1461dcULL, 0x86adac6a3be4eba0ULL,
       0x79495c4ec93da33aULL, 0xe7175850a43ccaedULL, 0x0b2bc2a163de1bf2ULL}}},
    0};

#define FOUR {{0xaa270000000cfff3ULL, 0x53cc0032fc34000aULL, 0x478fe97a6b0a807fULL, \
               0xb1d37ebee6ba24d7ULL, 0x8ec9733bbf78ab2fULL, 0x09d645513d83de7eULL}}
static const bls_fp2_t G2_B = {FOUR, FOUR}; /* 4(1 + u) */

/* psi = untwist o Frobenius o twist.  The M-twist maps (x, y) on E' to
 * (x / w^2, y / w^3) on E(Fp12) with w^6 = 1 + u; Frobenius sends
 * w -> w (1+u)^((p-1)/6), so psi(x, y) = (conj(x) cx, conj(y) cy) with
 * cx = 1 / (1+u)^((p-1)/3) (which is purely imaginary) and
 * cy = 1 / (1+u)^((p-1)/2). */
static const bls_fp2_t PSI_CX = {
    {{0, 0, 0, 0, 0, 0}},
    {{0x890dc9e4867545c3ULL, 0x2af322533285a5d5ULL, 0x50880866309b7e2cULL,
      0xa20d1b8c7e881024ULL, 0x14e4f04fe2db9068ULL, 0x14e56d3f1564853aULL}}};
static const bls_fp2_t PSI_CY = {
    {{0x3e2f585da55c9ad1ULL, 0x4294213d86c18183ULL, 0x382844c88b623732ULL,
      0x92ad2afd19103e18ULL, 0x1d794e4fac7cf0b9ULL, 0x0bd592fc7d825ec8ULL}},
    {{0x7bcfa7a25aa30fdaULL, 0xdc17dec12a927e7cULL, 0x2f088dd86b4ebef1ULL,
      0xd1ca2087da74d4a7ULL, 0x2da2596696cebc1dULL, 0x0e2b7eedbbfd87d2ULL}}};
/* psi^2(x, y) = (x cx conj(cx), y cy conj(cy)) and cy conj(cy) = -1, while
 * cx conj(cx) is the Fp element below (a primitive cube root of unity). */
static const bls_fp_t PSI2_CX = {{0xcd03c9e48671f071ULL, 0x5dab22461fcda5d2ULL, 0x587042afd3851b95ULL,
                              0x8eb60ebe01bacb9eULL, 0x03f97d6e83d050d2ULL, 0x18f0206554638741ULL}};

/* Projective form: Z is conjugated too, as conj is a field automorphism.
 * As cx = c u, conj(a + b u) cx = b c + a c u: two Fp products. */
void bls_g2_psi(bls_g2_t *r, const bls_g2_t *p)
{
    bls_fp2_t t;
    bls_fp_t a = p->x.c0;
    bls_fp_mul(&r->x.c0, &p->x.c1, &PSI_CX.c1);
    bls_fp_mul(&r->x.c1, &a, &PSI_CX.c1);
    bls_fp2_conj(&t, &p->y);
    bls_fp2_mul(&r->y, &t, &PSI_CY);
    bls_fp2_conj(&r->z, &p->z);
}

static void g2_psi2(bls_g2_t *r, const bls_g2_t *p)
{
    bls_fp2_mul_fp(&r->x, &p->x, &PSI2_CX);
    bls_fp2_neg(&r->y, &p->y);
    r->z = p->z;
}

/* psi acts on G2 as [x] with x < 0, so E = -psi acts as [|x|]. */
static void bls_g2_endo(bls_g2_t *r, const bls_g2_t *p)
{
    bls_g2_psi(r, p);
    bls_fp2_neg(&r->y, &r->y);
}

#include "internal/curve_impl.h"

/* Budroni-Pintore (RFC 9380 §8.8.2, Appendix G.3):
 * [x^2 - x - 1]P + [x - 1]psi(P) + psi^2([2]P), which equals [h_eff]P.
 * [x] = -[|x|] is a fixed chain, so this is constant time in P. */
void bls_g2_clear_cofactor(bls_g2_t *r, const bls_g2_t *p)
{
    bls_g2_t t1, t2, t3, np;
    bls_g2_mul_abs_x(&t1, p);
    bls_g2_neg(&t1, &t1); /* [x]P */
    bls_g2_psi(&t2, p);
    bls_g2_dbl(&t3, p);
    g2_psi2(&t3, &t3);
    bls_g2_neg(&np, &t2);
    bls_g2_add(&t3, &t3, &np); /* psi^2(2P) - psi(P) */
    bls_g2_add(&t2, &t1, &t2);
    bls_g2_mul_abs_x(&t2, &t2);
    bls_g2_neg(&t2, &t2); /* [x]([x]P + psi(P)) */
    bls_g2_add(&t3, &t3, &t2);
    bls_g2_neg(&t1, &t1);
    bls_g2_add(&t3, &t3, &t1); /* - [x]P */
    bls_g2_neg(&np, p);
    bls_g2_add(r, &t3, &np); /* - P */
}
