/* Tests for the ZCash point encodings (bls12381.h): the 1000 zkcrypto
 * vectors [i]G per group and encoding (decode to [i]G, re-encode byte for
 * byte), the generator encodings of SOURCE.md, and every rejection path with
 * its error code.  G1 and G2 run through the same driver; the small adapters
 * below are the only group-specific code.  argv[1] is tests/vectors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal/encoding.h"
#include "tap.h"

static const char *vec_dir = "tests/vectors";

static const char P_HEX[] = "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab";

typedef union { bls_g1_affine_t g1; bls_g2_affine_t g2; } aff_t;
typedef union { bls_g1_t g1; bls_g2_t g2; } proj_t;

struct group {
    int g2;
    const char *name;
    size_t fe;              /* bytes per coordinate: 48 or 96 */
    const char *gen_hex;    /* compressed generator, SOURCE.md */
};

static const struct group GROUPS[2] = {
    { 0, "G1", 48,
      "97f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb" },
    { 1, "G2", 96,
      "93e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e"
      "024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8" },
};

static void unhex(uint8_t *out, const char *hex)
{
    for (size_t i = 0; hex[2 * i] != '\0'; i++) {
        unsigned v = 0;
        sscanf(hex + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
}

/* ---- group adapters ------------------------------------------------------- */

/* Every decode also runs the variable-time decoder, which must return the
 * same code and point, and the on-curve decoder, which must too, except
 * that it accepts points outside the subgroup (and returns them); main
 * checks the tallies. */
static unsigned vartime_decodes, vartime_disagreements, on_curve_disagreements;

static int on_curve_agrees(int rc, int ro, uint64_t in_subgroup, const void *a, const void *c,
                           size_t size)
{
    if (rc == BLS_ERR_NOT_IN_SUBGROUP)
        return ro == BLS_OK && !in_subgroup;
    return ro == rc && memcmp(a, c, size) == 0;
}

static int decode(const struct group *g, aff_t *a, const uint8_t *in, size_t len, int allow_identity)
{
    aff_t b, c;
    proj_t p;
    int rc, rv, ro;

    if (g->g2) {
        rc = bls_g2_from_bytes(&a->g2, in, len, allow_identity);
        rv = bls_g2_from_bytes_vartime(&b.g2, in, len, allow_identity);
        vartime_disagreements += rc != rv || memcmp(&a->g2, &b.g2, sizeof b.g2) != 0;
        ro = bls_g2_from_bytes_on_curve(&c.g2, in, len, allow_identity);
        bls_g2_from_affine(&p.g2, &c.g2);
        on_curve_disagreements += !on_curve_agrees(rc, ro, bls_g2_is_in_subgroup(&p.g2), &a->g2,
                                                   &c.g2, sizeof c.g2);
    } else {
        rc = bls_g1_from_bytes(&a->g1, in, len, allow_identity);
        rv = bls_g1_from_bytes_vartime(&b.g1, in, len, allow_identity);
        vartime_disagreements += rc != rv || memcmp(&a->g1, &b.g1, sizeof b.g1) != 0;
        ro = bls_g1_from_bytes_on_curve(&c.g1, in, len, allow_identity);
        bls_g1_from_affine(&p.g1, &c.g1);
        on_curve_disagreements += !on_curve_agrees(rc, ro, bls_g1_is_in_subgroup(&p.g1), &a->g1,
                                                   &c.g1, sizeof c.g1);
    }
    vartime_decodes++;
    return rc;
}

static void encode(const struct group *g, uint8_t *out, const aff_t *a, int compressed)
{
    if (g->g2)
        (compressed ? bls_g2_to_compressed : bls_g2_to_uncompressed)(out, &a->g2);
    else
        (compressed ? bls_g1_to_compressed : bls_g1_to_uncompressed)(out, &a->g1);
}

/* p := identity (first) or p + G. */
static void next_multiple(const struct group *g, proj_t *p, int first)
{
    proj_t gen;

    if (g->g2) {
        bls_g2_generator(&gen.g2);
        if (first)
            bls_g2_set_identity(&p->g2);
        else
            bls_g2_add(&p->g2, &p->g2, &gen.g2);
    } else {
        bls_g1_generator(&gen.g1);
        if (first)
            bls_g1_set_identity(&p->g1);
        else
            bls_g1_add(&p->g1, &p->g1, &gen.g1);
    }
}

static void to_affine(const struct group *g, aff_t *a, const proj_t *p)
{
    if (g->g2)
        bls_g2_to_affine(&a->g2, &p->g2);
    else
        bls_g1_to_affine(&a->g1, &p->g1);
}

/* a == p, optionally a == -p. */
static int equals(const struct group *g, const aff_t *a, const proj_t *p, int negated)
{
    proj_t q;

    if (g->g2) {
        bls_g2_from_affine(&q.g2, &a->g2);
        if (negated)
            bls_g2_neg(&q.g2, &q.g2);
        return (int)bls_g2_equal(&q.g2, &p->g2);
    }
    bls_g1_from_affine(&q.g1, &a->g1);
    if (negated)
        bls_g1_neg(&q.g1, &q.g1);
    return (int)bls_g1_equal(&q.g1, &p->g1);
}

/* x := k (G1) or k + u (G2) and y := a square root of x^3 + b; returns
 * whether there is one.  The curve equation is evaluated in Fp2 for both
 * groups (G1's x and b have c1 = 0); only the square root differs. */
static int set_x(const struct group *g, aff_t *a, uint64_t k)
{
    bls_fp2_t x = BLS_FP2_ZERO, b = BLS_FP2_ZERO, rhs;

    memset(a, 0, sizeof *a);
    bls_fp_from_u64(&x.c0, k);
    bls_fp_from_u64(&b.c0, 4);
    if (g->g2) {
        x.c1 = BLS_FP_ONE;
        b.c1 = b.c0;
    }
    bls_fp2_sqr(&rhs, &x);
    bls_fp2_mul(&rhs, &rhs, &x);
    bls_fp2_add(&rhs, &rhs, &b);
    if (g->g2) {
        a->g2.x = x;
        return bls_fp2_sqrt(&a->g2.y, &rhs);
    }
    a->g1.x = x.c0;
    return bls_fp_sqrt(&a->g1.y, &rhs.c0);
}

static int in_subgroup(const struct group *g, const aff_t *a)
{
    proj_t p;

    if (g->g2) {
        bls_g2_from_affine(&p.g2, &a->g2);
        return (int)bls_g2_is_in_subgroup(&p.g2);
    }
    bls_g1_from_affine(&p.g1, &a->g1);
    return (int)bls_g1_is_in_subgroup(&p.g1);
}

/* The smallest such x whose x^3 + b is a square (want_square) or not.  For
 * a square, a is a point of E, taken only if it lies outside the subgroup,
 * which is what the test needs (almost every point is: the cofactor is
 * large). */
static void craft_x(const struct group *g, aff_t *a, int want_square)
{
    for (uint64_t k = 1;; k++)
        if (set_x(g, a, k) == want_square && !(want_square && in_subgroup(g, a)))
            return;
}

static uint64_t on_curve(const struct group *g, const aff_t *a)
{
    return g->g2 ? bls_g2_affine_is_on_curve(&a->g2) : bls_g1_affine_is_on_curve(&a->g1);
}

/* ---- the 1000 zkcrypto vectors -------------------------------------------- */

static void test_valid_vectors(const struct group *g, int compressed)
{
    size_t len = compressed ? g->fe : 2 * g->fe;
    char path[1024];
    uint8_t *buf = malloc(1000 * len), out[192];
    FILE *f;
    proj_t p;
    int bad_decode = 0, bad_reencode = 0, bad_encode = 0, first_bad = -1;

    snprintf(path, sizeof path, "%s/bls12381/g%d_%scompressed_valid_test_vectors.dat", vec_dir,
             g->g2 ? 2 : 1, compressed ? "" : "un");
    f = fopen(path, "rb");
    if (!tap_ok(f != NULL && buf != NULL && fread(buf, len, 1000, f) == 1000, "read %s", path)) {
        free(buf);
        if (f)
            fclose(f);
        return;
    }
    fclose(f);
    for (int i = 0; i < 1000; i++) {
        const uint8_t *in = buf + (size_t)i * len;
        aff_t a, b;
        next_multiple(g, &p, i == 0);
        int ok = decode(g, &a, in, len, 1) == BLS_OK && equals(g, &a, &p, 0);
        bad_decode += !ok;
        encode(g, out, &a, compressed);
        bad_reencode += memcmp(out, in, len) != 0;
        to_affine(g, &b, &p);
        encode(g, out, &b, compressed);
        bad_encode += memcmp(out, in, len) != 0;
        if ((!ok || memcmp(out, in, len) != 0) && first_bad < 0)
            first_bad = i;
    }
    tap_eq(bad_decode, 0, "%s %s: 1000 vectors decode to [i]G (%d bad)", g->name,
           compressed ? "compressed" : "uncompressed", bad_decode);
    tap_eq(bad_reencode, 0, "%s %s: decoded points re-encode byte for byte (%d bad)", g->name,
           compressed ? "compressed" : "uncompressed", bad_reencode);
    tap_eq(bad_encode, 0, "%s %s: [i]G encodes to vector i (%d bad, first %d)", g->name,
           compressed ? "compressed" : "uncompressed", bad_encode, first_bad);
    free(buf);
}

/* ---- generator, sign flag, rejections ------------------------------------- */

static void expect(const struct group *g, const uint8_t *in, size_t len, int allow, int want,
                   const char *what)
{
    aff_t a;
    int got = decode(g, &a, in, len, allow);

    tap_eq(got, want, "%s: %s -> %d (want %d)", g->name, what, got, want);
}

static void test_invalid(const struct group *g)
{
    uint8_t c[96], u[192], bad[193];
    size_t cl = g->fe, ul = 2 * g->fe;
    aff_t a, gen;
    proj_t p;

    /* The generator's encodings; flipping the sign flag gives -G. */
    unhex(c, g->gen_hex);
    next_multiple(g, &p, 1);
    next_multiple(g, &p, 0);
    to_affine(g, &gen, &p);
    encode(g, bad, &gen, 1);
    tap_eq_mem(bad, c, cl, "%s: generator encodes as in SOURCE.md", g->name);
    tap_ok(decode(g, &a, c, cl, 0) == BLS_OK && equals(g, &a, &p, 0), "%s: SOURCE.md generator decodes",
           g->name);
    memcpy(bad, c, cl);
    bad[0] ^= 0x20;
    tap_ok(decode(g, &a, bad, cl, 0) == BLS_OK && equals(g, &a, &p, 1), "%s: sign flag flipped gives -G",
           g->name);
    encode(g, u, &gen, 0);

    /* Lengths. */
    expect(g, c, cl - 1, 1, BLS_ERR_LENGTH, "compressed truncated by one byte");
    memcpy(bad, c, cl);
    bad[cl] = 0;
    expect(g, bad, cl + 1, 1, BLS_ERR_LENGTH, "compressed plus one byte");
    expect(g, u, ul - 1, 1, BLS_ERR_LENGTH, "uncompressed truncated by one byte");
    memcpy(bad, u, ul);
    bad[ul] = 0;
    expect(g, bad, ul + 1, 1, BLS_ERR_LENGTH, "uncompressed plus one byte");
    expect(g, c, 0, 1, BLS_ERR_LENGTH, "empty input");
    tap_eq(decode(g, &a, NULL, cl, 1), BLS_ERR_ARGUMENT, "%s: NULL input", g->name);

    /* Flags. */
    memcpy(bad, c, cl);
    bad[0] &= 0x7f;
    expect(g, bad, cl, 1, BLS_ERR_FLAGS, "compressed length without the compressed bit");
    memcpy(bad, u, ul);
    bad[0] |= 0x80;
    expect(g, bad, ul, 1, BLS_ERR_FLAGS, "uncompressed length with the compressed bit");
    memcpy(bad, u, ul);
    bad[0] |= 0x20;
    expect(g, bad, ul, 1, BLS_ERR_FLAGS, "sign flag on an uncompressed point");
    memset(bad, 0, sizeof bad);
    bad[0] = 0xc0;
    expect(g, bad, cl, 1, BLS_OK, "compressed identity");
    expect(g, bad, cl, 0, BLS_ERR_IDENTITY, "compressed identity when not allowed");
    bad[0] = 0xe0;
    expect(g, bad, cl, 1, BLS_ERR_FLAGS, "compressed identity with the sign flag");
    bad[0] = 0xc1;
    expect(g, bad, cl, 1, BLS_ERR_FLAGS, "compressed identity with payload bits in byte 0");
    bad[0] = 0xc0;
    bad[cl - 1] = 1;
    expect(g, bad, cl, 1, BLS_ERR_FLAGS, "compressed identity with a nonzero last byte");
    memset(bad, 0, sizeof bad);
    bad[0] = 0x40;
    expect(g, bad, ul, 1, BLS_OK, "uncompressed identity");
    tap_ok(decode(g, &a, bad, ul, 1) == BLS_OK && (g->g2 ? a.g2.infinity : a.g1.infinity),
           "%s: decoded identity has the infinity mark", g->name);
    expect(g, bad, ul, 0, BLS_ERR_IDENTITY, "uncompressed identity when not allowed");
    bad[0] = 0x60;
    expect(g, bad, ul, 1, BLS_ERR_FLAGS, "uncompressed identity with the sign flag");
    bad[0] = 0x40;
    memcpy(bad + g->fe, u + g->fe, g->fe);
    expect(g, bad, ul, 1, BLS_ERR_FLAGS, "uncompressed identity with a y payload");
    memset(bad, 0, sizeof bad);
    expect(g, bad, ul, 1, BLS_ERR_NOT_ON_CURVE, "uncompressed (0, 0) without the identity flag");

    /* Non-canonical coordinates: x = p exactly, x = 2^381 - 1 (all payload
     * bits), y = p, and for G2 each half of x. */
    memcpy(bad, c, cl); /* G2: x.c1 = p, x.c0 from G */
    unhex(bad, P_HEX);
    bad[0] |= 0x80;
    expect(g, bad, cl, 1, BLS_ERR_NONCANONICAL, g->g2 ? "compressed x.c1 = p" : "compressed x = p");
    memset(bad, 0xff, cl);
    bad[0] = 0x9f;
    expect(g, bad, cl, 1, BLS_ERR_NONCANONICAL, "compressed x = 2^381 - 1");
    memcpy(bad, u, ul);
    unhex(bad + ul - 48, P_HEX);
    expect(g, bad, ul, 1, BLS_ERR_NONCANONICAL, "uncompressed y with a component = p");
    memcpy(bad, u, ul);
    unhex(bad, P_HEX);
    expect(g, bad, ul, 1, BLS_ERR_NONCANONICAL, "uncompressed x with first component = p");
    if (g->g2) {
        memcpy(bad, c, cl);
        unhex(bad + 48, P_HEX);
        expect(g, bad, cl, 1, BLS_ERR_NONCANONICAL, "compressed x.c0 = p");
        bad[48] |= 0xe0;
        expect(g, bad, cl, 1, BLS_ERR_NONCANONICAL, "compressed x.c0 with flag-like top bits");
    }

    /* Off the curve: x with no y, and the generator with y + 1. */
    craft_x(g, &a, 0);
    encode(g, bad, &a, 1);
    bad[0] &= (uint8_t)~0x20;
    expect(g, bad, cl, 1, BLS_ERR_NOT_SQUARE, "compressed x with x^3 + b not a square");
    bad[0] |= 0x20;
    expect(g, bad, cl, 1, BLS_ERR_NOT_SQUARE, "same x, sign flag set");
    memcpy(bad, u, ul);
    bad[ul - 1] ^= 1;
    expect(g, bad, ul, 1, BLS_ERR_NOT_ON_CURVE, "generator with y changed in its last bit");

    /* On the curve but outside the subgroup. */
    craft_x(g, &a, 1);
    tap_eq(on_curve(g, &a), 1, "%s: crafted point is on the curve", g->name);
    encode(g, bad, &a, 1);
    expect(g, bad, cl, 1, BLS_ERR_NOT_IN_SUBGROUP, "compressed point outside the subgroup");
    bad[0] ^= 0x20;
    expect(g, bad, cl, 1, BLS_ERR_NOT_IN_SUBGROUP, "its negation, compressed");
    encode(g, bad, &a, 0);
    expect(g, bad, ul, 1, BLS_ERR_NOT_IN_SUBGROUP, "uncompressed point outside the subgroup");

    /* The identity encodes to the canonical forms. */
    next_multiple(g, &p, 1);
    to_affine(g, &a, &p);
    encode(g, bad, &a, 1);
    tap_ok(bad[0] == 0xc0 && memcmp(bad + 1, bad + 2, cl - 2) == 0 && bad[1] == 0,
           "%s: identity encodes as c0 00..", g->name);
    encode(g, bad, &a, 0);
    tap_ok(bad[0] == 0x40 && memcmp(bad + 1, bad + 2, ul - 2) == 0 && bad[1] == 0,
           "%s: identity encodes as 40 00.. uncompressed", g->name);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        vec_dir = argv[1];
    for (int i = 0; i < 2; i++) {
        test_valid_vectors(&GROUPS[i], 1);
        test_valid_vectors(&GROUPS[i], 0);
        test_invalid(&GROUPS[i]);
    }
    tap_ok(vartime_decodes > 0 && on_curve_disagreements == 0,
           "from_bytes_on_curve agrees with from_bytes except for the subgroup test "
           "(%u disagreements)", on_curve_disagreements);
    tap_ok(vartime_decodes > 0 && vartime_disagreements == 0,
           "from_bytes_vartime agrees with from_bytes on all %u decodes (%u disagreements)",
           vartime_decodes, vartime_disagreements);
    return tap_done();
}
