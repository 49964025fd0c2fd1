/* FABEO CP-ABE (Riepel-Wee, CCS 2022, Figure 1 left) on BLS12-381, as
 * specified in spec/FABEO.md section 2: Setup, KeyGen, deterministic Encrypt
 * (coins given by the caller, the CCA KEM derives them), and Decrypt as one
 * multi-pairing of 2 + tau pairs with one final exponentiation.
 *
 * Objects are large fixed-size structs (tables, attribute sets): allocate
 * them with malloc or statically, never copy them (a prepared policy points
 * into itself), and call the matching *_clear when done; clear zeroizes
 * secrets and frees what the object owns.
 *
 * Return values: ABE_OK or a negative abe_status. */
#ifndef ROAM_ABE_FABEO_H
#define ROAM_ABE_FABEO_H

#include <stddef.h>
#include <stdint.h>

#include "attrs.h"
#include "g1.h"
#include "g2.h"
#include "lsss.h"
#include "pairing.h"
#include "policy.h"

#define FABEO_ID_BYTES 32          /* mpk_id = SHA-256(ser_GT(A)) */
#define FABEO_MAX_USER_ATTRS 256   /* user-level attributes of one key */
#define FABEO_MAX_USER_POOL 16384  /* bytes of their texts */

/* DSTs and fixed inputs of FABEO.md section 1. */
#define FABEO_DST_H "ROAM-FABEO-V01-CS01-with-BLS12381G1_XMD:SHA-256_SSWU_RO_"

/* ---- public parameters: g, h, B = H(0x03 || "FABEO-B"), E = e(g, h) ---- */
typedef struct {
    g1_affine_t b;
    g1_fixed_base_t b_table;   /* B^x, secret x */
    g1_fixed_base_t g_table;   /* g^alpha in KeyGen */
    g2_fixed_base_t h_table;   /* h^s, h^s', h^r */
    gt_t e;
    gt_fixed_base_t e_table;   /* E^alpha, E^u */
} fabeo_params_t;

/* The process-wide parameters, computed once (thread-safe) on first use.
 * NULL only if hashing B failed, which does not happen with a working
 * OpenSSL. */
const fabeo_params_t *fabeo_params(void);

/* H_A(x) = hash_to_curve(0x01 || I2OSP(len(x), 2) || x) with FABEO_DST_H. */
int fabeo_hash_attr(g1_t *out, const uint8_t *x, size_t len);

/* ---- keys --------------------------------------------------------------- */
typedef struct {
    gt_t a;                        /* A = E^alpha, != 1 */
    uint8_t id[FABEO_ID_BYTES];    /* SHA-256(ser_GT(A)) */
    gt_fixed_base_t a_table;       /* A^s in Encrypt */
} fabeo_mpk_t;

typedef struct {
    fr_t alpha;                    /* nonzero */
} fabeo_msk_t;

/* A user key.  `user` keeps the attributes as the authority was given them
 * (e.g. "grade = 4") for display and for re-deriving attrs on decoding;
 * attrs is the expanded, sorted set S, and sk2[i] belongs to string i of
 * attrs. */
typedef struct {
    uint8_t mpk_id[FABEO_ID_BYTES];
    size_t n_user;
    uint16_t user_off[FABEO_MAX_USER_ATTRS], user_len[FABEO_MAX_USER_ATTRS];
    uint8_t user_pool[FABEO_MAX_USER_POOL];
    attr_set_t attrs;
    g1_affine_t sk1;
    g1_affine_t sk2[ATTRS_MAX];
    g2_affine_t sk3;
    g2_prepared_t sk3_prep;        /* sk3's Miller-loop lines (Decrypt) */
} fabeo_key_t;

/* Builds the MPK object (id, fixed-base table) from A.  ABE_ERR_ARGUMENT
 * if A is 1. */
int fabeo_mpk_init(fabeo_mpk_t *mpk, const gt_t *a);

/* alpha <-$ Z_r*, A = E^alpha. */
int fabeo_setup(fabeo_mpk_t *mpk, fabeo_msk_t *msk);

/* 1 if E^alpha = A (the MSK belongs to this MPK), else 0.  Constant time. */
int fabeo_msk_matches(const fabeo_msk_t *msk, const fabeo_mpk_t *mpk);

/* Starts an empty key for KeyGen: records the user-level attribute texts
 * and expands them into key->attrs (attr_set_add: refuses a second value of
 * a numeric attribute, out-of-range numbers, ...).  err gets the details. */
int fabeo_key_set_attrs(fabeo_key_t *key, const char *const *texts, size_t n,
                        pol_error_t *err);

/* KeyGen on a key prepared with fabeo_key_set_attrs: fresh r <-$ Z_r*,
 * sk1 = g^alpha B^r, sk2_y = H_A(y)^r, sk3 = h^r. */
int fabeo_keygen(fabeo_key_t *key, const fabeo_mpk_t *mpk, const fabeo_msk_t *msk);

/* KeyGen with a caller-chosen r != 0: deterministic, for tests and
 * known-answer vectors only.  r must be fresh and secret for every key. */
int fabeo_keygen_with(fabeo_key_t *key, const fabeo_mpk_t *mpk, const fabeo_msk_t *msk,
                      const fr_t *r);

/* Recomputes sk3_prep after sk3 was set by a decoder. */
void fabeo_key_finish(fabeo_key_t *key);

/* Index of x in key->attrs, or -1. */
long fabeo_key_find(const fabeo_key_t *key, const uint8_t *x, size_t len);

void fabeo_msk_clear(fabeo_msk_t *msk);
void fabeo_key_clear(fabeo_key_t *key);

/* ---- prepared policy ---------------------------------------------------- */
/* The compiled LSSS, canonical encoding, and H_A of each distinct attribute
 * string, optionally with one fixed-base table per distinct string (86 KB
 * each) so that Encrypt's H_A(rho(i))^{s'} is a table lookup.  Prepare once,
 * encrypt many times; read-only afterwards (may be shared between threads). */
typedef struct {
    policy_t pol;
    lsss_t lsss;
    uint8_t enc[POL_MAX_ENCODED];
    size_t enc_len;
    uint16_t n1, n2, tau;
    uint16_t n_distinct;
    uint16_t row_attr[POL_MAX_LEAVES];     /* row -> distinct string */
    uint16_t distinct_row[POL_MAX_LEAVES]; /* distinct string -> its first row */
    g1_affine_t h[POL_MAX_LEAVES];         /* H_A of distinct string j */
    g1_fixed_base_t *tables;               /* n_distinct tables, or NULL */
} fabeo_policy_t;

/* From policy text (policy_parse) or from a canonical encoding
 * (policy_decode, strict).  with_tables = 1 builds the fixed-base tables.
 * ABE_ERR_POLICY with err filled in on a bad policy. */
int fabeo_policy_prepare_text(fabeo_policy_t *pp, const char *text, size_t len,
                              int with_tables, pol_error_t *err);
int fabeo_policy_prepare_encoded(fabeo_policy_t *pp, const uint8_t *enc, size_t len,
                                 int with_tables, pol_error_t *err);
void fabeo_policy_clear(fabeo_policy_t *pp);

/* ---- ciphertexts -------------------------------------------------------- */
/* Affine (decoded, or converted for serialization). */
typedef struct {
    uint16_t n1, tau;
    g2_affine_t ct1;
    g2_affine_t ct2[POL_MAX_OCC];
    g1_affine_t ct3[POL_MAX_LEAVES];
    gt_t ctp;
} fabeo_ct_t;

/* Projective, as Encrypt produces it (the KEM compares re-encryptions in
 * this form, without inverting secret-dependent coordinates). */
typedef struct {
    uint16_t n1, tau;
    g2_t ct1;
    g2_t ct2[POL_MAX_OCC];
    g1_t ct3[POL_MAX_LEAVES];
    gt_t ctp;
} fabeo_ct_proj_t;

/* Encrypt with explicit coins: v[0..n2) (v[0] = s) and sp[0..tau)
 * (s'_1..s'_tau); m is the GT message.  Constant time in v, sp and m. */
int fabeo_encrypt_proj(fabeo_ct_proj_t *ct, const fabeo_mpk_t *mpk, const fabeo_policy_t *pp,
                       const gt_t *m, const fr_t *v, const fr_t *sp);
/* Independent work that Encrypt or Decrypt runs on their two threads next
 * to their own: fn(ctx, k, k + 1) for each k < n, nonzero on failure.  The
 * KEM's Decaps passes the subgroup tests of the ciphertext rows to Decrypt
 * and the batch check of the rows to the re-encryption. */
typedef struct {
    int (*fn)(void *ctx, size_t from, size_t to);
    void *ctx;
    size_t n;
} fabeo_side_t;

/* fabeo_encrypt_proj with side's items (side may be NULL; they run first)
 * and, if with_rows is 0, without the rows ct3 (left unset).
 * ABE_ERR_REJECTED if a side item failed. */
int fabeo_encrypt_proj_with(fabeo_ct_proj_t *ct, const fabeo_mpk_t *mpk,
                            const fabeo_policy_t *pp, const gt_t *m, const fr_t *v,
                            const fr_t *sp, int with_rows, const fabeo_side_t *side);
/* The same, converted to affine (the ciphertext is public). */
int fabeo_encrypt(fabeo_ct_t *ct, const fabeo_mpk_t *mpk, const fabeo_policy_t *pp,
                  const gt_t *m, const fr_t *v, const fr_t *sp);

/* Decrypt: m = ct' / FE(ML(sk1, ct1) prod_t ML(P_t, ct2_t) ML(C^-1, sk3)).
 * ct must belong to pp (n1, tau checked).  ABE_ERR_NOT_SATISFIED if the
 * key does not satisfy the policy. */
int fabeo_decrypt(gt_t *m, const fabeo_key_t *key, const fabeo_policy_t *pp,
                  const fabeo_ct_t *ct);

/* fabeo_decrypt, with side's items (side may be NULL) next to the Miller
 * loop and the final exponentiation (which one thread does alone):
 * ABE_ERR_REJECTED (m unspecified) if one of them failed. */
int fabeo_decrypt_with(gt_t *m, const fabeo_key_t *key, const fabeo_policy_t *pp,
                       const fabeo_ct_t *ct, const fabeo_side_t *side);

#endif
