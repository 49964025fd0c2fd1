/* libabe: CP-ABE for roam (FABEO on BLS12-381), the interface the rest of
 * roam uses.
 *
 * ABE_OK (0) or a negative abe_status is what every function of the
 * library that can fail returns (abe_keyfile_* return 0 or -1 and write a
 * message instead).  Functions that read text also fill an abe_error_t
 * with the byte offset of the problem and a message. */
#ifndef ROAM_ABE_H
#define ROAM_ABE_H

#include <stddef.h>
#include <stdint.h>

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

/* ---- errors with a position --------------------------------------------- */
#define POL_NO_POS ((size_t)-1)

typedef struct {
    int code;         /* an abe_status */
    size_t offset;    /* byte offset into the input, or POL_NO_POS */
    char msg[224];    /* "column N: ..." for text inputs */
} pol_error_t;

/* Resets err to ABE_OK with an empty message. */
void pol_error_clear(pol_error_t *err);

#endif
