/* GT tests: exponentiation (constant time vs variable time vs fixed base,
 * edge exponents, homomorphism), e^r = 1, ser_GT round trips, and rejection
 * of wrong lengths, non-canonical coordinates and non-members (zero, -1,
 * arbitrary Fp12 elements, cyclotomic elements of the wrong order).
 * argv[1] is tests/vectors. */
#include "pairing_kat.h"
#include "internal/pairing_internal.h"
#include "tap.h"

static const uint8_t P_BYTES[BLS_FP_BYTES] = {
    0x1a, 0x01, 0x11, 0xea, 0x39, 0x7f, 0xe6, 0x9a, 0x4b, 0x1b, 0xa7, 0xb6,
    0x43, 0x4b, 0xac, 0xd7, 0x64, 0x77, 0x4b, 0x84, 0xf3, 0x85, 0x12, 0xbf,
    0x67, 0x30, 0xd2, 0xa0, 0xf6, 0xb0, 0xf6, 0x24, 0x1e, 0xab, 0xff, 0xfe,
    0xb1, 0x53, 0xff, 0xff, 0xb9, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xaa, 0xab,
};

static void gt_from_fp12(bls_gt_t *r, const bls_fp12_t *f)
{
    r->v = *f;
}

static void test_pow(const bls_gt_t *base)
{
    static bls_gt_fixed_base_t table; /* 37 KiB: keep it off the stack */
    bls_gt_t x, y, z, w;
    bls_fr_t k, k2, ksum;
    int i;

    bls_gt_fixed_base_init(&table, base);

    bls_fr_from_u64(&k, 0);
    bls_gt_pow(&x, base, &k);
    bls_gt_pow_vartime(&y, base, &k);
    bls_gt_fixed_base_pow(&z, &table, &k);
    tap_ok(bls_gt_is_one(&x) && bls_gt_is_one(&y) && bls_gt_is_one(&z), "a^0 = 1 (ct, vartime, fixed base)");
    bls_fr_from_u64(&k, 1);
    bls_gt_pow(&x, base, &k);
    bls_gt_pow_vartime(&y, base, &k);
    bls_gt_fixed_base_pow(&z, &table, &k);
    tap_ok(bls_gt_equal(&x, base) && bls_gt_equal(&y, base) && bls_gt_equal(&z, base), "a^1 = a");
    bls_fr_from_u64(&k, 2);
    bls_gt_pow(&x, base, &k);
    bls_gt_mul(&y, base, base);
    bls_gt_sqr(&z, base);
    tap_ok(bls_gt_equal(&x, &y) && bls_gt_equal(&z, &y), "a^2 = a*a = cyclotomic square");
    bls_fr_neg(&k, &BLS_FR_ONE);
    bls_gt_pow(&x, base, &k);
    bls_gt_pow_vartime(&y, base, &k);
    bls_gt_fixed_base_pow(&z, &table, &k);
    bls_gt_inv(&w, base);
    tap_ok(bls_gt_equal(&x, &w) && bls_gt_equal(&y, &w) && bls_gt_equal(&z, &w), "a^(r-1) = a^-1");
    bls_gt_mul(&w, &w, base);
    tap_ok(bls_gt_is_one(&w), "a^r = 1");

    {
        /* exponents at the edges of the base-|x| split: B, B^2, B^3, B^3 - 1 */
        bls_fr_t special[4], one;
        const char *names[4] = { "|x|", "x^2", "|x|^3", "|x|^3 - 1" };
        bls_fr_from_u64(&special[0], BLS_X_ABS);
        bls_fr_mul(&special[1], &special[0], &special[0]);
        bls_fr_mul(&special[2], &special[1], &special[0]);
        bls_fr_from_u64(&one, 1);
        bls_fr_sub(&special[3], &special[2], &one);
        for (i = 0; i < 4; i++) {
            bls_gt_pow(&x, base, &special[i]);
            bls_gt_pow_vartime(&y, base, &special[i]);
            bls_gt_fixed_base_pow(&z, &table, &special[i]);
            tap_ok(bls_gt_equal(&x, &z) && bls_gt_equal(&y, &z), "a^(%s): ct = vartime = fixed base", names[i]);
        }
        bls_fp12_frobenius(&w.v, &base->v, 1);
        bls_gt_inv(&w, &w);
        bls_gt_pow(&x, base, &special[0]);
        tap_ok(bls_gt_equal(&x, &w), "a^|x| = conj(a^p) on GT");
    }

    for (i = 0; i < 8; i++) {
        bls_fr_random(&k);
        bls_gt_pow(&x, base, &k);
        bls_gt_pow_vartime(&y, base, &k);
        bls_gt_fixed_base_pow(&z, &table, &k);
        tap_ok(bls_gt_equal(&x, &y), "random %d: ct pow = vartime pow", i);
        tap_ok(bls_gt_equal(&x, &z), "random %d: ct pow = fixed-base pow", i);
        {
            /* any partition of the combs multiplies back to the power */
            bls_gt_t part, prod;
            unsigned first, ok = 1;
            for (unsigned cut = 1; cut < BLS_GT_COMB_COMBS; cut++) {
                bls_gt_fixed_base_pow_combs(&prod, &table, &k, 0, cut);
                bls_gt_fixed_base_pow_combs(&part, &table, &k, cut, BLS_GT_COMB_COMBS - cut);
                bls_gt_mul(&prod, &prod, &part);
                ok &= (unsigned)bls_gt_equal(&prod, &z);
            }
            for (first = 0, bls_gt_one(&prod); first < BLS_GT_COMB_COMBS; first++) {
                bls_gt_fixed_base_pow_combs(&part, &table, &k, first, 1);
                bls_gt_mul(&prod, &prod, &part);
            }
            ok &= (unsigned)bls_gt_equal(&prod, &z);
            bls_gt_fixed_base_pow_combs(&part, &table, &k, BLS_GT_COMB_COMBS, 1);
            ok &= (unsigned)bls_gt_is_one(&part);
            tap_ok(ok, "random %d: fixed-base pow split into combs multiplies back", i);
        }
        tap_eq(bls_gt_is_in_subgroup(&x.v), 1, "random %d: a^k is in GT", i);
        /* a^(k + k2) = a^k a^k2 */
        bls_fr_random(&k2);
        bls_fr_add(&ksum, &k, &k2);
        bls_gt_pow(&y, base, &k2);
        bls_gt_mul(&y, &x, &y);
        bls_gt_pow(&z, base, &ksum);
        tap_ok(bls_gt_equal(&y, &z), "random %d: a^k a^k' = a^(k+k')", i);
        /* (a^k)^k2 = a^(k k2) */
        bls_gt_pow_vartime(&y, &x, &k2);
        bls_fr_mul(&ksum, &k, &k2);
        bls_gt_fixed_base_pow(&z, &table, &ksum);
        tap_ok(bls_gt_equal(&y, &z), "random %d: (a^k)^k' = a^(kk')", i);
    }
}

static void test_encoding(const kat_t *k, const bls_gt_t *base)
{
    uint8_t buf[BLS_GT_BYTES + 1], again[BLS_GT_BYTES];
    bls_gt_t x, y;
    bls_fr_t e;
    size_t i;
    int ok = 1;

    for (i = 0; i < k->n; i++) {
        ok &= bls_gt_from_bytes(&x, k->c[i].gt, BLS_GT_BYTES) == BLS_OK;
        bls_gt_to_bytes(again, &x);
        ok &= memcmp(again, k->c[i].gt, BLS_GT_BYTES) == 0;
    }
    tap_ok(ok, "every KAT pairing value decodes and re-encodes identically");
    tap_ok(bls_gt_from_bytes(&x, k->identity, BLS_GT_BYTES) == BLS_OK && bls_gt_is_one(&x), "identity decodes to 1");
    for (i = 0; i < 4; i++) {
        bls_fr_random(&e);
        bls_gt_pow_vartime(&x, base, &e);
        bls_gt_to_bytes(buf, &x);
        tap_ok(bls_gt_from_bytes(&y, buf, BLS_GT_BYTES) == BLS_OK && bls_gt_equal(&x, &y), "round trip of random element %zu", i);
    }

    bls_gt_to_bytes(buf, base);
    buf[BLS_GT_BYTES] = 0;
    tap_eq(bls_gt_from_bytes(&x, buf, BLS_GT_BYTES - 1), BLS_ERR_LENGTH, "575 bytes rejected");
    tap_eq(bls_gt_from_bytes(&x, buf, BLS_GT_BYTES + 1), BLS_ERR_LENGTH, "577 bytes rejected");
    tap_eq(bls_gt_from_bytes(&x, buf, 0), BLS_ERR_LENGTH, "0 bytes rejected");
    tap_eq(bls_gt_from_bytes(&x, NULL, BLS_GT_BYTES), BLS_ERR_LENGTH, "NULL rejected");

    /* A non-canonical coordinate in each of the 12 slots: p itself, and
     * p + c for the coordinate's own value c (same residue). */
    ok = 1;
    for (i = 0; i < 12; i++) {
        uint8_t bad[BLS_GT_BYTES];
        memcpy(bad, buf, BLS_GT_BYTES);
        memcpy(bad + BLS_FP_BYTES * i, P_BYTES, BLS_FP_BYTES);
        ok &= bls_gt_from_bytes(&x, bad, BLS_GT_BYTES) == BLS_ERR_NONCANONICAL;
        memset(bad + BLS_FP_BYTES * i, 0xff, BLS_FP_BYTES);
        ok &= bls_gt_from_bytes(&x, bad, BLS_GT_BYTES) == BLS_ERR_NONCANONICAL;
    }
    tap_ok(ok, "coordinate = p or 2^384 - 1 rejected in every slot");
    {
        /* identity with c00.a replaced by 1 + p: the same residue as 1 */
        uint8_t bad[BLS_GT_BYTES];
        int carry = 1, j;
        memcpy(bad, k->identity, BLS_GT_BYTES);
        memcpy(bad, P_BYTES, BLS_FP_BYTES);
        for (j = BLS_FP_BYTES - 1; j >= 0 && carry; j--) {
            carry = bad[j] == 0xff;
            bad[j]++;
        }
        tap_eq(bls_gt_from_bytes(&x, bad, BLS_GT_BYTES), BLS_ERR_NONCANONICAL, "1 + p in place of 1 rejected");
    }
}

static void test_membership(const kat_t *k)
{
    uint8_t buf[BLS_GT_BYTES];
    bls_fp12_t f, t, g;
    bls_gt_t x;
    int i;

    memset(buf, 0, sizeof buf);
    tap_eq(bls_gt_from_bytes(&x, buf, BLS_GT_BYTES), BLS_ERR_NOT_IN_GT, "zero rejected");
    f = BLS_FP12_ONE;
    bls_fp_neg(&f.c0.c0.c0, &f.c0.c0.c0);
    tap_eq(bls_gt_is_in_subgroup(&f), 0, "-1 is not in GT");
    f = BLS_FP12_ONE;
    bls_fp_dbl(&f.c0.c0.c0, &f.c0.c0.c0);
    tap_eq(bls_gt_is_in_subgroup(&f), 0, "2 is not in GT");
    gt_from_fp12(&x, &f);
    bls_gt_to_bytes(buf, &x);
    tap_eq(bls_gt_from_bytes(&x, buf, BLS_GT_BYTES), BLS_ERR_NOT_IN_GT, "encoding of 2 rejected");

    for (i = 0; i < 4; i++) {
        /* an arbitrary element: a KAT value with one coordinate changed */
        memcpy(buf, k->c[(size_t)i % k->n].gt, BLS_GT_BYTES);
        buf[BLS_GT_BYTES - 1] ^= (uint8_t)(1 + i);
        tap_eq(bls_gt_from_bytes(&x, buf, BLS_GT_BYTES), BLS_ERR_NOT_IN_GT, "perturbed pairing value %d rejected", i);

        /* Its easy-part image f^((p^6-1)(p^2+1)) is in the cyclotomic
         * subgroup but (overwhelmingly likely) not of order r: only the
         * second half of the test can reject it. */
        {
            bls_fp_t *co[12] = { &f.c0.c0.c0, &f.c0.c0.c1, &f.c1.c0.c0, &f.c1.c0.c1,
                             &f.c0.c1.c0, &f.c0.c1.c1, &f.c1.c1.c0, &f.c1.c1.c1,
                             &f.c0.c2.c0, &f.c0.c2.c1, &f.c1.c2.c0, &f.c1.c2.c1 };
            int j;
            for (j = 0; j < 12; j++)
                bls_fp_from_bytes_reduce(co[j], buf + BLS_FP_BYTES * j, BLS_FP_BYTES);
        }
        bls_fp12_inv(&t, &f);
        bls_fp12_conj(&g, &f);
        bls_fp12_mul(&f, &g, &t);
        bls_fp12_frobenius(&t, &f, 2);
        bls_fp12_mul(&g, &f, &t);
        bls_fp12_frobenius(&t, &g, 4);
        bls_fp12_mul(&f, &t, &g);
        bls_fp12_frobenius(&t, &g, 2);
        tap_eq(bls_fp12_equal(&f, &t), 1, "easy-part image %d is cyclotomic", i);
        tap_eq(bls_gt_is_in_subgroup(&g), 0, "easy-part image %d is not in GT", i);
        /* ... and raising it to the cofactor's complement lands in GT */
        bls_final_exp(&x, &g);
        tap_eq(bls_gt_is_in_subgroup(&x.v), 1, "final exponentiation of it is in GT");
    }
}

int main(int argc, char **argv)
{
    static kat_t k;
    bls_gt_t base;

    if (argc < 2 || kat_load(&k, argv[1]) != 0 || kat_generators(&k) == NULL) {
        tap_ok(0, "load %s/bls12381/pairing_kat.txt", argc < 2 ? "(no argument)" : argv[1]);
        return tap_done();
    }
    tap_eq(bls_gt_from_bytes(&base, kat_generators(&k)->gt, BLS_GT_BYTES), BLS_OK, "e(G1, G2) from the KAT decodes");
    test_pow(&base);
    test_encoding(&k, &base);
    test_membership(&k);
    return tap_done();
}
