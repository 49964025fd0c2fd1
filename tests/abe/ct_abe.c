/* Constant-time check of KeyGen, Encaps and Decaps under valgrind memcheck
 * (suite ct): the MSK scalar, KeyGen's r, Encaps' u and the user key's
 * points are marked undefined, so any branch or memory index that depends
 * on them is reported (valgrind exits 99).  The library declassifies what
 * is public by design (ct_declassify.h: the ciphertext, A, the accept/
 * reject bit); outputs are marked defined here before they are checked.
 * Public data (policy, attribute strings, coefficients) stay defined. */
#include <valgrind/memcheck.h>

#include "tap.h"
#include "test_kem_util.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

static void secret_key_points(abe_key_t *key)
{
    SECRET(&key->sk1, sizeof key->sk1);
    SECRET(key->sk2, abe_attr_set_count(&key->attrs) * sizeof key->sk2[0]);
    SECRET(&key->sk3, sizeof key->sk3);
    SECRET(&key->sk3_prep, sizeof key->sk3_prep);
}

int main(void)
{
    abe_mpk_t *mpk = tk_alloc(sizeof *mpk);
    abe_msk_t msk;
    abe_error_t err;
    if (!tap_ok(abe_params() != NULL && abe_setup(mpk, &msk) == ABE_OK, "setup"))
        return tap_done();

    /* Setup's secret part: E^alpha with alpha undefined. */
    SECRET(&msk.alpha, sizeof msk.alpha);
    int m = abe_msk_matches(&msk, mpk);
    PUBLIC(&m, sizeof m);
    tap_eq(m, 1, "E^alpha with secret alpha");

    /* KeyGen with secret alpha and r (numeric attributes: many H_A(y)^r). */
    abe_key_t *key = tk_alloc(sizeof *key);
    bls_fr_t r;
    bls_fr_random_nonzero(&r);
    SECRET(&r, sizeof r);
    int rc = tk_key_attrs(key, "HCU|M1|grade = 4|A|B", &err);
    rc = rc == ABE_OK ? abe_keygen_with(key, mpk, &msk, &r) : rc;
    PUBLIC(&rc, sizeof rc);
    tap_eq(rc, ABE_OK, "KeyGen with secret alpha and r");

    /* Encaps with secret u; then Decaps with secret key points, for AND,
     * threshold (non-unit coefficients: bls_g1_mul of secret bases), a
     * repeated attribute (tau = 2) and, prepared with tables and enough
     * rows, the batch check of the rows (secret s' and shares). */
    static const char *const pols[] = {"HCU and grade >= 3", "2 of (A, B, C)",
                                       "(A and B) or (A and C)",
                                       "HCU and M1 and A and B and grade >= 3 and grade <= 6"};
    static const int prepared[] = {1, 0, 0, 1};
    static uint8_t ct[ABE_KEM_CT_MAX_BYTES];
    for (size_t i = 0; i < 4; i++) {
        abe_prepared_t *pp = tk_policy(pols[i], prepared[i], &err);
        bls_fr_t u;
        uint8_t k1[ABE_KEM_KEY_BYTES], k2[ABE_KEM_KEY_BYTES];
        size_t len = 0;
        bls_fr_random(&u);
        SECRET(&u, sizeof u);
        rc = abe_kem_encaps_with(mpk, pp, &u, ct, sizeof ct, &len, k1);
        PUBLIC(&rc, sizeof rc);
        PUBLIC(k1, sizeof k1);
        tap_eq(rc, ABE_OK, "Encaps with secret u: %s", pols[i]);
        secret_key_points(key);
        rc = abe_kem_decaps(mpk, key, ct, len, prepared[i] ? pp : NULL, k2);
        PUBLIC(&rc, sizeof rc);
        PUBLIC(k2, sizeof k2);
        tap_ok(rc == ABE_OK && memcmp(k1, k2, sizeof k1) == 0,
               "Decaps with secret key points: %s", pols[i]);
        /* A rejected ciphertext takes the same secret-independent path. */
        ct[len - 1] ^= 1;
        PUBLIC(ct, len);
        rc = abe_kem_decaps(mpk, key, ct, len, prepared[i] ? pp : NULL, k2);
        PUBLIC(&rc, sizeof rc);
        tap_eq(rc, ABE_ERR_DECAPS, "tampered ciphertext rejected: %s", pols[i]);
        /* Rows 1 and 2 swapped: valid points, so only the re-encryption
         * check (element-wise or batch) rejects, with the secrets in play. */
        ct[len - 1] ^= 1;
        size_t row = 5 + pp->enc_len + 1 + BLS_G2_COMPRESSED_BYTES * (1u + pp->tau) + 2;
        uint8_t tmp[BLS_G1_COMPRESSED_BYTES];
        memcpy(tmp, ct + row, sizeof tmp);
        memcpy(ct + row, ct + row + sizeof tmp, sizeof tmp);
        memcpy(ct + row + sizeof tmp, tmp, sizeof tmp);
        rc = abe_kem_decaps(mpk, key, ct, len, prepared[i] ? pp : NULL, k2);
        PUBLIC(&rc, sizeof rc);
        tap_eq(rc, ABE_ERR_DECAPS, "two rows swapped rejected: %s", pols[i]);
        tk_policy_free(pp);
    }
    PUBLIC(key, sizeof *key);
    tk_key_free(key);
    PUBLIC(&msk, sizeof msk);
    abe_msk_clear(&msk);
    free(mpk);
    return tap_done();
}
