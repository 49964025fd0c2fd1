/* Helpers shared by the FABEO / KEM / format tests: keys from '|'-separated
 * attribute lists, prepared policies from text, and one Encaps/Decaps round.
 * Allocation failures abort: these are tests. */
#ifndef ROAM_TESTS_TEST_KEM_UTIL_H
#define ROAM_TESTS_TEST_KEM_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fabeo.h"
#include "kem.h"

static inline void *tk_alloc(size_t n)
{
    void *p = calloc(1, n);
    if (p == NULL)
        abort();
    return p;
}

/* Splits list at '|' into the user texts; returns the fabeo status of
 * abe_key_set_attrs (the key is not generated yet). */
static inline int tk_key_attrs(abe_key_t *key, const char *list, abe_error_t *err)
{
    char *copy = strdup(list);
    const char *texts[ABE_MAX_USER_ATTRS];
    size_t n = 0;
    if (copy == NULL)
        abort();
    for (char *tok = strtok(copy, "|"); tok != NULL && n < ABE_MAX_USER_ATTRS;
         tok = strtok(NULL, "|"))
        texts[n++] = tok;
    int rc = abe_key_set_attrs(key, texts, n, err);
    free(copy);
    return rc;
}

/* A generated key for list, or NULL (with err) if the attributes are refused. */
static inline abe_key_t *tk_key(const abe_mpk_t *mpk, const abe_msk_t *msk,
                                const char *list, abe_error_t *err)
{
    abe_key_t *key = tk_alloc(sizeof *key);
    if (tk_key_attrs(key, list, err) != ABE_OK || abe_keygen(key, mpk, msk) != ABE_OK) {
        free(key);
        return NULL;
    }
    return key;
}

static inline void tk_key_free(abe_key_t *key)
{
    abe_key_clear(key);
    free(key);
}

/* A prepared policy for text, or NULL (with err). */
static inline abe_prepared_t *tk_policy(const char *text, int tables, abe_error_t *err)
{
    abe_prepared_t *pp = tk_alloc(sizeof *pp);
    if (abe_prepare_text(pp, text, strlen(text), tables, err) != ABE_OK) {
        free(pp);
        return NULL;
    }
    return pp;
}

static inline void tk_policy_free(abe_prepared_t *pp)
{
    if (pp != NULL)
        abe_prepared_clear(pp);
    free(pp);
}

/* Encaps under pp, Decaps with key (hint: pass pp or NULL).  Returns the
 * Decaps status; *same is 1 if both sides got the same key.  ct/ct_len
 * receive the ciphertext when not NULL (ct must hold ABE_KEM_CT_MAX_BYTES). */
static inline int tk_round(const abe_mpk_t *mpk, const abe_key_t *key,
                           const abe_prepared_t *pp, const abe_prepared_t *hint, int *same,
                           uint8_t *ct, size_t *ct_len)
{
    static uint8_t buf[ABE_KEM_CT_MAX_BYTES];
    uint8_t k1[ABE_KEM_KEY_BYTES], k2[ABE_KEM_KEY_BYTES];
    size_t len = 0;
    uint8_t *out = ct != NULL ? ct : buf;
    *same = 0;
    int rc = abe_kem_encaps(mpk, pp, out, ABE_KEM_CT_MAX_BYTES, &len, k1);
    if (rc != ABE_OK)
        return rc;
    if (ct_len != NULL)
        *ct_len = len;
    rc = abe_kem_decaps(mpk, key, out, len, hint, k2);
    *same = memcmp(k1, k2, sizeof k1) == 0;
    return rc;
}

#endif
