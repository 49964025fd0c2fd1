/* Multi-scalar multiplication in G1 and G2 (public points and scalars): one
 * template, msm_impl.h, instantiated for each group. */
#include <string.h>

#include "bls12381.h"
#include "internal/group_internal.h"
#include "internal/scalar_recode.h"

#define C(name) bls_g1_##name
#define F(name) bls_fp_##name
#define PT bls_g1_t
#define AFF bls_g1_affine_t
#define MSM_MAX BLS_G1_MSM_MAX
#define ENDO_DIM G1_ENDO_DIM
#define ENDO_BITS G1_ENDO_BITS
#include "internal/msm_impl.h"
#undef C
#undef F
#undef PT
#undef AFF
#undef MSM_MAX
#undef ENDO_DIM
#undef ENDO_BITS

#define C(name) bls_g2_##name
#define F(name) bls_fp2_##name
#define PT bls_g2_t
#define AFF bls_g2_affine_t
#define MSM_MAX BLS_G2_MSM_MAX
#define ENDO_DIM G2_ENDO_DIM
#define ENDO_BITS G2_ENDO_BITS
#include "internal/msm_impl.h"
