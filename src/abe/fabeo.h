/* FABEO CP-ABE (Riepel-Wee, CCS 2022, Figure 1 left) on BLS12-381, as
 * specified in docs/spec/fabeo.md §7 to §10, the parts internal to src/abe:
 * H_A, KeyGen with given coins, deterministic Encrypt (coins given by the
 * caller, the CCA KEM derives them), and Decrypt as one multi-pairing of
 * 2 + tau pairs with one final exponentiation.  Keys, Setup, KeyGen and
 * prepared policies are public (abe.h).
 *
 * Return values: ABE_OK or a negative abe_status. */
#ifndef ROAM_ABE_FABEO_H
#define ROAM_ABE_FABEO_H

#include <stddef.h>
#include <stdint.h>

#include "abe.h"
#include "attrs.h"
#include "fabeo_params.h"
#include "lsss.h"
#include "pol_error.h"
#include "policy.h"

/* Builds the MPK object (id, fixed-base table) from A.  ABE_ERR_ARGUMENT
 * if A is 1. */
int abe_mpk_init(abe_mpk_t *mpk, const bls_gt_t *a);

/* KeyGen with a caller-chosen r != 0: deterministic, for tests and
 * known-answer vectors only.  r must be fresh and secret for every key. */
int abe_keygen_with(abe_key_t *key, const abe_mpk_t *mpk, const abe_msk_t *msk,
                    const bls_fr_t *r);

/* Recomputes sk3_prep after sk3 was set by a decoder. */
void abe_key_finish(abe_key_t *key);

/* Index of x in key->attrs, or -1. */
long abe_key_find(const abe_key_t *key, const uint8_t *x, size_t len);

/* ---- ciphertexts -------------------------------------------------------- */
/* Affine (decoded, or converted for serialization). */
typedef struct {
    uint16_t n1, tau;
    bls_g2_affine_t ct1;
    bls_g2_affine_t ct2[ABE_POL_MAX_OCC];
    bls_g1_affine_t ct3[ABE_POL_MAX_LEAVES];
    bls_gt_t ctp;
} abe_ct_t;

/* Projective, as Encrypt produces it (the KEM compares re-encryptions in
 * this form, without inverting secret-dependent coordinates). */
typedef struct {
    uint16_t n1, tau;
    bls_g2_t ct1;
    bls_g2_t ct2[ABE_POL_MAX_OCC];
    bls_g1_t ct3[ABE_POL_MAX_LEAVES];
    bls_gt_t ctp;
} abe_ct_proj_t;

/* Encrypt with explicit coins: v[0..n2) (v[0] = s) and sp[0..tau)
 * (s'_1..s'_tau); m is the GT message.  Constant time in v, sp and m. */
int abe_encrypt_proj(abe_ct_proj_t *ct, const abe_mpk_t *mpk, const abe_prepared_t *pp,
                     const bls_gt_t *m, const bls_fr_t *v, const bls_fr_t *sp);
/* Independent work that Encrypt or Decrypt runs on their two threads next
 * to their own: fn(ctx, k, k + 1) for each k < n, nonzero on failure.  The
 * KEM's Decaps passes the subgroup tests of the ciphertext rows to Decrypt
 * and the batch check of the rows to the re-encryption. */
typedef struct {
    int (*fn)(void *ctx, size_t from, size_t to);
    void *ctx;
    size_t n;
} abe_side_t;

/* abe_encrypt_proj with side's items (side may be NULL; they run first)
 * and, if with_rows is 0, without the rows ct3 (left unset).
 * ABE_ERR_REJECTED if a side item failed. */
int abe_encrypt_proj_with(abe_ct_proj_t *ct, const abe_mpk_t *mpk,
                          const abe_prepared_t *pp, const bls_gt_t *m, const bls_fr_t *v,
                          const bls_fr_t *sp, int with_rows, const abe_side_t *side);
/* The same, converted to affine (the ciphertext is public). */
int abe_encrypt(abe_ct_t *ct, const abe_mpk_t *mpk, const abe_prepared_t *pp,
                const bls_gt_t *m, const bls_fr_t *v, const bls_fr_t *sp);

/* Decrypt: m = ct' / FE(ML(sk1, ct1) prod_t ML(P_t, ct2_t) ML(C^-1, sk3)).
 * ct must belong to pp (n1, tau checked).  ABE_ERR_NOT_SATISFIED if the
 * key does not satisfy the policy. */
int abe_decrypt(bls_gt_t *m, const abe_key_t *key, const abe_prepared_t *pp,
                const abe_ct_t *ct);

/* abe_decrypt, with side's items (side may be NULL) next to the Miller
 * loop and the final exponentiation (which one thread does alone):
 * ABE_ERR_REJECTED (m unspecified) if one of them failed. */
int abe_decrypt_with(bls_gt_t *m, const abe_key_t *key, const abe_prepared_t *pp,
                     const abe_ct_t *ct, const abe_side_t *side);

#endif
