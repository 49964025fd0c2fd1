/* The KEM against the formulas of docs/spec/fabeo.md §11, recomputed here
 * independently of kem.c: with u fixed, Encaps must output exactly
 * Encrypt(coins = hash_to_field(ser_GT(E^u) || mpk_id || I2OSP(len pol, 4)
 * || pol, n2 + tau) with DST "ROAM-FABEO-V01-KEM-COINS", m = E^u), and K
 * must be HKDF-SHA256 computed by hand with HMAC (RFC 5869: PRK =
 * HMAC(0^32, IKM), K = HMAC(PRK, info || 0x01)[0..32)). */
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "hash_to_curve.h"
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

static void one(const fabeo_mpk_t *mpk, const char *policy)
{
    pol_error_t err;
    fabeo_policy_t *pp = tk_policy(policy, 0, &err);
    if (!tap_ok(pp != NULL, "policy %s", policy))
        return;
    fr_t u, coins[KEM_MAX_COINS];
    gt_t r;
    fr_random(&u);
    gt_pow(&r, &fabeo_params()->e, &u);

    /* Coins from the spec's formula. */
    size_t ml = GT_BYTES + 32 + 4 + pp->enc_len;
    uint8_t *msg = tk_alloc(ml);
    gt_to_bytes(msg, &r);
    memcpy(msg + GT_BYTES, mpk->id, 32);
    msg[GT_BYTES + 32] = (uint8_t)(pp->enc_len >> 24);
    msg[GT_BYTES + 33] = (uint8_t)(pp->enc_len >> 16);
    msg[GT_BYTES + 34] = (uint8_t)(pp->enc_len >> 8);
    msg[GT_BYTES + 35] = (uint8_t)pp->enc_len;
    memcpy(msg + GT_BYTES + 36, pp->enc, pp->enc_len);
    static const char dst[] = "ROAM-FABEO-V01-KEM-COINS";
    tap_ok(fr_hash_to_field(coins, (size_t)pp->n2 + pp->tau, msg, ml, (const uint8_t *)dst,
                            sizeof dst - 1) == BLS_OK, "coins");
    fabeo_ct_t *c = tk_alloc(sizeof *c);
    static uint8_t want[KEM_CT_MAX_BYTES], got[KEM_CT_MAX_BYTES];
    size_t wl = 0, gl = 0;
    tap_ok(fabeo_encrypt(c, mpk, pp, &r, coins, coins + pp->n2) == ABE_OK &&
               kem_ct_encode(want, sizeof want, &wl, c, pp) == ABE_OK, "reference encryption");

    uint8_t k[32], kref[32], ikm[GT_BYTES + 32];
    tap_ok(kem_encaps_with(mpk, pp, &u, got, sizeof got, &gl, k) == ABE_OK, "Encaps with u");
    tap_ok(gl == wl && memcmp(got, want, wl) == 0,
           "%s: ser(CT) equals Encrypt with the spec's coins (%zu bytes)", policy, gl);
    tap_ok(got[0] == 0x02 && gl == kem_ct_size(pp), "version byte 0x02, exact size");
    gt_to_bytes(ikm, &r);
    sha256(ikm + GT_BYTES, want, wl);
    hkdf_by_hand(kref, ikm, sizeof ikm);
    tap_ok(memcmp(k, kref, 32) == 0, "%s: K = HKDF-SHA256(ser_GT(R) || SHA-256(ser(CT)))", policy);
    free(msg);
    free(c);
    tk_policy_free(pp);
}

int main(void)
{
    fabeo_mpk_t *mpk = tk_alloc(sizeof *mpk);
    fabeo_msk_t msk;
    if (!tap_ok(fabeo_setup(mpk, &msk) == ABE_OK, "setup"))
        return tap_done();
    uint8_t a[GT_BYTES], id[32];
    gt_to_bytes(a, &mpk->a);
    sha256(id, a, sizeof a);
    tap_ok(memcmp(id, mpk->id, 32) == 0, "mpk_id = SHA-256(ser_GT(A))");
    one(mpk, "A and B");
    one(mpk, "(A and B) or (A and C) or 2 of (B, C, D)");
    one(mpk, "grade >= 3 and expiry >= 2026-11-25");
    fabeo_msk_clear(&msk);
    free(mpk);
    return tap_done();
}
