/* The KEM against the formulas of docs/spec/fabeo.md §11, recomputed here
 * independently of kem.c: with u fixed, Encaps must output exactly
 * Encrypt(coins = hash_to_field(ser_GT(E^u) || mpk_id || I2OSP(len pol, 4)
 * || pol, n2 + tau) with DST "ROAM-FABEO-V01-KEM-COINS", m = E^u), and K
 * must be HKDF-SHA256 computed by hand with HMAC (RFC 5869: PRK =
 * HMAC(0^32, IKM), K = HMAC(PRK, info || 0x01)[0..32)). */
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "bls12381.h"
#include "tap.h"
#include "test_kem_util.h"

static void sha256(uint8_t out[32], const uint8_t *in, size_t len)
{
    unsigned l = 0;
    if (EVP_Digest(in, len, out, &l, EVP_sha256(), NULL) != 1 || l != 32)
        abort();
}

static void hkdf_by_hand(uint8_t k[32], const uint8_t *ikm, size_t ikm_len)
{
    static const uint8_t zeros[32];
    static const char info[] = "ROAM-FABEO-KEM-v1";
    uint8_t prk[32], block[sizeof info - 1 + 1];
    unsigned l = 0;
    if (HMAC(EVP_sha256(), zeros, 32, ikm, ikm_len, prk, &l) == NULL || l != 32)
        abort();
    memcpy(block, info, sizeof info - 1);
    block[sizeof info - 1] = 0x01;
    if (HMAC(EVP_sha256(), prk, 32, block, sizeof block, k, &l) == NULL || l != 32)
        abort();
}

static void one(const abe_mpk_t *mpk, const char *policy)
{
    abe_error_t err;
    abe_prepared_t *pp = tk_policy(policy, 0, &err);
    if (!tap_ok(pp != NULL, "policy %s", policy))
        return;
    bls_fr_t u, coins[ABE_KEM_MAX_COINS];
    bls_gt_t r;
    bls_fr_random(&u);
    bls_gt_pow(&r, &abe_params()->e, &u);

    /* Coins from the spec's formula. */
    size_t ml = BLS_GT_BYTES + 32 + 4 + pp->enc_len;
    uint8_t *msg = tk_alloc(ml);
    bls_gt_to_bytes(msg, &r);
    memcpy(msg + BLS_GT_BYTES, mpk->id, 32);
    msg[BLS_GT_BYTES + 32] = (uint8_t)(pp->enc_len >> 24);
    msg[BLS_GT_BYTES + 33] = (uint8_t)(pp->enc_len >> 16);
    msg[BLS_GT_BYTES + 34] = (uint8_t)(pp->enc_len >> 8);
    msg[BLS_GT_BYTES + 35] = (uint8_t)pp->enc_len;
    memcpy(msg + BLS_GT_BYTES + 36, pp->enc, pp->enc_len);
    static const char dst[] = "ROAM-FABEO-V01-KEM-COINS";
    tap_eq(bls_fr_hash_to_field(coins, (size_t)pp->n2 + pp->tau, msg, ml, (const uint8_t *)dst,
                            sizeof dst - 1), BLS_OK, "coins");
    abe_ct_t *c = tk_alloc(sizeof *c);
    static uint8_t want[ABE_KEM_CT_MAX_BYTES], got[ABE_KEM_CT_MAX_BYTES];
    size_t wl = 0, gl = 0;
    tap_ok(abe_encrypt(c, mpk, pp, &r, coins, coins + pp->n2) == ABE_OK &&
               abe_kem_ct_encode(want, sizeof want, &wl, c, pp) == ABE_OK, "reference encryption");

    uint8_t k[32], kref[32], ikm[BLS_GT_BYTES + 32];
    tap_eq(abe_kem_encaps_with(mpk, pp, &u, got, sizeof got, &gl, k), ABE_OK, "Encaps with u");
    tap_ok(gl == wl && memcmp(got, want, wl) == 0,
           "%s: ser(CT) equals Encrypt with the spec's coins (%zu bytes)", policy, gl);
    tap_ok(got[0] == 0x02 && gl == abe_kem_ct_size(pp), "version byte 0x02, exact size");
    bls_gt_to_bytes(ikm, &r);
    sha256(ikm + BLS_GT_BYTES, want, wl);
    hkdf_by_hand(kref, ikm, sizeof ikm);
    tap_eq_mem(k, kref, 32, "%s: K = HKDF-SHA256(ser_GT(R) || SHA-256(ser(CT)))", policy);
    free(msg);
    free(c);
    tk_policy_free(pp);
}

int main(void)
{
    abe_mpk_t *mpk = tk_alloc(sizeof *mpk);
    abe_msk_t msk;
    if (!tap_eq(abe_setup(mpk, &msk), ABE_OK, "setup"))
        return tap_done();
    uint8_t a[BLS_GT_BYTES], id[32];
    bls_gt_to_bytes(a, &mpk->a);
    sha256(id, a, sizeof a);
    tap_eq_mem(id, mpk->id, 32, "mpk_id = SHA-256(ser_GT(A))");
    one(mpk, "A and B");
    one(mpk, "(A and B) or (A and C) or 2 of (B, C, D)");
    one(mpk, "grade >= 3 and expiry >= 2026-11-25");
    abe_msk_clear(&msk);
    free(mpk);
    return tap_done();
}
