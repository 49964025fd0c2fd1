/* G1 arithmetic: instantiates curve_impl.h over Fp and adds what is specific
 * to G1: constants, the GLV endomorphism, cofactor clearing.
 * Constants: tests/oracle/groups_consts.py derives and checks them
 * (Montgomery form, R = 2^384). */
#include "internal/g1.h"
#include "internal/group_internal.h"

#define C(name) bls_g1_##name
#define F(name) bls_fp_##name
#define FE bls_fp_t
#define PT bls_g1_t
#define AFF bls_g1_affine_t
#define FB bls_g1_fixed_base_t
#define FB_W BLS_G1_FIXED_BASE_WINDOW
#define FB_ND BLS_G1_FIXED_BASE_DIGITS
#define FE_ZERO_C BLS_FP_ZERO
#define FE_ONE_C BLS_FP_ONE
#define CURVE_B G1_B
#define GEN_AFFINE BLS_G1_GENERATOR_AFFINE
#define CURVE_B_PRESCALE(r, a) (*(r) = *(a)) /* b/4 = 1 */
#define ENDO_DIM G1_ENDO_DIM
#define ENDO_BITS G1_ENDO_BITS
#define ENDO_X_POWER 2
/* m = x^2 = 0xac45a4010001a4020000000100000000 (< 2^128; m^2 > r). */
#define ENDO_M {UINT64_C(0x0000000100000000), UINT64_C(0xac45a4010001a402)}

const bls_g1_affine_t BLS_G1_GENERATOR_AFFINE = {
    {{0x5cb38790fd530c16ULL, 0x7817fc679976fff5ULL, 0x154f95c7143ba1c1ULL,
      0xf0ae6acdf3d0e747ULL, 0xedce6ecc21dbf440ULL, 0x120177419e0bfb75ULL}},
    {{0xbaac93d50ce72271ULL, 0x8c22631a7918fd8eULL, 0xdd595f13570725ceULL,
      0x51ac582950405194ULL, 0x0e1c8c3fad0059c0ULL, 0x0bbc3efc5008a26aULL}},
    0};

/* b = 4 */
static const bls_fp_t G1_B = {{0xaa270000000cfff3ULL, 0x53cc0032fc34000aULL, 0x478fe97a6b0a807fULL,
                          0xb1d37ebee6ba24d7ULL, 0x8ec9733bbf78ab2fULL, 0x09d645513d83de7eULL}};

/* beta: the cube root of unity in Fp (canonical
 * 0x5f19672fdf76ce51ba69c6076a0f77eaddb3a93be6f89688de17d813620a00022e01fffffffefffe)
 * for which phi(x, y) = (beta x, y) acts on G1 as [-x^2]; so
 * E(x, y) = (beta x, -y) acts as [x^2].  The other root would act as
 * [x^2 - 1] and does not give Scott's subgroup test. */
static const bls_fp_t G1_BETA = {{0x30f1361b798a64e8ULL, 0xf3b8ddab7ece5a2aULL, 0x16a8ca3ac61577f7ULL,
                             0xc26a2ff874fd029bULL, 0x3636b76660701c6eULL, 0x051ba4ab241b6160ULL}};

static void bls_g1_endo(bls_g1_t *r, const bls_g1_t *p)
{
    bls_fp_mul(&r->x, &p->x, &G1_BETA);
    bls_fp_neg(&r->y, &p->y);
    r->z = p->z;
}

#include "internal/curve_impl.h"

/* RFC 9380 §8.8.1: h_eff = 1 - x = 1 + |x|. */
void bls_g1_clear_cofactor(bls_g1_t *r, const bls_g1_t *p)
{
    bls_g1_t t;
    bls_g1_mul_abs_x(&t, p);
    bls_g1_add(r, &t, p);
}
