/* Multi-scalar multiplication in G1 and G2 (public points and scalars): one
 * template, msm_impl.h, instantiated for each group. */
#include <string.h>

#include "bls12381.h"
#include "internal/group_internal.h"
#include "internal/scalar_recode.h"

#define C(name) g1_##name
#define F(name) fp_##name
#define PT g1_t
#define AFF g1_affine_t
#define MSM_MAX G1_MSM_MAX
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

#define C(name) g2_##name
#define F(name) fp2_##name
#define PT g2_t
#define AFF g2_affine_t
#define MSM_MAX G2_MSM_MAX
#define ENDO_DIM G2_ENDO_DIM
#define ENDO_BITS G2_ENDO_BITS
#include "internal/msm_impl.h"
