/* libabe: CP-ABE for roam (FABEO on BLS12-381), the interface the rest of
 * roam uses: policies, key attribute sets, Setup and KeyGen, the CCA KEM
 * (Encaps, Decaps), the binary object formats and armored key files.
 * Everything else in src/abe is internal to the library and its tests
 * (tests/abe): the deterministic variants that must never see one nonce
 * twice, the split ciphertext decoder, the LSSS, the tokenizer.
 *
 * Names: every global symbol of the library and every public type starts
 * with abe_, every public constant with ABE_.  The prefix is followed by
 * the object the name is about, then the verb:
 *   abe_setup, abe_keygen, abe_key_*, abe_msk_*   the scheme (FABEO)
 *   abe_prepare_*, abe_prepared_*                 prepared policies
 *   abe_kem_*                                     the KEM and ser(CT)
 *   abe_encode_*, abe_decode_*, abe_obj_*         stored objects
 *   abe_keyfile_*, abe_armor_*                    armored files
 *   abe_policy_*, abe_attr_set_*, abe_error_*     policy language
 * Internal functions keep their unit's short name after the prefix
 * (abe_lsss_*, abe_astr_*, abe_num_*, abe_pt_*, abe_ts_*, abe_par_*).
 *
 * Status: ABE_OK (0) or a negative abe_status is what every function that
 * can fail returns (abe_keyfile_* return 0 or -1 and write a message
 * instead).  Functions that read text also fill an error report with the
 * byte offset of the problem and a message.
 *
 * Objects are large fixed-size structs (tables, attribute sets): allocate
 * them with malloc or statically, never copy them (a prepared policy points
 * into itself), and call the matching *_clear when done; clear zeroizes
 * secrets and frees what the object owns. */
#ifndef ROAM_ABE_H
#define ROAM_ABE_H

#include <stddef.h>
#include <stdint.h>

#include "bls12381.h"

/* ---- status codes ------------------------------------------------------- */
typedef enum {
    ABE_OK = 0,
    /* policy language, key attributes, canonical policy encoding, LSSS */
    ABE_ERR_SYNTAX = -1,        /* malformed policy or attribute text */
    ABE_ERR_RANGE = -2,         /* number, width or date out of range */
    ABE_ERR_TRIVIAL = -3,       /* comparison always true or always false */
    ABE_ERR_NEGATION = -4,      /* not / ! : monotone policies only */
    ABE_ERR_LIMIT = -5,         /* a documented size limit was exceeded */
    ABE_ERR_CONFLICT = -6,      /* key: two values of one numeric attribute */
    ABE_ERR_DECODE = -7,        /* canonical policy encoding rejected */
    ABE_ERR_NOT_SATISFIED = -8, /* attributes do not satisfy the policy */
    ABE_ERR_ARGUMENT = -9,      /* NULL pointer, buffer too small, counts, ... */
    /* the scheme and the KEM */
    ABE_ERR_POLICY = -10,       /* policy text/encoding/LSSS rejected (see abe_error_t) */
    ABE_ERR_RNG = -11,          /* the OS CSPRNG failed */
    ABE_ERR_INTERNAL = -12,     /* hashing or allocation failed */
    ABE_ERR_REJECTED = -13,     /* a check run next to Encrypt/Decrypt failed */
    ABE_ERR_KEM_LIMIT = -14,    /* policy beyond the KEM's coin limit */
    ABE_ERR_FORMAT = -15,       /* ser(CT) malformed (ciphertext parsers only) */
    ABE_ERR_DECAPS = -16,       /* every Decaps failure: malformed, unsatisfied, check */
    /* stored objects (keys, ciphertexts) */
    ABE_ERR_MAGIC = -17,        /* not a roam object */
    ABE_ERR_TYPE = -18,         /* another kind of object than expected */
    ABE_ERR_VERSION = -19,      /* unknown format version */
    ABE_ERR_LENGTH = -20,       /* truncated, or trailing bytes */
    ABE_ERR_POINT = -21,        /* bad or identity group element */
    ABE_ERR_SCALAR = -22,       /* scalar zero or >= r */
    ABE_ERR_ATTRS = -23,        /* attribute list invalid or inconsistent */
    ABE_ERR_MEMORY = -24,
    ABE_ERR_CT_POLICY = -25     /* ciphertext policy invalid or tau/n1 mismatch */
} abe_status;

/* A short English description of a status code, never NULL. */
const char *abe_strerror(int code);

/* ---- documented limits (docs/policy.md, "Limits") ----------------------
 * Every input is checked against them before any work is done, so parsing,
 * compiling and decoding use bounded memory and bounded recursion. */
#define ABE_POL_MAX_TEXT        4096  /* bytes of policy text */
#define ABE_POL_MAX_DEPTH       32    /* nesting of parentheses / thresholds in text */
#define ABE_POL_MAX_LEAVES      256   /* leaves after numeric expansion = LSSS rows */
#define ABE_POL_MAX_NODES       (2 * ABE_POL_MAX_LEAVES) /* gates have >= 2 children */
#define ABE_POL_MAX_TREE_DEPTH  128   /* depth of the expanded tree (text depth +
                                     at most 65 levels of one comparison) */
#define ABE_POL_MAX_NAME        128   /* bytes of a user attribute name */
#define ABE_POL_MAX_ATTR        192   /* bytes of any attribute string, internal
                                     numeric strings included */
#define ABE_POL_MAX_OCC         32    /* tau: occurrences of one attribute string */
#define ABE_POL_MAX_ENCODED     (ABE_POL_MAX_LEAVES * (3 + ABE_POL_MAX_ATTR) + \
                                 ABE_POL_MAX_LEAVES * 5)

#define ABE_ATTRS_MAX           2048  /* strings in one expanded key attribute set */
#define ABE_ATTRS_POOL_BYTES    131072

/* ---- errors with a position --------------------------------------------- */
#define ABE_NO_POS ((size_t)-1)

typedef struct {
    int code;         /* an abe_status */
    size_t offset;    /* byte offset into the input, or ABE_NO_POS */
    char msg[224];    /* "column N: ..." for text inputs */
} abe_error_t;

/* Resets err to ABE_OK with an empty message. */
void abe_error_clear(abe_error_t *err);

/* ---- policies ------------------------------------------------------------
 * A abe_policy_t is the monotone tree after numeric comparisons have been
 * expanded into internal bit attributes (docs/policy.md): leaves are
 * attribute strings, gates are AND, OR or k-of-n thresholds with 1 < k < n,
 * in depth-first preorder (node 0 is the root; leaf i is LSSS row i).
 * Caller-owned, about 60 KB, no cleanup. */
typedef struct {
    uint8_t kind;       /* pn_kind */
    uint16_t k, n;      /* gate: k of n children (AND k = n, OR k = 1); leaf: 0, 0 */
    uint16_t first;     /* first child, or POL_NONE */
    uint16_t next;      /* next sibling, or POL_NONE */
    uint16_t last;      /* last child (used while building) */
    uint16_t str_len;   /* leaf: attribute string pool[str_off .. +str_len) */
    uint32_t str_off;   /* equal strings share one offset (interned) */
} abe_pol_node_t;

typedef struct abe_policy {
    uint16_t n_nodes, n_leaves;
    uint32_t pool_used;
    abe_pol_node_t node[ABE_POL_MAX_NODES];
    uint8_t pool[ABE_POL_MAX_LEAVES * ABE_POL_MAX_ATTR];
} abe_policy_t;

struct abe_attr_set;

/* Parses policy text of len bytes (no NUL needed; at most ABE_POL_MAX_TEXT).
 * Returns ABE_OK or a negative abe_status with err->offset and err->msg
 * describing the first problem. */
int abe_policy_parse(abe_policy_t *p, const char *text, size_t len, abe_error_t *err);

/* 1 if the attribute set satisfies the policy (each leaf is satisfied when
 * its string is in the set, a gate when at least k children are), else 0. */
int abe_policy_satisfied(const abe_policy_t *p, const struct abe_attr_set *s);

/* Readable rendering of the compiled tree, e.g.
 * `HCU and (grade#f:>=2^2 or (grade#f:b0=1 and grade#f:b1=1))`.
 * NUL-terminated, truncated to cap; returns the untruncated length. */
size_t abe_policy_format(const abe_policy_t *p, char *out, size_t cap);

/* ---- composing policies --------------------------------------------------
 * Policies are combined as trees, never as texts: each part is parsed on
 * its own (its errors point into its own text), so no part can reach out of
 * its place in the whole.  The result is the tree abe_policy_parse gives
 * for "(A) and (B)" when both texts parse; limits are checked on the
 * whole (ABE_ERR_LIMIT).  out must be neither a nor b. */
int abe_policy_and(abe_policy_t *out, const abe_policy_t *a, const abe_policy_t *b,
                   abe_error_t *err);

/* roam's expiry rule (docs/policy.md §8): servers challenge with
 * P AND expiry >= DATE, DATE the current UTC day as YYYY-MM-DD.  Keys carry
 * `expiry = DATE`. */
#define ABE_EXPIRY_ATTR "expiry"

/* The clause `expiry >= date` alone; date must be a valid YYYY-MM-DD. */
int abe_policy_expiry_clause(abe_policy_t *out, const char *date, abe_error_t *err);

/* out = p AND expiry >= date. */
int abe_policy_and_expiry(abe_policy_t *out, const abe_policy_t *p, const char *date,
                          abe_error_t *err);

/* Parses text on its own, then out = text AND expiry >= date: the one way
 * every program turns a policy into what a server challenges with. */
int abe_policy_parse_with_expiry(abe_policy_t *out, const char *text, size_t len,
                                 const char *date, abe_error_t *err);

/* ---- key attribute sets --------------------------------------------------
 * The expanded, sorted, deduplicated attribute strings of a key: KeyGen's
 * S.  About 150 KB, caller-owned, no cleanup. */
typedef struct abe_attr_set {
    size_t n;                        /* number of strings */
    uint32_t off[ABE_ATTRS_MAX];         /* sorted order: string i is pool[off[i]..) */
    uint16_t len[ABE_ATTRS_MAX];
    size_t pool_used;
    uint8_t pool[ABE_ATTRS_POOL_BYTES];
} abe_attr_set_t;

size_t abe_attr_set_count(const abe_attr_set_t *s);

/* ---- the LSSS of a prepared policy (built by the library) ------------- */
typedef struct {
    uint8_t inherit;    /* label starts with the parent's label */
    uint16_t neg_col;   /* -1 in this column (LW chain), or POL_NONE */
    uint16_t pos_col;   /* +1 in this column (LW chain, root), or POL_NONE */
    uint16_t run_col;   /* threshold child j: j^1..j^len from run_col on */
    uint16_t run_len;
    uint16_t run_base;  /* j */
} abe_lsss_label_t;

typedef struct {
    const abe_policy_t *pol;
    uint16_t rows;                      /* n1 = leaves */
    uint16_t cols;                      /* n2 */
    uint16_t tau;                       /* max occurrence index (1..ABE_POL_MAX_OCC) */
    uint16_t row_node[ABE_POL_MAX_LEAVES];  /* row -> leaf node */
    uint8_t occ[ABE_POL_MAX_LEAVES];        /* occ(i): 1-based occurrence of rho(i) */
    uint16_t parent[ABE_POL_MAX_NODES];
    abe_lsss_label_t label[ABE_POL_MAX_NODES];
} abe_lsss_t;

/* ---- the scheme: FABEO (Riepel-Wee, CCS 2022) on BLS12-381 ----------- */
#define ABE_ID_BYTES 32          /* mpk_id = SHA-256(ser_GT(A)) */
#define ABE_MAX_USER_ATTRS 256   /* user-level attributes of one key */
#define ABE_MAX_USER_POOL 16384  /* bytes of their texts */

/* public parameters: g, h, B = H(0x03 || "FABEO-B"), E = e(g, h) */
typedef struct {
    bls_g1_affine_t b;
    bls_g1_fixed_base_t b_table;   /* B^x, secret x */
    bls_g1_fixed_base_t g_table;   /* g^alpha in KeyGen */
    bls_g2_fixed_base_t h_table;   /* h^s, h^s', h^r */
    bls_gt_t e;
    bls_gt_fixed_base_t e_table;   /* E^alpha, E^u */
} abe_params_t;

/* The process-wide parameters, computed once (thread-safe) on first use.
 * NULL only if hashing B failed, which does not happen with a working
 * OpenSSL. */
const abe_params_t *abe_params(void);

typedef struct {
    bls_gt_t a;                        /* A = E^alpha, != 1 */
    uint8_t id[ABE_ID_BYTES];    /* SHA-256(ser_GT(A)) */
    bls_gt_fixed_base_t a_table;       /* A^s in Encrypt */
} abe_mpk_t;

typedef struct {
    bls_fr_t alpha;                    /* nonzero */
} abe_msk_t;

/* A user key.  `user` keeps the attributes as the authority was given them
 * (e.g. "grade = 4") for display and for re-deriving attrs on decoding;
 * attrs is the expanded, sorted set S, and sk2[i] belongs to string i of
 * attrs. */
typedef struct {
    uint8_t mpk_id[ABE_ID_BYTES];
    size_t n_user;
    uint16_t user_off[ABE_MAX_USER_ATTRS], user_len[ABE_MAX_USER_ATTRS];
    uint8_t user_pool[ABE_MAX_USER_POOL];
    abe_attr_set_t attrs;
    bls_g1_affine_t sk1;
    bls_g1_affine_t sk2[ABE_ATTRS_MAX];
    bls_g2_affine_t sk3;
    bls_g2_prepared_t sk3_prep;        /* sk3's Miller-loop lines (Decrypt) */
} abe_key_t;

/* alpha <-$ Z_r*, A = E^alpha. */
int abe_setup(abe_mpk_t *mpk, abe_msk_t *msk);

/* 1 if E^alpha = A (the MSK belongs to this MPK), else 0.  Constant time. */
int abe_msk_matches(const abe_msk_t *msk, const abe_mpk_t *mpk);

/* Starts an empty key for KeyGen: records the user-level attribute texts
 * and expands them into key->attrs (abe_attr_set_add: refuses a second value of
 * a numeric attribute, out-of-range numbers, ...).  err gets the details. */
int abe_key_set_attrs(abe_key_t *key, const char *const *texts, size_t n,
                      abe_error_t *err);

/* KeyGen on a key prepared with abe_key_set_attrs: fresh r <-$ Z_r*,
 * sk1 = g^alpha B^r, sk2_y = H_A(y)^r, sk3 = h^r. */
int abe_keygen(abe_key_t *key, const abe_mpk_t *mpk, const abe_msk_t *msk);

/* The value of the key's `expiry = ...` attribute as issued (e.g.
 * "2027-03-31") into out: 1, or 0 if the key carries no expiry. */
int abe_key_expiry(const abe_key_t *key, char *out, size_t cap);

/* Why the key would be refused under p AND expiry >= date (p may be NULL:
 * the expiry alone).  Returns ABE_WHY_OK, ABE_WHY_EXPIRED (detail: the
 * key's expiry), ABE_WHY_UNDATED (no expiry), ABE_WHY_LACKS (detail: the
 * attributes of p the key lacks, ", "-separated, numeric ones with "(the
 * key has no value)" or "(the key's value does not satisfy the comparison)"), or a
 * negative abe_status (e.g. date is not a date). */
enum { ABE_WHY_OK = 0, ABE_WHY_EXPIRED = 1, ABE_WHY_UNDATED = 2, ABE_WHY_LACKS = 3 };
int abe_key_why_not(const abe_key_t *key, const abe_policy_t *p, const char *date,
                    char *detail, size_t cap);

void abe_msk_clear(abe_msk_t *msk);
void abe_key_clear(abe_key_t *key);

/* A prepared policy: the compiled LSSS, canonical encoding, and H_A of each distinct attribute
 * string, optionally with one fixed-base table per distinct string (86 KB
 * each) so that Encrypt's H_A(rho(i))^{s'} is a table lookup.  Prepare once,
 * encrypt many times; read-only afterwards (may be shared between threads). */
typedef struct {
    abe_policy_t pol;
    abe_lsss_t lsss;
    uint8_t enc[ABE_POL_MAX_ENCODED];
    size_t enc_len;
    uint16_t n1, n2, tau;
    uint16_t n_distinct;
    uint16_t row_attr[ABE_POL_MAX_LEAVES];     /* row -> distinct string */
    uint16_t distinct_row[ABE_POL_MAX_LEAVES]; /* distinct string -> its first row */
    bls_g1_affine_t h[ABE_POL_MAX_LEAVES];         /* H_A of distinct string j */
    bls_g1_fixed_base_t *tables;               /* n_distinct tables, or NULL */
} abe_prepared_t;

/* From policy text (abe_policy_parse) or from a canonical encoding
 * (abe_policy_decode, strict).  with_tables = 1 builds the fixed-base tables.
 * ABE_ERR_POLICY with err filled in on a bad policy. */
int abe_prepare_text(abe_prepared_t *pp, const char *text, size_t len,
                     int with_tables, abe_error_t *err);
int abe_prepare_encoded(abe_prepared_t *pp, const uint8_t *enc, size_t len,
                        int with_tables, abe_error_t *err);
void abe_prepared_clear(abe_prepared_t *pp);

/* abe_policy_parse_with_expiry, then prepared as abe_prepare_text does. */
int abe_prepare_with_expiry(abe_prepared_t *pp, const char *text, size_t len, const char *date,
                            int with_tables, abe_error_t *err);

/* ---- the CCA KEM (docs/abe.md) ----------------------------------------- */
#define ABE_KEM_KEY_BYTES 32
/* Largest ser(CT) of any policy within the limits. */
#define ABE_KEM_CT_MAX_BYTES (1 + 4 + ABE_POL_MAX_ENCODED + 1 + 96 * (1 + ABE_POL_MAX_OCC) + 2 + \
                              48 * ABE_POL_MAX_LEAVES + BLS_GT_BYTES)

/* Exact length of ser(CT) for a prepared policy. */
size_t abe_kem_ct_size(const abe_prepared_t *pp);

/* Encapsulates under a prepared policy (prepare it once with tables for a
 * policy used repeatedly).  Writes ser(CT) (abe_kem_ct_size(pp) bytes, at most
 * cap) and the 32-byte key.  Constant time in every secret. */
int abe_kem_encaps(const abe_mpk_t *mpk, const abe_prepared_t *pp,
                   uint8_t *ct, size_t cap, size_t *ct_len, uint8_t key[ABE_KEM_KEY_BYTES]);

/* Decapsulates.  hint, if not NULL, is a prepared policy used when its
 * encoding equals the ciphertext's (saves hashing); otherwise the policy is
 * prepared from the ciphertext.  Returns ABE_OK and the key, or
 * ABE_ERR_DECAPS (key zeroed) for any failure. */
int abe_kem_decaps(const abe_mpk_t *mpk, const abe_key_t *sk, const uint8_t *ct,
                   size_t ct_len, const abe_prepared_t *hint, uint8_t key[ABE_KEM_KEY_BYTES]);

/* ---- stored objects (docs/abe.md, "File formats") --------------------- */
typedef enum {
    ABE_OBJ_MPK = 1, ABE_OBJ_MSK = 2, ABE_OBJ_USER_KEY = 3, ABE_OBJ_CIPHERTEXT = 4
} abe_obj_type;

/* Encoders return a malloc'd buffer in *out (free it; for MSK and user keys
 * cleanse it first: abe_free_secret). */
int abe_encode_mpk(const abe_mpk_t *mpk, uint8_t **out, size_t *len);
int abe_encode_msk(const abe_msk_t *msk, const abe_mpk_t *mpk, uint8_t **out, size_t *len);
int abe_encode_key(const abe_key_t *key, uint8_t **out, size_t *len);
void abe_free_secret(uint8_t *buf, size_t len);

int abe_decode_mpk(abe_mpk_t *mpk, const uint8_t *in, size_t len);
/* mpk_id receives the id of the MPK the MSK belongs to. */
int abe_decode_msk(abe_msk_t *msk, uint8_t mpk_id[ABE_ID_BYTES], const uint8_t *in,
                   size_t len);
/* Decodes and validates a user key (err explains attribute problems). */
int abe_decode_key(abe_key_t *key, const uint8_t *in, size_t len, abe_error_t *err);
/* Checks a ciphertext object completely (policy, tau, n1, points) and
 * returns ser(CT) inside it; pp receives the prepared policy (no tables). */
int abe_decode_ct(const uint8_t *in, size_t len, const uint8_t **ser_ct, size_t *ser_len,
                  abe_prepared_t *pp);

/* Key fingerprint: SHA-256("ROAM-KEY-FP-v1" || mpk_id || I2OSP(u, 2) ||
 * user texts (each I2OSP(len, 2) || text) || ser(sk3)).  It names one issued
 * key and reveals nothing secret. */
int abe_key_fingerprint(const abe_key_t *key, uint8_t fp[32]);

/* ---- key files ------------------------------------------------------------
 * Armored roam objects on disk: bounded reading, de-armoring with the label
 * checked against the object type inside, and writing that never replaces
 * an existing file and gives secret objects (MSK, user keys) mode 0600 from
 * the moment the file exists.  Errors are written to err as one line that
 * names the file. */

/* Reads an armored object.  want = 0 accepts any type.  *obj is malloc'd
 * (abe_free_secret it).  0 or -1.  A secret (MSK, user key) is refused
 * when its file is accessible by group or others, or owned by neither the
 * caller nor root. */
int abe_keyfile_load(const char *path, abe_obj_type want, uint8_t **obj, size_t *len,
                     abe_obj_type *type, char *err, size_t errlen);

/* Armors obj (its type from its header) and writes it to a new file: mode
 * 0600 for MSK and user keys, 0644 otherwise.  0 or -1. */
int abe_keyfile_save(const char *path, const uint8_t *obj, size_t len, char *err, size_t errlen);

#endif
