/* map_to_curve for G2 (RFC 9380 §8.8.2, suite BLS12381G2_XMD:SHA-256_SSWU_*):
 * simplified SWU onto E2': y^2 = x^3 + A'x + B' over Fp2, then the 3-isogeny
 * E2' -> E' of RFC 9380 Appendix E.3.  The generic code, which also defines
 * bls_g2_hash_to_curve and bls_g2_encode_to_curve, is in sswu_impl.h. */
#include "internal/hash_to_curve.h"

#define FE bls_fp2_t
#define FE_OP(name) bls_fp2_##name
#define FE_ONE BLS_FP2_ONE
#define FE_PARTS 2
#define G_T bls_g2_t
#define G_OP(name) bls_g2_##name
#define FE_PART(e, i) ((i) ? &(e)->c1 : &(e)->c0)
#define SSWU_C1 3          /* p^2 = 9 mod 16 */
#define SSWU_C3_LIMBS 12
#define ISO_XNUM_LEN 4
#define ISO_XDEN_LEN 3
#define ISO_YNUM_LEN 4
#define ISO_YDEN_LEN 4
#include "internal/sswu_impl.h"

/* Constants as printed in RFC 9380, each element as { c0, c1 } for c0 + c1*I;
 * polynomial coefficients k_(j,i) from i = 0 upwards, denominators monic. */
static const struct sswu_hex sswu_hex = {
    .a = { "0x0", "0xf0" },                /* A' = 240 * I */
    .b = { "0x3f4", "0x3f4" },             /* B' = 1012 * (1 + I) */
    .z = { "0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaa9",
           "0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaaa" }, /* Z = -(2 + I) */
    /* c3 = (p^2 - 9) / 16 */
    .c3 = "0x2a437a4b8c35fc74bd278eaa22f25e9e2dc90e50e7046b466e59e49349e8bd050a62cfd16ddca6ef53149330978ef011d68619c86185c7b292e85a87091a04966bf91ed3e71b743162c338362113cfd7ced6b1d76382eab26aa00001c718e3",
    .xnum = {
        { "0x5c759507e8e333ebb5b7a9a47d7ed8532c52d39fd3a042a88b58423c50ae15d5c2638e343d9c71c6238aaaaaaaa97d6",
          "0x5c759507e8e333ebb5b7a9a47d7ed8532c52d39fd3a042a88b58423c50ae15d5c2638e343d9c71c6238aaaaaaaa97d6" },
        { "0x0",
          "0x11560bf17baa99bc32126fced787c88f984f87adf7ae0c7f9a208c6b4f20a4181472aaa9cb8d555526a9ffffffffc71a" },
        { "0x11560bf17baa99bc32126fced787c88f984f87adf7ae0c7f9a208c6b4f20a4181472aaa9cb8d555526a9ffffffffc71e",
          "0x8ab05f8bdd54cde190937e76bc3e447cc27c3d6fbd7063fcd104635a790520c0a395554e5c6aaaa9354ffffffffe38d" },
        { "0x171d6541fa38ccfaed6dea691f5fb614cb14b4e7f4e810aa22d6108f142b85757098e38d0f671c7188e2aaaaaaaa5ed1",
          "0x0" },
    },
    .xden = {
        { "0x0",
          "0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaa63" },
        { "0xc",
          "0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaa9f" },
        { "0x1", "0x0" },
    },
    .ynum = {
        { "0x1530477c7ab4113b59a4c18b076d11930f7da5d4a07f649bf54439d87d27e500fc8c25ebf8c92f6812cfc71c71c6d706",
          "0x1530477c7ab4113b59a4c18b076d11930f7da5d4a07f649bf54439d87d27e500fc8c25ebf8c92f6812cfc71c71c6d706" },
        { "0x0",
          "0x5c759507e8e333ebb5b7a9a47d7ed8532c52d39fd3a042a88b58423c50ae15d5c2638e343d9c71c6238aaaaaaaa97be" },
        { "0x11560bf17baa99bc32126fced787c88f984f87adf7ae0c7f9a208c6b4f20a4181472aaa9cb8d555526a9ffffffffc71c",
          "0x8ab05f8bdd54cde190937e76bc3e447cc27c3d6fbd7063fcd104635a790520c0a395554e5c6aaaa9354ffffffffe38f" },
        { "0x124c9ad43b6cf79bfbf7043de3811ad0761b0f37a1e26286b0e977c69aa274524e79097a56dc4bd9e1b371c71c718b10",
          "0x0" },
    },
    .yden = {
        { "0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffa8fb",
          "0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffa8fb" },
        { "0x0",
          "0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffa9d3" },
        { "0x12",
          "0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaa99" },
        { "0x1", "0x0" },
    },
};
