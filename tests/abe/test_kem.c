/* The FABEO CCA KEM end to end: round trips for AND/OR/threshold/numeric/
 * date policies and repeated attributes (tau > 1), with and without
 * prepared tables and Decaps hints; and the cryptographic negatives:
 * non-satisfying keys, colluding keys combined component by component,
 * every ciphertext component tampered, keys of another MPK, malformed
 * ciphertexts, and the coin-count limit. */
#include "tap.h"
#include "test_kem_util.h"
#include "bls12381.h"

static abe_mpk_t *mpk, *mpk2;
static abe_msk_t msk, msk2;

typedef struct {
    const char *policy;
    const char *key;
    int expected;
} kcase_t;

static const kcase_t cases[] = {
    {"A and B", "A|B", 1},
    {"A and B", "A", 0},
    {"A or B", "B", 1},
    {"A or B", "C", 0},
    {"2 of (A, B, C)", "A|C", 1},
    {"2 of (A, B, C)", "C|D", 0},
    {"3 of (A, B, C, D, E)", "B|D|E", 1},
    {"A and (B or C) and 2 of (D, E, F)", "A|C|D|F", 1},
    {"A and (B or C) and 2 of (D, E, F)", "A|C|D", 0},
    {"(A and B) or (A and C) or (B and C)", "B|C", 1},
    {"(A and B) or (A and C) or (B and C)", "A", 0},
    {"(A and B) or (A and C) or (A and D) or (B and C)", "A|D", 1},
    {"2 of (A, B and C, A and D)", "A|B|C", 1},
    {"2 of (A and B, A and C, A and D)", "A|C|D", 1},
    {"2 of (A and B, A and C, A and D)", "A|B", 0},
    {"grade >= 3 and expiry >= 2026-11-25", "HCU|Netsci|M1|grade = 4|expiry = 2027-03-31", 1},
    {"grade >= 3 and expiry >= 2026-11-25", "HCU|grade = 2|expiry = 2027-03-31", 0},
    {"grade >= 3 and expiry >= 2026-11-25", "HCU|grade = 5|expiry = 2026-11-24", 0},
    {"x >= 18 and x <= 65", "x = 30", 1},
    {"x >= 18 and x <= 65", "x = 70", 0},
    {"x > 3 or (x > 10 and Y)", "x = 12|Y", 1},
    {"(x > 3 and Z) or (x > 10 and Y)", "x = 12|Y", 1},
    {"(x > 3 and Z) or (x > 10 and Y)", "x = 5|Y", 0},
    {"x = 7 or x = 9", "x = 9", 1},
    {"expiry < 2026-01-01", "expiry = 2027-03-31", 0},
    {"HCU and M1 and (grade = 4 or B4)", "HCU|Netsci|M1|grade = 4", 1},
    {"x_flexint_5", "x = 5", 0},
};

static void round_trips(void)
{
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        abe_error_t err;
        abe_prepared_t *pt = tk_policy(cases[c].policy, 1, &err);
        abe_prepared_t *pn = tk_policy(cases[c].policy, 0, &err);
        abe_key_t *key = tk_key(mpk, &msk, cases[c].key, &err);
        if (!tap_ok(pt != NULL && pn != NULL && key != NULL, "case %zu set up: %s / %s", c,
                    cases[c].policy, cases[c].key)) {
            tap_diag("%s", err.msg);
            continue;
        }
        tap_diag("case %zu: n1 %u n2 %u tau %u", c, pt->n1, pt->n2, pt->tau);
        int same, want = cases[c].expected ? ABE_OK : ABE_ERR_DECAPS;
        int rc = tk_round(mpk, key, pt, pt, &same, NULL, NULL);
        tap_ok(rc == want && same == cases[c].expected,
               "case %zu prepared+hint: decaps %d (want %d), keys %s", c, rc, want,
               same ? "equal" : "differ");
        rc = tk_round(mpk, key, pn, NULL, &same, NULL, NULL);
        tap_ok(rc == want && same == cases[c].expected,
               "case %zu unprepared, no hint: decaps %d", c, rc);
        tk_policy_free(pt);
        tk_policy_free(pn);
        tk_key_free(key);
    }
}

/* Offsets of the components of ser(CT) for pp. */
static void tamper_each(const abe_key_t *key, const char *policy)
{
    static uint8_t ct[ABE_KEM_CT_MAX_BYTES], bad[ABE_KEM_CT_MAX_BYTES];
    abe_error_t err;
    abe_prepared_t *pp = tk_policy(policy, 1, &err);
    size_t len;
    int same;
    uint8_t k[ABE_KEM_KEY_BYTES];
    if (!tap_ok(pp != NULL && tk_round(mpk, key, pp, pp, &same, ct, &len) == ABE_OK && same,
                "tamper base round: %s", policy))
        return;
    size_t off_pol = 5, off_tau = off_pol + pp->enc_len, off_ct1 = off_tau + 1,
           off_ct2 = off_ct1 + 96, off_n1 = off_ct2 + 96u * pp->tau, off_ct3 = off_n1 + 2,
           off_gt = off_ct3 + 48u * pp->n1;
    typedef struct { const char *what; size_t off; } spot_t;
    spot_t spots[2 * ABE_POL_MAX_LEAVES + 16];
    size_t ns = 0;
    spots[ns++] = (spot_t){"version", 0};
    spots[ns++] = (spot_t){"policy length", 4};
    spots[ns++] = (spot_t){"policy first byte", off_pol};
    spots[ns++] = (spot_t){"policy last byte", off_tau - 1};
    spots[ns++] = (spot_t){"tau", off_tau};
    spots[ns++] = (spot_t){"ct1", off_ct1 + 95};
    for (unsigned t = 0; t < pp->tau; t++)
        spots[ns++] = (spot_t){"ct2_t", off_ct2 + 96u * t + 50};
    spots[ns++] = (spot_t){"n1", off_n1 + 1};
    for (unsigned i = 0; i < pp->n1; i++)
        spots[ns++] = (spot_t){"ct3_i", off_ct3 + 48u * i + 47};
    spots[ns++] = (spot_t){"ct' first", off_gt};
    spots[ns++] = (spot_t){"ct' last", off_gt + 575};
    for (size_t s = 0; s < ns; s++) {
        for (uint8_t bit = 1; bit != 0 && bit <= 0x10; bit <<= 4) {
            memcpy(bad, ct, len);
            bad[spots[s].off] ^= bit;
            int rc = abe_kem_decaps(mpk, key, bad, len, pp, k);
            tap_eq(rc, ABE_ERR_DECAPS, "%s: %s (byte %zu ^ 0x%02x) rejected", policy,
                   spots[s].what, spots[s].off, bit);
        }
    }
    /* Valid points in the wrong place: only the re-encryption check sees it. */
    for (unsigned i = 0; i < pp->n1; i++) {
        memcpy(bad, ct, len);
        memcpy(bad + off_ct3 + 48u * i, ct + off_ct3 + 48u * ((i + 1) % pp->n1), 48);
        if (pp->n1 == 1)
            bls_g1_to_compressed(bad + off_ct3, &BLS_G1_GENERATOR_AFFINE);
        tap_eq(abe_kem_decaps(mpk, key, bad, len, pp, k), ABE_ERR_DECAPS,
               "%s: ct3_%u replaced by a valid point rejected", policy, i + 1);
    }
    memcpy(bad, ct, len);
    memcpy(bad + off_ct1, ct + off_ct2, 96);
    tap_eq(abe_kem_decaps(mpk, key, bad, len, pp, k), ABE_ERR_DECAPS,
           "%s: ct1 replaced by ct2_1 rejected", policy);
    memcpy(bad, ct, len);
    tap_eq(abe_kem_decaps(mpk, key, bad, len + 1, pp, k), ABE_ERR_DECAPS,
           "%s: trailing byte rejected", policy);
    for (size_t cut = 0; cut < len; cut += (cut < 64 ? 1 : 97))
        if (abe_kem_decaps(mpk, key, ct, cut, pp, k) != ABE_ERR_DECAPS)
            tap_ok(0, "truncated to %zu accepted", cut);
    tap_ok(1, "%s: every truncation rejected", policy);
    tk_policy_free(pp);
}

/* A point of E(Fp) outside G1: the first x = 1, 2, ... on the curve. */
static void point_outside_g1(uint8_t out[BLS_G1_COMPRESSED_BYTES])
{
    bls_g1_affine_t a = {BLS_FP_ZERO, BLS_FP_ZERO, 0};
    bls_g1_t p;
    for (uint64_t x = 1;; x++) {
        bls_fp_t rhs, b;
        bls_fp_from_u64(&a.x, x);
        bls_fp_from_u64(&b, 4);
        bls_fp_sqr(&rhs, &a.x);
        bls_fp_mul(&rhs, &rhs, &a.x);
        bls_fp_add(&rhs, &rhs, &b);
        if (bls_fp_sqrt(&a.y, &rhs) && (bls_g1_from_affine(&p, &a), !bls_g1_is_in_subgroup(&p)))
            break;
    }
    bls_g1_to_compressed(out, &a);
}

/* Decaps tests the rows' subgroup membership next to decryption instead of
 * while decoding: a row on the curve but outside G1 must still be refused,
 * in every position, with and without the hint. */
static void row_outside_g1(const abe_key_t *key, const char *policy)
{
    static uint8_t ct[ABE_KEM_CT_MAX_BYTES], bad[ABE_KEM_CT_MAX_BYTES];
    uint8_t pt[BLS_G1_COMPRESSED_BYTES], k[ABE_KEM_KEY_BYTES];
    abe_error_t err;
    abe_prepared_t *pp = tk_policy(policy, 1, &err);
    abe_ct_t *c = tk_alloc(sizeof *c);
    size_t len;
    int same, ok = 1;
    point_outside_g1(pt);
    if (!tap_ok(pp != NULL && tk_round(mpk, key, pp, pp, &same, ct, &len) == ABE_OK && same,
                "outside-G1 base round: %s", policy))
        goto out;
    size_t off_ct3 = 5 + pp->enc_len + 1 + 96u * (1u + pp->tau) + 2;
    for (unsigned i = 0; i < pp->n1; i++) {
        memcpy(bad, ct, len);
        memcpy(bad + off_ct3 + 48u * i, pt, sizeof pt);
        ok &= abe_kem_ct_decode(c, bad, len, pp) == ABE_ERR_FORMAT;
        ok &= abe_kem_ct_decode_defer_rows(c, bad, len, pp) == ABE_OK;
        for (unsigned j = 0; j < pp->n1; j++)
            ok &= abe_kem_ct_row_in_subgroup(c, j) == (j != i);
        ok &= abe_kem_decaps(mpk, key, bad, len, pp, k) == ABE_ERR_DECAPS;
        ok &= abe_kem_decaps(mpk, key, bad, len, NULL, k) == ABE_ERR_DECAPS;
    }
    tap_ok(ok, "%s: a row outside G1 is refused in every position (deferred test)", policy);
out:
    free(c);
    if (pp != NULL)
        tk_policy_free(pp);
}

/* Keys for {A} and {B} combined into one key for {A, B}. */
static void collusion(void)
{
    abe_error_t err;
    abe_key_t *ka = tk_key(mpk, &msk, "A", &err), *kb = tk_key(mpk, &msk, "B", &err);
    abe_key_t *h = tk_alloc(sizeof *h);
    abe_prepared_t *pp = tk_policy("A and B", 1, &err);
    int same;
    tap_eq(tk_round(mpk, ka, pp, pp, &same, NULL, NULL), ABE_ERR_DECAPS, "key {A} alone fails");
    tap_eq(tk_round(mpk, kb, pp, pp, &same, NULL, NULL), ABE_ERR_DECAPS, "key {B} alone fails");
    const abe_key_t *src[4][2] = {{ka, ka}, {ka, kb}, {kb, ka}, {kb, kb}}; /* sk1 / sk3 */
    for (int v = 0; v < 4; v++) {
        tk_key_attrs(h, "A|B", &err);
        h->sk1 = src[v][0]->sk1;
        h->sk3 = src[v][1]->sk3;
        h->sk2[abe_key_find(h, (const uint8_t *)"A", 1)] = ka->sk2[0];
        h->sk2[abe_key_find(h, (const uint8_t *)"B", 1)] = kb->sk2[0];
        abe_key_finish(h);
        int rc = tk_round(mpk, h, pp, pp, &same, NULL, NULL);
        tap_ok(rc == ABE_ERR_DECAPS && !same,
               "collusion: sk1 of {%s}, sk3 of {%s}, sk2_A of {A}, sk2_B of {B} fails",
               v < 2 ? "A" : "B", v % 2 ? "B" : "A");
    }
    /* Also "A or B"-style mixing where one key's sk2 is re-labelled. */
    tk_key_attrs(h, "A|B", &err);
    h->sk1 = ka->sk1;
    h->sk3 = ka->sk3;
    h->sk2[0] = ka->sk2[0];
    h->sk2[1] = ka->sk2[0];
    abe_key_finish(h);
    tap_eq(tk_round(mpk, h, pp, pp, &same, NULL, NULL), ABE_ERR_DECAPS,
           "sk2_A reused as sk2_B fails");
    tk_key_free(h);
    tk_key_free(ka);
    tk_key_free(kb);
    tk_policy_free(pp);
}

static void other_mpk(void)
{
    abe_error_t err;
    abe_key_t *k2 = tk_key(mpk2, &msk2, "A|B", &err);
    abe_prepared_t *pp = tk_policy("A and B", 0, &err);
    int same;
    tap_ok(tk_round(mpk, k2, pp, NULL, &same, NULL, NULL) == ABE_ERR_DECAPS && !same,
           "a key of another MPK fails");
    tap_ok(tk_round(mpk2, k2, pp, NULL, &same, NULL, NULL) == ABE_OK && same,
           "the same key works with its own MPK");
    tk_key_free(k2);
    tk_policy_free(pp);
}

static void limits_and_garbage(const abe_key_t *key)
{
    static char text[4096];
    size_t n = 0;
    for (int i = 0; i < 180; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%sa%d", i ? " and " : "", i);
    abe_error_t err;
    abe_prepared_t *pp = tk_policy(text, 0, &err);
    static uint8_t ct[ABE_KEM_CT_MAX_BYTES];
    uint8_t k[ABE_KEM_KEY_BYTES];
    size_t len;
    tap_ok(pp != NULL && abe_kem_encaps(mpk, pp, ct, sizeof ct, &len, k) == ABE_ERR_KEM_LIMIT,
           "AND of 180 attributes: n2 + tau > %d refused by Encaps", ABE_KEM_MAX_COINS);
    tk_policy_free(pp);
    tap_eq(abe_kem_decaps(mpk, key, NULL, 0, NULL, k), ABE_ERR_DECAPS, "NULL ciphertext");
    memset(ct, 0xff, 4096);
    tap_eq(abe_kem_decaps(mpk, key, ct, 4096, NULL, k), ABE_ERR_DECAPS, "0xff garbage");
    memset(ct, 0, 4096);
    ct[0] = ABE_KEM_CT_VERSION;
    tap_eq(abe_kem_decaps(mpk, key, ct, 4096, NULL, k), ABE_ERR_DECAPS, "zero garbage");
    pp = tk_policy("A and B", 0, &err);
    tap_ok(pp != NULL && abe_kem_encaps(mpk, pp, ct, abe_kem_ct_size(pp) - 1, &len, k) == ABE_ERR_ARGUMENT,
           "Encaps refuses a short buffer");
    tk_policy_free(pp);
}

int main(void)
{
    mpk = tk_alloc(sizeof *mpk);
    mpk2 = tk_alloc(sizeof *mpk2);
    if (!tap_ok(abe_setup(mpk, &msk) == ABE_OK && abe_setup(mpk2, &msk2) == ABE_OK,
                "setup"))
        return tap_done();
    tap_ok(abe_msk_matches(&msk, mpk) && !abe_msk_matches(&msk2, mpk), "MSK matches its MPK only");
    round_trips();
    abe_error_t err;
    abe_key_t *key = tk_key(mpk, &msk, "A|B|C|D|x = 12", &err);
    tamper_each(key, "A and B");
    tamper_each(key, "(A and B) or (A and C) or (B and C and D)");
    /* With tables and n1 >= 4 tau + 4 rows the re-encryption checks the
     * rows by the batch equation (kem_check.c): every single replaced row
     * must still be refused. */
    tamper_each(key, "2 of (A, B, C) and x > 10");
    tamper_each(key, "A and B and C and D and x > 10");
    row_outside_g1(key, "A and B");
    row_outside_g1(key, "2 of (A, B, C) and x > 10");
    collusion();
    other_mpk();
    limits_and_garbage(key);
    tk_key_free(key);
    abe_msk_clear(&msk);
    abe_msk_clear(&msk2);
    free(mpk);
    free(mpk2);
    return tap_done();
}
